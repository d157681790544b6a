//! A case of 咨询投诉 as it is kept, and its lifecycle: each step checks the status it
//! starts from, records itself on the timeline and advances the version the store writes on
//! condition of. Who may take a step (which desk, which role) is the function's to check.

use super::about::Filed;
use super::{About, Source};
use super::{Action, DISPATCH_DAYS, Desk, FeedbackNo, Kind, Satisfaction, Status};
use crate::time::rfc3339;
use crate::{CitizenId, DeptCode, FreeText, HallId, WorkCalendar};
use serde::{Deserialize, Serialize};

/// One step of the timeline: when, what, by whom (`citizen`, or a member of staff's id),
/// at which desk, with what note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub at: String,
    pub action: String,
    pub actor: String,
    pub desk: Desk,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<FreeText>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionStatus {
    Pending,
    Approved,
    Denied,
}

/// The one extension a desk may ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Extension {
    pub days: u32,
    pub reason: FreeText,
    pub requested_at: String,
    pub status: ExtensionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

/// The citizen's rating of the reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rated {
    pub result: Satisfaction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<FreeText>,
    pub at: String,
}

/// A desk's step with what it needs: `assign` a department, `request_extension` the days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskStep {
    Assign(DeptCode),
    Reply,
    RequestExtension(u32),
    Return,
}

impl DeskStep {
    pub fn action(&self) -> Action {
        match self {
            DeskStep::Assign(_) => Action::Assign,
            DeskStep::Reply => Action::Reply,
            DeskStep::RequestExtension(_) => Action::RequestExtension,
            DeskStep::Return => Action::Return,
        }
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not from the case's status (409 `INVALID_TRANSITION`).
    InvalidTransition,
    /// An extension was asked for already (422 `EXTENSION_NOT_ALLOWED`).
    ExtensionNotAllowed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Feedback {
    pub no: FeedbackNo,
    pub kind: Kind,
    pub citizen_id: CitizenId,
    pub anonymous: bool,
    /// A complaint about staff conduct (行政效能): the supervisors' alone.
    pub conduct: bool,
    pub content: FreeText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<About>,
    /// The department and hall it concerns, resolved when filed: staff of these never see a
    /// conduct complaint about them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concerns_dept: Option<DeptCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concerns_hall: Option<HallId>,
    pub source: Source,
    pub desk: Desk,
    pub status: Status,
    pub received_at: String,
    /// The last working day to reply (`YYYY-MM-DD`).
    pub due: String,
    /// The last working day for dispatch to assign it, while it waits there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Extension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<FreeText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rated>,
    /// Handled again (重办) after an unsatisfied rating; that happens once.
    pub reopened: bool,
    pub steps: Vec<Step>,
    pub version: u64,
    pub updated_at: String,
}

fn day(d: jiff::civil::Date) -> String {
    d.strftime("%Y-%m-%d").to_string()
}

impl Feedback {
    /// A case filed now, on `desk` (dispatch when it names nothing), concerning the
    /// department and hall given.
    pub fn file(
        no: FeedbackNo,
        citizen: CitizenId,
        filed: Filed,
        desk: Desk,
        concerns: (Option<DeptCode>, Option<HallId>),
        now: jiff::Timestamp,
        calendar: &WorkCalendar,
    ) -> Self {
        let today = crate::time::local(now).date();
        let at = rfc3339(now);
        let at_dispatch = desk == Desk::Dispatch;
        let first = Step {
            at: at.clone(),
            action: "receive".into(),
            actor: "citizen".into(),
            desk: desk.clone(),
            note: None,
        };
        Self {
            no,
            kind: filed.kind,
            citizen_id: citizen,
            anonymous: filed.anonymous,
            conduct: filed.conduct,
            content: filed.content,
            about: filed.about,
            concerns_dept: concerns.0,
            concerns_hall: concerns.1,
            source: filed.source,
            desk,
            status: Status::Received,
            received_at: at.clone(),
            due: day(calendar.add_working_days(today, filed.kind.limit_days())),
            dispatch_due: at_dispatch.then(|| day(calendar.add_working_days(today, DISPATCH_DAYS))),
            extension: None,
            reply: None,
            rating: None,
            reopened: false,
            steps: vec![first],
            version: 1,
            updated_at: at,
        }
    }

    /// The end of the last day allowed, as the API shows `dueAt`.
    pub fn due_at(&self) -> String {
        format!("{}T23:59:59+08:00", self.due)
    }

    /// Open past its last day.
    pub fn overdue(&self, today: jiff::civil::Date) -> bool {
        self.status.is_open() && self.due.parse::<jiff::civil::Date>().is_ok_and(|d| today > d)
    }

    /// Waiting at dispatch past its day.
    pub fn dispatch_overdue(&self, today: jiff::civil::Date) -> bool {
        self.desk == Desk::Dispatch
            && self.status == Status::Received
            && self
                .dispatch_due
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .is_some_and(|d| today > d)
    }

    fn record(&mut self, action: &str, actor: &str, note: Option<FreeText>, now: jiff::Timestamp) {
        let at = rfc3339(now);
        self.steps.push(Step {
            at: at.clone(),
            action: action.into(),
            actor: actor.into(),
            desk: self.desk.clone(),
            note,
        });
        self.version = self.version.saturating_add(1);
        self.updated_at = at;
    }

    /// A desk's step; the function has checked that `actor` holds the case's desk.
    pub fn act(
        &mut self,
        step: DeskStep,
        actor: &str,
        note: FreeText,
        now: jiff::Timestamp,
        calendar: &WorkCalendar,
    ) -> Result<(), Refused> {
        let today = crate::time::local(now).date();
        let action = step.action();
        // Open, and with the desk that answers it rather than waiting to be dispatched.
        let at_a_desk = self.status.is_open() && self.desk != Desk::Dispatch;
        match step {
            DeskStep::Assign(to) => {
                if self.status != Status::Received || self.desk != Desk::Dispatch {
                    return Err(Refused::InvalidTransition);
                }
                self.desk = Desk::Dept(to);
                self.status = Status::Assigned;
                self.dispatch_due = None;
            }
            DeskStep::Reply => {
                if !at_a_desk {
                    return Err(Refused::InvalidTransition);
                }
                self.status = Status::Replied;
                self.reply = Some(note.clone());
            }
            DeskStep::RequestExtension(days) => {
                if !at_a_desk {
                    return Err(Refused::InvalidTransition);
                }
                if self.extension.is_some() {
                    return Err(Refused::ExtensionNotAllowed);
                }
                self.extension = Some(Extension {
                    days,
                    reason: note.clone(),
                    requested_at: rfc3339(now),
                    status: ExtensionStatus::Pending,
                    decided_at: None,
                });
            }
            DeskStep::Return => {
                // A conduct complaint stays with the supervisors: dispatch would hand it
                // to a department.
                if !at_a_desk || self.conduct {
                    return Err(Refused::InvalidTransition);
                }
                self.desk = Desk::Dispatch;
                self.status = Status::Received;
                self.dispatch_due = Some(day(calendar.add_working_days(today, DISPATCH_DAYS)));
            }
        }
        self.record(action.as_str(), actor, Some(note), now);
        Ok(())
    }

    /// A supervisor's decision on the pending extension: approved, the due day moves on by
    /// the days asked, in working days.
    pub fn decide_extension(
        &mut self,
        approve: bool,
        actor: &str,
        note: FreeText,
        now: jiff::Timestamp,
        calendar: &WorkCalendar,
    ) -> Result<(), Refused> {
        let ext = match &mut self.extension {
            Some(e) if e.status == ExtensionStatus::Pending && self.status.is_open() => e,
            _ => return Err(Refused::InvalidTransition),
        };
        ext.status = if approve {
            ExtensionStatus::Approved
        } else {
            ExtensionStatus::Denied
        };
        ext.decided_at = Some(rfc3339(now));
        if approve {
            let days = ext.days;
            if let Ok(due) = self.due.parse::<jiff::civil::Date>() {
                self.due = day(calendar.add_working_days(due, days));
            }
        }
        let action = if approve {
            "extension_approved"
        } else {
            "extension_denied"
        };
        self.record(action, actor, Some(note), now);
        Ok(())
    }

    /// The citizen rates the reply. `unsatisfied` the first time sends the case back to
    /// its desk with the kind's full limit again (重办); any other rating closes it.
    pub fn rate(
        &mut self,
        result: Satisfaction,
        comment: Option<FreeText>,
        now: jiff::Timestamp,
        calendar: &WorkCalendar,
    ) -> Result<(), Refused> {
        if self.status != Status::Replied {
            return Err(Refused::InvalidTransition);
        }
        self.rating = Some(Rated {
            result,
            comment: comment.clone(),
            at: rfc3339(now),
        });
        let again = result == Satisfaction::Unsatisfied && !self.reopened;
        if again {
            let today = crate::time::local(now).date();
            self.status = Status::Assigned;
            self.reopened = true;
            self.reply = None;
            self.due = day(calendar.add_working_days(today, self.kind.limit_days()));
        } else {
            self.status = Status::Closed;
        }
        self.record(if again { "reopen" } else { "rate" }, "citizen", comment, now);
        Ok(())
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
