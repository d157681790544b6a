//! The notifications outbox: one record per notification a citizen should receive, written
//! in the same transaction as the change it announces, and sent by the notifier from the
//! table's stream.
//!
//! Key schema: `id` (S), deterministic per cause (`booking-confirmed#<bookingId>`,
//! `booking-reminder#<bookingId>`, `application-accepted#<no>#<item>#<version>`), so writing a record is idempotent: a retried request or
//! a second sweep cannot queue the same notification twice (the put is conditional).
//!
//! | attribute | meaning |
//! |---|---|
//! | kind | what happened: `booking_confirmed`, `booking_reminder`, … |
//! | citizenId | who is told; the notifier resolves the openid and their accepted templates |
//! | data | template fields by name (item, hall, time, code): never ID numbers or phones |
//! | page | the mini-program page the message opens |
//! | source | the record that caused it (`booking:<id>`) |
//! | status | `pending`, `sending` (leased by a notifier until `leaseUntil`), then `sent` or `failed` with `reason` |
//! | attempts | takes so far; `lastError` the last passing failure |
//! | channel, templateId | `mp` or `oa` and the template, once chosen (store/delivery.rs) |
//! | msgid, sentAt, delivery | WeChat's message id, and its delivery report when the callback gets one |
//! | createdAt, expiresAt | RFC 3339; epoch seconds for TTL (90 days) |
//!
//! Access patterns: `Put` (conditional) inside the writer's transaction; the notifier reads
//! the stream and takes, sends and finishes each record by `id` with conditional updates
//! (store/delivery.rs); the callback records delivery reports by `id`.

use super::{AttributeValue, Item, s};
use crate::StoreError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
pub use model::notification::{Kind, Notification};
use model::time::rfc3339;

const RETENTION_DAYS: i64 = 90;

/// The outbox record of a notification.
fn record(note: &Notification, now: jiff::Timestamp) -> Item {
    let data = note.data.iter().map(|(k, v)| ((*k).to_owned(), s(v.clone()))).collect();
    let mut item = Item::new();
    item.insert("id".into(), s(note.id()));
    item.insert("kind".into(), s(note.kind.as_str()));
    item.insert("citizenId".into(), s(note.citizen.as_str()));
    item.insert("data".into(), AttributeValue::M(data));
    item.insert("page".into(), s(note.page.clone()));
    item.insert("source".into(), s(note.source.clone()));
    item.insert("status".into(), s("pending"));
    item.insert("attempts".into(), AttributeValue::N("0".into()));
    item.insert("createdAt".into(), s(rfc3339(now)));
    item.insert(
        "expiresAt".into(),
        AttributeValue::N(now.as_second().saturating_add(RETENTION_DAYS * 86_400).to_string()),
    );
    item
}

/// The notification's conditional put, for the transaction of the change it announces: a
/// record with its id is never overwritten.
pub fn item(note: &Notification, table: &str, now: jiff::Timestamp) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(record(note, now)))
        .condition_expression("attribute_not_exists(id)")
        .build()
        .map_err(|e| StoreError::fault("building an outbox record", e))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Writes notifications outside a transaction (the sweepers' reminders and invitations).
#[derive(Debug, Clone)]
pub struct Outbox {
    client: super::Client,
    table: String,
}

impl Outbox {
    pub fn new(client: super::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Writes a notification unless one with its id exists; `true` if written.
    pub async fn notify(&self, note: &Notification, now: jiff::Timestamp) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(record(note, now)))
            .condition_expression("attribute_not_exists(id)")
            .send()
            .await;
        crate::conditional(result, "writing an outbox record")
    }
}
