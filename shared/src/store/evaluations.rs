//! The evaluations table: reviews (好差评) with their 差评 workflow, and the statistics
//! counters kept in the same transactions, so no read ever scans reviews.
//!
//! Key schema: `pk` (S), `sk` (S).
//!
//! | record | pk | sk |
//! |---|---|---|
//! | review | `E#<evaluationId>` | `REVIEW` |
//! | counter (count, r1..r5, bad, rectified, invalid) | `G#<dimension>#<YYYY-MM>` | `<value>` |
//!
//! Dimensions: `all` (value `ALL`), `dept`, `item`, `hall`, `window` (`<hall>:<window>`) and
//! `staff`. A review counts once under each dimension it names, in its month. A `staff`
//! counter also carries the department, hall and window the member served (`deptCode`,
//! `hallId`, `windowCode`): the public figures show those, never the member's id.
//!
//! GSI `ByDept` (`dept`, `queueKey` = `<status>#<createdAt>#<id>`): a department's reviews.
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
//! - A department's reviews: `Query ByDept`.

use super::outbox::Notification;
use super::{AttributeValue, Client, Item, error_code, from_item, get_many, s, sdk_error, to_item};
use crate::domain::evaluation::{Channel, EvaluationId, ReviewStatus};
use crate::domain::{CitizenId, DeptCode, FreeText, ItemCode};
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUp {
    pub comment: FreeText,
    pub at: String,
}

/// One step of the 差评 workflow, with who and when.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub at: String,
    pub action: String,
    pub actor: String,
    pub note: Option<FreeText>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub id: EvaluationId,
    pub channel: Channel,
    /// The application number or the booking id rated.
    pub subject: String,
    pub subject_name: String,
    pub citizen_id: CitizenId,
    pub anonymous: bool,
    pub rating: u8,
    pub indicators: BTreeMap<String, u8>,
    pub tags: Vec<String>,
    pub comment: Option<FreeText>,
    pub follow_up: Option<FollowUp>,
    pub item_codes: Vec<ItemCode>,
    /// The department that answers for the review (a package's first).
    pub dept: DeptCode,
    pub dept_codes: Vec<DeptCode>,
    pub hall_id: Option<String>,
    pub window_code: Option<String>,
    pub staff_id: Option<String>,
    pub month: String,
    pub created_at: String,
    pub status: ReviewStatus,
    pub verify_due: Option<String>,
    pub rectify_due: Option<String>,
    pub steps: Vec<Step>,
    pub version: u64,
}

impl Review {
    /// The (dimension, value) pairs this review counts under.
    pub fn dimensions(&self) -> Vec<(&'static str, String)> {
        let mut dims = vec![("all", "ALL".to_owned())];
        dims.extend(self.dept_codes.iter().map(|d| ("dept", d.to_string())));
        dims.extend(self.item_codes.iter().map(|i| ("item", i.to_string())));
        if let Some(h) = &self.hall_id {
            dims.push(("hall", h.clone()));
            if let Some(w) = &self.window_code {
                dims.push(("window", format!("{h}:{w}")));
            }
        }
        if let Some(st) = &self.staff_id {
            dims.push(("staff", st.clone()));
        }
        dims
    }
}

/// The figures of one counter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    pub count: i64,
    pub by_rating: [i64; 5],
    pub bad: i64,
    pub rectified: i64,
    pub invalid: i64,
}

impl Figures {
    fn read(item: &Item) -> Self {
        let n = |k: &str| match item.get(k) {
            Some(AttributeValue::N(v)) => v.parse().unwrap_or(0),
            _ => 0,
        };
        Figures {
            count: n("count"),
            by_rating: [n("r1"), n("r2"), n("r3"), n("r4"), n("r5")],
            bad: n("bad"),
            rectified: n("rectified"),
            invalid: n("invalid"),
        }
    }

    pub fn add(&mut self, o: &Figures) {
        self.count = self.count.saturating_add(o.count);
        for (mine, theirs) in self.by_rating.iter_mut().zip(o.by_rating) {
            *mine = mine.saturating_add(theirs);
        }
        self.bad = self.bad.saturating_add(o.bad);
        self.rectified = self.rectified.saturating_add(o.rectified);
        self.invalid = self.invalid.saturating_add(o.invalid);
    }
}

/// One value of a grouped dimension: its figures, and where a member of staff served.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub figures: Figures,
    pub dept: Option<String>,
    pub hall: Option<String>,
    pub window: Option<String>,
}

#[derive(Debug)]
pub enum WriteError {
    /// The review exists (rating) or changed since read (workflow step).
    Conflict,
    Store(ApiError),
}

impl From<ApiError> for WriteError {
    fn from(e: ApiError) -> Self {
        WriteError::Store(e)
    }
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

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn built<T, E: std::error::Error + Send + Sync + 'static>(r: Result<T, E>) -> Result<T, ApiError> {
    r.map_err(|e| ApiError::internal("building a transaction item", e))
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

    fn review_item(&self, r: &Review) -> Result<Item, ApiError> {
        let mut item = to_item(r, &[("pk", format!("E#{}", r.id)), ("sk", "REVIEW".into())])?;
        item.insert(
            "queueKey".into(),
            s(format!("{}#{}#{}", r.status.as_str(), r.created_at, r.id)),
        );
        Ok(item)
    }

    /// `ADD` the given deltas to every counter of the review.
    fn counters(&self, r: &Review, deltas: &[(&str, i64)]) -> Result<Vec<TransactWriteItem>, ApiError> {
        let add = format!(
            "ADD {}",
            deltas
                .iter()
                .map(|(k, _)| format!("#{k} :{k}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        // Where a member of staff served, for the public figures to show in their stead.
        let labels: Vec<(&str, &str)> = [
            ("deptCode", Some(r.dept.as_str())),
            ("hallId", r.hall_id.as_deref()),
            ("windowCode", r.window_code.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        let set = labels
            .iter()
            .map(|(k, _)| format!("{k} = :{k}"))
            .collect::<Vec<_>>()
            .join(", ");
        r.dimensions()
            .into_iter()
            .map(|(dim, value)| {
                let labelled = dim == "staff";
                let expr = if labelled {
                    format!("SET {set} {add}")
                } else {
                    add.clone()
                };
                let mut u = Update::builder()
                    .table_name(&self.table)
                    .key("pk", s(format!("G#{dim}#{}", r.month)))
                    .key("sk", s(value))
                    .update_expression(expr);
                if labelled {
                    for (k, v) in &labels {
                        u = u.expression_attribute_values(format!(":{k}"), s(*v));
                    }
                }
                for (k, v) in deltas {
                    u = u
                        .expression_attribute_names(format!("#{k}"), *k)
                        .expression_attribute_values(format!(":{k}"), n(*v));
                }
                Ok(TransactWriteItem::builder().update(built(u.build())?).build())
            })
            .collect()
    }

    /// Records a new review and counts it, once.
    pub async fn rate(&self, r: &Review) -> Result<(), WriteError> {
        let rating_key = format!("r{}", r.rating);
        let mut deltas = vec![("count", 1), (rating_key.as_str(), 1)];
        if crate::domain::evaluation::is_bad(r.rating) {
            deltas.push(("bad", 1));
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.review_item(r)?))
            .condition_expression("attribute_not_exists(pk)");
        let mut items = vec![TransactWriteItem::builder().put(built(put.build())?).build()];
        items.extend(self.counters(r, &deltas)?);
        self.transact(items, "rating a service").await
    }

    /// Writes a workflow step: the review as it now is, on condition of the version read,
    /// with counter changes and the citizen's notification when the step is an outcome.
    pub async fn step(
        &self,
        r: &Review,
        read_version: u64,
        deltas: &[(&str, i64)],
        note: Option<&Notification>,
        now: jiff::Timestamp,
    ) -> Result<(), WriteError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.review_item(r)?))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", n(read_version as i64));
        let mut items = vec![TransactWriteItem::builder().put(built(put.build())?).build()];
        if !deltas.is_empty() {
            items.extend(self.counters(r, deltas)?);
        }
        if let Some(note) = note {
            items.push(
                TransactWriteItem::builder()
                    .put(note.put(&self.outbox_table, now)?)
                    .build(),
            );
        }
        self.transact(items, "a rectification step").await
    }

    async fn transact(&self, items: Vec<TransactWriteItem>, what: &'static str) -> Result<(), WriteError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if super::failed_conditions(&e).is_some_and(|f| f.first() == Some(&true)) => {
                Err(WriteError::Conflict)
            }
            Err(e) => Err(WriteError::Store(sdk_error(what, e))),
        }
    }

    pub async fn get(&self, id: &EvaluationId) -> Result<Option<Review>, ApiError> {
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
    pub async fn exist(&self, ids: &[EvaluationId]) -> Result<Vec<bool>, ApiError> {
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
    pub async fn follow_up(&self, id: &EvaluationId, f: &FollowUp) -> Result<(), WriteError> {
        let value = crate::mask::storing(|| serde_dynamo::to_attribute_value(f))
            .map_err(|e| ApiError::internal("mapping a follow-up", e))?;
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
            Ok(_) => Ok(()),
            Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => Err(WriteError::Conflict),
            Err(e) => Err(WriteError::Store(sdk_error("adding a follow-up", e))),
        }
    }

    /// A department's reviews, optionally of one status, oldest first, a page at a time.
    pub async fn for_dept(
        &self,
        dept: &DeptCode,
        status: Option<ReviewStatus>,
        after: Option<&crate::cursor::Cursor>,
        limit: u32,
    ) -> Result<(Vec<Review>, Option<crate::cursor::Cursor>), ApiError> {
        const KEY: &[&str] = &["pk", "sk", "queueKey"];
        let start = super::page::start_key(after, KEY, &[("dept", dept.as_str())])?;
        let query = || {
            let q = self
                .client
                .query()
                .table_name(&self.table)
                .index_name("ByDept")
                .expression_attribute_values(":d", s(dept.as_str()));
            match status {
                Some(st) => q
                    .key_condition_expression("dept = :d AND begins_with(queueKey, :st)")
                    .expression_attribute_values(":st", s(format!("{}#", st.as_str()))),
                None => q.key_condition_expression("dept = :d"),
            }
        };
        let page = super::page::fill(
            query,
            start,
            limit as usize,
            super::page::one_more(limit),
            "listing a department's reviews",
        )
        .await?;
        let next = page
            .resume_after
            .as_ref()
            .and_then(|k| super::page::cursor_from(k, KEY));
        let items = page
            .items
            .into_iter()
            .map(|i| from_item(strip(i), "reading a review"))
            .collect::<Result<_, _>>()?;
        Ok((items, next))
    }

    /// One dimension value's figures over these months.
    pub async fn figures(
        &self,
        dim: &str,
        value: &str,
        months: &[String],
    ) -> Result<(Figures, BTreeMap<String, Figures>), ApiError> {
        let wanted: Vec<(&str, Item)> = months
            .iter()
            .map(|m| {
                (
                    self.table.as_str(),
                    Item::from([
                        ("pk".to_owned(), s(format!("G#{dim}#{m}"))),
                        ("sk".to_owned(), s(value)),
                    ]),
                )
            })
            .collect();
        let found = get_many(&self.client, &wanted, "reading statistics").await?;
        let mut total = Figures::default();
        let mut by_month = BTreeMap::new();
        for (m, item) in months.iter().zip(found) {
            let f = item.as_ref().map(Figures::read).unwrap_or_default();
            total.add(&f);
            by_month.insert(m.clone(), f);
        }
        Ok((total, by_month))
    }

    /// Every value of a dimension over these months, with its figures (and, for `staff`,
    /// where the member served).
    pub async fn grouped(&self, dim: &str, months: &[String]) -> Result<BTreeMap<String, Group>, ApiError> {
        let mut out: BTreeMap<String, Group> = BTreeMap::new();
        for m in months {
            let query = || {
                self.client
                    .query()
                    .table_name(&self.table)
                    .key_condition_expression("pk = :pk")
                    .expression_attribute_values(":pk", s(format!("G#{dim}#{m}")))
            };
            for item in super::page::all(query, "reading grouped statistics").await? {
                if let Some(AttributeValue::S(v)) = item.get("sk") {
                    let group = out.entry(v.clone()).or_default();
                    group.figures.add(&Figures::read(&item));
                    let label = |k: &str| item.get(k).and_then(|a| a.as_s().ok()).cloned();
                    group.dept = group.dept.take().or_else(|| label("deptCode"));
                    group.hall = group.hall.take().or_else(|| label("hallId"));
                    group.window = group.window.take().or_else(|| label("windowCode"));
                }
            }
        }
        Ok(out)
    }
}

fn strip(mut item: Item) -> Item {
    for k in ["pk", "sk", "queueKey"] {
        item.remove(k);
    }
    item
}
