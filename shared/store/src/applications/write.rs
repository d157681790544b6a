//! Writing applications: submission, and the one transaction every later change is.

use super::{Application, ApplicationStore, Case, TimelineEntry, Upload, View, app_pk};
use crate::idempotency::{Claim, Recorded};
use crate::outbox::Notification;
use crate::tx::{Outcome, Transaction};
use crate::{AttributeValue, Item, StoreError, error_code, s, sdk_error, to_item};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use model::application::{Planned, Status};

/// Unused uploads' records go after a week; S3's lifecycle rule removes their files.
const UPLOAD_SECONDS: i64 = 7 * 86_400;

/// A change to an application: its new state (version already advanced), the version it
/// replaces, the cases it changes (with the status each had), and what it records.
pub struct Change<'a> {
    pub application: &'a Application,
    /// `None` for a new application.
    pub replaces: Option<u64>,
    pub cases: Vec<(&'a Case, Option<Status>)>,
    pub entry: &'a TimelineEntry,
    pub notifications: &'a [Notification],
    /// When the client sent an `Idempotency-Key`.
    pub idempotency: Option<&'a Claim>,
    /// The audit record of a staff member's change (`store::audit`).
    pub audit: Option<TransactWriteItem>,
    /// For a new application, what must still hold when it is written: that its maker may
    /// act for its enterprise (`EnterpriseStore::still_acting`), or that the citizen's
    /// consent to a 代办 is open (`ApplicationStore::consumed`, which also removes it).
    pub precondition: Option<TransactWriteItem>,
}

impl<'a> Change<'a> {
    /// A new application as submitted: every case new, the first entry.
    pub fn submitted(view: &'a View, idempotency: Option<&'a Claim>) -> Option<Self> {
        Some(Self {
            application: &view.application,
            replaces: None,
            cases: view.cases.iter().map(|c| (c, None)).collect(),
            entry: view.timeline.first()?,
            notifications: &[],
            idempotency,
            audit: None,
            precondition: None,
        })
    }

    /// A finished plan.
    pub fn planned(planned: &'a Planned) -> Self {
        Self {
            application: &planned.view.application,
            replaces: Some(planned.replaces),
            cases: planned.touched().map(|(c, was)| (c, Some(was))).collect(),
            entry: &planned.entry,
            notifications: &planned.notifications,
            idempotency: None,
            audit: None,
            precondition: None,
        }
    }

    /// The new application with what must still hold when it is written.
    pub fn precondition(mut self, condition: Option<TransactWriteItem>) -> Self {
        self.precondition = condition;
        self
    }

    /// The change with the audit record of the staff act it is.
    pub fn audited(mut self, audit: Option<TransactWriteItem>) -> Self {
        self.audit = audit;
        self
    }
}

/// How a commit ended.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    Done,
    /// The application changed since it was read (or, when new, its number is taken).
    Stale,
    /// The idempotency key was used before.
    KeyUsed,
    /// Its precondition no longer held: its maker may no longer act for its enterprise, or
    /// the consent it stands on was answered or lapsed just now.
    Precluded,
}

/// The conditions of an application's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    /// The application at the version read (absent when new).
    Application,
    /// Each changed case at the status read (absent when new).
    Case,
    /// A timeline entry is never overwritten.
    Entry,
    Notice,
    Key,
    Audit,
    Precondition,
    /// The figures' counters: added to, never conditional.
    Figures,
}

fn case_item(c: &Case) -> Result<Item, StoreError> {
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

/// A put of `item` that is new, or replaces one in the state read.
fn put(table: &str, item: Item) -> aws_sdk_dynamodb::types::builders::PutBuilder {
    Put::builder().table_name(table).set_item(Some(item))
}

impl ApplicationStore {
    /// Writes a change in one transaction.
    pub async fn commit(&self, change: &Change<'_>, now: jiff::Timestamp) -> Result<Committed, StoreError> {
        let a = change.application;
        let mut tx = Transaction::new("writing an application");
        let mut keys = vec![("pk", app_pk(&a.application_no)), ("sk", "APP".into())];
        // The enterprise's list (`ByEnterprise`) reads this top-level copy of its code.
        if let Some(e) = &a.enterprise {
            keys.push(("enterpriseCode", e.credit_code.to_string()));
        }
        let app = put(&self.table, to_item(a, &keys)?);
        tx.put(
            Cond::Application,
            match change.replaces {
                Some(v) => app
                    .condition_expression("version = :v")
                    .expression_attribute_values(":v", AttributeValue::N(v.to_string())),
                None => app.condition_expression("attribute_not_exists(pk)"),
            },
        )?;
        for (case, was) in &change.cases {
            let item = put(&self.table, case_item(case)?);
            tx.put(
                Cond::Case,
                match was {
                    Some(st) => item
                        .condition_expression("#status = :was")
                        .expression_attribute_names("#status", "status")
                        .expression_attribute_values(":was", s(st.as_str())),
                    None => item.condition_expression("attribute_not_exists(pk)"),
                },
            )?;
        }
        let e = change.entry;
        let entry = to_item(
            e,
            &[
                ("pk", app_pk(&a.application_no)),
                ("sk", format!("T#{}#{:06}", e.at, e.version)),
            ],
        )?;
        tx.put(
            Cond::Entry,
            put(&self.table, entry).condition_expression("attribute_not_exists(pk)"),
        )?;
        for n in change.notifications {
            tx.item(Cond::Notice, crate::outbox::item(n, &self.outbox_table, now)?);
        }
        // Every step of an enterprise's application is told to its 帮办员, if it has one.
        if let Some(n) = a.helper_notice(e) {
            tx.item(Cond::Notice, crate::outbox::item(&n, &self.outbox_table, now)?);
        }
        if let Some(claim) = change.idempotency {
            tx.item(Cond::Key, claim.put(&self.table, a.application_no.as_str(), now)?);
        }
        if let Some(audit) = &change.audit {
            tx.item(Cond::Audit, audit.clone());
        }
        if let Some(condition) = &change.precondition {
            tx.item(Cond::Precondition, condition.clone());
        }
        let counts = crate::figures::tally(change.cases.iter().flat_map(|(c, was)| {
            model::figures::case_counts(*was, c)
                .into_iter()
                .map(|m| (c.dept.to_string(), m))
        }));
        if !counts.is_empty() && self.figures_table.is_empty() {
            return Err(StoreError::fault(
                "a change that counts, through a store without the figures",
                std::io::Error::other("figures"),
            ));
        }
        let today = model::time::local(now).date();
        for (unit, c) in &counts {
            tx.item(
                Cond::Figures,
                crate::figures::counted(&self.figures_table, today, unit, c)?,
            );
        }
        Ok(match tx.run(&self.client).await? {
            Outcome::Done => Committed::Done,
            o if o.refused(Cond::Key) => Committed::KeyUsed,
            o if o.refused(Cond::Precondition) => Committed::Precluded,
            Outcome::Refused(_) => Committed::Stale,
        })
    }

    /// What an idempotency key recorded in this table.
    pub async fn recorded(&self, claim: &Claim) -> Result<Option<Recorded>, StoreError> {
        crate::idempotency::recorded(&self.client, &self.table, &claim.scope, &claim.key).await
    }

    /// Records an upload that is about to happen, counted against its owner's quota for the
    /// day (`YYYY-MM-DD`) in the same transaction; `Ok(false)` when the quota is spent.
    pub async fn put_upload(
        &self,
        u: &Upload,
        day: &str,
        quota: u32,
        now: jiff::Timestamp,
    ) -> Result<bool, StoreError> {
        let mut item = to_item(u, &[("pk", format!("U#{}", u.object_key)), ("sk", "UPLOAD".into())])?;
        item.insert(
            "expiresAt".into(),
            AttributeValue::N((now.as_second().saturating_add(UPLOAD_SECONDS)).to_string()),
        );
        let count = Update::builder()
            .table_name(&self.table)
            .key("pk", s(format!("UQ#{}#{day}", u.uploaded_by)))
            .key("sk", s("UQ"))
            .update_expression("SET expiresAt = :exp ADD uses :one")
            .condition_expression("attribute_not_exists(uses) OR uses < :quota")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":quota", AttributeValue::N(quota.to_string()))
            .expression_attribute_values(
                ":exp",
                AttributeValue::N((now.as_second().saturating_add(2 * 86_400)).to_string()),
            );
        let mut tx = Transaction::new("recording an upload");
        tx.update(UploadCond::Quota, count)?;
        tx.put(
            UploadCond::Upload,
            put(&self.table, item).condition_expression("attribute_not_exists(pk)"),
        )?;
        Ok(!tx.run(&self.client).await?.refused(UploadCond::Quota))
    }

    /// Sets or clears a case's deadline flag, unless the case has moved on meanwhile.
    pub async fn set_flag(&self, case: &Case, flag: Option<&str>) -> Result<(), StoreError> {
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

/// The conditions of an upload's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UploadCond {
    /// Below the day's quota.
    Quota,
    /// The record is new (its key is random).
    Upload,
}
