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
//! | upload of one material | `U#<objectKey>` | `UPLOAD` |
//! | a citizen's uploads of one day (`uses`) | `UQ#<citizenId>#<date>` | `UQ` |
//! | idempotency record | `IDEM#<citizenId>#<key>` | `IDEM` |
//! | rate-limit counter | `RL#<scope>#<key>#<window>` | `RL` |
//!
//! GSIs (sparse): `ByCitizen` (`citizenId`, `submittedAt`) on applications; `ByDept` (`dept`,
//! `queueKey` = `<status>#<submittedAt>#<no>`) on cases, the staff queue; `ByDeadline`
//! (`openDept`, `deadline`) on cases whose clock runs (accepted, no correction outstanding);
//! `ByCompletedOn` (`completedOn`, `pk`) on completed applications, for evaluation invitations.
//!
//! Access patterns:
//! - The owner's or staff's view of one application: ONE `Query pk = A#<no>` returns the
//!   application, its cases and its whole timeline (sort keys `APP` < `CASE#` < `T#`).
//! - Submit: one transaction putting the application (if absent), its cases, the first
//!   timeline entry and the idempotency record (if absent).
//! - Every later change (staff transition, correction, withdrawal): one transaction that
//!   puts the application on condition its `version` is the one read, the changed cases on
//!   condition their status is the one read, the timeline entry and the outbox record.
//! - A citizen's list: `Query ByCitizen`, newest first. A department's queue: `Query ByDept`
//!   (`begins_with(queueKey, status)`). Overdue or near due: `Query ByDeadline` with
//!   `deadline <` a date, per department; the sweeper flags what it finds.
//! - The public lookup: two conditional counter updates (per client, per number), one
//!   `GetItem` of the application.
//! - An upload: one transaction: the day's quota counter `ADD uses 1` if below the quota,
//!   and the upload record put if absent.

mod read;
pub mod view;
mod write;

pub use read::Listed;
pub use write::{Change, CommitError};

use crate::domain::application::{ApplicationNo, Status};
use crate::domain::catalog::{FormField, ItemKind};
use crate::domain::{CitizenId, DeptCode, FreeText, ItemCode};
use crate::store::Client;
use serde::{Deserialize, Serialize};

/// A material as the application holds it: which one, and where its file is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MaterialRef {
    pub code: String,
    pub object_key: String,
}

/// The latest correction notice (一次告知): everything to fix, at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Correction {
    pub items: Vec<FreeText>,
    pub note: FreeText,
    pub requested_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub application_no: ApplicationNo,
    pub citizen_id: CitizenId,
    /// `item` or `package`.
    pub subject_kind: String,
    pub subject_code: String,
    pub subject_name: String,
    pub dept_codes: Vec<DeptCode>,
    pub status: Status,
    pub version: u64,
    pub form: serde_json::Map<String, serde_json::Value>,
    /// The form's fields, kept so any reader can mask identity fields without the catalog.
    pub form_fields: Vec<FormField>,
    pub materials: Vec<MaterialRef>,
    pub phone_last4: String,
    pub submitted_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<Correction>,
    /// The day it became `completed` (`YYYY-MM-DD`): the key of the evaluation invitations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub application_no: ApplicationNo,
    pub item_code: ItemCode,
    pub item_name: String,
    pub dept: DeptCode,
    pub kind: ItemKind,
    pub promised_days: u32,
    pub status: Status,
    pub submitted_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<String>,
    /// The due date (`YYYY-MM-DD`) while the clock runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Working days left when the clock was stopped for a correction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_days: Option<u32>,
    /// Where a correction returns the case: `submitted` or `accepted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_to: Option<Status>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correction_items: Vec<FreeText>,
    /// `near_due` or `overdue`, as the sweeper last found it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
}

/// One step of an application's life, as it is kept for good (留痕).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub at: String,
    pub status: Status,
    pub action: String,
    /// `citizen` or `staff:<id>@<dept>`.
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_code: Option<ItemCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<FreeText>,
    /// The application's version this step produced: orders entries within a second.
    pub version: u64,
}

/// An uploaded material's record: whose it is and what was announced.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    pub object_key: String,
    pub citizen_id: CitizenId,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub created_at: String,
}

/// An application with everything one query returns.
#[derive(Debug, Clone)]
pub struct View {
    pub application: Application,
    pub cases: Vec<Case>,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone)]
pub struct ApplicationStore {
    client: Client,
    table: String,
    outbox_table: String,
}

impl ApplicationStore {
    pub fn new(client: Client, table: impl Into<String>, outbox_table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            outbox_table: outbox_table.into(),
        }
    }

    /// A store for a function that only reads applications (and counts lookups): it has no
    /// outbox, so a change committed through it fails rather than losing its notification.
    pub fn reader(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            outbox_table: String::new(),
        }
    }
}

pub(crate) fn app_pk(no: &ApplicationNo) -> String {
    format!("A#{no}")
}
