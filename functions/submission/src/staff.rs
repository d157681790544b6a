//! The staff's side: their department's queue, and the transitions of its cases through
//! the state machine, each with its timeline entry and the citizen's notification.

use crate::App;
use crate::change::{commit_audited, load, today};
use api::ApiError;
use api::Code;
use api::http::{self, Page, Response};
use lambda_http::Request;
use model::FieldErrors;
use model::application::view;
use model::application::{Action, ApplicationNo, Case, Correction, Plan, Status, Step, next};
use model::catalog::ItemKind;
use model::notification::Kind;
use model::time::rfc3339;
use model::{FreeText, Invalid, ItemCode};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// `?overdue=true|false`.
struct Flag(bool);

impl FromStr for Flag {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        match raw {
            "true" => Ok(Flag(true)),
            "false" => Ok(Flag(false)),
            _ => Err(Invalid::new("应为true或false")),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueueEntry<'a> {
    application_no: &'a str,
    item_code: &'a str,
    item_name: &'a str,
    status: &'static str,
    status_text: &'static str,
    submitted_at: &'a str,
    deadline: Option<&'a str>,
    near_due: bool,
    overdue: bool,
    flag: Option<&'a str>,
}

/// `GET /v1/staff/applications?status=&overdue=`: the cases of the caller's department.
pub async fn queue(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let dept = actor.approver_dept().ok_or_else(ApiError::forbidden)?;
    let status: Option<Status> = http::query(req, "status")?;
    let overdue: Option<Flag> = http::query(req, "overdue")?;
    let overdue_only = overdue.as_ref().is_some_and(|f| f.0);
    let scope = [
        dept.as_str(),
        status.map_or("", Status::as_str),
        if overdue_only { "overdue" } else { "" },
    ];
    let page = Page::from_request(req, &app.cursors, &scope)?;
    let today = today(app);
    let due_before = overdue_only.then(|| today.strftime("%Y-%m-%d").to_string());
    let found = app
        .applications
        .queue(dept, status, due_before.as_deref(), page.cursor.as_ref(), page.limit)
        .await?;
    let items: Vec<QueueEntry> = found
        .items
        .iter()
        .map(|c| {
            let (near, over) = c
                .deadline
                .as_deref()
                .map_or((false, false), |d| view::due_flags(d, today, app.calendar));
            QueueEntry {
                application_no: c.application_no.as_str(),
                item_code: c.item_code.as_str(),
                item_name: &c.item_name,
                status: c.status.as_str(),
                status_text: c.status.text(),
                submitted_at: &c.submitted_at,
                deadline: c.deadline.as_deref(),
                near_due: near,
                overdue: over,
                flag: c.flag.as_deref(),
            }
        })
        .collect();
    http::ok(&page.list(items, found.next))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TransitionBody {
    action: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    correction_items: Vec<String>,
    version: u64,
    /// Which case, when the department owns more than one in a package.
    #[serde(default)]
    item_code: Option<String>,
}

fn note(raw: Option<&str>, required: bool) -> Result<Option<FreeText>, Invalid> {
    match FreeText::optional(raw, 1000)? {
        None if required => Err(Invalid::new("必填")),
        text => Ok(text),
    }
}

/// The correction items (一次告知): 1 to 50, each 1 to 200 characters.
fn correction_items(raw: &[String]) -> Result<Vec<FreeText>, Invalid> {
    let reason = Invalid::new("须逐项列出需补正的内容（1-50项，每项不超过200字）");
    if raw.is_empty() || raw.len() > 50 {
        return Err(reason);
    }
    raw.iter()
        .map(|i| FreeText::parse(i, 200).map_err(|_| reason.clone()))
        .collect()
}

/// `POST /v1/staff/applications/{no}/transitions`.
pub async fn transition(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let dept = actor.approver_dept().ok_or_else(ApiError::forbidden)?.clone();
    let no: ApplicationNo = http::path(req, "no")?;
    let body: TransitionBody = http::json_body(req)?;
    let mut errors = FieldErrors::default();
    let action = errors.check("action", body.action.parse::<Action>());
    let item: Option<ItemCode> = body
        .item_code
        .as_deref()
        .and_then(|c| errors.check("itemCode", c.parse::<ItemCode>()));
    let needs_note = matches!(action, Some(Action::Reject | Action::RequestCorrection));
    let text = errors.check("note", note(body.note.as_deref(), needs_note));
    let items = if action == Some(Action::RequestCorrection) {
        errors
            .check("correctionItems", correction_items(&body.correction_items))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let (action, text) = errors.done(action.zip(text))?;

    let v = load(app, &no).await?;
    // Staff of another department cannot see the application at all.
    let mine: Vec<&Case> = v
        .cases
        .iter()
        .filter(|c| c.dept == dept && item.as_ref().is_none_or(|code| &c.item_code == code))
        .collect();
    let case = match mine.as_slice() {
        [] if v.cases.iter().any(|c| c.dept == dept) => {
            return Err(ApiError::field("itemCode", "本部门没有这个事项的办件"));
        }
        [] => return Err(ApiError::not_found()),
        [one] => *one,
        _ => {
            return Err(ApiError::field(
                "itemCode",
                "本部门在此申报中有多个事项，请指明itemCode",
            ));
        }
    };
    if v.application.version != body.version {
        return Err(ApiError::code(Code::VersionConflict)
            .with_details(serde_json::json!({ "currentVersion": v.application.version })));
    }
    let to = next(case.status, action, case.kind == ItemKind::Instant).ok_or_else(|| {
        ApiError::code(Code::InvalidTransition)
            .with_details(serde_json::json!({ "from": case.status.as_str(), "action": action.as_str() }))
    })?;
    let from = case.status;
    let item_code = case.item_code.clone();
    let now = app.clock.now();
    let mut plan = Plan::new(v);
    plan.touch(
        |c| c.item_code == item_code,
        |case| {
            case.status = to;
            match action {
                Action::Accept => case.start_clock(now, app.calendar),
                Action::Complete if from == Status::Submitted => {
                    // 即办件 handled on the spot: accepted and completed at once.
                    case.start_clock(now, app.calendar);
                    case.deadline = None;
                }
                Action::Complete | Action::Reject => {
                    case.deadline = None;
                    case.flag = None;
                }
                Action::RequestCorrection => {
                    case.resume_to = Some(from);
                    case.correction_items = items.clone();
                    case.stop_clock(now, app.calendar);
                }
            }
        },
    );
    // A correction's note is required, so it is there whenever the action is one.
    if let (Action::RequestCorrection, Some(note)) = (action, &text) {
        let a = plan.application();
        let mut all: Vec<FreeText> = a.correction.take().map(|c| c.items).unwrap_or_default();
        all.extend(items.iter().cloned());
        a.correction = Some(Correction {
            items: all,
            note: note.clone(),
            requested_at: rfc3339(now),
        });
    }
    let kind = match action {
        Action::Accept => Kind::ApplicationAccepted,
        Action::RequestCorrection => Kind::CorrectionRequired,
        Action::Complete => Kind::ApplicationCompleted,
        Action::Reject => Kind::ApplicationRejected,
    };
    let record = actor
        .record(
            format!("application.{}", action.as_str()),
            format!("application:{no}"),
            now,
        )
        .because(text.clone());
    let step = Step {
        action: action.as_str(),
        actor: format!("staff:{}@{}", actor.id, dept),
        item: Some(&item_code),
        note: text,
    };
    let v = commit_audited(app, plan, step, Some(kind), Some(record)).await?;
    tracing::info!(application = %no, item = %item_code, action = action.as_str(), "transition");
    http::ok(&view::present(&v, today(app), app.calendar, view::Viewer::Staff))
}
