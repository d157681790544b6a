//! Consultations and complaints (咨询投诉): numbers, kinds and their time limits, the desks
//! that answer them, and the lifecycle every desk follows.
//!
//! A case is filed by a citizen (the mini-program, or a text to the official account that
//! starts with 咨询 or 投诉) and lands on one desk: the department or hall it is about, the
//! supervisors for a complaint about staff conduct (行政效能), or the dispatch desk when it
//! names nothing. The desk replies within the kind's limit (12345 practice: 3 working days
//! for a consultation or a request for help, 13 for a complaint or a suggestion, counted
//! from the day after receipt), may ask once for more days, which a supervisor decides, or
//! returns what is not its own to dispatch. The citizen rates the reply; `unsatisfied`
//! sends it back to the desk once (重办).

mod about;
mod notice;
mod record;

pub use about::{About, Filed, Source};
pub use record::{DeskStep, Extension, ExtensionStatus, Feedback, Rated, Refused, Step};

use crate::{DeptCode, HallId, Invalid, string_newtype_serde};
use std::str::FromStr;

/// `FK` + the date received + 8 random characters of the application numbers' alphabet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FeedbackNo(String);

impl FeedbackNo {
    pub fn generate(date: jiff::civil::Date) -> Self {
        Self(crate::application::dated_number("FK", date))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for FeedbackNo {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        if crate::application::is_dated_number(raw, "FK") {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new("编号应为FK开头的18位数字和大写字母"))
        }
    }
}

impl std::fmt::Display for FeedbackNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

string_newtype_serde!(FeedbackNo);

/// What the citizen raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Consultation,
    Complaint,
    Suggestion,
    Help,
}

impl Kind {
    /// Working days to reply, from the day after receipt.
    pub fn limit_days(self) -> u32 {
        match self {
            Kind::Consultation | Kind::Help => 3,
            Kind::Complaint | Kind::Suggestion => 13,
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Kind::Consultation => "咨询",
            Kind::Complaint => "投诉",
            Kind::Suggestion => "建议",
            Kind::Help => "求助",
        }
    }
}

impl FromStr for Kind {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| Invalid::new("应为consultation、complaint、suggestion或help"))
    }
}

/// Where a case is answered. Kept as text: `dispatch`, `supervision`, `dept:<code>`,
/// `hall:<hallId>`, which is also its queue's index key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Desk {
    /// The dispatch desk (派单): cases that name nothing, and cases returned as not ours.
    Dispatch,
    /// The supervisors (纪检监察): complaints about staff conduct.
    Supervision,
    Dept(DeptCode),
    Hall(HallId),
}

impl Desk {
    pub fn key(&self) -> String {
        match self {
            Desk::Dispatch => "dispatch".into(),
            Desk::Supervision => "supervision".into(),
            Desk::Dept(d) => format!("dept:{d}"),
            Desk::Hall(h) => format!("hall:{h}"),
        }
    }

    /// The department it is, for the figures kept per department.
    pub fn dept(&self) -> Option<&DeptCode> {
        match self {
            Desk::Dept(d) => Some(d),
            _ => None,
        }
    }
}

impl FromStr for Desk {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let bad = || Invalid::new("应为dispatch、supervision、dept:<部门代码>或hall:<大厅编号>");
        match raw.split_once(':') {
            None if raw == "dispatch" => Ok(Desk::Dispatch),
            None if raw == "supervision" => Ok(Desk::Supervision),
            Some(("dept", d)) => d.parse().map(Desk::Dept).map_err(|_| bad()),
            Some(("hall", h)) => h.parse().map(Desk::Hall).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key())
    }
}

impl serde::Serialize for Desk {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

impl<'de> serde::Deserialize<'de> for Desk {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// Where a case stands: `received` as filed (on the desk it was routed to, or at dispatch),
/// `assigned` once dispatch handed it to a department or a reply was rated unsatisfied
/// (重办), `replied` waiting for the citizen's rating, `closed` once rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Received,
    Assigned,
    Replied,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Assigned => "assigned",
            Status::Replied => "replied",
            Status::Closed => "closed",
        }
    }

    /// Waiting for the office: its clock runs.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Received | Status::Assigned)
    }

    pub fn text(self) -> &'static str {
        match self {
            Status::Received => "已受理",
            Status::Assigned => "办理中",
            Status::Replied => "已答复",
            Status::Closed => "已办结",
        }
    }
}

impl FromStr for Status {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| Invalid::new("应为received、assigned、replied或closed"))
    }
}

/// What a desk does with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Dispatch hands it to a department (`deptCode`).
    Assign,
    /// The desk answers (`note` is the answer).
    Reply,
    /// Once, `days` more working days, until a supervisor decides.
    RequestExtension,
    /// Not ours: back to dispatch.
    Return,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Assign => "assign",
            Action::Reply => "reply",
            Action::RequestExtension => "request_extension",
            Action::Return => "return",
        }
    }
}

impl FromStr for Action {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| Invalid::new("应为assign、reply、request_extension或return"))
    }
}

/// The citizen's rating of a reply (回访).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Unsatisfied,
}

impl FromStr for Satisfaction {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| Invalid::new("应为satisfied、basically_satisfied或unsatisfied"))
    }
}

/// The dispatch desk assigns within one working day.
pub const DISPATCH_DAYS: u32 = 1;

/// Characters of a case's text, of a desk's note, of a rating's comment.
pub const CONTENT_CHARS: usize = 1000;
pub const NOTE_CHARS: usize = 1000;
pub const COMMENT_CHARS: usize = 300;
