//! The evaluation invitations, run daily: a service completed three days ago and not rated
//! gets one reminder in the outbox. Completed applications come from the `ByCompletedOn`
//! index, checked-in visits from the bookings' `ByHallDay` index: no scan (`finished`). The
//! outbox record's id is the evaluation's, so a second run invites no one twice. A service
//! still unrated when the province's period ends gets the rules' default rating, marked as
//! one and counted apart (`EVALUATION_DEFAULT_AFTER_DAYS`, `EVALUATION_DEFAULT_RATING`). The
//! same run counts the overdue 差评 (see `overdue`).

mod finished;
mod overdue;

use api::ApiError;
use jiff::Span;
use model::WorkCalendar;
use model::config::{ConfigError, Env};
use model::evaluation::{EvaluationId, Review};
use model::time::{Clock, local};
use serde::Serialize;
use std::collections::BTreeMap;
use store::applications::ApplicationStore;
use store::bookings::BookingStore;
use store::catalog::CatalogStore;
use store::evaluations::{EvaluationStore, Written};
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
    /// Days after completion when an unrated service gets the default rating, and which.
    default_after_days: i64,
    default_rating: u8,
    calendar: &'static WorkCalendar,
    clock: Clock,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub invitations: u32,
    /// Services given the rules' default rating today.
    pub defaults: u32,
    /// 差评 past their verification or rectification deadline today.
    pub overdue_bad_reviews: u32,
}

impl App {
    /// Reads `EVALUATIONS_TABLE`, `APPLICATIONS_TABLE`, `BOOKINGS_TABLE`, `OUTBOX_TABLE`,
    /// `CATALOG_TABLE`, the province's default-rating rule (`EVALUATION_DEFAULT_AFTER_DAYS`,
    /// 15; `EVALUATION_DEFAULT_RATING`, 4 = 满意, at least 3: a default is never a 差评), and
    /// connects the store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let evaluations = env.required("EVALUATIONS_TABLE")?.to_owned();
        let applications = env.required("APPLICATIONS_TABLE")?.to_owned();
        let bookings = env.required("BOOKINGS_TABLE")?.to_owned();
        let outbox = env.required("OUTBOX_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let default_after_days = env.parsed_or("EVALUATION_DEFAULT_AFTER_DAYS", 15i64)?;
        if !(AFTER_DAYS + 1..=366).contains(&default_after_days) {
            return Err(ConfigError::new(
                "EVALUATION_DEFAULT_AFTER_DAYS",
                "must be after the invitation (4 to 366 days)",
            ));
        }
        let default_rating = env.parsed_or("EVALUATION_DEFAULT_RATING", 4u8)?;
        if !(3..=5).contains(&default_rating) {
            return Err(ConfigError::new("EVALUATION_DEFAULT_RATING", "must be 3, 4 or 5"));
        }
        let client = store::connect(env).await;
        Ok(Self {
            evaluations: EvaluationStore::reader(client.clone(), evaluations),
            applications: ApplicationStore::reader(client.clone(), applications),
            bookings: BookingStore::reader(client.clone(), bookings),
            catalog: CatalogStore::new(client.clone(), catalog),
            outbox: Outbox::new(client, outbox),
            default_after_days,
            default_rating,
            calendar: WorkCalendar::shipped(),
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
        let ago = |days: i64| {
            today
                .checked_sub(Span::new().days(days))
                .unwrap_or(today)
                .strftime("%Y-%m-%d")
                .to_string()
        };
        let mut report = Report::default();
        let halls = self.catalog.halls().await?;
        let due: Vec<Notification> = self
            .unrated(finished::on(self, &halls, &ago(AFTER_DAYS)).await?)
            .await?
            .into_iter()
            .map(|r| invitation(&r.id, r.citizen, &r.subject_name))
            .collect();
        for note in &due {
            if self.outbox.notify(note, now).await? {
                report.invitations = report.invitations.saturating_add(1);
            }
        }
        let expiring = finished::on(self, &halls, &ago(self.default_after_days)).await?;
        for rated in self.unrated(expiring).await? {
            let review = Review::by_default(rated, self.default_rating, now, self.calendar);
            // Rated meanwhile (a citizen's rating, or another run's default): nothing to give.
            if self.evaluations.rate(&review).await? == Written::Done {
                report.defaults = report.defaults.saturating_add(1);
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
            defaults = report.defaults,
            overdue_bad_reviews = report.overdue_bad_reviews,
            "evaluation invitations"
        );
        Ok(report)
    }
}

impl App {
    /// Those of `finished` no one has rated.
    async fn unrated(
        &self,
        finished: Vec<model::evaluation::Rated>,
    ) -> Result<Vec<model::evaluation::Rated>, ApiError> {
        let ids: Vec<EvaluationId> = finished.iter().map(|r| r.id.clone()).collect();
        let rated = self.evaluations.exist(&ids).await?;
        Ok(finished
            .into_iter()
            .zip(rated)
            .filter(|(_, r)| !r)
            .map(|(f, _)| f)
            .collect())
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
