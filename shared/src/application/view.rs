//! How an application looks to its owner and to staff: status, timeline, deadlines,
//! cases and what to correct, with identity fields of the form masked.

use super::View;
use crate::WorkCalendar;
use crate::form::masked;
use serde_json::{Value, json};

/// Working days before the due date at which a case counts as near due (预警).
pub const NEAR_DUE_DAYS: u32 = 2;

/// `(near due, overdue)` for a due date seen on `today`.
pub fn due_flags(deadline: &str, today: jiff::civil::Date, cal: &WorkCalendar) -> (bool, bool) {
    let Ok(due) = deadline.parse::<jiff::civil::Date>() else {
        return (false, false);
    };
    if today > due {
        return (false, true);
    }
    (cal.working_days_between(today, due) <= NEAR_DUE_DAYS, false)
}

/// Who is looking: the applicant sees who acted as a department (and window), never a
/// member of staff's internal id; staff of the departments involved see that too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Applicant,
    Staff,
}

/// A timeline actor as recorded (`citizen`, `staff:<id>@<dept>`, `window:<id>` for a
/// window's intake): its kind, the department and the member of staff.
fn actor(recorded: &str) -> (&str, Option<&str>, Option<&str>) {
    if let Some(id) = recorded.strip_prefix("window:") {
        return ("window", None, Some(id));
    }
    if let Some(id) = recorded.strip_prefix("agent:") {
        return ("agent", None, Some(id));
    }
    match recorded.strip_prefix("staff:").and_then(|rest| rest.rsplit_once('@')) {
        Some((id, dept)) => ("staff", Some(dept), Some(id)),
        None => (recorded, None, None),
    }
}

pub fn present(v: &View, today: jiff::civil::Date, cal: &WorkCalendar, viewer: Viewer) -> Value {
    let a = &v.application;
    let cases: Vec<Value> = v
        .cases
        .iter()
        .map(|c| {
            let (near, over) = c
                .deadline
                .as_deref()
                .map_or((false, false), |d| due_flags(d, today, cal));
            json!({
                "itemCode": c.item_code, "itemName": c.item_name, "deptCode": c.dept,
                "status": c.status.as_str(), "statusText": c.status.text(),
                "acceptedAt": c.accepted_at, "deadline": c.deadline, "nearDue": near, "overdue": over,
                "clockStopped": c.remaining_days.is_some(), "correctionItems": c.correction_items,
                "legalDays": c.legal_days,
                "returnReason": c.return_reason.map(|r| json!({ "code": r.code(), "label": r.label() })),
                "decision": c.decision.as_ref().map(|d| json!({
                    "verdict": d.verdict, "basis": d.basis, "reason": d.reason, "at": d.at,
                })),
            })
        })
        .collect();
    let deadline = v.cases.iter().filter_map(|c| c.deadline.as_deref()).max();
    let timeline: Vec<Value> = v
        .timeline
        .iter()
        .map(|e| {
            let (kind, dept, staff) = actor(&e.actor);
            let mut entry = json!({
                "at": e.at, "status": e.status.as_str(), "action": e.action, "actor": kind,
                "deptCode": dept, "itemCode": e.item_code, "note": e.note,
            });
            if let (Viewer::Staff, Some(fields)) = (viewer, entry.as_object_mut()) {
                fields.insert("staffId".into(), json!(staff));
            }
            entry
        })
        .collect();
    json!({
        "applicationNo": a.application_no,
        "subjectKind": a.subject_kind,
        "subjectCode": a.subject_code,
        "subjectName": a.subject_name,
        "status": a.status.as_str(),
        "statusText": a.status.text(),
        "version": a.version,
        "submittedAt": a.submitted_at,
        "updatedAt": a.updated_at,
        "deadline": deadline,
        "form": masked(&a.form_fields, &a.form),
        "materials": a.materials,
        "timeline": timeline,
        "subCases": cases,
        "correction": a.correction,
        "channel": a.channel,
        "intakeWindowId": a.intake.as_ref().map(|i| i.window_id.as_str()),
        "enterprise": a.enterprise,
        "delivery": a.delivery,
        "delivered": a.delivered.as_ref().map(|d| json!({
            "method": d.method, "trackingNo": d.tracking_no, "at": d.at,
        })),
    })
}
