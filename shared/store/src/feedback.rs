//! The feedback table: consultations and complaints (咨询投诉) with their timelines, and the
//! idempotency records of filing them.
//!
//! Key schema: `pk` (S), `sk` (S); TTL on `expiresAt` (idempotency records only).
//!
//! | record | pk | sk |
//! |---|---|---|
//! | a case (the whole [`Feedback`], its timeline inside) | `F#<no>` | `FB` |
//! | idempotency record | `IDEM#<citizenId>#<key>` | `IDEM` |
//!
//! GSIs: `ByCitizen` (`citizenId`, `receivedAt`), a citizen's cases; `ByDesk` (`desk`,
//! `queueKey` = `<status>#<receivedAt>#<no>`), a desk's queue by status; `ByDue`
//! (`openDesk`, `due`), sparse: only open cases carry `openDesk`, so a desk's overdue
//! cases are one range query.
//!
//! Access patterns:
//! - File: one transaction: the case put if absent, the idempotency record if a key came,
//!   the citizen's notice if the case went straight to a desk.
//! - A step: one transaction: the case put on condition of the version read, the
//!   citizen's notice, and the audit record of the member of staff who took it. Filing and
//!   replying add to the supervision figures in the same transaction (`store::figures`).
//! - One case: `GetItem` (consistent). A citizen's cases: `Query ByCitizen`, newest
//!   first. A desk's queue: `Query ByDesk`, oldest first; its overdue cases: `Query ByDue`
//!   with `due <` today.

pub use model::feedback::Feedback;

use crate::idempotency::{Claim, Recorded};
use crate::outbox::Notification;
use crate::page::{self, Cursor};
use crate::tx::{Outcome, Transaction};
use crate::{AttributeValue, Client, Item, StoreError, from_item, s, sdk_error, to_item};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use model::CitizenId;
use model::feedback::{Desk, FeedbackNo, Status};

/// How a write ended.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Done,
    /// The case changed since it was read (or, when new, its number is taken).
    Stale,
    /// The idempotency key was used before.
    KeyUsed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    Case,
    Key,
    Notice,
    Audit,
    /// The figures' counters: added to, never conditional.
    Figures,
}

#[derive(Debug, Clone)]
pub struct FeedbackStore {
    client: Client,
    table: String,
    outbox_table: String,
    /// The supervision table, where filing and replies add to the figures.
    figures_table: String,
}

fn key(no: &FeedbackNo) -> Item {
    Item::from([("pk".to_owned(), s(format!("F#{no}"))), ("sk".to_owned(), s("FB"))])
}

/// The index attributes a case carries beside itself.
const DERIVED: &[&str] = &["pk", "sk", "queueKey", "openDesk"];

fn strip(mut item: Item) -> Item {
    for k in DERIVED {
        item.remove(*k);
    }
    item
}

impl FeedbackStore {
    pub fn new(client: Client, table: impl Into<String>, outbox_table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            outbox_table: outbox_table.into(),
            figures_table: String::new(),
        }
    }

    /// The store adding what a step counts (a case filed, a reply) to the figures in
    /// `table`, in the step's own transaction. A store without it fails such a step rather
    /// than losing the count.
    pub fn counting(mut self, table: impl Into<String>) -> Self {
        self.figures_table = table.into();
        self
    }

    /// The figures' item of the change `f`'s latest step counts, if it counts.
    fn counted(&self, f: &Feedback, now: jiff::Timestamp) -> Result<Option<TransactWriteItem>, StoreError> {
        let Some((metric, unit)) = model::figures::feedback_counts(f) else {
            return Ok(None);
        };
        if self.figures_table.is_empty() {
            return Err(StoreError::fault(
                "a step that counts, through a store without the figures",
                std::io::Error::other("figures"),
            ));
        }
        let day = model::time::local(now).date();
        let counts = std::collections::BTreeMap::from([(metric, 1)]);
        crate::figures::counted(&self.figures_table, day, &unit, &counts).map(Some)
    }

    /// A store for a function that only reads cases (the supervisors' orders): it has no
    /// outbox, so a step committed through it fails rather than losing its notice.
    pub fn reader(client: Client, table: impl Into<String>) -> Self {
        Self::new(client, table, String::new())
    }

    fn item(&self, f: &Feedback) -> Result<Item, StoreError> {
        let mut item = to_item(f, &[("pk", format!("F#{}", f.no)), ("sk", "FB".into())])?;
        item.insert(
            "queueKey".into(),
            s(format!("{}#{}#{}", f.status.as_str(), f.received_at, f.no)),
        );
        if f.status.is_open() {
            item.insert("openDesk".into(), s(f.desk.key()));
        }
        Ok(item)
    }

    /// Files a new case.
    pub async fn file(
        &self,
        f: &Feedback,
        claim: Option<&Claim>,
        notice: Option<&Notification>,
        now: jiff::Timestamp,
    ) -> Result<Written, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.item(f)?))
            .condition_expression("attribute_not_exists(pk)");
        let mut tx = Transaction::new("filing a case");
        tx.put(Cond::Case, put)?;
        if let Some(claim) = claim {
            tx.item(Cond::Key, claim.put(&self.table, f.no.as_str(), now)?);
        }
        if let Some(n) = notice {
            tx.item(Cond::Notice, crate::outbox::item(n, &self.outbox_table, now)?);
        }
        if let Some(figures) = self.counted(f, now)? {
            tx.item(Cond::Figures, figures);
        }
        self.run(tx).await
    }

    /// Writes a step: the case as it now is, if still at `read_version`.
    pub async fn step(
        &self,
        f: &Feedback,
        read_version: u64,
        notice: Option<&Notification>,
        audit: Option<TransactWriteItem>,
        now: jiff::Timestamp,
    ) -> Result<Written, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.item(f)?))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", AttributeValue::N(read_version.to_string()));
        let mut tx = Transaction::new("a step of a case");
        tx.put(Cond::Case, put)?;
        if let Some(n) = notice {
            tx.item(Cond::Notice, crate::outbox::item(n, &self.outbox_table, now)?);
        }
        if let Some(audit) = audit {
            tx.item(Cond::Audit, audit);
        }
        if let Some(figures) = self.counted(f, now)? {
            tx.item(Cond::Figures, figures);
        }
        self.run(tx).await
    }

    async fn run(&self, tx: Transaction<Cond>) -> Result<Written, StoreError> {
        match tx.run(&self.client).await? {
            Outcome::Done => Ok(Written::Done),
            o if o.refused(Cond::Key) => Ok(Written::KeyUsed),
            o if o.refused(Cond::Case) => Ok(Written::Stale),
            Outcome::Refused(_) => Err(StoreError::fault(
                "a case's notice or audit record exists already",
                std::io::Error::other("condition"),
            )),
        }
    }

    /// What an idempotency key recorded in this table.
    pub async fn recorded(&self, claim: &Claim) -> Result<Option<Recorded>, StoreError> {
        crate::idempotency::recorded(&self.client, &self.table, &claim.scope, &claim.key).await
    }

    pub async fn get(&self, no: &FeedbackNo) -> Result<Option<Feedback>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(no)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading a case", e))?;
        out.item.map(|i| from_item(strip(i), "reading a case")).transpose()
    }

    /// A citizen's cases, newest first.
    pub async fn of_citizen(
        &self,
        citizen: &CitizenId,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<(Vec<Feedback>, Option<Cursor>), StoreError> {
        let index = page::OfCitizen {
            client: &self.client,
            table: &self.table,
            key: &["pk", "sk", "receivedAt"],
            what: "listing a citizen's cases",
        };
        let (items, next) = index
            .page(crate::page::Owner::Citizen(citizen.as_str()), None, after, limit)
            .await?;
        Ok((read_all(items)?, next))
    }

    /// A desk's cases, oldest first: of one status, or (`overdue`) those open past their
    /// last day on `today` (`YYYY-MM-DD`).
    pub async fn at_desk(
        &self,
        desk: &Desk,
        status: Option<Status>,
        overdue_on: Option<&str>,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<(Vec<Feedback>, Option<Cursor>), StoreError> {
        let desk_key = desk.key();
        let (index, hash, range): (&str, &str, &[&str]) = match overdue_on {
            Some(_) => ("ByDue", "openDesk", &["pk", "sk", "openDesk", "due"]),
            None => ("ByDesk", "desk", &["pk", "sk", "desk", "queueKey"]),
        };
        let start = page::start_key(after, range, &[(hash, desk_key.as_str())])?;
        let query = || {
            let q = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(index)
                .expression_attribute_values(":d", s(desk_key.as_str()));
            match (overdue_on, status) {
                (Some(today), st) => {
                    let q = q
                        .key_condition_expression("openDesk = :d AND #due < :today")
                        .expression_attribute_names("#due", "due")
                        .expression_attribute_values(":today", s(today));
                    match st {
                        Some(st) => q
                            .filter_expression("#status = :st")
                            .expression_attribute_names("#status", "status")
                            .expression_attribute_values(":st", s(st.as_str())),
                        None => q,
                    }
                }
                (None, Some(st)) => q
                    .key_condition_expression("desk = :d AND begins_with(queueKey, :st)")
                    .expression_attribute_values(":st", s(format!("{}#", st.as_str()))),
                (None, None) => q.key_condition_expression("desk = :d"),
            }
        };
        let filled = page::fill(
            query,
            start,
            limit as usize,
            page::one_more(limit),
            "listing a desk's cases",
        )
        .await?;
        let next = filled.resume_after.as_ref().and_then(|k| page::cursor_from(k, range));
        Ok((read_all(filled.items)?, next))
    }
}

impl FeedbackStore {
    /// A desk's open cases (received or assigned), in due order: the sparse `ByDue` index
    /// holds exactly those, so one range reads them all.
    pub async fn open_at(
        &self,
        desk: &Desk,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<(Vec<Feedback>, Option<Cursor>), StoreError> {
        // Every due date sorts before this one.
        self.at_desk(desk, None, Some("9999-12-31"), after, limit).await
    }
}

fn read_all(items: Vec<Item>) -> Result<Vec<Feedback>, StoreError> {
    items
        .into_iter()
        .map(|i| from_item(strip(i), "reading a case"))
        .collect()
}
