//! 督办 orders: a supervisor's written instruction to one department about one application,
//! case of 咨询投诉 or review (好差评), with the day it is due; the department answers, and
//! the supervisor closes the order or returns it for more.
//!
//! An order is `issued`, then `answered` by the department; a supervisor `returns` an
//! answer that is not enough (the department answers again) or `closes` the order, which
//! they may do at any step (the matter may have been settled another way). It is overdue
//! while it waits for the department past its due date. Every step is on the order's own
//! timeline, and in the audit trail.

use crate::application::ApplicationNo;
use crate::evaluation::EvaluationId;
use crate::feedback::FeedbackNo;
use crate::{DeptCode, FreeText, Invalid, LocalDate, string_newtype_serde};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Characters of an instruction and of a step's note.
pub const NOTE_CHARS: usize = 1000;

/// How far ahead a due date may be set.
pub const MAX_DAYS_AHEAD: i32 = 90;

/// `DB` + the date issued + 8 random characters of the application numbers' alphabet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrderId(String);

impl OrderId {
    pub fn generate(date: jiff::civil::Date) -> Self {
        Self(crate::application::dated_number("DB", date))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for OrderId {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        if crate::application::is_dated_number(raw, "DB") {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new("督办单号应为DB开头的18位数字和大写字母"))
        }
    }
}

impl std::fmt::Display for OrderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

string_newtype_serde!(OrderId);

/// What an order is about: exactly one of the three, as the request names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Subject {
    ApplicationNo(ApplicationNo),
    FeedbackNo(FeedbackNo),
    EvaluationId(EvaluationId),
}

impl Subject {
    /// Parses `{applicationNo | feedbackNo | evaluationId}`: one key, well formed.
    pub fn parse(raw: &serde_json::Value) -> Result<Self, Invalid> {
        let one = raw.as_object().filter(|o| o.len() == 1);
        let Some((key, value)) = one.and_then(|o| o.iter().next()) else {
            return Err(Invalid::new("应且仅应含applicationNo、feedbackNo或evaluationId之一"));
        };
        let text = value.as_str().ok_or(Invalid::new("编号应为字符串"))?;
        match key.as_str() {
            "applicationNo" => text.parse().map(Subject::ApplicationNo),
            "feedbackNo" => text.parse().map(Subject::FeedbackNo),
            "evaluationId" => text.parse().map(Subject::EvaluationId),
            _ => Err(Invalid::new("应且仅应含applicationNo、feedbackNo或evaluationId之一")),
        }
    }

    /// As the audit trail names subjects: `application:<no>`, `feedback:<no>`,
    /// `evaluation:<id>`, so an order's records sit beside the subject's own.
    pub fn key(&self) -> String {
        match self {
            Subject::ApplicationNo(no) => format!("application:{no}"),
            Subject::FeedbackNo(no) => format!("feedback:{no}"),
            Subject::EvaluationId(id) => format!("evaluation:{}", id.as_str()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for the department's first answer.
    Issued,
    /// The department answered; the supervisor reads it.
    Answered,
    /// Returned for more; waiting for the department again.
    Returned,
    Closed,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Issued => "issued",
            OrderStatus::Answered => "answered",
            OrderStatus::Returned => "returned",
            OrderStatus::Closed => "closed",
        }
    }

    /// Waiting for the department: its due date runs.
    pub fn awaits_dept(self) -> bool {
        matches!(self, OrderStatus::Issued | OrderStatus::Returned)
    }
}

impl FromStr for OrderStatus {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| Invalid::new("应为issued、answered、returned或closed"))
    }
}

/// One step of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStep {
    pub at: String,
    /// `issue`, `respond`, `return`, `close`.
    pub action: String,
    pub actor: String,
    pub note: FreeText,
}

/// A 督办单 as it is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: OrderId,
    pub subject: Subject,
    pub dept_code: DeptCode,
    pub instruction: FreeText,
    pub due_date: LocalDate,
    pub status: OrderStatus,
    pub issued_by: String,
    pub issued_at: String,
    pub steps: Vec<OrderStep>,
    /// Advanced by every step; the store writes on condition of the version read.
    pub version: u64,
}

/// What happens to an order after it is issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    /// The department answers (`issued` or `returned` → `answered`).
    Respond,
    /// The supervisor wants more (`answered` → `returned`).
    Return,
    /// The supervisor closes it (any open status → `closed`).
    Close,
}

impl OrderAction {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::Respond => "respond",
            OrderAction::Return => "return",
            OrderAction::Close => "close",
        }
    }
}

/// A step not possible from the order's status (409 `INVALID_TRANSITION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotNow;

/// Why a due date was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadDue {
    Past,
    TooFar,
}

impl Order {
    /// A new order, issued `now` by `by`; due on `due`, which is today or later and at most
    /// [`MAX_DAYS_AHEAD`] days ahead (both in Shanghai).
    pub fn issue(
        subject: Subject,
        dept_code: DeptCode,
        instruction: FreeText,
        due: LocalDate,
        by: &str,
        now: jiff::Timestamp,
    ) -> Result<Self, BadDue> {
        let today = crate::time::local(now).date();
        if due.date() < today {
            return Err(BadDue::Past);
        }
        if today
            .until(due.date())
            .map_or(true, |span| span.get_days() > MAX_DAYS_AHEAD)
        {
            return Err(BadDue::TooFar);
        }
        let at = crate::time::rfc3339(now);
        Ok(Self {
            id: OrderId::generate(today),
            subject,
            dept_code,
            due_date: due,
            status: OrderStatus::Issued,
            issued_by: by.to_owned(),
            issued_at: at.clone(),
            steps: vec![OrderStep {
                at,
                action: "issue".into(),
                actor: by.to_owned(),
                note: instruction.clone(),
            }],
            instruction,
            version: 1,
        })
    }

    /// Takes `action` with `note`, if the order's status allows it.
    pub fn step(&mut self, action: OrderAction, by: &str, note: FreeText, now: jiff::Timestamp) -> Result<(), NotNow> {
        let next = match (action, self.status) {
            (OrderAction::Respond, s) if s.awaits_dept() => OrderStatus::Answered,
            (OrderAction::Return, OrderStatus::Answered) => OrderStatus::Returned,
            (OrderAction::Close, s) if s != OrderStatus::Closed => OrderStatus::Closed,
            _ => return Err(NotNow),
        };
        self.status = next;
        self.steps.push(OrderStep {
            at: crate::time::rfc3339(now),
            action: action.as_str().into(),
            actor: by.to_owned(),
            note,
        });
        self.version = self.version.saturating_add(1);
        Ok(())
    }

    /// Waiting for the department past its due date, on `today`.
    pub fn overdue(&self, today: jiff::civil::Date) -> bool {
        self.status.awaits_dept() && self.due_date.date() < today
    }
}

#[cfg(test)]
mod tests;
