//! The services finished on a day, as a rating would name them: completed applications
//! (the `ByCompletedOn` index) and visits checked in at any hall (`ByHallDay`). The daily
//! run invites the citizens of three days ago to rate, and gives the rules' default to what
//! is still unrated at the end of the period.

use crate::App;
use api::ApiError;
use model::booking::BookingStatus;
use model::catalog::Hall;
use model::evaluation::{Channel, EvaluationId, Rated};
use model::{DeptCode, ItemCode, PackageCode};
use std::collections::HashMap;

/// What was finished on `day` (`YYYY-MM-DD`) at any of `halls` or online, each with the
/// id its rating takes.
pub async fn on(app: &App, halls: &[Hall], day: &str) -> Result<Vec<Rated>, ApiError> {
    let mut out = Vec::new();
    // A package's items, read once per run however many of its applications completed.
    let mut packages: HashMap<String, Vec<ItemCode>> = HashMap::new();
    for a in app.applications.completed_on(day).await? {
        let items = if a.subject_kind == "package" {
            match packages.get(&a.subject_code) {
                Some(items) => items.clone(),
                None => {
                    let code: Option<PackageCode> = a.subject_code.parse().ok();
                    let found = match code {
                        Some(c) => app.catalog.package(&c).await?.map(|p| p.item_codes).unwrap_or_default(),
                        None => vec![],
                    };
                    packages.insert(a.subject_code.clone(), found.clone());
                    found
                }
            }
        } else {
            a.subject_code.parse().ok().into_iter().collect()
        };
        let Some(dept) = a.dept_codes.first().cloned() else {
            continue;
        };
        out.push(Rated {
            id: EvaluationId::for_application(&a.application_no),
            channel: Channel::Online,
            subject: a.application_no.to_string(),
            subject_name: a.subject_name.clone(),
            citizen: a.citizen_id,
            item_codes: items,
            dept,
            dept_codes: a.dept_codes,
            hall_id: None,
            window_code: None,
            staff_id: None,
            enterprise: a.enterprise,
        });
    }
    // The departments of items, read once per run for the older bookings that need them.
    let mut depts: HashMap<ItemCode, Option<DeptCode>> = HashMap::new();
    for hall in halls {
        // Visits checked in, whether or not the window marked them served since.
        let visited = app
            .bookings
            .of_day(&hall.hall_id, day)
            .await?
            .into_iter()
            .filter(|b| matches!(b.status, BookingStatus::CheckedIn | BookingStatus::Completed));
        for b in visited {
            // Bookings made before they kept their department name it through their item.
            let dept = match b.dept_code.clone() {
                Some(d) => d,
                None => {
                    if !depts.contains_key(&b.item_code) {
                        let found = app.catalog.item(&b.item_code).await?.map(|i| i.dept_code);
                        depts.insert(b.item_code.clone(), found);
                    }
                    match depts.get(&b.item_code).cloned().flatten() {
                        Some(d) => d,
                        None => continue,
                    }
                }
            };
            out.push(Rated::visit(&b, dept));
        }
    }
    Ok(out)
}
