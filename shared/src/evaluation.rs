//! Evaluation (好差评, 国办发〔2019〕51号, GB/T 39734/39735): what can be rated, on which
//! indicators, with which tags, and the 差评 rectification workflow.
//!
//! One rating per service instance: an application once completed (网上 一事一评) and a hall
//! visit once checked in (现场 一次一评). The evaluation id is derived from the instance
//! (`A<applicationNo>`, `B<bookingId>`), so "once only" is a condition on one key.

pub mod review;

pub use review::{FollowUp, Rated, Rating, Review, Step};

use crate::{Invalid, string_newtype_serde};
use std::str::FromStr;

/// `A` + an application number, or `B` + a booking id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EvaluationId(String);

impl EvaluationId {
    pub fn for_application(no: &crate::application::ApplicationNo) -> Self {
        Self(format!("A{no}"))
    }

    pub fn for_booking(id: &crate::booking::BookingId) -> Self {
        Self(format!("B{id}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for EvaluationId {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let bad = || Invalid::new("评价编号格式不正确");
        match raw.split_at_checked(1) {
            Some(("A", no)) => no.parse::<crate::application::ApplicationNo>().map_err(|_| bad())?,
            Some(("B", id)) => {
                id.parse::<crate::booking::BookingId>().map_err(|_| bad())?;
                return Ok(Self(raw.to_owned()));
            }
            _ => return Err(bad()),
        };
        Ok(Self(raw.to_owned()))
    }
}

impl std::fmt::Display for EvaluationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

string_newtype_serde!(EvaluationId);

/// 网上 (an application) or 现场 (a hall visit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    InPerson,
}

impl Channel {
    /// The national indicators of the channel.
    pub fn indicators(self) -> &'static [&'static str] {
        match self {
            Channel::Online => &["整体满意度", "办事效率", "办事指南精确度", "办事便捷度", "平台操作性"],
            Channel::InPerson => &["整体满意度", "服务效率", "服务水平", "服务态度"],
        }
    }
}

/// 1 非常不满意 … 5 非常满意.
pub fn valid_rating(r: u8) -> bool {
    (1..=5).contains(&r)
}

/// 差评: 不满意 or 非常不满意.
pub fn is_bad(r: u8) -> bool {
    r <= 2
}

/// The tags offered at each level.
pub fn tags(rating: u8) -> &'static [&'static str] {
    match rating {
        5 => &["办事效率高", "服务热情", "一次办好", "指引清晰"],
        4 => &["办理顺利", "态度较好", "流程清楚"],
        3 => &["基本满意", "等候时间较长", "流程可简化"],
        2 => &["等候时间长", "材料要求不清", "多次跑动", "态度一般"],
        1 => &["推诿扯皮", "态度恶劣", "办理超时", "乱收费", "多次跑动"],
        _ => &[],
    }
}

/// Where a review stands. Good reviews are `closed` at once; 差评 start pending verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Closed,
    PendingVerification,
    Rectifying,
    Rectified,
    /// Ruled invalid by its department, waiting for a supervisor's review (复核): it still
    /// counts until the ruling is upheld.
    PendingReview,
    Invalid,
    CannotRectify,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::PendingVerification => "pending_verification",
            Self::Rectifying => "rectifying",
            Self::Rectified => "rectified",
            Self::PendingReview => "pending_review",
            Self::Invalid => "invalid",
            Self::CannotRectify => "cannot_rectify",
        }
    }
}

impl FromStr for ReviewStatus {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned())).map_err(|_| Invalid::new("状态不正确"))
    }
}

/// What staff do with a 差评.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationAction {
    /// 回访核实: the citizen was called back and the complaint verified.
    Verify,
    /// 整改完成.
    Rectify,
    /// 误评 / 恶意差评, ruled invalid; needs a reason, and a supervisor's review (复核)
    /// before it takes effect.
    Invalidate,
    /// Cannot be rectified (policy, law); needs a reason.
    CannotRectify,
}

impl FromStr for RectificationAction {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| Invalid::new("action应为verify、rectify、invalidate或cannot_rectify"))
    }
}

impl RectificationAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Rectify => "rectify",
            Self::Invalidate => "invalidate",
            Self::CannotRectify => "cannot_rectify",
        }
    }

    /// Whether the action needs a written reason.
    pub fn needs_reason(self) -> bool {
        !matches!(self, Self::Verify)
    }
}

/// The workflow: verify first, then rectify or declare it cannot be; an invalid ruling any
/// time before an outcome, which waits for a supervisor's review.
pub fn next(from: ReviewStatus, action: RectificationAction) -> Option<ReviewStatus> {
    use RectificationAction as A;
    use ReviewStatus as S;
    match (from, action) {
        (S::PendingVerification, A::Verify) => Some(S::Rectifying),
        (S::Rectifying, A::Rectify) => Some(S::Rectified),
        (S::Rectifying, A::CannotRectify) => Some(S::CannotRectify),
        (S::PendingVerification | S::Rectifying, A::Invalidate) => Some(S::PendingReview),
        _ => None,
    }
}

/// A supervisor's review (复核) of a department's ruling that a 差评 was invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// The ruling stands: the rating leaves the figures, the citizen is told.
    Uphold,
    /// The ruling is overturned: the 差评 goes back to where the department left it.
    Overturn,
}

impl FromStr for ReviewDecision {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| Invalid::new("decision应为uphold或overturn"))
    }
}

impl ReviewDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uphold => "uphold",
            Self::Overturn => "overturn",
        }
    }

    /// Where a 差评 pending review goes: invalid, or back to rectification if the citizen
    /// was called back, else back to verification.
    pub fn next(self, called_back: bool) -> ReviewStatus {
        match (self, called_back) {
            (Self::Uphold, _) => ReviewStatus::Invalid,
            (Self::Overturn, true) => ReviewStatus::Rectifying,
            (Self::Overturn, false) => ReviewStatus::PendingVerification,
        }
    }
}

/// Whether a 差评's deadline (`YYYY-MM-DD`, the last day allowed) has passed on `today`.
pub fn overdue(due: Option<&str>, today: jiff::civil::Date) -> bool {
    due.and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .is_some_and(|d| today > d)
}

/// Working days to verify (回访核实) and to rectify a 差评.
pub const VERIFY_DAYS: u32 = 1;
pub const RECTIFY_DAYS: u32 = 15;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_what_was_rated() {
        assert!("ASQ20261201K7QX3M2P".parse::<EvaluationId>().is_ok());
        assert!("Bb0123456789abcdef0123".parse::<EvaluationId>().is_ok());
        for bad in ["", "A", "Xsq", "Bnot-a-booking", "Asq-1"] {
            assert!(bad.parse::<EvaluationId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_rectification_workflow_allows_only_its_steps() {
        use RectificationAction as A;
        use ReviewStatus as S;
        assert_eq!(next(S::PendingVerification, A::Rectify), None, "verify first");
        assert_eq!(next(S::PendingVerification, A::Verify), Some(S::Rectifying));
        assert_eq!(next(S::Rectifying, A::Rectify), Some(S::Rectified));
        assert_eq!(next(S::Rectified, A::Invalidate), None);
        assert_eq!(
            next(S::Rectifying, A::Invalidate),
            Some(S::PendingReview),
            "a ruling waits for 复核"
        );
        assert_eq!(
            next(S::PendingReview, A::Rectify),
            None,
            "nothing moves it but the review"
        );
        assert_eq!(ReviewDecision::Uphold.next(true), S::Invalid);
        assert_eq!(ReviewDecision::Overturn.next(true), S::Rectifying);
        assert_eq!(ReviewDecision::Overturn.next(false), S::PendingVerification);
        assert_eq!(next(S::Closed, A::Verify), None, "good reviews need no workflow");
        assert!(tags(1).contains(&"推诿扯皮") && tags(6).is_empty());
    }
}
