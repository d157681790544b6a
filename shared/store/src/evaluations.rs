//! The evaluations table: reviews (好差评) with their 差评 workflow, and the statistics
//! counters kept in the same transactions, so no read ever scans reviews.
//!
//! Key schema: `pk` (S), `sk` (S).
//!
//! | record | pk | sk |
//! |---|---|---|
//! | review | `E#<evaluationId>` | `REVIEW` |
//! | counter (count, r1..r5, bad, rectified, invalid, calledBack, calledBackOnTime, defaulted) | `G#<dimension>#<YYYY-MM>` | `<value>` |
//!
//! Dimensions: `all` (value `ALL`), `dept`, `item`, `hall`, `window` (`<hall>:<window>`) and
//! `staff`. A review counts once under each dimension it names, in its month. A `staff`
//! counter also carries the department, hall and window the member served (`deptCode`,
//! `hallId`, `windowCode`): the public figures show those, never the member's id.
//!
//! GSI `ByDept` (`dept`, `queueKey` = `<status>#<createdAt>#<id>`): a department's reviews.
//! GSI `ByReview` (`reviewQueue`, `queueKey`), sparse: `reviewQueue` is set only while a
//! department's invalid ruling waits for a supervisor's review (复核), so the index holds
//! exactly the district's queue of them.
//!
//! Access patterns:
//! - Rate: one transaction: the review put on condition it does not exist (the id derives
//!   from what is rated, so two racing submissions give one review), and one `ADD` per
//!   counter.
//! - A workflow step: one transaction: the review put on condition of its `version`, and for
//!   an outcome that changes the figures (rectified, ruled invalid) the counters, and the
//!   citizen's outcome notification.
//! - Follow-up (追评): one conditional update (only if none yet).
//! - Statistics of one dimension value over months: one `BatchGetItem`; grouped by a
//!   dimension: one `Query` per month.
//! - A department's reviews: `Query ByDept`; the rulings awaiting review: `Query ByReview`.

mod figures;
mod queues;

pub use figures::{Figures, Group};
pub use model::evaluation::{FollowUp, Review, Step};

use super::outbox::Notification;
use super::{AttributeValue, Client, Item, error_code, from_item, get_many, s, sdk_error, to_item};
use crate::StoreError;
use crate::tx::{Outcome, Transaction};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use model::evaluation::{EvaluationId, ReviewStatus};

/// How a write to a review ended.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Done,
    /// The review exists (rating), changed since it was read (a workflow step) or has its
    /// follow-up already.
    Conflict,
}

/// The conditions of a review's transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    /// Absent when rated, at the version read when stepped.
    Review,
    Notice,
    /// The audit record of a staff step is new.
    Audit,
}

#[derive(Debug, Clone)]
pub struct EvaluationStore {
    client: Client,
    table: String,
    outbox_table: String,
}

fn review_key(id: &EvaluationId) -> Item {
    Item::from([("pk".to_owned(), s(format!("E#{id}"))), ("sk".to_owned(), s("REVIEW"))])
}

/// The one key of the `ByReview` index: every ruling awaiting review is in its queue.
const REVIEW_QUEUE: &str = "PENDING";

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

impl EvaluationStore {
    pub fn new(client: Client, table: impl Into<String>, outbox_table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            outbox_table: outbox_table.into(),
        }
    }

    /// A store for a function that only checks reviews exist: it has no outbox, so a step
    /// committed through it fails rather than losing its notification.
    pub fn reader(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            outbox_table: String::new(),
        }
    }

    fn review_item(&self, r: &Review) -> Result<Item, StoreError> {
        let mut item = to_item(r, &[("pk", format!("E#{}", r.id)), ("sk", "REVIEW".into())])?;
        item.insert(
            "queueKey".into(),
            s(format!("{}#{}#{}", r.status.as_str(), r.created_at, r.id)),
        );
        if r.status == ReviewStatus::PendingReview {
            item.insert("reviewQueue".into(), s(REVIEW_QUEUE));
        }
        Ok(item)
    }

    /// Records a new review and counts it, once: a citizen's among the ratings, a default
    /// (`r.defaulted`) apart from them.
    pub async fn rate(&self, r: &Review) -> Result<Written, StoreError> {
        let rating_key = format!("r{}", r.rating);
        let mut deltas = vec![("count", 1), (rating_key.as_str(), 1)];
        if model::evaluation::is_bad(r.rating) {
            deltas.push(("bad", 1));
        }
        if r.defaulted {
            deltas = vec![("defaulted", 1)];
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.review_item(r)?))
            .condition_expression("attribute_not_exists(pk)");
        let mut tx = Transaction::new("rating a service");
        tx.put(Cond::Review, put)?;
        for counter in figures::counters(&self.table, r, &deltas)? {
            tx.update(Cond::Review, counter)?;
        }
        self.run(tx).await
    }

    /// Writes a workflow step: the review as it now is, on condition of the version read,
    /// with counter changes and the citizen's notification when the step is an outcome.
    pub async fn step(
        &self,
        r: &Review,
        read_version: u64,
        deltas: &[(&str, i64)],
        note: Option<&Notification>,
        audit: Option<TransactWriteItem>,
        now: jiff::Timestamp,
    ) -> Result<Written, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.review_item(r)?))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", AttributeValue::N(read_version.to_string()));
        let mut tx = Transaction::new("a rectification step");
        tx.put(Cond::Review, put)?;
        if !deltas.is_empty() {
            for counter in figures::counters(&self.table, r, deltas)? {
                tx.update(Cond::Review, counter)?;
            }
        }
        if let Some(note) = note {
            tx.item(Cond::Notice, crate::outbox::item(note, &self.outbox_table, now)?);
        }
        if let Some(audit) = audit {
            tx.item(Cond::Audit, audit);
        }
        self.run(tx).await
    }

    /// A review's transaction: the review's own condition failing is a conflict.
    async fn run(&self, tx: Transaction<Cond>) -> Result<Written, StoreError> {
        match tx.run(&self.client).await? {
            Outcome::Done => Ok(Written::Done),
            o if o.refused(Cond::Review) => Ok(Written::Conflict),
            Outcome::Refused(_) => Err(StoreError::fault(
                "a review's notification or audit record exists already",
                std::io::Error::other("condition"),
            )),
        }
    }

    pub async fn get(&self, id: &EvaluationId) -> Result<Option<Review>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(review_key(id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading a review", e))?;
        out.item.map(|i| from_item(strip(i), "reading a review")).transpose()
    }

    /// Which of these ids have a review.
    pub async fn exist(&self, ids: &[EvaluationId]) -> Result<Vec<bool>, StoreError> {
        let wanted: Vec<(&str, Item)> = ids.iter().map(|id| (self.table.as_str(), review_key(id))).collect();
        let mut out = Vec::new();
        for chunk in wanted.chunks(100) {
            out.extend(
                get_many(&self.client, chunk, "checking reviews")
                    .await?
                    .into_iter()
                    .map(|i| i.is_some()),
            );
        }
        Ok(out)
    }

    /// Adds the one follow-up (追评); `Conflict` if there is one already.
    pub async fn follow_up(&self, id: &EvaluationId, f: &FollowUp) -> Result<Written, StoreError> {
        let value = model::mask::storing(|| serde_dynamo::to_attribute_value(f))
            .map_err(|e| StoreError::fault("mapping a follow-up", e))?;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(review_key(id)))
            .update_expression("SET followUp = :f ADD version :one")
            .condition_expression("attribute_exists(pk) AND (attribute_not_exists(followUp) OR followUp = :null)")
            .expression_attribute_values(":f", value)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":null", AttributeValue::Null(true))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Written::Done),
            Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => Ok(Written::Conflict),
            Err(e) => Err(sdk_error("adding a follow-up", e)),
        }
    }
}

fn strip(mut item: Item) -> Item {
    for k in ["pk", "sk", "queueKey", "reviewQueue"] {
        item.remove(k);
    }
    item
}
