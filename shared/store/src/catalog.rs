//! The catalog table: items, 一件事 packages, departments and halls. Read-mostly; written by
//! the seed command (and, in production, by the catalog sync from the provincial system).
//!
//! Key schema: `pk` (S) is the kind, `sk` (S) the code:
//!
//! | item | pk | sk |
//! |---|---|---|
//! | department | `DEPT` | dept code |
//! | item | `ITEM` | item code |
//! | package | `PACKAGE` | package code |
//! | hall | `HALL` | hall id |
//!
//! GSI `ByDept`: `deptCode` (HASH), `sk` (RANGE), projecting all; only items carry
//! `deptCode`, so the index is sparse and holds items alone.
//!
//! Access patterns:
//! - One item, package or hall: `GetItem (pk, sk)`.
//! - Items in code order: `Query pk = ITEM`; of one department: `Query ByDept`. `q` is a
//!   filter expression on the name, so a page may need more than one query to fill; the
//!   cursor is the last returned code, not DynamoDB's last evaluated key, so nothing is
//!   skipped or repeated when a filtered page stops early.
//! - Packages, halls: `Query pk = PACKAGE | HALL` (tens of items; one page).
//! - Several records, with other tables' (booking, submission): one `BatchGetItem` through
//!   [`crate::batch`] (`hall_in`, `item_in`, `package_in`).
//!
//! All items of a kind share one partition. At district scale (about 5,000 items) that is a
//! few megabytes read-mostly, well inside one partition's throughput.

use super::{AttributeValue, Client, Item, from_item, s, sdk_error, to_item};
use crate::StoreError;
use crate::batch::{Batch, Ticket};
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use model::catalog::{Catalog, Department, Hall, Item as ServiceItem, Package};
use model::{DeptCode, HallId, ItemCode, PackageCode};
use serde::de::DeserializeOwned;

/// Items a filtered query evaluates per call: a text filter keeps few of them, so each call
/// reads a good stretch rather than the page size.
const FILTERED_EVALUATION: i32 = 200;

/// The key of a catalog record.
fn key_of(kind: &str, code: &str) -> Item {
    Item::from([("pk".to_owned(), s(kind)), ("sk".to_owned(), s(code))])
}

/// A catalog record as its domain type.
fn decode<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    from_item(body(item), "reading a catalog record")
}

/// A stored record without its key attributes: what the domain type describes. The types
/// refuse unknown fields, so a misspelt field in the seed data fails loudly.
fn body(mut item: Item) -> Item {
    item.remove("pk");
    item.remove("sk");
    item
}

#[derive(Debug, Clone)]
pub struct CatalogStore {
    client: Client,
    table: String,
}

/// A filter on the item list.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub dept: Option<DeptCode>,
    /// Matched against the item name (substring).
    pub text: Option<String>,
}

/// One page of items and the code to continue after, if any.
#[derive(Debug)]
pub struct ItemPage {
    pub items: Vec<ServiceItem>,
    pub next_after: Option<ItemCode>,
}

impl CatalogStore {
    /// A batched read that starts here and may take in any table on the same connection
    /// (`CitizenStore::citizen_in` too): a handler never holds a raw client for it.
    pub fn batch(&self) -> crate::batch::Batch<'_> {
        crate::batch::Batch::new(&self.client)
    }

    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn get<T: DeserializeOwned>(
        &self,
        kind: &str,
        code: &str,
        what: &'static str,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(kind))
            .key("sk", s(code))
            .send()
            .await
            .map_err(|e| sdk_error(what, e))?;
        out.item.map(|item| from_item(body(item), what)).transpose()
    }

    /// A hall, in a batch of reads.
    pub fn hall_in(&self, batch: &mut Batch<'_>, id: &HallId) -> Ticket<Hall> {
        batch.get(&self.table, key_of("HALL", id.as_str()), decode)
    }

    /// A department, in a batch of reads.
    pub fn dept_in(&self, batch: &mut Batch<'_>, code: &DeptCode) -> Ticket<Department> {
        batch.get(&self.table, key_of("DEPT", code.as_str()), decode)
    }

    /// An item, in a batch of reads.
    pub fn item_in(&self, batch: &mut Batch<'_>, code: &ItemCode) -> Ticket<ServiceItem> {
        batch.get(&self.table, key_of("ITEM", code.as_str()), decode)
    }

    /// A package, in a batch of reads.
    pub fn package_in(&self, batch: &mut Batch<'_>, code: &PackageCode) -> Ticket<Package> {
        batch.get(&self.table, key_of("PACKAGE", code.as_str()), decode)
    }

    pub async fn item(&self, code: &ItemCode) -> Result<Option<ServiceItem>, StoreError> {
        self.get("ITEM", code.as_str(), "reading a catalog item").await
    }

    pub async fn package(&self, code: &PackageCode) -> Result<Option<Package>, StoreError> {
        self.get("PACKAGE", code.as_str(), "reading a package").await
    }

    pub async fn hall(&self, id: &HallId) -> Result<Option<Hall>, StoreError> {
        self.get("HALL", id.as_str(), "reading a hall").await
    }

    /// Items in code order after `after`, filtered, at most `limit`.
    pub async fn items(
        &self,
        filter: &ItemFilter,
        after: Option<&ItemCode>,
        limit: u32,
    ) -> Result<ItemPage, StoreError> {
        let query = || {
            let mut q = self.client.query().table_name(&self.table);
            q = match &filter.dept {
                Some(dept) => q
                    .index_name("ByDept")
                    .key_condition_expression("deptCode = :dept")
                    .expression_attribute_values(":dept", s(dept.as_str())),
                None => q
                    .key_condition_expression("pk = :pk")
                    .expression_attribute_values(":pk", s("ITEM")),
            };
            if let Some(text) = &filter.text {
                q = q
                    .filter_expression("contains(#name, :text)")
                    .expression_attribute_names("#name", "name")
                    .expression_attribute_values(":text", s(text.clone()));
            }
            q
        };
        let start = after.map(|code| self.item_key(filter, code.as_str()));
        let evaluate = if filter.text.is_some() {
            FILTERED_EVALUATION
        } else {
            super::page::one_more(limit)
        };
        let page = super::page::fill(query, start, limit as usize, evaluate, "listing items").await?;
        let next_after = match page.resume_after.as_ref().and_then(|k| k.get("sk")) {
            Some(AttributeValue::S(code)) => {
                Some(code.parse().map_err(|e| StoreError::fault("a stored item code", e))?)
            }
            _ => None,
        };
        let items = page
            .items
            .into_iter()
            .map(|i| from_item(body(i), "reading a catalog item"))
            .collect::<Result<_, _>>()?;
        Ok(ItemPage { items, next_after })
    }

    fn item_key(&self, filter: &ItemFilter, code: &str) -> Item {
        let mut key = Item::new();
        key.insert("pk".into(), s("ITEM"));
        key.insert("sk".into(), s(code));
        if let Some(dept) = &filter.dept {
            key.insert("deptCode".into(), s(dept.as_str()));
        }
        key
    }

    async fn all<T: DeserializeOwned>(&self, kind: &str, what: &'static str) -> Result<Vec<T>, StoreError> {
        let query = || {
            self.client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(kind))
        };
        super::page::all(query, what)
            .await?
            .into_iter()
            .map(|i| from_item(body(i), what))
            .collect()
    }

    pub async fn packages(&self) -> Result<Vec<Package>, StoreError> {
        self.all("PACKAGE", "listing packages").await
    }

    pub async fn halls(&self) -> Result<Vec<Hall>, StoreError> {
        self.all("HALL", "listing halls").await
    }

    pub async fn departments(&self) -> Result<Vec<Department>, StoreError> {
        self.all("DEPT", "listing departments").await
    }

    /// Writes a whole catalog (the seed command), 25 items per batch, retrying what
    /// DynamoDB hands back unprocessed.
    pub async fn put_catalog(&self, catalog: &Catalog) -> Result<usize, StoreError> {
        let mut items = Vec::new();
        for d in &catalog.departments {
            items.push(to_item(d, &[("pk", "DEPT".into()), ("sk", d.code.to_string())])?);
        }
        for i in &catalog.items {
            items.push(to_item(i, &[("pk", "ITEM".into()), ("sk", i.code.to_string())])?);
        }
        for p in &catalog.packages {
            items.push(to_item(p, &[("pk", "PACKAGE".into()), ("sk", p.code.to_string())])?);
        }
        for h in &catalog.halls {
            items.push(to_item(h, &[("pk", "HALL".into()), ("sk", h.hall_id.to_string())])?);
        }
        let total = items.len();
        for chunk in items.chunks(25) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|item| {
                    PutRequest::builder()
                        .set_item(Some(item.clone()))
                        .build()
                        .map(|put| WriteRequest::builder().put_request(put).build())
                        .map_err(|e| StoreError::fault("building a catalog write", e))
                })
                .collect::<Result<_, _>>()?;
            for attempt in 0..8u32 {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(|e| sdk_error("writing the catalog", e))?;
                pending = out
                    .unprocessed_items
                    .and_then(|mut m| m.remove(&self.table))
                    .unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
            }
            if !pending.is_empty() {
                return Err(StoreError::Unavailable {
                    what: "writing the catalog: items left unprocessed".into(),
                    source: None,
                });
            }
        }
        Ok(total)
    }
}
