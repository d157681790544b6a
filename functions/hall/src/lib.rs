//! The hall function (一窗受理的大厅端): the day board, check-in, walk-in numbers, calling the
//! next number at a window and finishing a visit.
//!
//! Routes (API.md § The hall): `GET /v1/staff/halls/{hallId}/day`,
//! `POST /v1/staff/halls/{hallId}/check-in`, `POST /v1/staff/halls/{hallId}/walk-ins`,
//! `POST /v1/staff/windows/{windowId}/call-next`, `POST /v1/staff/queue/{ticketId}/finish`,
//! and check-in by booking id, `POST /v1/staff/bookings/{id}/check-in`.

mod board;
mod call;
mod checkin;
mod finish;
mod view;
mod walkin;

use api::ApiError;
use api::auth::Verifier;
use api::http::{self, Response};
use api::staff::Gate;
use lambda_http::Request;
use model::config::{ConfigError, Env};
use model::time::{Clock, local};
use store::audit::Trail;
use store::bookings::BookingStore;
use store::catalog::CatalogStore;

#[derive(Debug, Clone)]
pub struct App {
    bookings: BookingStore,
    catalog: CatalogStore,
    verifier: Verifier,
    gate: Gate,
    trail: Trail,
    clock: Clock,
}

impl App {
    /// Reads `BOOKINGS_TABLE`, `OUTBOX_TABLE`, `CATALOG_TABLE`, `STAFF_TABLE`, `AUDIT_TABLE`
    /// and the JWT verification settings, and connects the store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let bookings = env.required("BOOKINGS_TABLE")?.to_owned();
        let outbox = env.required("OUTBOX_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let verifier = Verifier::from_env(env)?;
        let client = store::connect(env).await;
        Ok(Self {
            bookings: BookingStore::new(client.clone(), bookings, outbox),
            catalog: CatalogStore::new(client.clone(), catalog),
            verifier,
            gate: Gate::from_env(env, client.clone(), Clock::system())?,
            trail: Trail::new(client, env.required("AUDIT_TABLE")?),
            clock: Clock::system(),
        })
    }

    /// The same app reading the time from `clock` (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.gate = self.gate.with_clock(clock.clone());
        self.clock = clock;
        self
    }

    /// Today in Shanghai, `YYYY-MM-DD`: a hall's queue is a day's.
    fn today(&self) -> jiff::civil::Date {
        local(self.clock.now()).date()
    }
}

pub async fn handle(app: &App, req: Request) -> Response {
    http::serve(req, |req| async move {
        match http::route_key(&req).as_str() {
            "GET /v1/staff/halls/{hallId}/day" => board::day(app, &req).await,
            "POST /v1/staff/halls/{hallId}/check-in" => checkin::by_code(app, &req).await,
            "POST /v1/staff/bookings/{id}/check-in" => checkin::by_id(app, &req).await,
            "POST /v1/staff/halls/{hallId}/walk-ins" => walkin::issue(app, &req).await,
            "POST /v1/staff/windows/{windowId}/call-next" => call::next(app, &req).await,
            "POST /v1/staff/queue/{ticketId}/finish" => finish::finish(app, &req).await,
            _ => Err(ApiError::not_found()),
        }
    })
    .await
}
