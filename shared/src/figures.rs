//! The supervision figures (营商环境监管): what each change of an application's case or of a
//! case of 咨询投诉 counts, for which unit (a department, or a desk that is not one), and
//! what the daily sweep measures of the state of things.
//!
//! Two kinds of figure. *Flows* are counted by the change itself, in its own transaction,
//! on the Shanghai day it happens: a case received, accepted, completed (on time, on the
//! spot), rejected (退件) and sent back for correction (补正), each also by its reason,
//! withdrawn while a correction was asked for, denied (不予许可); a 咨询投诉
//! received or replied to. *Stocks* ("now": overdue, near due, acceptance decisions overdue,
//! 咨询投诉 open and overdue, 差评 not verified in time) depend on the clock as much as on changes, so the daily sweep
//! measures them through the indexes and records them for its day. The overview and the
//! trends read both from one item per unit and day, never from the records they count.

use crate::application::{Case, ReturnReason, Status, UNSPECIFIED, reason_codes};
use crate::catalog::ItemKind;
use crate::feedback::{Desk, Feedback};
use std::sync::LazyLock;

/// Counted by changes (`ADD`).
pub const RECEIVED: &str = "received";
pub const ACCEPTED: &str = "accepted";
pub const ON_THE_SPOT: &str = "onTheSpot";
pub const COMPLETED: &str = "completed";
pub const COMPLETED_ON_TIME: &str = "completedOnTime";
pub const REJECTED: &str = "rejected";
pub const CORRECTIONS: &str = "corrections";
pub const DENIED: &str = "denied";
/// Withdrawn by the citizen while a correction was asked for: the third kind of 退件.
pub const WITHDRAWN_AFTER_CORRECTION: &str = "withdrawnAfterCorrection";
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
    WITHDRAWN_AFTER_CORRECTION,
    FEEDBACK_RECEIVED,
    FEEDBACK_REPLIED,
];

/// The returns counted by reason as well (`<flow>:<reason>`, e.g. `rejected:duplicate`).
pub const BY_REASON: [&str; 2] = [REJECTED, CORRECTIONS];

/// Every `<flow>:<reason>` figure, made once: the flows of [`BY_REASON`] by each category of
/// [`ReturnReason`] and [`UNSPECIFIED`].
pub static REASON_FLOWS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    BY_REASON
        .iter()
        .flat_map(|flow| reason_codes().map(move |r| &*String::leak(format!("{flow}:{r}"))))
        .collect()
});

/// The figure counting `flow` (one of [`BY_REASON`]) for `reason`.
pub fn by_reason(flow: &'static str, reason: Option<ReturnReason>) -> &'static str {
    let name = format!("{flow}:{}", reason.map_or(UNSPECIFIED, ReturnReason::code));
    REASON_FLOWS.iter().copied().find(|m| *m == name).unwrap_or(flow)
}

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

/// Whether `metric` is counted by changes: one of [`FLOWS`] or [`REASON_FLOWS`].
pub fn is_flow(metric: &str) -> bool {
    FLOWS.contains(&metric) || REASON_FLOWS.contains(&metric)
}

/// Whether `metric` is one of the figures.
pub fn known(metric: &str) -> bool {
    is_flow(metric) || STOCKS.contains(&metric)
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
        Status::CorrectionRequired => out.extend([CORRECTIONS, by_reason(CORRECTIONS, c.return_reason)]),
        Status::Rejected => out.extend([REJECTED, by_reason(REJECTED, c.return_reason)]),
        Status::Denied => out.push(DENIED),
        Status::Withdrawn if was == Some(Status::CorrectionRequired) => out.push(WITHDRAWN_AFTER_CORRECTION),
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
