//! A change to an application being planned: the cases it touches, then, when finished, the
//! application's version advanced, its status derived from its cases, the one timeline entry
//! that records the step and the citizen's notification. The store writes a finished plan
//! in one transaction, on condition that nothing changed since it was read.

use super::{Case, Status, TimelineEntry, View, derived_status};
use crate::notification::{Kind, Notification};
use crate::time::{local, rfc3339};
use crate::{FreeText, ItemCode};
use jiff::Timestamp;
use std::collections::BTreeMap;

/// A change being prepared from a view.
#[derive(Debug)]
pub struct Plan {
    view: View,
    /// Each case's status as read, beside the case: the condition its write carries.
    was: Vec<Status>,
    /// Which cases the plan changes, beside the cases.
    changed: Vec<bool>,
}

/// The step a change records: what was done, by whom, to which case, with what note.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    pub action: &'a str,
    /// `citizen`, or `staff:<id>@<dept>`.
    pub actor: String,
    pub item: Option<&'a ItemCode>,
    pub note: Option<FreeText>,
}

/// A finished plan: the application as the change leaves it, and what the write needs.
#[derive(Debug)]
pub struct Planned {
    pub view: View,
    /// The version the change replaces.
    pub replaces: u64,
    was: Vec<Status>,
    changed: Vec<bool>,
    pub entry: TimelineEntry,
    pub notifications: Vec<Notification>,
    /// Whether this change completed the application.
    pub completed: bool,
}

impl Plan {
    pub fn new(view: View) -> Self {
        let was = view.cases.iter().map(|c| c.status).collect();
        let changed = vec![false; view.cases.len()];
        Self { view, was, changed }
    }

    /// The application as read, and as changed so far.
    pub fn view(&self) -> &View {
        &self.view
    }

    /// The application record itself, to change its own fields (the form, materials, the
    /// correction notice).
    pub fn application(&mut self) -> &mut super::Application {
        &mut self.view.application
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

    /// Finishes the plan at `now`: the version advanced, the status derived, the entry, and
    /// the citizen's notification of `notify`'s kind.
    pub fn finish(mut self, step: Step<'_>, notify: Option<Kind>, now: Timestamp) -> Planned {
        let at = rfc3339(now);
        let replaces = self.view.application.version;
        let was_completed = self.view.application.status == Status::Completed;
        let statuses: Vec<Status> = self.view.cases.iter().map(|c| c.status).collect();
        let a = &mut self.view.application;
        a.version = a.version.saturating_add(1);
        a.status = derived_status(&statuses);
        if a.status == Status::Completed && a.completed_on.is_none() {
            a.completed_on = Some(local(now).date().strftime("%Y-%m-%d").to_string());
        }
        a.updated_at = at.clone();
        for (case, _) in self.view.cases.iter_mut().zip(&self.changed).filter(|(_, c)| **c) {
            case.updated_at = at.clone();
        }
        let a = &self.view.application;
        let entry = TimelineEntry {
            at: at.clone(),
            status: step
                .item
                .and_then(|code| self.view.cases.iter().find(|c| &c.item_code == code))
                .map_or(a.status, |c| c.status),
            action: step.action.to_owned(),
            actor: step.actor,
            item_code: step.item.cloned(),
            note: step.note,
            version: a.version,
        };
        let notifications = notify
            .map(|kind| Notification {
                kind,
                citizen: a.citizen_id.clone(),
                cause: format!(
                    "{}#{}#{}",
                    a.application_no,
                    step.item.map_or("ALL", |i| i.as_str()),
                    a.version
                ),
                source: format!("application:{}", a.application_no),
                page: format!("pages/application/detail?no={}", a.application_no),
                data: BTreeMap::from([
                    ("applicationNo", a.application_no.to_string()),
                    ("subjectName", a.subject_name.clone()),
                    ("status", entry.status.text().to_owned()),
                    ("at", at),
                    // A refusal's reason, a correction's note: with personal data masked,
                    // as everything leaving the store.
                    (
                        "note",
                        entry.note.as_ref().map(|n| n.shown().into_owned()).unwrap_or_default(),
                    ),
                ]),
            })
            .into_iter()
            .collect();
        let completed = !was_completed && a.status == Status::Completed;
        Planned {
            view: self.view,
            replaces,
            was: self.was,
            changed: self.changed,
            entry,
            notifications,
            completed,
        }
    }
}

impl Planned {
    /// The changed cases, each with its status as read.
    pub fn touched(&self) -> impl Iterator<Item = (&Case, Status)> {
        self.view
            .cases
            .iter()
            .zip(&self.was)
            .zip(&self.changed)
            .filter(|(_, changed)| **changed)
            .map(|((case, was), _)| (case, *was))
    }

    /// The application once written: its timeline with the new entry.
    pub fn into_view(mut self) -> View {
        self.view.timeline.push(self.entry);
        self.view
    }
}
