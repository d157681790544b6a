//! 预警 (alerts): a condition the supervisors watch, raised once by the daily sweep for one
//! subject, pushed to the staff who answer for it, escalated to the supervisors when nobody
//! acknowledges it within a working day, and resolved when the condition ends.
//!
//! An alert's id names its condition and subject (`overdue.SQ20261202ABCD2345.RSJ-0001`),
//! so raising it twice is writing one id twice: the store's condition makes it once. Every
//! step is on the alert's timeline; a member of staff's acknowledgement is in the audit trail
//! too.

use crate::{Invalid, WorkCalendar};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The conditions watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// An accepted case due within two working days.
    NearDue,
    /// An accepted case past its due date.
    Overdue,
    /// No decision on acceptance five working days after submission (行政许可法 §32).
    AcceptanceOverdue,
    /// A case of 咨询投诉 open past its last day.
    FeedbackOverdue,
    /// A 差评 not verified by its day.
    VerificationOverdue,
    /// A 督办 order waiting for the department past its due date.
    OrderOverdue,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::NearDue => "near_due",
            AlertKind::Overdue => "overdue",
            AlertKind::AcceptanceOverdue => "acceptance_overdue",
            AlertKind::FeedbackOverdue => "feedback_overdue",
            AlertKind::VerificationOverdue => "verification_overdue",
            AlertKind::OrderOverdue => "order_overdue",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            AlertKind::NearDue => "办件临近办结时限",
            AlertKind::Overdue => "办件已超期",
            AlertKind::AcceptanceOverdue => "提交超过5个工作日未作受理决定",
            AlertKind::FeedbackOverdue => "咨询投诉超期未答复",
            AlertKind::VerificationOverdue => "差评超期未核实",
            AlertKind::OrderOverdue => "督办单超期未反馈",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Open,
    Acknowledged,
    /// Not acknowledged within a working day: the supervisors were told.
    Escalated,
    /// The condition ended.
    Resolved,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Escalated => "escalated",
            AlertStatus::Resolved => "resolved",
        }
    }
}

impl FromStr for AlertStatus {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| Invalid::new("应为open、acknowledged、escalated或resolved"))
    }
}

/// An alert's id as a path names it: letters, digits, `.`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertId(String);

impl FromStr for AlertId {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let ok = (3..=100).contains(&raw.len())
            && raw.contains('.')
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new("预警编号格式不正确"))
        }
    }
}

impl AlertId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One step of an alert: `raise`, `push`, `acknowledge`, `escalate`, `resolve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStep {
    pub at: String,
    pub action: String,
    /// `system`, or the member of staff's id.
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<crate::FreeText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub id: String,
    pub kind: AlertKind,
    /// What it is about, as the audit trail names subjects (`application:<no>`, …).
    pub subject: String,
    /// Who answers for it: a department's code, or a desk's key (`hall:<id>`, `dispatch`).
    pub unit: String,
    pub status: AlertStatus,
    /// The Shanghai day it was raised (`YYYY-MM-DD`).
    pub raised_on: String,
    pub steps: Vec<AlertStep>,
    pub version: u64,
}

/// A step not possible from the alert's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotNow;

impl Alert {
    /// The alert of `kind` about `subject`, `reference` naming it within its kind (a case's
    /// `<no>.<itemCode>`, a number), raised now for `unit`.
    pub fn raise(kind: AlertKind, reference: &str, subject: String, unit: String, now: jiff::Timestamp) -> Self {
        Self {
            id: format!("{}.{reference}", kind.as_str()),
            kind,
            subject,
            unit,
            status: AlertStatus::Open,
            raised_on: crate::time::local(now).date().to_string(),
            steps: vec![step("raise", "system", None, now)],
            version: 1,
        }
    }

    fn push(&mut self, s: AlertStep) {
        self.steps.push(s);
        self.version = self.version.saturating_add(1);
    }

    /// Records a push to `n` members of staff (or its failure, to try again next sweep).
    pub fn pushed(&mut self, to: usize, ok: bool, now: jiff::Timestamp) {
        let what = if ok {
            format!("推送{to}人")
        } else {
            "推送失败，下次巡查重试".into()
        };
        let note = crate::FreeText::parse(&what, 100).ok();
        self.push(step(if ok { "push" } else { "push_failed" }, "system", note, now));
    }

    /// Whether the staff it now goes to (its unit's when raised, the supervisors' once
    /// escalated) have not been told yet: no push since it was raised or escalated, or the
    /// last one failed. The next sweep pushes again.
    pub fn push_pending(&self) -> bool {
        let told = |s: &&AlertStep| matches!(s.action.as_str(), "raise" | "escalate" | "push" | "push_failed");
        self.steps.iter().rev().find(told).is_none_or(|s| s.action != "push")
    }

    /// Who is told: the supervisors once escalated, the unit before.
    pub fn audience(&self) -> &str {
        if self.status == AlertStatus::Escalated {
            "supervision"
        } else {
            &self.unit
        }
    }

    /// A member of staff saw it and acts.
    pub fn acknowledge(&mut self, by: &str, note: crate::FreeText, now: jiff::Timestamp) -> Result<(), NotNow> {
        if !matches!(self.status, AlertStatus::Open | AlertStatus::Escalated) {
            return Err(NotNow);
        }
        self.status = AlertStatus::Acknowledged;
        self.push(step("acknowledge", by, Some(note), now));
        Ok(())
    }

    /// Open and unacknowledged for a whole working day after the day it was raised.
    pub fn escalation_due(&self, today: jiff::civil::Date, cal: &WorkCalendar) -> bool {
        self.status == AlertStatus::Open
            && self
                .raised_on
                .parse::<jiff::civil::Date>()
                .is_ok_and(|d| today >= cal.add_working_days(d, 1))
    }

    pub fn escalate(&mut self, now: jiff::Timestamp) {
        self.status = AlertStatus::Escalated;
        self.push(step("escalate", "system", None, now));
    }

    /// The condition ended.
    pub fn resolve(&mut self, now: jiff::Timestamp) {
        self.status = AlertStatus::Resolved;
        self.push(step("resolve", "system", None, now));
    }

    /// The message staff get: what, about which subject, since when.
    pub fn message(&self) -> String {
        let lead = if self.status == AlertStatus::Escalated {
            "【预警升级·一个工作日未签收】"
        } else {
            "【预警】"
        };
        format!(
            "{lead}{}：{}（{}，{}起）。请登录指尖办工作台签收处理。",
            self.kind.text(),
            self.subject,
            self.unit,
            self.raised_on
        )
    }
}

fn step(action: &str, actor: &str, note: Option<crate::FreeText>, now: jiff::Timestamp) -> AlertStep {
    AlertStep {
        at: crate::time::rfc3339(now),
        action: action.into(),
        actor: actor.into(),
        note,
    }
}

#[cfg(test)]
mod tests;
