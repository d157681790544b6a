//! Who holds which desk, who may see a case, and how a case looks to its citizen and to
//! staff.
//!
//! A desk is held by a role: dispatch by `dispatcher`, supervision by `supervisor`, a
//! department's by its approvers, a hall's by its managers. Supervisors read every desk,
//! except a conduct complaint about their own department or hall: nobody sees a
//! complaint about themselves. An anonymous citizen is never named to staff.

use api::auth::Staff;
use model::feedback::{About, Desk, Extension, Feedback, Kind, Rated, Step};
use model::staff::StaffRole;
use model::{DeptCode, FreeText, HallId};
use serde::Serialize;

/// Whether `staff` holds `desk`: may act on its cases.
pub fn holds(staff: &Staff, desk: &Desk) -> bool {
    match desk {
        Desk::Dispatch => staff.has(StaffRole::Dispatcher),
        Desk::Supervision => staff.has(StaffRole::Supervisor),
        Desk::Dept(d) => staff.approves_for(d),
        Desk::Hall(h) => staff.has(StaffRole::HallManager) && staff.halls.contains(h),
    }
}

/// The desks a member holds, the first being the one their list shows by default.
pub fn desks_of(staff: &Staff) -> Vec<Desk> {
    let mut out = Vec::new();
    if let Some(d) = staff.approver_dept() {
        out.push(Desk::Dept(d.clone()));
    }
    if staff.has(StaffRole::HallManager) {
        out.extend(staff.halls.iter().cloned().map(Desk::Hall));
    }
    if staff.has(StaffRole::Dispatcher) {
        out.push(Desk::Dispatch);
    }
    if staff.has(StaffRole::Supervisor) {
        out.push(Desk::Supervision);
    }
    out
}

/// A conduct complaint about the member's own department or hall.
fn about_them(staff: &Staff, f: &Feedback) -> bool {
    f.conduct
        && (f.concerns_dept.as_ref().is_some_and(|d| staff.dept.as_ref() == Some(d))
            || f.concerns_hall.as_ref().is_some_and(|h| staff.halls.contains(h)))
}

/// Whether `staff` may see the case at all (otherwise it is 404, as if it did not exist).
pub fn sees(staff: &Staff, f: &Feedback) -> bool {
    !about_them(staff, f) && (holds(staff, &f.desk) || staff.has(StaffRole::Supervisor))
}

/// A step as the citizen sees it: the office's internal notes (why a case was returned or
/// more days asked for) stay inside.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OwnStep<'a> {
    at: &'a str,
    action: &'a str,
    by: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a FreeText>,
}

fn own_step(s: &Step) -> OwnStep<'_> {
    let by = if s.actor == "citizen" { "citizen" } else { "office" };
    let shown = matches!(s.action.as_str(), "reply" | "extension_approved" | "rate" | "reopen");
    OwnStep {
        at: &s.at,
        action: &s.action,
        by,
        note: s.note.as_ref().filter(|_| shown),
    }
}

/// A case as its citizen sees it, with the whole timeline.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnView<'a> {
    feedback_no: &'a str,
    kind: Kind,
    status: &'static str,
    content: &'a FreeText,
    #[serde(skip_serializing_if = "Option::is_none")]
    about: Option<&'a About>,
    conduct: bool,
    anonymous: bool,
    received_at: &'a str,
    due_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply: Option<&'a FreeText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rating: Option<&'a Rated>,
    reopened: bool,
    timeline: Vec<OwnStep<'a>>,
}

impl<'a> From<&'a Feedback> for OwnView<'a> {
    fn from(f: &'a Feedback) -> Self {
        OwnView {
            feedback_no: f.no.as_str(),
            kind: f.kind,
            status: f.status.as_str(),
            content: &f.content,
            about: f.about.as_ref(),
            conduct: f.conduct,
            anonymous: f.anonymous,
            received_at: &f.received_at,
            due_at: f.due_at(),
            reply: f.reply.as_ref(),
            rating: f.rating.as_ref(),
            reopened: f.reopened,
            timeline: f.steps.iter().map(own_step).collect(),
        }
    }
}

/// A case as staff see it: everything but an anonymous citizen.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffView<'a> {
    feedback_no: &'a str,
    kind: Kind,
    status: &'static str,
    desk: String,
    content: &'a FreeText,
    #[serde(skip_serializing_if = "Option::is_none")]
    about: Option<&'a About>,
    conduct: bool,
    anonymous: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    citizen_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concerns_dept: Option<&'a DeptCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concerns_hall: Option<&'a HallId>,
    source: model::feedback::Source,
    received_at: &'a str,
    due_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    dispatch_due: Option<&'a str>,
    overdue: bool,
    dispatch_overdue: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension: Option<&'a Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply: Option<&'a FreeText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rating: Option<&'a Rated>,
    reopened: bool,
    steps: &'a [Step],
    version: u64,
}

pub fn staff_view(f: &Feedback, today: jiff::civil::Date) -> StaffView<'_> {
    StaffView {
        feedback_no: f.no.as_str(),
        kind: f.kind,
        status: f.status.as_str(),
        desk: f.desk.key(),
        content: &f.content,
        about: f.about.as_ref(),
        conduct: f.conduct,
        anonymous: f.anonymous,
        citizen_id: (!f.anonymous).then(|| f.citizen_id.as_str()),
        concerns_dept: f.concerns_dept.as_ref(),
        concerns_hall: f.concerns_hall.as_ref(),
        source: f.source,
        received_at: &f.received_at,
        due_at: f.due_at(),
        dispatch_due: f.dispatch_due.as_deref(),
        overdue: f.overdue(today),
        dispatch_overdue: f.dispatch_overdue(today),
        extension: f.extension.as_ref(),
        reply: f.reply.as_ref(),
        rating: f.rating.as_ref(),
        reopened: f.reopened,
        steps: &f.steps,
        version: f.version,
    }
}
