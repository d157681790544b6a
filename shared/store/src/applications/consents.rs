//! 代办 consent requests in the applications table: what a station's agent prepared for a
//! citizen, until the citizen confirms or declines it, or it lapses.
//!
//! | record | pk | sk |
//! |---|---|---|
//! | a consent request (`expiresAt`: epoch seconds, the TTL) | `CONSENT#<citizenId>` | `<id>` |
//!
//! Access patterns: the agent's request is one transaction (the request, the citizen's
//! WeChat notice in the outbox, the agent's audit record); the citizen's list is one `Query`
//! of their partition; confirming deletes the request inside the application's own
//! transaction ([`ApplicationStore::consumed`]), on the condition it is there and not
//! lapsed, so a request is submitted at most once and never after its time.

use super::ApplicationStore;
use crate::outbox::Notification;
use crate::tx::{Outcome, Transaction};
use crate::{AttributeValue, Item, StoreError, from_item, s, sdk_error, to_item};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use model::CitizenId;
use model::application::consent::ConsentRequest;

fn key(citizen: &CitizenId, id: &str) -> Item {
    Item::from([
        ("pk".to_owned(), s(format!("CONSENT#{citizen}"))),
        ("sk".to_owned(), s(id)),
    ])
}

fn epoch(now: jiff::Timestamp) -> AttributeValue {
    AttributeValue::N(now.as_second().to_string())
}

/// Present, and not lapsed at `:now`.
const OPEN: &str = "attribute_exists(pk) AND expiresAt > :now";

fn without_keys(mut item: Item) -> Item {
    for k in ["pk", "sk", "expiresAt"] {
        item.remove(k);
    }
    item
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    Request,
    Notice,
    Audit,
}

impl ApplicationStore {
    /// Writes the agent's request with the citizen's notice and the agent's audit record.
    pub async fn request_consent(
        &self,
        c: &ConsentRequest,
        notice: &Notification,
        audit: TransactWriteItem,
        now: jiff::Timestamp,
    ) -> Result<(), StoreError> {
        let mut item = to_item(c, &[("pk", format!("CONSENT#{}", c.citizen_id)), ("sk", c.id.clone())])?;
        item.insert("expiresAt".into(), AttributeValue::N(c.expires_epoch.to_string()));
        let mut tx = Transaction::new("requesting a citizen's consent");
        tx.put(
            Cond::Request,
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)"),
        )?;
        tx.item(Cond::Notice, crate::outbox::item(notice, &self.outbox_table, now)?);
        tx.item(Cond::Audit, audit);
        match tx.run(&self.client).await? {
            Outcome::Done => Ok(()),
            Outcome::Refused(_) => Err(StoreError::fault(
                "a fresh consent request collided",
                std::io::Error::other("consent"),
            )),
        }
    }

    /// The citizen's requests still open at `now`, newest first.
    pub async fn consents_of(
        &self,
        citizen: &CitizenId,
        now: jiff::Timestamp,
    ) -> Result<Vec<ConsentRequest>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .filter_expression("expiresAt > :now")
            .expression_attribute_values(":pk", s(format!("CONSENT#{citizen}")))
            .expression_attribute_values(":now", epoch(now))
            .send()
            .await
            .map_err(|e| sdk_error("listing consent requests", e))?;
        let mut found = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|i| from_item::<ConsentRequest>(without_keys(i), "reading a consent request"))
            .collect::<Result<Vec<_>, _>>()?;
        found.sort_by(|a, b| b.requested_at.cmp(&a.requested_at));
        Ok(found)
    }

    /// One of the citizen's requests, if there.
    pub async fn consent(&self, citizen: &CitizenId, id: &str) -> Result<Option<ConsentRequest>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(citizen, id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading a consent request", e))?;
        out.item
            .map(|i| from_item(without_keys(i), "reading a consent request"))
            .transpose()
    }

    /// Declines a request still open; `false` if it was not (gone, or lapsed).
    pub async fn decline_consent(
        &self,
        citizen: &CitizenId,
        id: &str,
        now: jiff::Timestamp,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(citizen, id)))
            .condition_expression(OPEN)
            .expression_attribute_values(":now", epoch(now))
            .send()
            .await;
        crate::conditional(result, "declining a consent request")
    }

    /// The item of a confirmation's transaction that consumes the request: it fails unless
    /// the request is still there and open at `now`.
    pub fn consumed(
        &self,
        citizen: &CitizenId,
        id: &str,
        now: jiff::Timestamp,
    ) -> Result<TransactWriteItem, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(citizen, id)))
            .condition_expression(OPEN)
            .expression_attribute_values(":now", epoch(now))
            .build()
            .map_err(|e| StoreError::fault("building the consent's deletion", e))?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }
}
