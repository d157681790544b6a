//! 差评 past their deadlines: not verified within a working day, or not rectified within
//! fifteen. Counted each day per department through the reviews' `ByDept` index (open
//! statuses only), and published as the `OverdueBadReviews` metric that an alarm watches.

use crate::App;
use api::ApiError;
use model::evaluation::{self, ReviewStatus};

/// Overdue 差评 across every department on `today`.
pub async fn count(app: &App, today: jiff::civil::Date) -> Result<u32, ApiError> {
    let late = |due: Option<&str>| evaluation::overdue(due, today);
    let mut overdue: u32 = 0;
    for dept in app.catalog.departments().await? {
        for (status, pick) in [
            (ReviewStatus::PendingVerification, true),
            (ReviewStatus::Rectifying, false),
        ] {
            let mut after = None;
            loop {
                let (reviews, next) = app
                    .evaluations
                    .for_dept(&dept.code, Some(status), after.as_ref(), 100)
                    .await?;
                let late_here = reviews
                    .iter()
                    .filter(|r| {
                        if pick {
                            late(r.verify_due.as_deref())
                        } else {
                            late(r.rectify_due.as_deref())
                        }
                    })
                    .count();
                overdue = overdue.saturating_add(u32::try_from(late_here).unwrap_or(u32::MAX));
                match next {
                    Some(cursor) => after = Some(cursor),
                    None => break,
                }
            }
        }
    }
    Ok(overdue)
}
