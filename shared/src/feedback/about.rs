//! What a citizen files: the kind, the text, what it is about, and where it came in.

use super::Kind;
use crate::application::ApplicationNo;
use crate::booking::BookingId;
use crate::{DeptCode, FreeText, HallId, Invalid, ItemCode};
use serde::{Deserialize, Serialize};

/// What a case is about, as the citizen named it: `{"applicationNo": "SQ…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum About {
    ApplicationNo(ApplicationNo),
    BookingId(BookingId),
    DeptCode(DeptCode),
    ItemCode(ItemCode),
    HallId(HallId),
}

impl About {
    /// Exactly one of the five keys, well formed.
    pub fn parse(raw: &serde_json::Value) -> Result<Self, Invalid> {
        match raw.as_object() {
            Some(m) if m.len() == 1 => {}
            _ => {
                return Err(Invalid::new(
                    "应只含applicationNo、bookingId、deptCode、itemCode或hallId之一",
                ));
            }
        }
        serde_json::from_value(raw.clone()).map_err(|_| Invalid::new("关联对象的编号格式不正确"))
    }
}

/// Where the case came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    MiniProgram,
    OfficialAccount,
}

/// What the citizen sent, parsed.
#[derive(Debug, Clone)]
pub struct Filed {
    pub kind: Kind,
    pub content: FreeText,
    pub about: Option<About>,
    pub conduct: bool,
    pub anonymous: bool,
    pub source: Source,
}
