//! The progress function (进度查询): the owner's (and the department's) full view of an
//! application, the citizen's list, and the public lookup by number and phone digits.
//!
//! Routes (API.md § Applications): `GET /v1/applications/{no}`, `GET /v1/me/applications`,
//! `GET /v1/progress`, and the case's documents, `GET /v1/applications/{no}/receipt`.

mod lookup;

use api::ApiError;
use api::auth::{Principal, Verifier};
use api::cursor::{CursorKey, Cursors};
use api::http::{self, Page, Response};
use api::staff::Gate;
use lambda_http::Request;
use model::WorkCalendar;
use model::application::view;
use model::application::view::Viewer;
use model::application::{ApplicationNo, Status, View};
use model::config::{ConfigError, Env};
use model::staff::StaffRole;
use model::time::{Clock, local};
use serde::Serialize;
use store::applications::ApplicationStore;
use store::citizens::CitizenStore;
use store::enterprises::EnterpriseStore;

#[derive(Debug, Clone)]
pub struct App {
    applications: ApplicationStore,
    citizens: CitizenStore,
    enterprises: EnterpriseStore,
    verifier: Verifier,
    gate: Gate,
    cursors: Cursors,
    calendar: &'static WorkCalendar,
    clock: Clock,
    limits: lookup::Limits,
}

impl App {
    /// Reads `APPLICATIONS_TABLE`, `STAFF_TABLE`, `CITIZENS_TABLE`, `ENTERPRISES_TABLE`, `CURSOR_KEY`, the JWT verification settings and the public lookup's
    /// limits (`LOOKUP_PER_CLIENT_PER_MINUTE`, 20; `LOOKUP_PER_NUMBER_PER_HOUR`, 10).
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let table = env.required("APPLICATIONS_TABLE")?.to_owned();
        let verifier = Verifier::from_env(env)?;
        let cursors = CursorKey::setting(env)?;
        let limits = lookup::Limits {
            per_client_per_minute: env.parsed_or("LOOKUP_PER_CLIENT_PER_MINUTE", 20)?,
            per_number_per_hour: env.parsed_or("LOOKUP_PER_NUMBER_PER_HOUR", 10)?,
        };
        let client = store::connect(env).await;
        Ok(Self {
            applications: ApplicationStore::reader(client.clone(), table),
            citizens: CitizenStore::new(client.clone(), env.required("CITIZENS_TABLE")?),
            enterprises: EnterpriseStore::new(client.clone(), env.required("ENTERPRISES_TABLE")?),
            gate: Gate::from_env(env, client, Clock::system())?,
            verifier,
            cursors,
            calendar: WorkCalendar::shipped(),
            clock: Clock::system(),
            limits,
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
            "GET /v1/applications/{no}" => one(app, &req).await,
            "GET /v1/me/applications" => mine(app, &req).await,
            "GET /v1/progress" => lookup::public(app, &req).await,
            "GET /v1/applications/{no}/receipt" => receipt(app, &req).await,
            _ => Err(ApiError::not_found()),
        }
    })
    .await
}

/// The application and how the caller sees it: its owner as the applicant; the approvers
/// of a department it involves, window staff of the window that took it in (results return
/// there) and supervisors as staff; 404 for anyone else.
async fn readable(app: &App, req: &Request) -> Result<(View, Viewer), ApiError> {
    let who = app.gate.principal(&app.verifier, req).await?;
    let no: ApplicationNo = http::path(req, "no")?;
    let v = app.applications.view(&no).await?.ok_or_else(ApiError::not_found)?;
    let a = &v.application;
    let at_window = |s: &api::auth::Staff| {
        s.has(StaffRole::Window) && a.intake.as_ref().is_some_and(|i| s.windows.contains(&i.window_id))
    };
    let viewer = match &who {
        Principal::Citizen(id) if &a.citizen_id == id => Viewer::Applicant,
        Principal::Staff(s) if s.approver_dept().is_some_and(|d| a.dept_codes.contains(d)) => Viewer::Staff,
        Principal::Staff(s) if s.has(StaffRole::Supervisor) || at_window(s) => Viewer::Staff,
        // The enterprise's 帮办员 follows what it made while they were assigned.
        Principal::Staff(s) if a.helper.as_deref() == Some(s.id.as_str()) => Viewer::Staff,
        _ => return Err(ApiError::not_found()),
    };
    Ok((v, viewer))
}

/// `GET /v1/applications/{no}`: the full view.
async fn one(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (v, viewer) = readable(app, req).await?;
    http::ok(&view::present(&v, local(app.clock.now()).date(), app.calendar, viewer))
}

/// `GET /v1/applications/{no}/receipt`: the document the case's state stands for (受理回执,
/// 一次告知书, 不予受理决定书, 不予许可决定书), as structured data. One `Query`.
async fn receipt(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (v, _) = readable(app, req).await?;
    http::ok(&model::application::documents::document(&v))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary<'a> {
    application_no: &'a str,
    subject_kind: &'a str,
    subject_name: &'a str,
    status: &'static str,
    status_text: &'static str,
    submitted_at: &'a str,
    updated_at: &'a str,
    /// The enterprise it was made for.
    #[serde(skip_serializing_if = "Option::is_none")]
    enterprise: Option<&'a model::enterprise::Acting>,
    /// In an enterprise's list: whether the caller made it (the others are colleagues').
    #[serde(skip_serializing_if = "Option::is_none")]
    mine: Option<bool>,
}

/// `GET /v1/me/applications?status=&enterprise=`: newest first, paginated; with
/// `enterprise`, every application made for it by any of its members.
async fn mine(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let status: Option<Status> = http::query(req, "status")?;
    let today = model::LocalDate::new(local(app.clock.now()).date());
    let enterprise = api::enterprise::listed(req, &app.enterprises, &app.citizens, &citizen, today).await?;
    let code = enterprise.as_ref().map_or("", |c| c.as_str());
    let scope = [citizen.as_str(), status.map_or("", Status::as_str), code];
    let page = Page::from_request(req, &app.cursors, &scope).await?;
    let owner = match &enterprise {
        Some(c) => store::page::Owner::Enterprise(c.as_str()),
        None => store::page::Owner::Citizen(citizen.as_str()),
    };
    let found = app
        .applications
        .for_owner(owner, status, page.cursor.as_ref(), page.limit)
        .await?;
    let items: Vec<Summary> = found
        .items
        .iter()
        .map(|a| Summary {
            application_no: a.application_no.as_str(),
            subject_kind: &a.subject_kind,
            subject_name: &a.subject_name,
            status: a.status.as_str(),
            status_text: a.status.text(),
            submitted_at: &a.submitted_at,
            updated_at: &a.updated_at,
            enterprise: a.enterprise.as_ref(),
            mine: enterprise.as_ref().map(|_| a.citizen_id == citizen),
        })
        .collect();
    http::ok(&page.list(items, found.next).await?)
}
