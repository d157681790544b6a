//! The evaluation invitations, run daily: a service completed three days ago and not rated
//! gets one reminder in the outbox. Completed applications come from the `ByCompletedOn`
//! index, checked-in visits from the bookings' `ByHallDay` index: no scan. The outbox
//! record's id is the evaluation's, so a second run invites no one twice. The same run
//! counts the overdue 差评 (see `overdue`).

mod overdue;

use api::ApiError;
use jiff::Span;
use model::booking::BookingStatus;
use model::config::{ConfigError, Env};
use model::evaluation::EvaluationId;
use model::time::{Clock, local};
use serde::Serialize;
use std::collections::BTreeMap;
use store::applications::ApplicationStore;
use store::bookings::BookingStore;
use store::catalog::CatalogStore;
use store::evaluations::EvaluationStore;
use store::outbox::{Kind, Notification, Outbox};

/// Days after completion or the visit when the invitation goes.
pub const AFTER_DAYS: i64 = 3;

#[derive(Debug, Clone)]
pub struct App {
    evaluations: EvaluationStore,
    applications: ApplicationStore,
    bookings: BookingStore,
    catalog: CatalogStore,
    outbox: Outbox,
    clock: Clock,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub invitations: u32,
    /// 差评 past their verification or rectification deadline today.
    pub overdue_bad_reviews: u32,
}

impl App {
    /// Reads `EVALUATIONS_TABLE`, `APPLICATIONS_TABLE`, `BOOKINGS_TABLE`, `OUTBOX_TABLE` and
    /// `CATALOG_TABLE`, and connects the store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let evaluations = env.required("EVALUATIONS_TABLE")?.to_owned();
        let applications = env.required("APPLICATIONS_TABLE")?.to_owned();
        let bookings = env.required("BOOKINGS_TABLE")?.to_owned();
        let outbox = env.required("OUTBOX_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let client = store::connect(env).await;
        Ok(Self {
            evaluations: EvaluationStore::reader(client.clone(), evaluations),
            applications: ApplicationStore::reader(client.clone(), applications),
            bookings: BookingStore::reader(client.clone(), bookings),
            catalog: CatalogStore::new(client.clone(), catalog),
            outbox: Outbox::new(client, outbox),
            clock: Clock::system(),
        })
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub async fn sweep(&self) -> Result<Report, ApiError> {
        let now = self.clock.now();
        // Today is a real date, far from the start of time, so a few days back is one too.
        let today = local(now).date();
        let day = today.checked_sub(Span::new().days(AFTER_DAYS)).unwrap_or(today);
        let day = day.strftime("%Y-%m-%d").to_string();
        let mut due: Vec<(EvaluationId, Notification)> = Vec::new();
        for a in self.applications.completed_on(&day).await? {
            let id = EvaluationId::for_application(&a.application_no);
            due.push((id.clone(), invitation(&id, a.citizen_id, &a.subject_name)));
        }
        for hall in self.catalog.halls().await? {
            // Visits checked in, whether or not the window marked them served since.
            let visited = self
                .bookings
                .of_day(&hall.hall_id, &day)
                .await?
                .into_iter()
                .filter(|b| matches!(b.status, BookingStatus::CheckedIn | BookingStatus::Completed));
            for b in visited {
                let id = EvaluationId::for_booking(&b.id);
                due.push((
                    id.clone(),
                    invitation(&id, b.citizen_id, &format!("{}（{}）", b.item_name, b.hall_name)),
                ));
            }
        }
        let ids: Vec<EvaluationId> = due.iter().map(|(id, _)| id.clone()).collect();
        let rated = self.evaluations.exist(&ids).await?;
        let mut report = Report::default();
        for ((_, note), rated) in due.iter().zip(rated) {
            if !rated && self.outbox.notify(note, now).await? {
                report.invitations = report.invitations.saturating_add(1);
            }
        }
        report.overdue_bad_reviews = overdue::count(self, local(now).date()).await?;
        // Published every day, zero included, so the alarm sees a quiet day as quiet.
        api::metrics::gauge(
            api::metrics::Metric::OverdueBadReviews,
            u64::from(report.overdue_bad_reviews),
        );
        tracing::info!(
            invitations = report.invitations,
            overdue_bad_reviews = report.overdue_bad_reviews,
            "evaluation invitations"
        );
        Ok(report)
    }
}

fn invitation(id: &EvaluationId, citizen: model::CitizenId, subject: &str) -> Notification {
    Notification {
        kind: Kind::EvaluationInvitation,
        citizen,
        cause: id.to_string(),
        source: format!("evaluation:{id}"),
        page: format!("pages/evaluation/new?id={id}"),
        data: BTreeMap::from([("subjectName", subject.to_owned())]),
    }
}
