//! The submission function (申报): uploads, applications, corrections, withdrawals, and the
//! staff's side: their department's queue and the transitions of its cases.
//!
//! Routes (API.md § Applications): `POST /v1/uploads`, `POST /v1/applications`,
//! `POST /v1/applications/{no}/corrections`, `POST /v1/applications/{no}/withdraw`,
//! `GET /v1/staff/applications`, `POST /v1/staff/applications/{no}/transitions`,
//! `POST /v1/staff/applications/{no}/delivery`,
//! `GET /v1/staff/applications/{no}/materials/{objectKey}`,
//! `GET /v1/staff/applications/{no}/applicant`.

mod change;
mod citizen;
mod delivery;
mod intake;
mod materials;
mod opening;
mod proxy;
mod queue;
mod s3;
mod staff;
mod subject;
mod submit;
mod uploads;

use api::ApiError;
use api::auth::Verifier;
use api::cursor::{CursorKey, Cursors};
use api::http::{self, Response};
use api::secrets::Setting;
use api::staff::Gate;
use lambda_http::Request;
use model::WorkCalendar;
use model::config::{ConfigError, Env};
use model::time::Clock;
use store::applications::ApplicationStore;
use store::audit::Trail;
use store::catalog::CatalogStore;
use store::citizens::CitizenStore;
use store::enterprises::EnterpriseStore;

#[derive(Debug, Clone)]
pub struct App {
    applications: ApplicationStore,
    catalog: CatalogStore,
    citizens: CitizenStore,
    enterprises: EnterpriseStore,
    files: s3::Files,
    verifier: Verifier,
    gate: Gate,
    trail: Trail,
    cursors: Cursors,
    /// The deployment's identity key: the person behind an ID number (`IDENTITY_HASH_KEY`).
    identity_key: Setting<Vec<u8>>,
    /// How long a 代办 waits for the citizen's consent (`PROXY_CONSENT_HOURS`, 24, at most
    /// 48: the scans it names are kept that long before their first use).
    consent_hours: u32,
    /// Uploads a citizen may start in a day (`UPLOADS_PER_DAY`, 60).
    upload_quota: u32,
    /// Scans a window's member of staff may start in a day (`STAFF_UPLOADS_PER_DAY`, 600):
    /// a window takes in many people's materials.
    staff_upload_quota: u32,
    calendar: &'static WorkCalendar,
    clock: Clock,
}

impl App {
    /// Reads `APPLICATIONS_TABLE`, `OUTBOX_TABLE`, `SUPERVISION_TABLE` (the figures),
    /// `CATALOG_TABLE`, `CITIZENS_TABLE`, `ENTERPRISES_TABLE`,
    /// `STAFF_TABLE`, `AUDIT_TABLE`, `IDENTITY_HASH_KEY`,
    /// `UPLOADS_BUCKET`, `CURSOR_KEY` and the JWT verification settings, and connects the
    /// store and S3.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let applications = env.required("APPLICATIONS_TABLE")?.to_owned();
        let outbox = env.required("OUTBOX_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let citizens = env.required("CITIZENS_TABLE")?.to_owned();
        let bucket = env.required("UPLOADS_BUCKET")?.to_owned();
        let verifier = Verifier::from_env(env)?;
        let cursors = CursorKey::setting(env)?;
        let upload_quota = env.parsed_or("UPLOADS_PER_DAY", 60u32)?;
        let staff_upload_quota = env.parsed_or("STAFF_UPLOADS_PER_DAY", 600u32)?;
        let consent_hours = env.parsed_or("PROXY_CONSENT_HOURS", 24u32)?;
        if !(1..=48).contains(&consent_hours) {
            return Err(ConfigError::new("PROXY_CONSENT_HOURS", "must be 1 to 48"));
        }
        let sdk = store::sdk_config(env).await;
        let client = store::dynamodb(&sdk, env);
        Ok(Self {
            applications: ApplicationStore::new(client.clone(), applications, outbox)
                .counting(env.required("SUPERVISION_TABLE")?),
            catalog: CatalogStore::new(client.clone(), catalog),
            citizens: CitizenStore::new(client.clone(), citizens),
            enterprises: EnterpriseStore::new(client.clone(), env.required("ENTERPRISES_TABLE")?),
            files: s3::Files::new(&sdk, env, bucket),
            verifier,
            gate: Gate::from_env(env, client.clone(), Clock::system())?,
            trail: Trail::new(client.clone(), env.required("AUDIT_TABLE")?),
            cursors,
            identity_key: Setting::from_env(env, "IDENTITY_HASH_KEY", store::citizens::identity_secret)?,
            consent_hours,
            upload_quota,
            staff_upload_quota,
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
            "POST /v1/uploads" => uploads::create(app, &req).await,
            "POST /v1/applications" => submit::create(app, &req).await,
            "GET /v1/me/consents" => proxy::mine(app, &req).await,
            "POST /v1/me/consents/{id}" => proxy::answer(app, &req).await,
            "POST /v1/applications/{no}/corrections" => citizen::correct(app, &req).await,
            "POST /v1/applications/{no}/withdraw" => citizen::withdraw(app, &req).await,
            "GET /v1/staff/applications" => queue::queue(app, &req).await,
            "POST /v1/staff/applications/{no}/transitions" => staff::transition(app, &req).await,
            "POST /v1/staff/applications/{no}/delivery" => delivery::record(app, &req).await,
            "GET /v1/staff/applications/{no}/materials/{objectKey}" => opening::material(app, &req).await,
            "GET /v1/staff/applications/{no}/applicant" => opening::applicant(app, &req).await,
            _ => Err(ApiError::not_found()),
        }
    })
    .await
}
