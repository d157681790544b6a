//! The feedback function (咨询投诉): citizens file consultations, complaints, suggestions and
//! requests for help, follow them and rate the reply; desks assign, reply, ask for more days
//! and return what is not theirs; supervisors decide extensions.
//!
//! Routes (API.md § Consultations and complaints): `POST /v1/feedback`,
//! `GET /v1/me/feedback`, `GET /v1/feedback/{no}`, `POST /v1/feedback/{no}/rating`,
//! `GET /v1/staff/feedback`, `GET /v1/staff/feedback/{no}`,
//! `POST /v1/staff/feedback/{no}/transitions`, `POST /v1/supervision/feedback/{no}/extension`,
//! `GET /v1/supervision/feedback/{no}/complainant`.

mod complainant;
mod desk;
mod file;
mod own;
mod view;

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
use store::citizens::CitizenStore;
use store::feedback::FeedbackStore;

#[derive(Debug, Clone)]
pub struct App {
    feedback: FeedbackStore,
    applications: ApplicationStore,
    bookings: BookingStore,
    catalog: CatalogStore,
    citizens: CitizenStore,
    verifier: Verifier,
    gate: Gate,
    trail: Trail,
    cursors: Cursors,
    calendar: &'static WorkCalendar,
    clock: Clock,
}

impl App {
    /// Reads `FEEDBACK_TABLE`, `OUTBOX_TABLE`, `SUPERVISION_TABLE` (the figures),
    /// `APPLICATIONS_TABLE`, `BOOKINGS_TABLE`,
    /// `CATALOG_TABLE`, `CITIZENS_TABLE`, `STAFF_TABLE`, `AUDIT_TABLE`, `CURSOR_KEY` and the JWT verification
    /// settings, and connects the store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let feedback = env.required("FEEDBACK_TABLE")?.to_owned();
        let outbox = env.required("OUTBOX_TABLE")?.to_owned();
        let applications = env.required("APPLICATIONS_TABLE")?.to_owned();
        let bookings = env.required("BOOKINGS_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let verifier = Verifier::from_env(env)?;
        let cursors = CursorKey::setting(env)?;
        let client = store::connect(env).await;
        Ok(Self {
            feedback: FeedbackStore::new(client.clone(), feedback, outbox).counting(env.required("SUPERVISION_TABLE")?),
            applications: ApplicationStore::reader(client.clone(), applications),
            bookings: BookingStore::reader(client.clone(), bookings),
            catalog: CatalogStore::new(client.clone(), catalog),
            citizens: CitizenStore::new(client.clone(), env.required("CITIZENS_TABLE")?),
            verifier,
            gate: Gate::from_env(env, client.clone(), Clock::system())?,
            trail: Trail::new(client, env.required("AUDIT_TABLE")?),
            cursors,
            calendar: WorkCalendar::shipped(),
            clock: Clock::system(),
        })
    }

    /// The same app reading the time from `clock` (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.gate = self.gate.with_clock(clock.clone());
        self.clock = clock;
        self
    }

    fn today(&self) -> jiff::civil::Date {
        model::time::local(self.clock.now()).date()
    }
}

pub async fn handle(app: &App, req: Request) -> Response {
    http::serve(req, |req| async move {
        match http::route_key(&req).as_str() {
            "POST /v1/feedback" => file::file(app, &req).await,
            "GET /v1/me/feedback" => own::list(app, &req).await,
            "GET /v1/feedback/{no}" => own::get(app, &req).await,
            "POST /v1/feedback/{no}/rating" => own::rate(app, &req).await,
            "GET /v1/staff/feedback" => desk::list(app, &req).await,
            "GET /v1/staff/feedback/{no}" => desk::get(app, &req).await,
            "POST /v1/staff/feedback/{no}/transitions" => desk::act(app, &req).await,
            "POST /v1/supervision/feedback/{no}/extension" => desk::extension(app, &req).await,
            "GET /v1/supervision/feedback/{no}/complainant" => complainant::open(app, &req).await,
            _ => Err(ApiError::not_found()),
        }
    })
    .await
}
