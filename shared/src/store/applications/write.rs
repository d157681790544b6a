//! Writing applications: submission, and the one transaction every later change is.

use super::{Application, ApplicationStore, Case, TimelineEntry, Upload, app_pk};
use crate::domain::CitizenId;
use crate::domain::application::Status;
use crate::error::ApiError;
use crate::store::outbox::Notification;
use crate::store::{AttributeValue, Item, error_code, s, sdk_error, to_item};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};

const IDEMPOTENCY_SECONDS: i64 = 86_400;
/// Unused uploads' records go after a week; S3's lifecycle rule removes their files.
const UPLOAD_SECONDS: i64 = 7 * 86_400;

/// A change to an application: its new state (version already advanced), the version it
/// replaces, the cases it changes (with the status each had), and what it records.
pub struct Change<'a> {
    pub application: &'a Application,
    /// `None` for a new application.
    pub replaces: Option<u64>,
    pub cases: Vec<(&'a Case, Option<Status>)>,
    pub entry: TimelineEntry,
    pub notifications: Vec<Notification>,
    /// `(citizen, key, request hash)` when the client sent an `Idempotency-Key`.
    pub idempotency: Option<(CitizenId, String, String)>,
}

#[derive(Debug)]
pub enum CommitError {
    /// The application changed since it was read (or, when new, its number is taken).
    Stale,
    /// The idempotency key was used before.
    KeyUsed,
    Store(ApiError),
}

impl From<ApiError> for CommitError {
    fn from(e: ApiError) -> Self {
        CommitError::Store(e)
    }
}

fn put(
    table: &str,
    item: Item,
    condition: &str,
    values: &[(&str, AttributeValue)],
    names: &[(&str, &str)],
) -> Result<TransactWriteItem, ApiError> {
    let mut p = Put::builder().set_item(Some(item)).condition_expression(condition);
    for (k, v) in values {
        p = p.expression_attribute_values(*k, v.clone());
    }
    for (k, v) in names {
        p = p.expression_attribute_names(*k, *v);
    }
    Ok(TransactWriteItem::builder()
        .put(
            p.table_name(table)
                .build()
                .map_err(|e| ApiError::internal("building a put", e))?,
        )
        .build())
}

fn case_item(c: &Case) -> Result<Item, ApiError> {
    let mut item = to_item(
        c,
        &[
            ("pk", app_pk(&c.application_no)),
            ("sk", format!("CASE#{}", c.item_code)),
        ],
    )?;
    item.insert(
        "queueKey".into(),
        s(format!("{}#{}#{}", c.status.as_str(), c.submitted_at, c.application_no)),
    );
    if c.status == Status::Accepted && c.deadline.is_some() {
        item.insert("openDept".into(), s(c.dept.as_str()));
    }
    Ok(item)
}

impl ApplicationStore {
    /// Writes a change in one transaction.
    pub async fn commit(&self, change: &Change<'_>, now: jiff::Timestamp) -> Result<(), CommitError> {
        let a = change.application;
        let app_item = to_item(a, &[("pk", app_pk(&a.application_no)), ("sk", "APP".into())])?;
        let mut items = vec![match change.replaces {
            Some(v) => put(
                &self.table,
                app_item,
                "version = :v",
                &[(":v", AttributeValue::N(v.to_string()))],
                &[],
            )?,
            None => put(&self.table, app_item, "attribute_not_exists(pk)", &[], &[])?,
        }];
        for (case, was) in &change.cases {
            let item = case_item(case)?;
            items.push(match was {
                Some(st) => put(
                    &self.table,
                    item,
                    "#status = :was",
                    &[(":was", s(st.as_str()))],
                    &[("#status", "status")],
                )?,
                None => put(&self.table, item, "attribute_not_exists(pk)", &[], &[])?,
            });
        }
        let e = &change.entry;
        let entry = to_item(
            e,
            &[
                ("pk", app_pk(&a.application_no)),
                ("sk", format!("T#{}#{:06}", e.at, e.version)),
            ],
        )?;
        items.push(put(&self.table, entry, "attribute_not_exists(pk)", &[], &[])?);
        for n in &change.notifications {
            items.push(
                TransactWriteItem::builder()
                    .put(n.put(&self.outbox_table, now)?)
                    .build(),
            );
        }
        let idem_at = items.len();
        if let Some((citizen, key, hash)) = &change.idempotency {
            let mut item = Item::new();
            item.insert("pk".into(), s(format!("IDEM#{citizen}#{key}")));
            item.insert("sk".into(), s("IDEM"));
            item.insert("requestHash".into(), s(hash.clone()));
            item.insert("applicationNo".into(), s(a.application_no.as_str()));
            item.insert(
                "expiresAt".into(),
                AttributeValue::N(now.as_second().saturating_add(IDEMPOTENCY_SECONDS).to_string()),
            );
            items.push(put(&self.table, item, "attribute_not_exists(pk)", &[], &[])?);
        }
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) => match crate::store::failed_conditions(&err) {
                Some(failed) if failed.get(idem_at) == Some(&true) => Err(CommitError::KeyUsed),
                Some(failed) if failed.iter().any(|f| *f) => Err(CommitError::Stale),
                _ => Err(CommitError::Store(sdk_error("writing an application", err))),
            },
        }
    }

    /// Records an upload that is about to happen, counted against its owner's quota for the
    /// day (`YYYY-MM-DD`) in the same transaction; `Ok(false)` when the quota is spent.
    pub async fn put_upload(&self, u: &Upload, day: &str, quota: u32, now: jiff::Timestamp) -> Result<bool, ApiError> {
        let mut item = to_item(u, &[("pk", format!("U#{}", u.object_key)), ("sk", "UPLOAD".into())])?;
        item.insert(
            "expiresAt".into(),
            AttributeValue::N((now.as_second().saturating_add(UPLOAD_SECONDS)).to_string()),
        );
        let count = Update::builder()
            .table_name(&self.table)
            .key("pk", s(format!("UQ#{}#{day}", u.citizen_id)))
            .key("sk", s("UQ"))
            .update_expression("SET expiresAt = :exp ADD uses :one")
            .condition_expression("attribute_not_exists(uses) OR uses < :quota")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":quota", AttributeValue::N(quota.to_string()))
            .expression_attribute_values(
                ":exp",
                AttributeValue::N((now.as_second().saturating_add(2 * 86_400)).to_string()),
            )
            .build()
            .map_err(|e| ApiError::internal("building an upload quota update", e))?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(count).build())
            .transact_items(put(&self.table, item, "attribute_not_exists(pk)", &[], &[])?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if crate::store::failed_conditions(&e).is_some_and(|f| f.first() == Some(&true)) => Ok(false),
            Err(e) => Err(sdk_error("recording an upload", e)),
        }
    }

    /// Sets or clears a case's deadline flag, unless the case has moved on meanwhile.
    pub async fn set_flag(&self, case: &Case, flag: Option<&str>) -> Result<(), ApiError> {
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(app_pk(&case.application_no)))
            .key("sk", s(format!("CASE#{}", case.item_code)))
            .condition_expression("#status = :accepted")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":accepted", s("accepted"));
        req = match flag {
            Some(f) => req
                .update_expression("SET flag = :f")
                .expression_attribute_values(":f", s(f)),
            None => req.update_expression("REMOVE flag"),
        };
        match req.send().await {
            Ok(_) => Ok(()),
            Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => Ok(()),
            Err(e) => Err(sdk_error("flagging a case", e)),
        }
    }
}
