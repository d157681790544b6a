//! Idempotency records: a creating request's `Idempotency-Key`, the hash of what it asked
//! and what it created, written in the same transaction as the thing created, so a retry
//! finds either both or neither. Every creating route's table keeps them the same way.
//!
//! | record | pk | sk |
//! |---|---|---|
//! | idempotency record (`requestHash`, `created`, `expiresAt`: a day) | `IDEM#<scope>#<key>` | `IDEM` |
//!
//! `scope` is whose key it is (a citizen's id, a member of staff's): two callers' keys never
//! meet.

use crate::{AttributeValue, Client, StoreError, s, sdk_error};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

/// How long a key is remembered.
const KEEP_SECONDS: i64 = 86_400;

/// A key as a request brings it: whose, the key, and the hash of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub scope: String,
    pub key: String,
    pub hash: String,
}

/// What a key recorded: the request's hash and the id of what it created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub hash: String,
    pub created: String,
}

fn pk(scope: &str, key: &str) -> String {
    format!("IDEM#{scope}#{key}")
}

impl Claim {
    /// The record's put, for the creating transaction: it fails if the key was used before.
    pub fn put(&self, table: &str, created: &str, now: jiff::Timestamp) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(table)
            .item("pk", s(pk(&self.scope, &self.key)))
            .item("sk", s("IDEM"))
            .item("requestHash", s(self.hash.clone()))
            .item("created", s(created))
            .item(
                "expiresAt",
                AttributeValue::N(now.as_second().saturating_add(KEEP_SECONDS).to_string()),
            )
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(|e| StoreError::fault("building an idempotency record", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
}

/// What the key `key` of `scope` recorded in `table`, if anything.
pub async fn recorded(client: &Client, table: &str, scope: &str, key: &str) -> Result<Option<Recorded>, StoreError> {
    let out = client
        .get_item()
        .table_name(table)
        .key("pk", s(pk(scope, key)))
        .key("sk", s("IDEM"))
        .consistent_read(true)
        .send()
        .await
        .map_err(|e| sdk_error("reading an idempotency record", e))?;
    let text = |item: &crate::Item, k: &str| item.get(k).and_then(|v| v.as_s().ok()).cloned();
    Ok(out.item.and_then(|item| {
        Some(Recorded {
            hash: text(&item, "requestHash")?,
            created: text(&item, "created")?,
        })
    }))
}
