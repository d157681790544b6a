//! The notifier's side of the outbox: taking a record to send, choosing its channel, and
//! recording how it ended; and the delivery reports WeChat pushes back later.
//!
//! A record moves `pending` → `sending` (a lease of a minute, so a crashed sender's records
//! are taken over) → `sent` or `failed` with a reason; a passing failure puts it back to
//! `pending` for the stream's retry. Every step is conditional on the step before, so a
//! redelivered stream batch, or two senders at once, send a record at most once.

use super::{AttributeValue, Client, Item, error_code, s, sdk_error};
use crate::StoreError;
use crate::tx::{Outcome, Transaction};
use aws_sdk_dynamodb::types::{ReturnValue, TransactWriteItem, Update};
use model::CitizenId;
use model::time::rfc3339;
use std::collections::BTreeMap;

const LEASE_S: i64 = 60;

/// The conditions of the notifier's transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    /// A consent is left to take.
    Consent,
    /// The record is still the sender's.
    Record,
}

/// A record taken for sending.
#[derive(Debug, Clone)]
pub struct Taken {
    pub id: String,
    pub kind: String,
    pub citizen: CitizenId,
    pub data: BTreeMap<String, String>,
    pub page: String,
    pub attempts: u32,
    /// `mp` or `oa`, once chosen; with the template it was chosen for.
    pub channel: Option<(String, String)>,
}

/// What taking a record found.
#[derive(Debug)]
pub enum Take {
    Ready(Taken),
    /// Already `sent` or `failed`: nothing to do.
    Finished,
    /// Another sender holds it; try again later.
    Busy,
    Missing,
}

#[derive(Debug, Clone)]
pub struct Deliveries {
    client: Client,
    table: String,
}

fn text(item: &Item, key: &str) -> Option<String> {
    item.get(key).and_then(|v| v.as_s().ok()).cloned()
}

impl Deliveries {
    pub fn new(client: Client, outbox_table: impl Into<String>) -> Self {
        Self {
            client,
            table: outbox_table.into(),
        }
    }

    pub async fn take(&self, id: &str, now: jiff::Timestamp) -> Result<Take, StoreError> {
        let t = now.as_second();
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id))
            .update_expression("SET #st = :sending, leaseUntil = :until ADD attempts :one")
            .condition_expression("attribute_exists(id) AND (#st = :pending OR (#st = :sending AND leaseUntil < :now))")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":until", AttributeValue::N(t.saturating_add(LEASE_S).to_string()))
            .expression_attribute_values(":now", AttributeValue::N(t.to_string()))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        let item = match result {
            Ok(out) => out.attributes.unwrap_or_default(),
            Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => {
                // Rare (a redelivery or a second sender), so one more read to say which.
                let out = self
                    .client
                    .get_item()
                    .table_name(&self.table)
                    .key("id", s(id))
                    .consistent_read(true)
                    .send()
                    .await
                    .map_err(|e| sdk_error("reading an outbox record", e))?;
                return Ok(match out.item.as_ref().and_then(|i| text(i, "status")).as_deref() {
                    None => Take::Missing,
                    Some("sending") => Take::Busy,
                    Some(_) => Take::Finished,
                });
            }
            Err(e) => return Err(sdk_error("taking an outbox record", e)),
        };
        let citizen = text(&item, "citizenId")
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| StoreError::Fault {
                what: "an outbox record without a citizen".into(),
                source: None,
            })?;
        let data = match item.get("data") {
            Some(AttributeValue::M(m)) => m
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_s().ok()?.clone())))
                .collect(),
            _ => BTreeMap::new(),
        };
        let attempts = item
            .get("attempts")
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        Ok(Take::Ready(Taken {
            id: id.to_owned(),
            kind: text(&item, "kind").unwrap_or_default(),
            citizen,
            data,
            page: text(&item, "page").unwrap_or_default(),
            attempts,
            channel: text(&item, "channel").zip(text(&item, "templateId")),
        }))
    }

    /// Chooses the mini-program channel and takes one of the citizen's consents for the
    /// template (`take_consent`, from the subscriptions), in one transaction; `false`
    /// (nothing written) if no consent is left.
    pub async fn choose_mp(
        &self,
        id: &str,
        take_consent: TransactWriteItem,
        template: &str,
    ) -> Result<bool, StoreError> {
        let choose = Update::builder()
            .table_name(&self.table)
            .key("id", s(id))
            .update_expression("SET channel = :mp, templateId = :t")
            .condition_expression("#st = :sending AND attribute_not_exists(channel)")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":mp", s("mp"))
            .expression_attribute_values(":t", s(template))
            .expression_attribute_values(":sending", s("sending"));
        let mut tx = Transaction::new("choosing a notification's channel");
        tx.item(Cond::Consent, take_consent);
        tx.update(Cond::Record, choose)?;
        match tx.run(&self.client).await? {
            Outcome::Done => Ok(true),
            o if o.refused(Cond::Consent) => Ok(false),
            Outcome::Refused(_) => Err(StoreError::Fault {
                what: "an outbox record changed while it was being sent".into(),
                source: None,
            }),
        }
    }

    /// The record was sent, with WeChat's message id and the record that remembers it for
    /// its delivery report (from the WeChat table) when WeChat gave one.
    pub async fn sent(
        &self,
        id: &str,
        channel: (&str, &str),
        delivery: Option<(String, TransactWriteItem)>,
        now: jiff::Timestamp,
    ) -> Result<(), StoreError> {
        let mut update = "SET #st = :sent, sentAt = :now, channel = :c, templateId = :t REMOVE leaseUntil".to_owned();
        let mut builder = Update::builder()
            .table_name(&self.table)
            .key("id", s(id))
            .condition_expression("#st = :sending")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":sent", s("sent"))
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":now", s(rfc3339(now)))
            .expression_attribute_values(":c", s(channel.0))
            .expression_attribute_values(":t", s(channel.1));
        let mut tx = Transaction::new("recording a sent notification");
        if let Some((msgid, record)) = delivery {
            update = update.replacen(" REMOVE", ", msgid = :m REMOVE", 1);
            builder = builder.expression_attribute_values(":m", s(msgid));
            tx.item(Cond::Record, record);
        }
        tx.update(Cond::Record, builder.update_expression(update))?;
        match tx.run(&self.client).await? {
            Outcome::Done => Ok(()),
            Outcome::Refused(_) => Err(StoreError::Fault {
                what: "an outbox record changed while it was being sent".into(),
                source: None,
            }),
        }
    }

    /// The record cannot be sent: why, for the district's records and the operators.
    pub async fn failed(&self, id: &str, reason: &str, now: jiff::Timestamp) -> Result<(), StoreError> {
        self.end(
            id,
            "SET #st = :failed, reason = :r, failedAt = :now REMOVE leaseUntil",
            reason,
            now,
        )
        .await
    }

    /// A passing failure: back to `pending` for the stream's retry, with the error seen.
    pub async fn retry_later(&self, id: &str, error: &str, now: jiff::Timestamp) -> Result<(), StoreError> {
        self.end(
            id,
            "SET #st = :pending, lastError = :r, lastTriedAt = :now REMOVE leaseUntil",
            error,
            now,
        )
        .await
    }

    async fn end(&self, id: &str, update: &str, reason: &str, now: jiff::Timestamp) -> Result<(), StoreError> {
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id))
            .update_expression(update)
            .condition_expression("#st = :sending")
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":r", s(reason.chars().take(500).collect::<String>()))
            .expression_attribute_values(":now", s(rfc3339(now)));
        req = if update.contains(":failed") {
            req.expression_attribute_values(":failed", s("failed"))
        } else {
            req.expression_attribute_values(":pending", s("pending"))
        };
        req.send()
            .await
            .map_err(|e| sdk_error("recording a notification's outcome", e))?;
        Ok(())
    }

    /// WeChat's report on a message it delivered (or could not); `false` if the
    /// notification is unknown.
    pub async fn delivered(&self, id: &str, status: &str, now: jiff::Timestamp) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("id", s(id))
            .update_expression("SET delivery = :d, deliveredAt = :now")
            .condition_expression("attribute_exists(id)")
            .expression_attribute_values(":d", s(status.chars().take(200).collect::<String>()))
            .expression_attribute_values(":now", s(rfc3339(now)))
            .send()
            .await;
        crate::conditional(result, "recording a delivery report")
    }
}
