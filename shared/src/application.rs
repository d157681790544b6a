//! Applications (申报): numbers, statuses, staff actions and the state machine that decides
//! which action may follow which status.
//!
//! An application holds one case per item: a single item gives one case, a 一件事 package one
//! case per item, each owned by the item's department. Staff move cases; the application's
//! own status is derived from its cases ([`derived_status`]).

pub mod consent;
pub mod documents;
mod outcome;
pub mod plan;
mod record;
mod returns;
pub mod view;

pub use outcome::{Decision, Delivered, Delivery, DeliveryMethod, Verdict};
pub use plan::{Plan, Planned, Step};
pub use record::{
    Application, Case, Channel, Correction, Intake, MaterialRef, Subject, Submission, TimelineEntry, Upload, View,
};
pub use returns::{ReturnReason, UNSPECIFIED, reason_codes};

use crate::{Invalid, string_newtype_serde};
use std::str::FromStr;

/// Crockford's base32 alphabet: capitals and digits without I, L, O, U, so a number read
/// out at the window is not misheard.
pub(crate) const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `SQ` + the submission date + 8 random characters: 18 characters, digits and capitals.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApplicationNo(String);

/// `prefix` + `date` (`YYYYMMDD`) + 8 random characters of [`ALPHABET`]: the shape of the
/// numbers people read out and type in (申报 `SQ`, 咨询投诉 `FK`, 督办 `DB`).
pub(crate) fn dated_number(prefix: &str, date: jiff::civil::Date) -> String {
    let bytes: [u8; 8] = super::random::bytes();
    let tail: String = bytes
        .iter()
        .filter_map(|b| ALPHABET.get(usize::from(b & 31)).map(|c| char::from(*c)))
        .collect();
    format!("{prefix}{}{tail}", date.strftime("%Y%m%d"))
}

/// Whether `raw` has the shape [`dated_number`] gives with `prefix`.
pub(crate) fn is_dated_number(raw: &str, prefix: &str) -> bool {
    let Some(rest) = raw.strip_prefix(prefix) else {
        return false;
    };
    let (date, tail) = rest.as_bytes().split_at_checked(8).unwrap_or((b"", b""));
    date.len() == 8
        && date.iter().all(u8::is_ascii_digit)
        && tail.len() == 8
        && tail.iter().all(|c| ALPHABET.contains(c))
}

impl ApplicationNo {
    pub fn generate(date: jiff::civil::Date) -> Self {
        Self(dated_number("SQ", date))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ApplicationNo {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let b = raw.as_bytes();
        let ok = (4..=20).contains(&b.len()) && b.iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new("申报编号应为不超过20位的数字和大写字母"))
        }
    }
}

impl std::fmt::Display for ApplicationNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

string_newtype_serde!(ApplicationNo);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    CorrectionRequired,
    Accepted,
    Rejected,
    Completed,
    Withdrawn,
    /// 不予许可: accepted, reviewed and refused, with the legal basis and the reason.
    Denied,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::CorrectionRequired => "correction_required",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Completed => "completed",
            Status::Withdrawn => "withdrawn",
            Status::Denied => "denied",
        }
    }

    /// 已提交, 待补正 … as the citizen reads it.
    pub fn text(self) -> &'static str {
        match self {
            Status::Submitted => "已提交",
            Status::CorrectionRequired => "待补正",
            Status::Accepted => "已受理",
            Status::Rejected => "不予受理",
            Status::Completed => "已办结",
            Status::Withdrawn => "已撤回",
            Status::Denied => "不予许可",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Rejected | Status::Completed | Status::Withdrawn | Status::Denied
        )
    }
}

impl FromStr for Status {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned())).map_err(|_| {
            Invalid::new("状态应为submitted、correction_required、accepted、rejected、completed、withdrawn或denied")
        })
    }
}

/// What staff do to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Accept,
    RequestCorrection,
    Reject,
    Complete,
    /// 准予 or 不予许可 on an accepted case ([`Verdict`]).
    Decide,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::RequestCorrection => "request_correction",
            Action::Reject => "reject",
            Action::Complete => "complete",
            Action::Decide => "decide",
        }
    }
}

impl FromStr for Action {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| Invalid::new("action应为accept、request_correction、reject、decide或complete"))
    }
}

/// The status a staff action leads to from `from`, or `None` when the machine forbids it.
/// `instant` is a 即办件, which may be completed on the spot straight from `submitted`. A
/// decision is taken on an accepted case: approving keeps it `accepted` until `complete`
/// ([`decided`]), denying ends it.
pub fn next(from: Status, action: Action, instant: bool) -> Option<Status> {
    use Action::*;
    use Status::*;
    match (from, action) {
        (Accepted, Decide) => Some(Accepted),
        (Submitted, Accept) => Some(Accepted),
        (Submitted, RequestCorrection) | (Accepted, RequestCorrection) => Some(CorrectionRequired),
        (Submitted, Reject) => Some(Rejected),
        (Submitted, Complete) if instant => Some(Completed),
        (Accepted, Complete) => Some(Completed),
        _ => None,
    }
}

/// The status a decision leaves an accepted case in.
pub fn decided(verdict: Verdict) -> Status {
    match verdict {
        Verdict::Approve => Status::Accepted,
        Verdict::Deny => Status::Denied,
    }
}

/// Whether the citizen may withdraw from `from`: any time before a decision.
pub fn may_withdraw(from: Status) -> bool {
    matches!(from, Status::Submitted | Status::CorrectionRequired | Status::Accepted)
}

/// The application's status from its cases: a correction anywhere is what the citizen must
/// act on; then work in progress; an application is completed when every case that was not
/// refused is completed.
pub fn derived_status(cases: &[Status]) -> Status {
    use Status::*;
    if cases.is_empty() {
        return Submitted;
    }
    if cases.contains(&CorrectionRequired) {
        return CorrectionRequired;
    }
    if cases.contains(&Submitted) {
        return Submitted;
    }
    if cases.contains(&Accepted) {
        return Accepted;
    }
    // Every case is decided. Something done makes it completed; else a withdrawal (of what
    // a refusal left) makes it withdrawn; else a denial after review; else it was refused.
    if cases.contains(&Completed) {
        Completed
    } else if cases.contains(&Withdrawn) {
        Withdrawn
    } else if cases.contains(&Denied) {
        Denied
    } else {
        Rejected
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn a_package_withdrawn_after_one_case_was_refused_is_withdrawn_not_completed() {
        // Found by the property test in tests/properties.rs.
        assert_eq!(derived_status(&[Rejected, Withdrawn]), Withdrawn);
        assert_eq!(derived_status(&[Rejected, Completed]), Completed);
        assert_eq!(derived_status(&[Rejected, Rejected]), Rejected);
    }

    #[test]
    fn numbers_are_short_unique_and_refuse_lowercase_or_symbols() {
        let d = jiff::civil::date(2026, 12, 1);
        let a = ApplicationNo::generate(d);
        assert_eq!(a.as_str().len(), 18);
        assert!(a.as_str().starts_with("SQ20261201"));
        assert_ne!(a, ApplicationNo::generate(d));
        assert_eq!(a.as_str().parse::<ApplicationNo>().unwrap(), a);
        for bad in ["sq123", "SQ-1", "A".repeat(21).as_str(), "SQ"] {
            assert!(bad.parse::<ApplicationNo>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_machine_allows_only_the_documented_moves() {
        assert_eq!(next(Submitted, Action::Accept, false), Some(Accepted));
        assert_eq!(next(Accepted, Action::Complete, false), Some(Completed));
        assert_eq!(
            next(Submitted, Action::Complete, false),
            None,
            "a 承诺件 is accepted first"
        );
        assert_eq!(
            next(Submitted, Action::Complete, true),
            Some(Completed),
            "即办件 on the spot"
        );
        assert_eq!(
            next(Accepted, Action::RequestCorrection, false),
            Some(CorrectionRequired)
        );
        assert_eq!(next(Accepted, Action::Reject, false), None);
        for done in [Rejected, Completed, Withdrawn, CorrectionRequired] {
            for a in [
                Action::Accept,
                Action::RequestCorrection,
                Action::Reject,
                Action::Complete,
            ] {
                assert_eq!(next(done, a, true), None, "{done:?} {a:?}");
            }
        }
    }

    #[test]
    fn the_application_status_follows_its_cases() {
        assert_eq!(derived_status(&[Accepted, CorrectionRequired]), CorrectionRequired);
        assert_eq!(derived_status(&[Accepted, Submitted]), Submitted);
        assert_eq!(derived_status(&[Accepted, Completed]), Accepted);
        assert_eq!(derived_status(&[Completed, Rejected]), Completed);
        assert_eq!(derived_status(&[Rejected, Rejected]), Rejected);
        assert_eq!(derived_status(&[Withdrawn]), Withdrawn);
    }
}
