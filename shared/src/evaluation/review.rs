//! A review (好差评) as it is kept: what was rated, the rating, and the 差评 workflow's steps;
//! made whole by [`Review::new`] from what was rated and the rating given.

use super::{Channel, EvaluationId, RECTIFY_DAYS, ReviewStatus, VERIFY_DAYS, is_bad};
use crate::{CitizenId, DeptCode, FreeText, ItemCode, WorkCalendar};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The 追评: one follow-up comment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUp {
    pub comment: FreeText,
    pub at: String,
}

/// One step of the 差评 workflow, with who and when.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub at: String,
    pub action: String,
    pub actor: String,
    pub note: Option<FreeText>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub id: EvaluationId,
    pub channel: Channel,
    /// The application number or the booking id rated.
    pub subject: String,
    pub subject_name: String,
    pub citizen_id: CitizenId,
    pub anonymous: bool,
    pub rating: u8,
    pub indicators: BTreeMap<String, u8>,
    pub tags: Vec<String>,
    pub comment: Option<FreeText>,
    pub follow_up: Option<FollowUp>,
    pub item_codes: Vec<ItemCode>,
    /// The department that answers for the review (a package's first).
    pub dept: DeptCode,
    pub dept_codes: Vec<DeptCode>,
    pub hall_id: Option<String>,
    pub window_code: Option<String>,
    pub staff_id: Option<String>,
    pub month: String,
    pub created_at: String,
    pub status: ReviewStatus,
    pub verify_due: Option<String>,
    pub rectify_due: Option<String>,
    pub steps: Vec<Step>,
    pub version: u64,
    /// Given by the rules, not the citizen: a completed matter left unrated past the
    /// province's period. Reported apart from the citizens' own ratings.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub defaulted: bool,
    /// The enterprise the rated service was for (法人): its rating, given by the member
    /// who made the application or the booking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<crate::enterprise::Acting>,
}

impl Review {
    /// Whether the citizen was called back (回访核实): `Some(true)` if within the limit
    /// (`verifyDue`, Beijing date), `Some(false)` if late, `None` if not called back.
    pub fn called_back(&self) -> Option<bool> {
        let verified = self.steps.iter().find(|s| s.action == "verify")?;
        let day = verified
            .at
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| crate::time::local(t).date());
        Some(
            match (
                day,
                self.verify_due
                    .as_deref()
                    .and_then(|d| d.parse::<jiff::civil::Date>().ok()),
            ) {
                (Some(day), Some(due)) => day <= due,
                _ => false,
            },
        )
    }

    /// The counter changes of calling back (`sign` 1) or of taking it back out of the
    /// figures (-1, a review ruled invalid): 回访率 is on-time call-backs over 差评.
    pub fn callback_deltas(&self, sign: i64) -> Vec<(&'static str, i64)> {
        match self.called_back() {
            Some(true) => vec![("calledBack", sign), ("calledBackOnTime", sign)],
            Some(false) => vec![("calledBack", sign)],
            None => vec![],
        }
    }

    /// The (dimension, value) pairs this review counts under.
    pub fn dimensions(&self) -> Vec<(&'static str, String)> {
        let mut dims = vec![("all", "ALL".to_owned())];
        dims.extend(self.dept_codes.iter().map(|d| ("dept", d.to_string())));
        dims.extend(self.item_codes.iter().map(|i| ("item", i.to_string())));
        if let Some(h) = &self.hall_id {
            dims.push(("hall", h.clone()));
            if let Some(w) = &self.window_code {
                dims.push(("window", format!("{h}:{w}")));
            }
        }
        if let Some(st) = &self.staff_id {
            dims.push(("staff", st.clone()));
        }
        dims
    }
}

/// What was rated: the service instance, and who and what it involved.
#[derive(Debug, Clone)]
pub struct Rated {
    pub id: EvaluationId,
    pub channel: Channel,
    pub subject: String,
    pub subject_name: String,
    pub citizen: CitizenId,
    pub item_codes: Vec<ItemCode>,
    pub dept: DeptCode,
    pub dept_codes: Vec<DeptCode>,
    pub hall_id: Option<String>,
    pub window_code: Option<String>,
    pub staff_id: Option<String>,
    pub enterprise: Option<crate::enterprise::Acting>,
}

impl Rated {
    /// A checked-in hall visit, as its rating names it; `dept` the department of its item.
    pub fn visit(b: &crate::booking::Booking, dept: DeptCode) -> Self {
        Rated {
            id: EvaluationId::for_booking(&b.id),
            channel: Channel::InPerson,
            subject: b.id.to_string(),
            subject_name: format!("{}（{}）", b.item_name, b.hall_name),
            citizen: b.citizen_id.clone(),
            item_codes: vec![b.item_code.clone()],
            dept: dept.clone(),
            dept_codes: vec![dept],
            hall_id: Some(b.hall_id.to_string()),
            window_code: Some(b.window_code.clone()),
            staff_id: b.checked_in_by.clone(),
            enterprise: b.enterprise.clone(),
        }
    }
}

/// A rating as given: checked against the channel's indicators and the level's tags.
#[derive(Debug, Clone)]
pub struct Rating {
    pub rating: u8,
    pub indicators: BTreeMap<String, u8>,
    pub tags: Vec<String>,
    pub comment: Option<FreeText>,
    pub anonymous: bool,
}

impl Review {
    /// The review of a rating: a 差评 starts its workflow with its due dates (verification in
    /// 1 working day, rectification in 15), a good one is closed at once.
    pub fn new(rated: Rated, given: Rating, now: jiff::Timestamp, cal: &WorkCalendar) -> Self {
        let today = crate::time::local(now).date();
        let bad = is_bad(given.rating);
        let due = |days| bad.then(|| cal.add_working_days(today, days).strftime("%Y-%m-%d").to_string());
        Review {
            id: rated.id,
            channel: rated.channel,
            subject: rated.subject,
            subject_name: rated.subject_name,
            citizen_id: rated.citizen,
            anonymous: given.anonymous,
            rating: given.rating,
            indicators: given.indicators,
            tags: given.tags,
            comment: given.comment,
            follow_up: None,
            item_codes: rated.item_codes,
            dept: rated.dept,
            dept_codes: rated.dept_codes,
            hall_id: rated.hall_id,
            window_code: rated.window_code,
            staff_id: rated.staff_id,
            month: today.strftime("%Y-%m").to_string(),
            created_at: crate::time::rfc3339(now),
            status: if bad {
                ReviewStatus::PendingVerification
            } else {
                ReviewStatus::Closed
            },
            verify_due: due(VERIFY_DAYS),
            rectify_due: due(RECTIFY_DAYS),
            steps: vec![],
            version: 1,
            defaulted: false,
            enterprise: rated.enterprise,
        }
    }

    /// The default rating the province's rules give a matter left unrated past their period:
    /// closed at once (a default is never a 差评: the setting refuses one).
    pub fn by_default(rated: Rated, rating: u8, now: jiff::Timestamp, cal: &WorkCalendar) -> Self {
        let given = Rating {
            rating,
            indicators: BTreeMap::new(),
            tags: vec![],
            comment: None,
            anonymous: false,
        };
        Review {
            defaulted: true,
            status: ReviewStatus::Closed,
            verify_due: None,
            rectify_due: None,
            ..Review::new(rated, given, now, cal)
        }
    }
}
