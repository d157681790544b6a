//! The WeChat table: state the callback and the notifier share across instances.
//!
//! Key schema: `pk` (S); `expiresAt` (epoch seconds) is the table's TTL.
//!
//! | item | pk | attributes |
//! |---|---|---|
//! | a push seen | `P#<account>#<msgId or sender#time#event>` | receivedAt, expiresAt (1 day) |
//! | a signed query used | `N#<account>#<timestamp>#<nonce>` | pushKey (the push it came with), expiresAt (past the timestamp window) |
//! | access token | `T#<appid>` | token?, tokenExpiresAt?, leaseUntil?, leaseHolder?, forceRefresh? |
//! | follower | `O#<officialAccountOpenid>` | unionid?, subscribed, updatedAt |
//! | follower by unionid | `U#<unionid>` | openid, subscribed, updatedAt |
//! | message sent | `D#<msgid>` | outboxId, expiresAt (30 days) |
//!
//! Access patterns: a push is claimed before it is handled (WeChat retries for 15 seconds;
//! a day covers every retry), in one transaction with its signed query's (timestamp, nonce):
//! the nonce record may name only this push, so a signed URL cannot carry a second body.
//! The push record is released if handling fails, so WeChat's retry is handled instead of
//! dropped. The token item is read with
//! GetItem, leased with a conditional UpdateItem, written by the lease holder, and dropped
//! only if it still holds the token that failed. Followers are written in pairs in one
//! transaction so either direction finds the other.

use super::{AttributeValue, Client, Item, s, sdk_error};
use crate::StoreError;
use crate::tx::{Outcome, Transaction};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use model::time::rfc3339;

mod followers;
mod token;

pub use followers::Link;
pub use token::CachedToken;

const PUSH_RETENTION_S: i64 = 86_400;
const DELIVERY_RETENTION_S: i64 = 30 * 86_400;

#[derive(Debug, Clone)]
pub struct WechatStore {
    client: Client,
    table: String,
}

/// A signed query's (timestamp, nonce) as claimed: `<account>#<timestamp>#<nonce>`, kept
/// until `until` (epoch seconds).
#[derive(Debug, Clone)]
pub struct NonceClaim {
    pub key: String,
    pub until: i64,
}

/// The conditions of a push's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClaimCond {
    /// The signed query's nonce is new, or this push's.
    Nonce,
    /// The push is new.
    Push,
}

/// What claiming a push found.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// First seen: handle it.
    New,
    /// The same push again (WeChat's retry): answered before.
    Repeat,
    /// Its signed query came with another push: refused.
    Replayed,
}

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn num(item: &Item, key: &str) -> i64 {
    item.get(key)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn text(item: &Item, key: &str) -> Option<String> {
    item.get(key).and_then(|v| v.as_s().ok()).cloned()
}

impl WechatStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Claims a signed query's nonce for `key`, and when `record` also the push itself, in
    /// one transaction.
    pub async fn claim(
        &self,
        key: &str,
        nonce: &NonceClaim,
        record: bool,
        now: jiff::Timestamp,
    ) -> Result<Claim, StoreError> {
        let mut tx = Transaction::new("claiming a wechat push");
        let nonce_put = Put::builder()
            .table_name(&self.table)
            .item("pk", s(format!("N#{}", nonce.key)))
            .item("pushKey", s(key))
            .item("expiresAt", n(nonce.until))
            .condition_expression("attribute_not_exists(pk) OR pushKey = :key")
            .expression_attribute_values(":key", s(key));
        tx.put(ClaimCond::Nonce, nonce_put)?;
        if record {
            let push_put = Put::builder()
                .table_name(&self.table)
                .item("pk", s(format!("P#{key}")))
                .item("receivedAt", s(rfc3339(now)))
                .item("expiresAt", n(now.as_second().saturating_add(PUSH_RETENTION_S)))
                .condition_expression("attribute_not_exists(pk)");
            tx.put(ClaimCond::Push, push_put)?;
        }
        Ok(match tx.run(&self.client).await? {
            Outcome::Done => Claim::New,
            o if o.refused(ClaimCond::Nonce) => Claim::Replayed,
            Outcome::Refused(_) => Claim::Repeat,
        })
    }

    /// Forgets a push whose handling failed, so WeChat's retry of it is handled.
    pub async fn release_push(&self, key: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(format!("P#{key}")))
            .send()
            .await
            .map_err(|e| sdk_error("releasing a wechat push", e))?;
        Ok(())
    }

    /// Remembers which notification a WeChat message id belongs to, for its delivery report:
    /// an item for the transaction that records the send.
    pub fn delivery(
        &self,
        msgid: &str,
        outbox_id: &str,
        now: jiff::Timestamp,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .item("pk", s(format!("D#{msgid}")))
            .item("outboxId", s(outbox_id))
            .item("expiresAt", n(now.as_second().saturating_add(DELIVERY_RETENTION_S)))
            .build()
            .map_err(|e| StoreError::fault("building a delivery record", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// The notification a WeChat message id was sent for.
    pub async fn delivery_of(&self, msgid: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .get(&format!("D#{msgid}"), "reading a delivery record")
            .await?
            .and_then(|item| text(&item, "outboxId")))
    }

    async fn get(&self, pk: &str, what: &'static str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .send()
            .await
            .map_err(|e| sdk_error(what, e))?;
        Ok(out.item)
    }
}
