//! The supervision table's 督办 orders: issued, answered, returned and closed, each step
//! written on condition of the version read, with its audit record in the same transaction.
//!
//! Key schema: `pk` (S), `sk` (S); TTL on `expiresAt` (idempotency records only).
//!
//! | record | pk | sk |
//! |---|---|---|
//! | an order (the whole [`Order`], its steps inside) | `O#<id>` | `ORDER` |
//! | idempotency record | `IDEM#<staffId>#<key>` | `IDEM` |
//!
//! GSIs: `ByDept` (`dept`, `orderKey` = `<issuedAt>#<id>`), a department's orders;
//! `ByList` (`list` = `orders`, `orderKey`), every order, for the supervisors. Orders are
//! few (a district issues tens a month), so one partition holds them all without heat.
//!
//! Access patterns:
//! - Issue: one transaction: the order put if absent, the audit record, the idempotency
//!   record if a key came.
//! - A step: one transaction: the order put on condition of the version read, the audit
//!   record.
//! - One order: `GetItem` (consistent). A department's orders, or all: one `Query` of
//!   `ByDept` or `ByList`, newest first; a status is a filter (orders are few per partition).

pub use model::supervision::Order;

use crate::idempotency::{Claim, Recorded};
use crate::page::Cursor;
use crate::tx::{Outcome, Transaction};
use crate::{AttributeValue, Client, Item, StoreError, from_item, s, sdk_error, to_item};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use model::DeptCode;
use model::supervision::{OrderId, OrderStatus};

/// How a write ended.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Done,
    /// The order changed since it was read (or, when new, its id is taken).
    Stale,
    /// The idempotency key was used before.
    KeyUsed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    Order,
    Key,
    Audit,
}

#[derive(Debug, Clone)]
pub struct OrderStore {
    client: Client,
    table: String,
}

/// The index attributes an order carries beside itself.
const DERIVED: &[&str] = &["pk", "sk", "dept", "list", "orderKey"];

fn read(mut item: Item) -> Result<Order, StoreError> {
    for k in DERIVED {
        item.remove(*k);
    }
    from_item(item, "reading an order")
}

impl OrderStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn put(&self, o: &Order) -> Result<aws_sdk_dynamodb::types::builders::PutBuilder, StoreError> {
        let item = to_item(
            o,
            &[
                ("pk", format!("O#{}", o.id)),
                ("sk", "ORDER".into()),
                ("dept", o.dept_code.to_string()),
                ("list", "orders".into()),
                ("orderKey", format!("{}#{}", o.issued_at, o.id)),
            ],
        )?;
        Ok(Put::builder().table_name(&self.table).set_item(Some(item)))
    }

    /// Issues a new order, with its audit record.
    pub async fn issue(
        &self,
        o: &Order,
        claim: Option<&Claim>,
        audit: TransactWriteItem,
        now: jiff::Timestamp,
    ) -> Result<Written, StoreError> {
        let mut tx = Transaction::new("issuing an order");
        tx.put(
            Cond::Order,
            self.put(o)?.condition_expression("attribute_not_exists(pk)"),
        )?;
        tx.item(Cond::Audit, audit);
        if let Some(claim) = claim {
            tx.item(Cond::Key, claim.put(&self.table, o.id.as_str(), now)?);
        }
        self.run(tx).await
    }

    /// Writes a step: the order as it now is, if still at `read_version`.
    pub async fn step(&self, o: &Order, read_version: u64, audit: TransactWriteItem) -> Result<Written, StoreError> {
        let put = self
            .put(o)?
            .condition_expression("version = :v")
            .expression_attribute_values(":v", AttributeValue::N(read_version.to_string()));
        let mut tx = Transaction::new("a step of an order");
        tx.put(Cond::Order, put)?;
        tx.item(Cond::Audit, audit);
        self.run(tx).await
    }

    async fn run(&self, tx: Transaction<Cond>) -> Result<Written, StoreError> {
        match tx.run(&self.client).await? {
            Outcome::Done => Ok(Written::Done),
            o if o.refused(Cond::Key) => Ok(Written::KeyUsed),
            o if o.refused(Cond::Order) => Ok(Written::Stale),
            Outcome::Refused(_) => Err(StoreError::fault(
                "an order's audit record exists already",
                std::io::Error::other("condition"),
            )),
        }
    }

    /// What an idempotency key recorded in this table.
    pub async fn recorded(&self, claim: &Claim) -> Result<Option<Recorded>, StoreError> {
        crate::idempotency::recorded(&self.client, &self.table, &claim.scope, &claim.key).await
    }

    pub async fn get(&self, id: &OrderId) -> Result<Option<Order>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(format!("O#{id}")))
            .key("sk", s("ORDER"))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading an order", e))?;
        out.item.map(read).transpose()
    }

    /// Orders newest first: a department's, or (`dept` `None`) all of them; of one status
    /// if given.
    pub async fn list(
        &self,
        dept: Option<&DeptCode>,
        status: Option<OrderStatus>,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<(Vec<Order>, Option<Cursor>), StoreError> {
        let p = crate::listing::Partition::of(dept.map(ToString::to_string), "orders");
        let status = status.map(OrderStatus::as_str);
        let (items, next) =
            crate::listing::page(&self.client, &self.table, &p, status, after, limit, "listing orders").await?;
        let orders = items.into_iter().map(read).collect::<Result<_, _>>()?;
        Ok((orders, next))
    }
}
