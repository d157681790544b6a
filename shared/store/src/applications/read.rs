//! Reading applications: the one-query view, lists, queues, uploads and rate limits.

use super::{Application, ApplicationStore, Case, TimelineEntry, Upload, View, app_pk};
use crate::Cursor;
use crate::StoreError;
use crate::page::{cursor_from, start_key};
use crate::{AttributeValue, Item, error_code, from_item, get_many, s, sdk_error};
use model::DeptCode;
use model::application::{ApplicationNo, Status};

fn without_keys(mut item: Item) -> Item {
    for k in ["pk", "sk", "queueKey", "openDept", "expiresAt", "owner"] {
        item.remove(k);
    }
    item
}

/// A page of records and the cursor after it.
pub struct Listed<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

impl ApplicationStore {
    /// The application, its cases and its timeline, in one query.
    pub async fn view(&self, no: &ApplicationNo) -> Result<Option<View>, StoreError> {
        let query = || {
            self.client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(app_pk(no)))
                .consistent_read(true)
        };
        let items = crate::page::all(query, "reading an application").await?;
        let mut application = None;
        let mut cases = Vec::new();
        let mut timeline = Vec::new();
        for item in items {
            let sk = match item.get("sk") {
                Some(AttributeValue::S(sk)) => sk.clone(),
                _ => continue,
            };
            if sk == "APP" {
                application = Some(from_item::<Application>(without_keys(item), "reading an application")?);
            } else if sk.starts_with("CASE#") {
                cases.push(from_item::<Case>(without_keys(item), "reading a case")?);
            } else if sk.starts_with("T#") {
                timeline.push(from_item::<TimelineEntry>(
                    without_keys(item),
                    "reading a timeline entry",
                )?);
            }
        }
        Ok(application.map(|application| View {
            application,
            cases,
            timeline,
        }))
    }

    /// Applications completed on a day (`YYYY-MM-DD`).
    pub async fn completed_on(&self, date: &str) -> Result<Vec<Application>, StoreError> {
        let query = || {
            self.client
                .query()
                .table_name(&self.table)
                .index_name("ByCompletedOn")
                .key_condition_expression("completedOn = :d")
                .expression_attribute_values(":d", s(date))
        };
        let items = crate::page::all(query, "listing completed applications").await?;
        items
            .into_iter()
            .map(|i| from_item(without_keys(i), "reading an application"))
            .collect()
    }

    /// The application record alone (the public lookup).
    pub async fn application(&self, no: &ApplicationNo) -> Result<Option<Application>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(app_pk(no)))
            .key("sk", s("APP"))
            .send()
            .await
            .map_err(|e| sdk_error("reading an application", e))?;
        out.item
            .map(|i| from_item(without_keys(i), "reading an application"))
            .transpose()
    }

    /// A citizen's (or an enterprise's) applications, newest first, optionally of one status.
    pub async fn for_owner(
        &self,
        owner: crate::page::Owner<'_>,
        status: Option<Status>,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<Listed<Application>, StoreError> {
        const KEY: &[&str] = &["pk", "sk", "submittedAt"];
        let status = status.map(|st| st.as_str());
        let index = crate::page::OfCitizen {
            client: &self.client,
            table: &self.table,
            key: KEY,
            what: "listing applications",
        };
        let (items, next) = index.page(owner, status, after, limit).await?;
        let items = items
            .into_iter()
            .map(|i| from_item(without_keys(i), "reading an application"))
            .collect::<Result<_, _>>()?;
        Ok(Listed { items, next })
    }

    /// A department's cases: of one status, or overdue (due before `due_before`).
    pub async fn queue(
        &self,
        dept: &DeptCode,
        status: Option<Status>,
        due_before: Option<&str>,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<Listed<Case>, StoreError> {
        let (key, partition): (&[&str], &str) = if due_before.is_some() {
            (&["pk", "sk", "deadline"], "openDept")
        } else {
            (&["pk", "sk", "queueKey"], "dept")
        };
        let start = start_key(after, key, &[(partition, dept.as_str())])?;
        let query = || {
            let q = self.client.query().table_name(&self.table);
            match due_before {
                Some(date) => q
                    .index_name("ByDeadline")
                    .key_condition_expression("openDept = :d AND deadline < :due")
                    .expression_attribute_values(":d", s(dept.as_str()))
                    .expression_attribute_values(":due", s(date)),
                None => {
                    let q = q
                        .index_name("ByDept")
                        .expression_attribute_values(":d", s(dept.as_str()));
                    match status {
                        Some(st) => q
                            .key_condition_expression("dept = :d AND begins_with(queueKey, :st)")
                            .expression_attribute_values(":st", s(format!("{}#", st.as_str()))),
                        None => q.key_condition_expression("dept = :d"),
                    }
                }
            }
        };
        let page = crate::page::fill(
            query,
            start,
            limit as usize,
            crate::page::one_more(limit),
            "listing a queue",
        )
        .await?;
        let next = page.resume_after.as_ref().and_then(|k| cursor_from(k, key));
        let items = page
            .items
            .into_iter()
            .map(|i| from_item(without_keys(i), "reading a case"))
            .collect::<Result<_, _>>()?;
        Ok(Listed { items, next })
    }

    /// The upload records of these object keys, in order (`None` where there is none).
    pub async fn uploads(&self, keys: &[String]) -> Result<Vec<Option<Upload>>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: Vec<(&str, Item)> = keys
            .iter()
            .map(|k| {
                (
                    self.table.as_str(),
                    Item::from([("pk".to_owned(), s(format!("U#{k}"))), ("sk".to_owned(), s("UPLOAD"))]),
                )
            })
            .collect();
        get_many(&self.client, &wanted, "reading uploads")
            .await?
            .into_iter()
            .map(|i| i.map(|i| from_item(without_keys(i), "reading an upload")).transpose())
            .collect()
    }

    /// Counts one use of `key` in its window; `false` once `limit` uses have been counted.
    pub async fn take(
        &self,
        scope: &str,
        key: &str,
        window: i64,
        limit: u32,
        now: jiff::Timestamp,
    ) -> Result<bool, StoreError> {
        let slot = now.as_second().div_euclid(window);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("RL#{scope}#{key}#{slot}")))
            .key("sk", s("RL"))
            .update_expression("SET expiresAt = :exp ADD uses :one")
            .condition_expression("attribute_not_exists(uses) OR uses < :limit")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":limit", AttributeValue::N(limit.to_string()))
            .expression_attribute_values(
                ":exp",
                AttributeValue::N(slot.saturating_add(2).saturating_mul(window).to_string()),
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => Ok(false),
            Err(e) => Err(sdk_error("counting a lookup", e)),
        }
    }
}
