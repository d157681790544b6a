//! 代办: an application a community station's agent prepared for a citizen, waiting for the
//! citizen to confirm it in the mini-program. Nothing reaches a department until they do;
//! a request not confirmed by `expiresAt` lapses (the store's TTL removes it, and the
//! confirmation's own condition refuses it before that).

use super::{Delivery, Intake, MaterialRef};
use crate::notification::{Kind, Notification};
use crate::time::{local, rfc3339};
use crate::{CitizenId, FreeText};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the agent prepared, as kept until the citizen answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentRequest {
    pub id: String,
    pub citizen_id: CitizenId,
    /// `item` or `package`, and its code: read again from the catalog on confirmation.
    pub subject_kind: String,
    pub subject_code: String,
    pub subject_name: String,
    /// The station's window and the agent: the application's intake once confirmed.
    pub intake: Intake,
    pub hall_name: String,
    pub form: serde_json::Map<String, serde_json::Value>,
    /// The form's fields, so its identity fields are shown masked.
    pub form_fields: Vec<crate::catalog::FormField>,
    pub materials: Vec<MaterialRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    pub phone_last4: String,
    /// Why the agent prepared it, in their words (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<FreeText>,
    pub requested_at: String,
    /// When it lapses (RFC 3339); stored apart from the table's numeric TTL, `expiresAt`.
    pub lapses_at: String,
    /// `lapses_at` in epoch seconds: the TTL (`expiresAt`), and the confirmation's condition.
    pub expires_epoch: i64,
}

impl ConsentRequest {
    /// Whether it may still be confirmed at `now`.
    pub fn open(&self, now: jiff::Timestamp) -> bool {
        now.as_second() < self.expires_epoch
    }

    /// The WeChat notice asking the citizen to confirm, with what, where and until when.
    pub fn notice(&self) -> Notification {
        let expires = self
            .lapses_at
            .parse::<jiff::Timestamp>()
            .map(|t| local(t).strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        Notification {
            kind: Kind::ConsentRequest,
            citizen: self.citizen_id.clone(),
            cause: self.id.clone(),
            source: format!("consent:{}", self.id),
            page: format!("pages/consents/detail?id={}", self.id),
            data: BTreeMap::from([
                ("subjectName", self.subject_name.clone()),
                ("hallName", self.hall_name.clone()),
                ("expiresAt", expires),
            ]),
        }
    }
}

/// A consent request of `hours` from `now`: its expiry as text and as epoch seconds.
pub fn expiry(now: jiff::Timestamp, hours: u32) -> (String, i64) {
    let epoch = now.as_second().saturating_add(i64::from(hours).saturating_mul(3600));
    let at = jiff::Timestamp::from_second(epoch).map_or_else(|_| rfc3339(now), rfc3339);
    (at, epoch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_lapses_at_its_expiry_and_its_notice_says_when_in_beijing_time() {
        let now: jiff::Timestamp = "2026-12-02T15:30:00Z".parse().unwrap();
        let (at, epoch) = expiry(now, 24);
        let hall: crate::HallId = "tuzhu-yuetai".parse().unwrap();
        let r = ConsentRequest {
            id: "p1".into(),
            citizen_id: "c22624165c1e69492ec47e0c6".parse().unwrap(),
            subject_kind: "item".into(),
            subject_code: "MZJ-0001".into(),
            subject_name: "事项".into(),
            intake: Intake {
                window_id: crate::staff::WindowId::new(&hall, "A").unwrap(),
                staff: "s1".into(),
            },
            hall_name: "月台村便民服务站".into(),
            form: serde_json::Map::new(),
            form_fields: vec![],
            materials: vec![],
            delivery: None,
            phone_last4: "5678".into(),
            note: None,
            requested_at: rfc3339(now),
            lapses_at: at,
            expires_epoch: epoch,
        };
        assert!(r.open(now));
        assert!(!r.open(jiff::Timestamp::from_second(epoch).unwrap()));
        // 15:30 UTC is 23:30 in Beijing; a day later, the same.
        assert_eq!(r.notice().data["expiresAt"], "2026-12-03 23:30");
    }
}
