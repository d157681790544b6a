//! The audit trail (留痕): every staff action and every opening of personal data or
//! materials, who did it, in which role, to what, when and why.
//!
//! Key schema: `pk` (S), `sk` (S); indexes `BySubject` (`subject`, `sk`) and `ByDay`
//! (`day`, `sk`). No TTL: records are kept for years.
//!
//! | item | pk | sk | attributes |
//! |---|---|---|---|
//! | a record | `A#<actor>` | `<at>#<id>` | the [`Record`], `day` (`YYYY-MM-DD`, Shanghai) |
//!
//! Append-only by construction: records are only ever `Put` on the condition that the key
//! is new, nothing in the code updates or deletes one, and the functions' IAM policies on
//! this table grant `PutItem` and reads alone (template.yaml; `tests/template.rs` checks).
//! A record of an action is an item of the action's own transaction, so an action is never
//! without its record nor a record without its action; an opening (a material, an
//! identity) is appended before what was opened is handed out.
//!
//! Supervisors read it by member, by subject or day by day (`read`: `Trail::read`).

mod read;

pub use read::Filter;

use crate::{Client, StoreError, s, sdk_error, to_item};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use model::FreeText;
use model::time::local;
use serde::{Deserialize, Serialize};

/// One audited act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub id: String,
    /// RFC 3339 in Shanghai, to the millisecond (the sort key's first part).
    pub at: String,
    /// The member of staff's id.
    pub actor: String,
    /// Their roles when they acted: `window,approver`.
    pub roles: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dept: Option<String>,
    /// What was done: `staff.sign_in`, `staff.create`, `staff.update`, `booking.check_in`,
    /// `application.<action>`, `evaluation.<action>`, `material.open`, `identity.open`.
    pub action: String,
    /// What it was done to: `application:<no>`, `booking:<id>`, `staff:<id>`, …
    pub subject: String,
    /// Why, where the act needs a reason (opening an identity) or carries a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<FreeText>,
    /// The API request it came with, to find its log lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Record {
    /// A record of `action` on `subject` by `actor` now.
    pub fn new(
        actor: &str,
        roles: String,
        dept: Option<String>,
        action: impl Into<String>,
        subject: impl Into<String>,
        now: jiff::Timestamp,
    ) -> Self {
        Self {
            id: crate::random_id(""),
            // Milliseconds: one member's records of one second keep the order they came in.
            at: model::time::rfc3339_millis(now),
            actor: actor.to_owned(),
            roles,
            dept,
            action: action.into(),
            subject: subject.into(),
            reason: None,
            request_id: None,
        }
    }

    pub fn because(mut self, reason: Option<FreeText>) -> Self {
        self.reason = reason;
        self
    }

    pub fn request(mut self, id: Option<String>) -> Self {
        self.request_id = id;
        self
    }
}

/// Where records are written.
#[derive(Debug, Clone)]
pub struct Trail {
    client: Client,
    table: String,
}

impl Trail {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn put(&self, r: &Record) -> Result<Put, StoreError> {
        let at: jiff::Timestamp =
            r.at.parse()
                .map_err(|e| StoreError::fault("an audit record's time", e))?;
        let mut item = to_item(
            r,
            &[("pk", format!("A#{}", r.actor)), ("sk", format!("{}#{}", r.at, r.id))],
        )?;
        item.insert("day".into(), s(local(at).date().to_string()));
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(|e| StoreError::fault("building an audit record", e))
    }

    /// The record as an item of the action's own transaction.
    pub fn item(&self, r: &Record) -> Result<TransactWriteItem, StoreError> {
        Ok(TransactWriteItem::builder().put(self.put(r)?).build())
    }

    /// Appends a record of an act that writes nothing else (an opening, a sign-in).
    pub async fn append(&self, r: &Record) -> Result<(), StoreError> {
        let put = self.put(r)?;
        self.client
            .put_item()
            .table_name(put.table_name())
            .set_item(Some(put.item().clone()))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(|e| sdk_error("appending an audit record", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Record;

    #[test]
    fn records_of_one_second_sort_in_the_order_they_were_made() {
        let t = |ms: i64| jiff::Timestamp::from_millisecond(1_796_234_000_000 + ms).unwrap();
        let a = Record::new("s1", "window".into(), None, "queue.call", "ticket:x", t(5));
        let b = Record::new("s1", "window".into(), None, "queue.served", "ticket:x", t(870));
        assert_eq!(a.at, "2026-12-03T01:53:20.005+08:00");
        assert!(a.at < b.at);
        assert!(a.at.parse::<jiff::Timestamp>().is_ok());
    }
}
