//! The sweep's alerts (预警): what it found late becomes an alert, raised once; the staff who
//! answer for it are told by WeCom (a department's approvers, a hall's managers, the
//! dispatchers, the supervisors for their own desk); an alert nobody acknowledged for a
//! working day is escalated to the supervisors; one whose condition the sweep no longer
//! finds is resolved. A push that fails is tried again by the next sweep.

use crate::{App, Report};
use api::ApiError;
use model::alert::{Alert, AlertKind, AlertStatus};
use model::application::Case;
use model::feedback::Feedback;
use model::staff::{Member, StaffRole};
use std::collections::{BTreeMap, BTreeSet};
use store::alerts::Written;

/// Something late the sweep found: the alert it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub kind: AlertKind,
    /// Its name within its kind: `<no>.<itemCode>`, a number, an id.
    pub reference: String,
    pub subject: String,
    pub unit: String,
}

impl Condition {
    /// A case flagged `near_due` or `overdue`, or late for its acceptance decision.
    pub fn of_case(flag: &str, c: &Case) -> Self {
        let kind = match flag {
            "near_due" => AlertKind::NearDue,
            "overdue" => AlertKind::Overdue,
            _ => AlertKind::AcceptanceOverdue,
        };
        Self {
            kind,
            reference: format!("{}.{}", c.application_no, c.item_code),
            subject: format!("application:{}", c.application_no),
            unit: c.dept.to_string(),
        }
    }

    pub fn of_feedback(f: &Feedback) -> Self {
        Self {
            kind: AlertKind::FeedbackOverdue,
            reference: f.no.to_string(),
            subject: format!("feedback:{}", f.no),
            unit: model::figures::desk_unit(&f.desk),
        }
    }
}

/// Who answers for `unit`: its department's approvers, a hall's managers, the dispatchers,
/// the supervisors for their own desk.
fn answerable(m: &Member, unit: &str) -> bool {
    match unit {
        "dispatch" => m.has(StaffRole::Dispatcher),
        "supervision" => m.has(StaffRole::Supervisor),
        hall if hall.starts_with("hall:") => {
            m.has(StaffRole::HallManager)
                && m.hall_ids
                    .iter()
                    .any(|h| Some(h.as_str()) == hall.strip_prefix("hall:"))
        }
        dept => m.has(StaffRole::Approver) && m.dept_code.as_ref().is_some_and(|d| d.as_str() == dept),
    }
}

impl App {
    /// The late things found outside the departments' queues: 督办 orders past their day,
    /// 差评 not verified by theirs.
    pub(crate) async fn overdue_elsewhere(
        &self,
        depts: &[model::catalog::Department],
        today: jiff::civil::Date,
        found: &mut Vec<Condition>,
    ) -> Result<(), ApiError> {
        let mut cursor = None;
        loop {
            let (orders, next) = self.orders.list(None, None, cursor.as_ref(), 100).await?;
            for o in orders.iter().filter(|o| o.overdue(today)) {
                found.push(Condition {
                    kind: AlertKind::OrderOverdue,
                    reference: o.id.to_string(),
                    subject: format!("order:{}", o.id),
                    unit: o.dept_code.to_string(),
                });
            }
            cursor = next;
            if cursor.is_none() {
                break;
            }
        }
        let day = today.to_string();
        for dept in depts {
            let mut cursor = None;
            loop {
                let pending = Some(model::evaluation::ReviewStatus::PendingVerification);
                let (reviews, next) = self
                    .evaluations
                    .for_dept(&dept.code, pending, cursor.as_ref(), 100)
                    .await?;
                for r in reviews
                    .iter()
                    .filter(|r| r.verify_due.as_deref().is_some_and(|d| d < day.as_str()))
                {
                    found.push(Condition {
                        kind: AlertKind::VerificationOverdue,
                        reference: r.id.to_string(),
                        subject: format!("evaluation:{}", r.id),
                        unit: r.dept.to_string(),
                    });
                }
                cursor = next;
                if cursor.is_none() {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Raises what is newly late, escalates what waited a working day unacknowledged,
    /// resolves what is late no more, and pushes what needs telling.
    pub(crate) async fn reconcile(
        &self,
        found: Vec<Condition>,
        now: jiff::Timestamp,
        report: &mut Report,
    ) -> Result<(), ApiError> {
        let today = model::time::local(now).date();
        let orders_overdue = found.iter().filter(|c| c.kind == AlertKind::OrderOverdue).count();
        api::metrics::gauge(api::metrics::Metric::OrdersOverdue, orders_overdue as u64);
        let mut known: BTreeMap<String, Alert> = self
            .alerts
            .unresolved()
            .await?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        let mut still: BTreeSet<String> = BTreeSet::new();
        let mut changed: Vec<(Alert, u64)> = Vec::new();
        for c in found {
            let a = Alert::raise(c.kind, &c.reference, c.subject, c.unit, now);
            still.insert(a.id.clone());
            if known.contains_key(&a.id) {
                continue;
            }
            // Raised once: an alert of this id resolved before is not raised again.
            if self.alerts.raise(&a).await? == Written::Done {
                report.raised = report.raised.saturating_add(1);
                known.insert(a.id.clone(), a.clone());
            }
        }
        // What stays unacknowledged after this sweep: still late, open or escalated.
        let mut waiting = 0u64;
        for (id, mut a) in known {
            let read = a.version;
            if still.contains(&id) && matches!(a.status, AlertStatus::Open | AlertStatus::Escalated) {
                waiting = waiting.saturating_add(1);
            }
            if !still.contains(&id) {
                a.resolve(now);
                report.resolved = report.resolved.saturating_add(1);
                changed.push((a, read));
            } else if a.escalation_due(today, self.calendar) {
                a.escalate(now);
                report.escalated = report.escalated.saturating_add(1);
                changed.push((a, read));
            } else if matches!(a.status, AlertStatus::Open | AlertStatus::Escalated) && a.push_pending() {
                // Its last push failed: tried again.
                changed.push((a, read));
            }
        }
        api::metrics::gauge(api::metrics::Metric::AlertsUnacknowledged, waiting);
        if changed.is_empty() {
            return Ok(());
        }
        let directory = self.members().await?;
        for (mut a, read) in changed {
            if a.status != AlertStatus::Resolved && a.push_pending() {
                let users: Vec<String> = directory
                    .iter()
                    .filter(|m| answerable(m, a.audience()))
                    .map(|m| m.wecom_user_id.to_string())
                    .collect();
                let ok = if users.is_empty() {
                    false
                } else {
                    match self.wecom.tell(&users, &a.message()).await {
                        Ok(_) => true,
                        Err(e) => {
                            tracing::warn!(alert = %a.id, error = %api::error::chain(&e), "an alert's push failed");
                            false
                        }
                    }
                };
                a.pushed(users.len(), ok, now);
            }
            // Another sweep changed it meanwhile: it holds the newer state.
            let _ = self.alerts.step(&a, read, None).await?;
            tracing::info!(alert = %a.id, status = a.status.as_str(), "alert");
        }
        Ok(())
    }

    /// The directory's enabled members, read once per sweep that has something to tell.
    async fn members(&self) -> Result<Vec<Member>, ApiError> {
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = self.directory.list(cursor.as_ref(), 100).await?;
            out.extend(page.into_iter().filter(|m| !m.disabled));
            cursor = next;
            if cursor.is_none() {
                return Ok(out);
            }
        }
    }
}
