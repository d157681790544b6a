//! The supervision figures (营商环境监管): what each change of an application's case or of a
//! case of 咨询投诉 counts, for which unit (a department, or a desk that is not one), and
//! what the daily sweep measures of the state of things.
//!
//! Two kinds of figure. *Flows* are counted by the change itself, in its own transaction,
//! on the Shanghai day it happens: a case received, accepted, completed (on time, on the
//! spot), rejected (退件), sent back for correction (补正), denied (不予许可); a 咨询投诉
//! received or replied to. *Stocks* ("now": overdue, near due, acceptance decisions overdue,
//! 咨询投诉 open and overdue, 差评 not verified in time) depend on the clock as much as on changes, so the daily sweep
//! measures them through the indexes and records them for its day. The overview and the
//! trends read both from one item per unit and day, never from the records they count.

use crate::application::{Case, Status};
use crate::catalog::ItemKind;
use crate::feedback::{Desk, Feedback};

/// Counted by changes (`ADD`).
pub const RECEIVED: &str = "received";
pub const ACCEPTED: &str = "accepted";
pub const ON_THE_SPOT: &str = "onTheSpot";
pub const COMPLETED: &str = "completed";
pub const COMPLETED_ON_TIME: &str = "completedOnTime";
pub const REJECTED: &str = "rejected";
pub const CORRECTIONS: &str = "corrections";
pub const DENIED: &str = "denied";
pub const FEEDBACK_RECEIVED: &str = "feedbackReceived";
pub const FEEDBACK_REPLIED: &str = "feedbackReplied";

pub const FLOWS: &[&str] = &[
    RECEIVED,
    ACCEPTED,
    ON_THE_SPOT,
    COMPLETED,
    COMPLETED_ON_TIME,
    REJECTED,
    CORRECTIONS,
    DENIED,
    FEEDBACK_RECEIVED,
    FEEDBACK_REPLIED,
];

/// Measured by the daily sweep (`SET`), as of its day.
pub const OVERDUE: &str = "overdue";
pub const NEAR_DUE: &str = "nearDue";
pub const ACCEPTANCE_OVERDUE: &str = "acceptanceOverdue";
pub const FEEDBACK_OPEN: &str = "feedbackOpen";
pub const FEEDBACK_OVERDUE: &str = "feedbackOverdue";
/// 差评 still waiting for verification past their day.
pub const BAD_REVIEWS_OVERDUE: &str = "badReviewsOverdue";

pub const STOCKS: &[&str] = &[
    OVERDUE,
    NEAR_DUE,
    ACCEPTANCE_OVERDUE,
    FEEDBACK_OPEN,
    FEEDBACK_OVERDUE,
    BAD_REVIEWS_OVERDUE,
];

/// Working days after submission by which a department decides whether to accept
/// (行政许可法 §32: 五日内).
pub const ACCEPTANCE_DAYS: u32 = 5;

/// Whether `metric` is one of the figures.
pub fn known(metric: &str) -> bool {
    FLOWS.contains(&metric) || STOCKS.contains(&metric)
}

/// What a case's change from `was` (`None`: new) to its present state counts.
pub fn case_counts(was: Option<Status>, c: &Case) -> Vec<&'static str> {
    let mut out = Vec::new();
    match was {
        None => out.push(RECEIVED),
        Some(w) if w == c.status => return out,
        Some(_) => {}
    }
    // Accepted by this change: from submitted (a correction after acceptance returns the
    // case to accepted without a second acceptance), or completed at once (即办).
    let from_submitted = matches!(was, None | Some(Status::Submitted));
    match c.status {
        Status::Accepted if from_submitted => out.push(ACCEPTED),
        Status::CorrectionRequired => out.push(CORRECTIONS),
        Status::Rejected => out.push(REJECTED),
        Status::Denied => out.push(DENIED),
        Status::Completed => {
            if from_submitted {
                out.push(ACCEPTED);
            }
            out.push(COMPLETED);
            if c.on_time == Some(true) {
                out.push(COMPLETED_ON_TIME);
            }
            if c.kind == ItemKind::Instant && from_submitted {
                out.push(ON_THE_SPOT);
            }
        }
        _ => {}
    }
    out
}

/// The unit a desk's figures belong to: its department's code, or the desk's own key
/// (`hall:<id>`, `dispatch`, `supervision`).
pub fn desk_unit(desk: &Desk) -> String {
    desk.dept().map_or_else(|| desk.key(), ToString::to_string)
}

/// What a case of 咨询投诉 counts, as it now is, after its latest step: filed, or replied to.
pub fn feedback_counts(f: &Feedback) -> Option<(&'static str, String)> {
    let last = f.steps.last()?;
    let metric = match last.action.as_str() {
        "receive" => FEEDBACK_RECEIVED,
        "reply" => FEEDBACK_REPLIED,
        _ => return None,
    };
    Some((metric, desk_unit(&last.desk)))
}

#[cfg(test)]
mod tests;
