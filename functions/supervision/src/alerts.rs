//! Alerts (预警) as staff read and acknowledge them: supervisors every unit's, a department's
//! approvers their department's, a hall's managers their hall's, the dispatchers the dispatch
//! desk's. The daily sweep raises, escalates and resolves them (deadline-sweeper).

use crate::App;
use api::audit::Actor;
use api::http::{self, Page, Response};
use api::{ApiError, Code};
use model::FreeText;
use model::alert::{Alert, AlertId, AlertStatus};
use model::staff::StaffRole;
use serde::Deserialize;
use store::alerts::Written;

/// The unit whose alerts the member answers for; `None` for a supervisor, who reads all.
fn unit_of(actor: &Actor) -> Result<Option<String>, ApiError> {
    if actor.has(StaffRole::Supervisor) {
        return Ok(None);
    }
    if let Some(dept) = actor.approver_dept() {
        return Ok(Some(dept.to_string()));
    }
    if let Some(h) = actor.halls.first().filter(|_| actor.has(StaffRole::HallManager)) {
        return Ok(Some(format!("hall:{h}")));
    }
    if actor.has(StaffRole::Dispatcher) {
        return Ok(Some("dispatch".into()));
    }
    Err(ApiError::forbidden())
}

/// `GET /v1/supervision/alerts?status=&unit=`: newest first. `unit` is the supervisors' to
/// choose; anyone else reads their own unit's.
pub async fn list(app: &App, req: &lambda_http::Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let own = unit_of(&actor)?;
    let status: Option<AlertStatus> = http::query(req, "status")?;
    let asked: Option<Unit> = http::query(req, "unit")?;
    let unit = match (own, asked) {
        (Some(own), Some(Unit(u))) if own != u => return Err(ApiError::forbidden()),
        (Some(own), _) => Some(own),
        (None, asked) => asked.map(|u| u.0),
    };
    let scope = [
        actor.id.as_str(),
        unit.as_deref().unwrap_or(""),
        status.map_or("", AlertStatus::as_str),
    ];
    let page = Page::from_request(req, &app.cursors, &scope).await?;
    let (alerts, next) = app
        .alerts
        .list(unit.as_deref(), status, page.cursor.as_ref(), page.limit)
        .await?;
    http::ok(&page.list(alerts, next).await?)
}

/// A unit as a query names it: a department's code, `hall:<id>`, `dispatch`, `supervision`.
struct Unit(String);

impl std::str::FromStr for Unit {
    type Err = model::Invalid;
    fn from_str(raw: &str) -> Result<Self, model::Invalid> {
        let ok = match raw.split_once(':') {
            Some(("hall", h)) => h.parse::<model::HallId>().is_ok(),
            Some(_) => false,
            None => raw == "dispatch" || raw == "supervision" || raw.parse::<model::DeptCode>().is_ok(),
        };
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(model::Invalid::new(
                "应为部门代码、hall:<大厅编号>、dispatch或supervision",
            ))
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AckBody {
    note: String,
}

/// `POST /v1/staff/alerts/{id}/acknowledge`: the unit's staff (or a supervisor) have seen it
/// and act; written with its audit record.
pub async fn acknowledge(app: &App, req: &lambda_http::Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let own = unit_of(&actor)?;
    let id: AlertId = http::path(req, "id")?;
    let body: AckBody = http::json_body(req)?;
    let note = FreeText::parse(&body.note, 500).map_err(|e| ApiError::field("note", e.0))?;
    let mut alert: Alert = app
        .alerts
        .get(id.as_str())
        .await?
        .filter(|a| own.as_ref().is_none_or(|u| *u == a.unit))
        .ok_or_else(ApiError::not_found)?;
    let read = alert.version;
    let now = app.clock.now();
    alert
        .acknowledge(actor.id.as_str(), note.clone(), now)
        .map_err(|_| ApiError::code(Code::InvalidTransition))?;
    let record = actor
        .record("alert.acknowledge", format!("alert:{}", alert.id), now)
        .because(Some(note));
    match app.alerts.step(&alert, read, Some(app.trail.item(&record)?)).await? {
        Written::Done => http::ok(&alert),
        Written::Exists => Err(ApiError::code(Code::VersionConflict)),
    }
}
