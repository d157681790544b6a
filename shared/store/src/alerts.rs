//! The supervision table's alerts (预警): raised once (a put on condition the id is new),
//! changed on condition of the version read, listed for the supervisors or one unit.
//!
//! | record | pk | sk |
//! |---|---|---|
//! | an alert (the whole [`Alert`], its steps inside) | `AL#<id>` | `ALERT` |
//!
//! The orders' indexes serve the alerts too, on values of their own: `ByDept` with `dept` =
//! `alert:<unit>` (a unit's alerts), `ByList` with `list` = `alerts` (every alert), both
//! sorted by `orderKey` = `<raisedOn>#<id>`.
//!
//! Access patterns:
//! - Raise: `PutItem` if absent. A step (push, escalate, resolve, acknowledge): a put on
//!   condition of the version read; an acknowledgement with its audit record, in one
//!   transaction.
//! - The sweep's open alerts: `Query ByList`, a status filter (alerts are few: each is one
//!   late case). A page for the API: `Query ByDept` or `ByList`, newest first.

pub use model::alert::Alert;

use crate::page::{self, Cursor};
use crate::tx::{Outcome, Transaction};
use crate::{AttributeValue, Client, Item, StoreError, error_code, from_item, s, sdk_error, to_item};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use model::alert::AlertStatus;

#[derive(Debug, Clone)]
pub struct AlertStore {
    client: Client,
    table: String,
}

/// How a write ended.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Done,
    /// Raised before (the id exists), or changed since it was read.
    Exists,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    Alert,
    Audit,
}

const DERIVED: &[&str] = &["pk", "sk", "dept", "list", "orderKey"];

fn read(mut item: Item) -> Result<Alert, StoreError> {
    for k in DERIVED {
        item.remove(*k);
    }
    from_item(item, "reading an alert")
}

impl AlertStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn item(&self, a: &Alert) -> Result<Item, StoreError> {
        to_item(
            a,
            &[
                ("pk", format!("AL#{}", a.id)),
                ("sk", "ALERT".into()),
                ("dept", format!("alert:{}", a.unit)),
                ("list", "alerts".into()),
                ("orderKey", format!("{}#{}", a.raised_on, a.id)),
            ],
        )
    }

    /// Raises `a` unless an alert of its id exists.
    pub async fn raise(&self, a: &Alert) -> Result<Written, StoreError> {
        let out = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(self.item(a)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match out {
            Ok(_) => Ok(Written::Done),
            Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => Ok(Written::Exists),
            Err(e) => Err(sdk_error("raising an alert", e)),
        }
    }

    /// Writes `a` as it now is, if still at `read_version`, with the audit record of the
    /// member of staff whose step it is.
    pub async fn step(
        &self,
        a: &Alert,
        read_version: u64,
        audit: Option<TransactWriteItem>,
    ) -> Result<Written, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.item(a)?))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", AttributeValue::N(read_version.to_string()));
        let mut tx = Transaction::new("a step of an alert");
        tx.put(Cond::Alert, put)?;
        if let Some(audit) = audit {
            tx.item(Cond::Audit, audit);
        }
        match tx.run(&self.client).await? {
            Outcome::Done => Ok(Written::Done),
            o if o.refused(Cond::Alert) => Ok(Written::Exists),
            Outcome::Refused(_) => Err(StoreError::fault(
                "an alert's audit record exists already",
                std::io::Error::other("condition"),
            )),
        }
    }

    pub async fn get(&self, id: &str) -> Result<Option<Alert>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(format!("AL#{id}")))
            .key("sk", s("ALERT"))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading an alert", e))?;
        out.item.map(read).transpose()
    }

    /// Every alert not resolved, for the sweep.
    pub async fn unresolved(&self) -> Result<Vec<Alert>, StoreError> {
        let query = || {
            self.client
                .query()
                .table_name(&self.table)
                .index_name("ByList")
                .key_condition_expression("#l = :l")
                .filter_expression("#status <> :resolved")
                .expression_attribute_names("#l", "list")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":l", s("alerts"))
                .expression_attribute_values(":resolved", s(AlertStatus::Resolved.as_str()))
        };
        page::all(query, "listing open alerts")
            .await?
            .into_iter()
            .map(read)
            .collect()
    }

    /// A page of alerts, newest first: a unit's (`unit`), or all; of one status if given.
    pub async fn list(
        &self,
        unit: Option<&str>,
        status: Option<AlertStatus>,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<(Vec<Alert>, Option<Cursor>), StoreError> {
        let p = crate::listing::Partition::of(unit.map(|u| format!("alert:{u}")), "alerts");
        let status = status.map(AlertStatus::as_str);
        let (items, next) =
            crate::listing::page(&self.client, &self.table, &p, status, after, limit, "listing alerts").await?;
        Ok((items.into_iter().map(read).collect::<Result<_, _>>()?, next))
    }
}
