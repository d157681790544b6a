//! The desks' side: a desk's queue, one case, the desk's steps (assign, reply, ask for more
//! days, return), and the supervisors' decision on a request for more days. Every step is
//! one transaction with its audit record and the citizen's notice.

use crate::App;
use crate::view::{desks_of, holds, sees, staff_view};
use api::audit::Actor;
use api::http::{self, Flag, Page, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::feedback::{self, Action, Desk, DeskStep, Feedback, FeedbackNo, Refused, Status};
use model::staff::StaffRole;
use model::{DeptCode, FieldErrors, FreeText};
use serde::Deserialize;
use store::feedback::Written;

/// A case the member may see; 404 otherwise.
async fn seen(app: &App, actor: &Actor, no: &FeedbackNo) -> Result<Feedback, ApiError> {
    app.feedback
        .get(no)
        .await?
        .filter(|f| sees(actor, f))
        .ok_or_else(ApiError::not_found)
}

/// `GET /v1/staff/feedback?desk=&status=&overdue=`: a desk's cases, oldest first. The desk
/// defaults to the member's first; supervisors may read any.
pub async fn list(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let desk: Option<Desk> = http::query(req, "desk")?;
    let status: Option<Status> = http::query(req, "status")?;
    let overdue = http::query::<Flag>(req, "overdue")?.is_some_and(|f| f.0);
    let desk = match desk {
        Some(d) if holds(&actor, &d) || actor.has(StaffRole::Supervisor) => d,
        Some(_) => return Err(ApiError::forbidden()),
        None => desks_of(&actor).into_iter().next().ok_or_else(ApiError::forbidden)?,
    };
    let today = app.today();
    let day = today.strftime("%Y-%m-%d").to_string();
    let key = desk.key();
    let scope = [
        actor.id.as_str(),
        key.as_str(),
        status.map_or("", Status::as_str),
        if overdue { "overdue" } else { "" },
    ];
    let page = Page::from_request(req, &app.cursors, &scope).await?;
    let (cases, next) = app
        .feedback
        .at_desk(
            &desk,
            status,
            overdue.then_some(day.as_str()),
            page.cursor.as_ref(),
            page.limit,
        )
        .await?;
    let items = cases
        .iter()
        .filter(|f| sees(&actor, f))
        .map(|f| staff_view(f, today))
        .collect();
    http::ok(&page.list(items, next).await?)
}

/// `GET /v1/staff/feedback/{no}`.
pub async fn get(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let no: FeedbackNo = http::path(req, "no")?;
    let case = seen(app, &actor, &no).await?;
    http::ok(&staff_view(&case, app.today()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ActBody {
    action: String,
    note: String,
    #[serde(default)]
    dept_code: Option<String>,
    #[serde(default)]
    days: Option<u32>,
}

/// The body, parsed into the step it asks for: `deptCode` only with `assign`, `days` only
/// with `request_extension` (1 to the kind's own limit).
fn step_of(body: &ActBody, limit: u32) -> Result<(DeskStep, FreeText), ApiError> {
    let mut errors = FieldErrors::default();
    let action = errors.check("action", body.action.parse::<Action>());
    let note = errors.check("note", FreeText::parse(&body.note, feedback::NOTE_CHARS));
    let dept = match &body.dept_code {
        Some(raw) => errors.check("deptCode", raw.parse::<DeptCode>()),
        None => None,
    };
    let step = match action {
        Some(Action::Assign) => dept.clone().map(DeskStep::Assign).or_else(|| {
            if body.dept_code.is_none() {
                errors.add("deptCode", "分派须指明承办部门");
            }
            None
        }),
        Some(Action::RequestExtension) => match body.days {
            Some(d) if (1..=limit).contains(&d) => Some(DeskStep::RequestExtension(d)),
            _ => {
                errors.add("days", format!("应为1-{limit}的整数"));
                None
            }
        },
        Some(Action::Reply) => Some(DeskStep::Reply),
        Some(Action::Return) => Some(DeskStep::Return),
        None => None,
    };
    if body.dept_code.is_some() && action.is_some_and(|a| a != Action::Assign) {
        errors.add("deptCode", "仅分派时填写");
    }
    if body.days.is_some() && action.is_some_and(|a| a != Action::RequestExtension) {
        errors.add("days", "仅申请延期时填写");
    }
    Ok(errors.done(step.zip(note))?)
}

fn refused(r: Refused) -> ApiError {
    match r {
        Refused::InvalidTransition => ApiError::code(Code::InvalidTransition),
        Refused::ExtensionNotAllowed => ApiError::code(Code::ExtensionNotAllowed),
    }
}

/// Writes a step the member took, with its audit record and the citizen's notice.
async fn commit(
    app: &App,
    actor: &Actor,
    case: &Feedback,
    read: u64,
    action: &str,
    note: &FreeText,
) -> Result<Response, ApiError> {
    let now = app.clock.now();
    let record = actor
        .record(format!("feedback.{action}"), format!("feedback:{}", case.no), now)
        .because(Some(note.clone()));
    let audit = app.trail.item(&record)?;
    match app
        .feedback
        .step(case, read, case.notice(now).as_ref(), Some(audit), now)
        .await?
    {
        Written::Done => {
            tracing::info!(feedback = %case.no, action, desk = %case.desk, "feedback step");
            http::ok(&staff_view(case, app.today()))
        }
        Written::Stale | Written::KeyUsed => Err(ApiError::code(Code::VersionConflict)),
    }
}

/// `POST /v1/staff/feedback/{no}/transitions`: the holder of the case's desk acts.
pub async fn act(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let no: FeedbackNo = http::path(req, "no")?;
    let body: ActBody = http::json_body(req)?;
    let mut case = seen(app, &actor, &no).await?;
    let (step, note) = step_of(&body, case.kind.limit_days())?;
    if !holds(&actor, &case.desk) {
        return Err(ApiError::forbidden());
    }
    if let DeskStep::Assign(dept) = &step {
        let mut batch = app.catalog.batch();
        let wanted = app.catalog.dept_in(&mut batch, dept);
        let mut got = batch.send("reading a department").await?;
        got.take(wanted)?
            .ok_or_else(|| ApiError::field("deptCode", "部门不存在"))?;
    }
    let read = case.version;
    let action = step.action();
    case.act(step, actor.id.as_str(), note.clone(), app.clock.now(), app.calendar)
        .map_err(refused)?;
    commit(app, &actor, &case, read, action.as_str(), &note).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DecideBody {
    approve: bool,
    note: String,
}

/// `POST /v1/supervision/feedback/{no}/extension`: a supervisor decides the request.
pub async fn extension(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    if !actor.has(StaffRole::Supervisor) {
        return Err(ApiError::forbidden());
    }
    let no: FeedbackNo = http::path(req, "no")?;
    let body: DecideBody = http::json_body(req)?;
    let note = FreeText::parse(&body.note, feedback::NOTE_CHARS).map_err(|e| ApiError::field("note", e.0))?;
    let mut case = seen(app, &actor, &no).await?;
    let read = case.version;
    case.decide_extension(
        body.approve,
        actor.id.as_str(),
        note.clone(),
        app.clock.now(),
        app.calendar,
    )
    .map_err(refused)?;
    let action = if body.approve {
        "extension_approve"
    } else {
        "extension_deny"
    };
    commit(app, &actor, &case, read, action, &note).await
}
