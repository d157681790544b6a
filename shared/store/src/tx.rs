//! Transactions with named conditions: every store writes an invariant the same way.
//!
//! Each item of a [`Transaction`] may carry a condition with a name (a variant of the
//! store's own enum). When DynamoDB cancels the transaction because conditions failed, the
//! answer is [`Outcome::Refused`] with the names of what failed, so a caller reads "the
//! seat" or "the guard", never "item 3". A cancellation for a conflict with another
//! transaction in flight is retried with a short backoff, the same for every store.

use crate::{Client, StoreError, sdk_error};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::TransactWriteItem;
use aws_sdk_dynamodb::types::builders::{ConditionCheckBuilder, DeleteBuilder, PutBuilder, UpdateBuilder};

/// Attempts when DynamoDB cancels a transaction for a conflict with another one.
const CONFLICT_ATTEMPTS: u32 = 4;

/// What a transaction came to.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<C> {
    Done,
    /// Conditions failed, named in the order they were added; nothing was written.
    Refused(Vec<C>),
}

impl<C: PartialEq> Outcome<C> {
    /// Whether the condition `name` failed.
    pub fn refused(&self, name: C) -> bool {
        matches!(self, Outcome::Refused(failed) if failed.contains(&name))
    }
}

/// A transaction being built: its items, each with the name of its condition if it has one.
#[derive(Debug)]
pub struct Transaction<C> {
    what: &'static str,
    items: Vec<(TransactWriteItem, Option<C>)>,
}

fn built<T, E: std::error::Error + Send + Sync + 'static>(r: Result<T, E>) -> Result<T, StoreError> {
    r.map_err(|e| StoreError::fault("building a transaction item", e))
}

impl<C: Copy> Transaction<C> {
    /// A transaction, `what` saying what it does for the logs.
    pub fn new(what: &'static str) -> Self {
        Self {
            what,
            items: Vec::new(),
        }
    }

    /// An item already built (a notification's or an idempotency record's put), its
    /// condition named `name`.
    pub fn item(&mut self, name: C, item: TransactWriteItem) -> &mut Self {
        self.items.push((item, Some(name)));
        self
    }

    pub fn put(&mut self, name: C, put: PutBuilder) -> Result<&mut Self, StoreError> {
        let item = TransactWriteItem::builder().put(built(put.build())?).build();
        Ok(self.item(name, item))
    }

    pub fn update(&mut self, name: C, update: UpdateBuilder) -> Result<&mut Self, StoreError> {
        let item = TransactWriteItem::builder().update(built(update.build())?).build();
        Ok(self.item(name, item))
    }

    pub fn delete(&mut self, name: C, delete: DeleteBuilder) -> Result<&mut Self, StoreError> {
        let item = TransactWriteItem::builder().delete(built(delete.build())?).build();
        Ok(self.item(name, item))
    }

    /// A condition on an item the transaction does not write.
    pub fn check(&mut self, name: C, check: ConditionCheckBuilder) -> Result<&mut Self, StoreError> {
        let item = TransactWriteItem::builder()
            .condition_check(built(check.build())?)
            .build();
        Ok(self.item(name, item))
    }

    /// Runs it, retrying a conflict with another transaction.
    pub async fn run(self, client: &Client) -> Result<Outcome<C>, StoreError> {
        let (items, names): (Vec<_>, Vec<_>) = self.items.into_iter().unzip();
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
            let result = client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let err = match result {
                Ok(_) => return Ok(Outcome::Done),
                Err(e) => e,
            };
            if conflicted(&err) && attempt < CONFLICT_ATTEMPTS {
                tokio::time::sleep(std::time::Duration::from_millis(
                    20u64.saturating_mul(u64::from(attempt)),
                ))
                .await;
                continue;
            }
            return match crate::failed_conditions(&err) {
                Some(failed) if failed.iter().any(|f| *f) => Ok(Outcome::Refused(
                    names
                        .iter()
                        .zip(failed)
                        .filter(|(_, f)| *f)
                        .filter_map(|(name, _)| *name)
                        .collect(),
                )),
                _ => Err(sdk_error(self.what, err)),
            };
        }
    }
}

/// Whether the transaction was cancelled for a conflict with another one in flight.
fn conflicted<R>(err: &SdkError<TransactWriteItemsError, R>) -> bool {
    match err {
        SdkError::ServiceError(se) => match se.err() {
            TransactWriteItemsError::TransactionCanceledException(tc) => tc
                .cancellation_reasons()
                .iter()
                .any(|r| r.code() == Some("TransactionConflict")),
            TransactWriteItemsError::TransactionInProgressException(_) => true,
            _ => false,
        },
        _ => false,
    }
}
