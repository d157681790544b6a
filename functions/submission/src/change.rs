//! What every change to an application shares: reading it, advancing its version, deriving
//! its status from its cases, recording the step, and writing it all in one transaction.

use crate::App;
use shared::ApiError;
use shared::domain::application::{ApplicationNo, Status, derived_status};
use shared::domain::catalog::ItemKind;
use shared::domain::time::{local, rfc3339};
use shared::error::Code;
use shared::store::applications::{Case, Change, CommitError, TimelineEntry, View};
use shared::store::outbox::{Kind, Notification};
use std::collections::BTreeMap;

/// The application, or 404.
pub async fn load(app: &App, no: &ApplicationNo) -> Result<View, ApiError> {
    app.applications.view(no).await?.ok_or_else(ApiError::not_found)
}

/// A change being prepared from a view: the new state of the application and the cases it
/// touches, and the one timeline entry that records it.
pub struct Plan {
    pub view: View,
    /// Each case's status as read, beside the case: the condition its write carries.
    was: Vec<Status>,
    /// Which cases the plan changes, beside the cases.
    changed: Vec<bool>,
}

impl Plan {
    pub fn new(view: View) -> Self {
        let was = view.cases.iter().map(|c| c.status).collect();
        let changed = vec![false; view.cases.len()];
        Self { view, was, changed }
    }

    /// Changes every case `which` picks with `change`, and marks it changed.
    pub fn touch(&mut self, which: impl Fn(&Case) -> bool, mut change: impl FnMut(&mut Case)) {
        for (case, changed) in self.view.cases.iter_mut().zip(self.changed.iter_mut()) {
            if which(case) {
                change(case);
                *changed = true;
            }
        }
    }

    /// The changed cases, each with its status as read.
    fn touched(&self) -> impl Iterator<Item = (&Case, Option<Status>)> {
        self.view
            .cases
            .iter()
            .zip(&self.was)
            .zip(&self.changed)
            .filter(|(_, changed)| **changed)
            .map(|((case, was), _)| (case, Some(*was)))
    }

    /// Writes the plan: the application's version advanced and its status derived, the
    /// touched cases, the entry, and notifications. `Stale` if the application changed
    /// since it was read.
    pub async fn commit(
        mut self,
        app: &App,
        action: &str,
        actor: String,
        item: Option<&shared::domain::ItemCode>,
        note: Option<shared::domain::FreeText>,
        notify: Option<Kind>,
    ) -> Result<View, CommitError> {
        let now = app.clock.now();
        let at = rfc3339(now);
        let old_version = self.view.application.version;
        let was_completed = self.view.application.status == Status::Completed;
        {
            let a = &mut self.view.application;
            a.version = a.version.saturating_add(1);
            a.status = derived_status(&self.view.cases.iter().map(|c| c.status).collect::<Vec<_>>());
            if a.status == Status::Completed && a.completed_on.is_none() {
                a.completed_on = Some(local(now).date().strftime("%Y-%m-%d").to_string());
            }
            a.updated_at = at.clone();
        }
        for (case, _) in self.view.cases.iter_mut().zip(&self.changed).filter(|(_, c)| **c) {
            case.updated_at = at.clone();
        }
        let a = &self.view.application;
        let entry = TimelineEntry {
            at: at.clone(),
            status: item
                .and_then(|code| self.view.cases.iter().find(|c| &c.item_code == code))
                .map_or(a.status, |c| c.status),
            action: action.to_owned(),
            actor,
            item_code: item.cloned(),
            note,
            version: a.version,
        };
        let notifications = notify
            .map(|kind| {
                vec![Notification {
                    kind,
                    citizen: a.citizen_id.clone(),
                    cause: format!(
                        "{}#{}#{}",
                        a.application_no,
                        item.map_or("ALL", |i| i.as_str()),
                        a.version
                    ),
                    source: format!("application:{}", a.application_no),
                    page: format!("pages/application/detail?no={}", a.application_no),
                    data: BTreeMap::from([
                        ("applicationNo", a.application_no.to_string()),
                        ("subjectName", a.subject_name.clone()),
                        ("status", entry.status.text().to_owned()),
                        ("at", at.clone()),
                    ]),
                }]
            })
            .unwrap_or_default();
        let change = Change {
            application: a,
            replaces: Some(old_version),
            cases: self.touched().collect(),
            entry: entry.clone(),
            notifications,
            idempotency: None,
        };
        app.applications.commit(&change, now).await?;
        if !was_completed && self.view.application.status == Status::Completed {
            shared::metrics::count(shared::metrics::Metric::Completions, 1);
        }
        self.view.timeline.push(entry);
        Ok(self.view)
    }
}

/// A commit failure as the client sees it.
pub fn refused(e: CommitError) -> ApiError {
    match e {
        CommitError::Stale => ApiError::code(Code::VersionConflict),
        CommitError::KeyUsed => ApiError::code(Code::IdempotencyKeyReused),
        CommitError::Store(e) => e,
    }
}

/// Today's date in Shanghai.
pub fn today(app: &App) -> jiff::civil::Date {
    local(app.clock.now()).date()
}

fn ymd(d: jiff::civil::Date) -> String {
    d.strftime("%Y-%m-%d").to_string()
}

/// Starts a case's clock: due `promisedDays` working days after today (即办件: today).
pub fn start_clock(app: &App, case: &mut Case) {
    let today = today(app);
    let days = if case.kind == ItemKind::Instant {
        0
    } else {
        case.promised_days
    };
    case.accepted_at = Some(rfc3339(app.clock.now()));
    case.deadline = Some(ymd(app.calendar.add_working_days(today, days)));
}

/// Stops a running clock for a correction, keeping the working days that were left.
pub fn stop_clock(app: &App, case: &mut Case) {
    if let Some(due) = case.deadline.take().and_then(|d| d.parse::<jiff::civil::Date>().ok()) {
        let today = today(app);
        case.remaining_days = Some(if today >= due {
            0
        } else {
            app.calendar.working_days_between(today, due)
        });
    }
    case.flag = None;
}

/// Restarts a stopped clock with the working days that were left.
pub fn resume_clock(app: &App, case: &mut Case) {
    if let Some(left) = case.remaining_days.take() {
        case.deadline = Some(ymd(app.calendar.add_working_days(today(app), left)));
    }
}
