//! The supervision function (营商环境监管): the figures (an overview per department and for the
//! district, and daily trends); the alerts (预警) the daily sweep raises; 督办 orders issued by supervisors to a department about an
//! application, a case of 咨询投诉 or a review, answered by the department and closed or
//! returned by the supervisors; and the audit trail (留痕), read by the supervisors.
//!
//! Routes (API.md § Supervision): `POST /v1/supervision/orders`,
//! `GET /v1/supervision/orders`, `POST /v1/supervision/orders/{id}/close`,
//! `POST /v1/supervision/orders/{id}/return`, `GET /v1/staff/supervision-orders`,
//! `POST /v1/staff/supervision-orders/{id}/response`, `GET /v1/supervision/audit`,
//! `GET /v1/supervision/overview`, `GET /v1/supervision/trends`,
//! `GET /v1/supervision/alerts`, `POST /v1/staff/alerts/{id}/acknowledge`.

mod alerts;
mod audit;
mod figures;
mod orders;

use api::ApiError;
use api::auth::Verifier;
use api::cursor::{CursorKey, Cursors};
use api::http::{self, Response};
use api::staff::Gate;
use lambda_http::Request;
use model::config::{ConfigError, Env};
use model::time::Clock;
use store::alerts::AlertStore;
use store::applications::ApplicationStore;
use store::audit::Trail;
use store::catalog::CatalogStore;
use store::evaluations::EvaluationStore;
use store::feedback::FeedbackStore;
use store::figures::FigureStore;
use store::orders::OrderStore;

#[derive(Debug, Clone)]
pub struct App {
    orders: OrderStore,
    figures: FigureStore,
    alerts: AlertStore,
    applications: ApplicationStore,
    feedback: FeedbackStore,
    evaluations: EvaluationStore,
    catalog: CatalogStore,
    verifier: Verifier,
    gate: Gate,
    trail: Trail,
    cursors: Cursors,
    clock: Clock,
}

impl App {
    /// Reads `SUPERVISION_TABLE`, `APPLICATIONS_TABLE`, `FEEDBACK_TABLE`,
    /// `EVALUATIONS_TABLE`, `CATALOG_TABLE`, `STAFF_TABLE`, `AUDIT_TABLE`, `CURSOR_KEY` and
    /// the JWT verification settings, and connects the store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let orders = env.required("SUPERVISION_TABLE")?.to_owned();
        let applications = env.required("APPLICATIONS_TABLE")?.to_owned();
        let feedback = env.required("FEEDBACK_TABLE")?.to_owned();
        let evaluations = env.required("EVALUATIONS_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let audit = env.required("AUDIT_TABLE")?.to_owned();
        let verifier = Verifier::from_env(env)?;
        let cursors = CursorKey::setting(env)?;
        let client = store::connect(env).await;
        Ok(Self {
            figures: FigureStore::new(client.clone(), orders.clone()),
            alerts: AlertStore::new(client.clone(), orders.clone()),
            orders: OrderStore::new(client.clone(), orders),
            applications: ApplicationStore::reader(client.clone(), applications),
            feedback: FeedbackStore::reader(client.clone(), feedback),
            evaluations: EvaluationStore::reader(client.clone(), evaluations),
            catalog: CatalogStore::new(client.clone(), catalog),
            verifier,
            gate: Gate::from_env(env, client.clone(), Clock::system())?,
            trail: Trail::new(client, audit),
            cursors,
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
            "POST /v1/supervision/orders" => orders::issue(app, &req).await,
            "GET /v1/supervision/orders" => orders::list(app, &req).await,
            "POST /v1/supervision/orders/{id}/close" => orders::close(app, &req).await,
            "POST /v1/supervision/orders/{id}/return" => orders::send_back(app, &req).await,
            "GET /v1/staff/supervision-orders" => orders::of_dept(app, &req).await,
            "POST /v1/staff/supervision-orders/{id}/response" => orders::respond(app, &req).await,
            "GET /v1/supervision/audit" => audit::read(app, &req).await,
            "GET /v1/supervision/overview" => figures::overview(app, &req).await,
            "GET /v1/supervision/trends" => figures::trends(app, &req).await,
            "GET /v1/supervision/alerts" => alerts::list(app, &req).await,
            "POST /v1/staff/alerts/{id}/acknowledge" => alerts::acknowledge(app, &req).await,
            _ => Err(ApiError::not_found()),
        }
    })
    .await
}
