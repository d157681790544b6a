//! The booking function (预约): slots, bookings, cancel and reschedule. Check-in is the
//! hall's (`functions/hall`).
//!
//! Routes (API.md § Booking): `GET /v1/halls/{hallId}/slots`, `POST /v1/bookings`,
//! `GET /v1/me/bookings`, `GET /v1/bookings/{id}`, `POST /v1/bookings/{id}/cancel`,
//! `POST /v1/bookings/{id}/reschedule`.

mod book;
mod context;
mod manage;
mod slots;
mod view;

use api::ApiError;
use api::auth::Verifier;
use api::cursor::{CursorKey, Cursors};
use api::http::{self, Response};
use lambda_http::Request;
use model::WorkCalendar;
use model::config::{ConfigError, Env};
use model::time::Clock;
use store::bookings::BookingStore;
use store::catalog::CatalogStore;
use store::citizens::CitizenStore;
use store::enterprises::EnterpriseStore;

#[derive(Debug, Clone)]
pub struct App {
    bookings: BookingStore,
    catalog: CatalogStore,
    citizens: CitizenStore,
    enterprises: EnterpriseStore,
    verifier: Verifier,
    cursors: Cursors,
    calendar: &'static WorkCalendar,
    clock: Clock,
}

impl App {
    /// Reads `BOOKINGS_TABLE`, `OUTBOX_TABLE`, `CATALOG_TABLE`, `CITIZENS_TABLE`, `ENTERPRISES_TABLE`,
    /// `CURSOR_KEY` and the JWT verification settings, and connects the store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let bookings = env.required("BOOKINGS_TABLE")?.to_owned();
        let outbox = env.required("OUTBOX_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let citizens = env.required("CITIZENS_TABLE")?.to_owned();
        let verifier = Verifier::from_env(env)?;
        let cursors = CursorKey::setting(env)?;
        let client = store::connect(env).await;
        Ok(Self {
            bookings: BookingStore::new(client.clone(), bookings, outbox),
            catalog: CatalogStore::new(client.clone(), catalog),
            citizens: CitizenStore::new(client.clone(), citizens),
            enterprises: EnterpriseStore::new(client.clone(), env.required("ENTERPRISES_TABLE")?),
            verifier,
            cursors,
            calendar: WorkCalendar::shipped(),
            clock: Clock::system(),
        })
    }

    /// The same app reading the time from `clock` (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

pub async fn handle(app: &App, req: Request) -> Response {
    http::serve(req, |req| async move {
        match http::route_key(&req).as_str() {
            "GET /v1/halls/{hallId}/slots" => slots::list(app, &req).await,
            "POST /v1/bookings" => book::create(app, &req).await,
            "GET /v1/me/bookings" => manage::list_mine(app, &req).await,
            "GET /v1/bookings/{id}" => manage::get(app, &req).await,
            "POST /v1/bookings/{id}/cancel" => manage::cancel(app, &req).await,
            "POST /v1/bookings/{id}/reschedule" => manage::reschedule(app, &req).await,
            _ => Err(ApiError::not_found()),
        }
    })
    .await
}
