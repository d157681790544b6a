//! The evaluation function (好差评): ratings of completed applications and hall visits,
//! follow-ups, the 差评 rectification workflow, and the public statistics.
//!
//! Routes (API.md § Evaluation): `POST /v1/applications/{no}/evaluation`,
//! `POST /v1/bookings/{id}/evaluation`, `POST /v1/evaluations/{id}/follow-up`,
//! `GET /v1/stats/evaluations`, `GET /v1/staff/evaluations`,
//! `POST /v1/staff/evaluations/{id}/rectification`, and the supervisors' review of invalid
//! rulings (复核): `GET /v1/supervision/evaluations`,
//! `POST /v1/supervision/evaluations/{id}/review`.

mod rate;
mod rating;
mod recheck;
mod rectify;
mod stats;

use api::ApiError;
use api::auth::Verifier;
use api::cursor::{CursorKey, Cursors};
use api::http::{self, Response};
use api::staff::Gate;
use lambda_http::Request;
use model::WorkCalendar;
use model::config::{ConfigError, Env};
use model::time::Clock;
use store::applications::ApplicationStore;
use store::audit::Trail;
use store::bookings::BookingStore;
use store::catalog::CatalogStore;
use store::evaluations::EvaluationStore;

#[derive(Debug, Clone)]
pub struct App {
    evaluations: EvaluationStore,
    applications: ApplicationStore,
    bookings: BookingStore,
    catalog: CatalogStore,
    verifier: Verifier,
    gate: Gate,
    trail: Trail,
    cursors: Cursors,
    calendar: &'static WorkCalendar,
    clock: Clock,
}

impl App {
    /// Reads `EVALUATIONS_TABLE`, `OUTBOX_TABLE`, `APPLICATIONS_TABLE`, `BOOKINGS_TABLE`,
    /// `CATALOG_TABLE`, `CURSOR_KEY` and the JWT verification settings, and connects the
    /// store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let evaluations = env.required("EVALUATIONS_TABLE")?.to_owned();
        let outbox = env.required("OUTBOX_TABLE")?.to_owned();
        let applications = env.required("APPLICATIONS_TABLE")?.to_owned();
        let bookings = env.required("BOOKINGS_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let verifier = Verifier::from_env(env)?;
        let cursors = CursorKey::setting(env)?;
        let client = store::connect(env).await;
        Ok(Self {
            evaluations: EvaluationStore::new(client.clone(), evaluations, outbox),
            applications: ApplicationStore::reader(client.clone(), applications),
            bookings: BookingStore::reader(client.clone(), bookings),
            catalog: CatalogStore::new(client.clone(), catalog),
            verifier,
            gate: Gate::from_env(env, client.clone(), Clock::system())?,
            trail: Trail::new(client.clone(), env.required("AUDIT_TABLE")?),
            cursors,
            calendar: WorkCalendar::shipped(),
            clock: Clock::system(),
        })
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.gate = self.gate.with_clock(clock.clone());
        self.clock = clock;
        self
    }
}

pub async fn handle(app: &App, req: Request) -> Response {
    http::serve(req, |req| async move {
        match http::route_key(&req).as_str() {
            "POST /v1/applications/{no}/evaluation" => rate::application(app, &req).await,
            "POST /v1/bookings/{id}/evaluation" => rate::visit(app, &req).await,
            "POST /v1/evaluations/{id}/follow-up" => rate::follow_up(app, &req).await,
            "GET /v1/stats/evaluations" => stats::get(app, &req).await,
            "GET /v1/staff/evaluations" => rectify::list(app, &req).await,
            "POST /v1/staff/evaluations/{id}/rectification" => rectify::act(app, &req).await,
            "GET /v1/supervision/evaluations" => recheck::list(app, &req).await,
            "POST /v1/supervision/evaluations/{id}/review" => recheck::decide(app, &req).await,
            _ => Err(ApiError::not_found()),
        }
    })
    .await
}
