//! The applications table: applications, their cases and timelines, uploads, idempotency
//! records and the public lookup's rate-limit counters.
//!
//! Key schema: `pk` (S), `sk` (S); TTL on `expiresAt`.
//!
//! | record | pk | sk |
//! |---|---|---|
//! | application (status, version, form, materials) | `A#<no>` | `APP` |
//! | case: one per item, owned by its department | `A#<no>` | `CASE#<itemCode>` |
//! | timeline entry (留痕: who, when, what, note) | `A#<no>` | `T#<at>#<version>` |
//! | upload of one material (`uploadedBy`: a citizen, or window staff scanning) | `U#<objectKey>` | `UPLOAD` |
//! | an uploader's uploads of one day (`uses`) | `UQ#<citizenId or staffId>#<date>` | `UQ` |
//! | idempotency record | `IDEM#<citizenId>#<key>` | `IDEM` |
//! | rate-limit counter | `RL#<scope>#<key>#<window>` | `RL` |
//! | a 代办 consent request, until confirmed (see `consents`) | `CONSENT#<citizenId>` | `<id>` |
//!
//! GSIs (sparse): `ByCitizen` (`citizenId`, `submittedAt`) on applications; `ByDept` (`dept`,
//! `queueKey` = `<status>#<submittedAt>#<no>`) on cases, the staff queue; `ByDeadline`
//! (`openDept`, `deadline`) on cases whose clock runs (accepted, no correction outstanding);
//! `ByCompletedOn` (`completedOn`, `pk`) on completed applications, for evaluation invitations;
//! `ByEnterprise` (`enterpriseCode`, `submittedAt`) on applications made for an enterprise.
//!
//! Access patterns:
//! - The owner's or staff's view of one application: ONE `Query pk = A#<no>` returns the
//!   application, its cases and its whole timeline (sort keys `APP` < `CASE#` < `T#`).
//! - Submit: one transaction putting the application (if absent), its cases, the first
//!   timeline entry and the idempotency record (if absent).
//! - Every later change (staff transition, correction, withdrawal): one transaction that
//!   puts the application on condition its `version` is the one read, the changed cases on
//!   condition their status is the one read, the timeline entry and the outbox record.
//!   Submission and changes alike add what they count to the supervision figures in the
//!   same transaction (`store::figures`).
//! - A citizen's list: `Query ByCitizen`, newest first; an enterprise's (all its members'
//!   work): `Query ByEnterprise`. A department's queue: `Query ByDept`
//!   (`begins_with(queueKey, status)`). Overdue or near due: `Query ByDeadline` with
//!   `deadline <` a date, per department; the sweeper flags what it finds.
//! - The public lookup: two conditional counter updates (per client, per number), one
//!   `GetItem` of the application.
//! - An account a window opened, adopted by the person's WeChat account (`citizens`):
//!   `Query ByCitizen` of the old account, then one conditional update of each
//!   application's owner ([`ApplicationStore::reown`]).
//! - An upload: one transaction: the day's quota counter `ADD uses 1` if below the quota,
//!   and the upload record put if absent.

mod consents;
mod read;
mod reown;
mod write;

pub use read::Listed;
pub use write::{Change, Committed};

pub use model::application::{Application, Case, Correction, MaterialRef, TimelineEntry, Upload, View};

use crate::Client;
use model::application::ApplicationNo;

#[derive(Debug, Clone)]
pub struct ApplicationStore {
    client: Client,
    table: String,
    outbox_table: String,
    /// The supervision table, where changes add to the figures (`store::figures`).
    figures_table: String,
}

impl ApplicationStore {
    pub fn new(client: Client, table: impl Into<String>, outbox_table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            outbox_table: outbox_table.into(),
            figures_table: String::new(),
        }
    }

    /// A store for a function that only reads applications (and counts lookups): it has no
    /// outbox, so a change committed through it fails rather than losing its notification.
    pub fn reader(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            outbox_table: String::new(),
            figures_table: String::new(),
        }
    }

    /// The store adding each change's counts to the figures in `table`, in the change's
    /// own transaction. A store without it fails a change that counts rather than losing
    /// the count.
    pub fn counting(mut self, table: impl Into<String>) -> Self {
        self.figures_table = table.into();
        self
    }
}

pub(crate) fn app_pk(no: &ApplicationNo) -> String {
    format!("A#{no}")
}
