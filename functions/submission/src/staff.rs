//! `POST /v1/staff/applications/{no}/transitions`: the department's approvers move its cases
//! through the state machine (accept, correct, reject, decide, complete), each move with its
//! timeline entry, its audit record and the citizen's notification, in one transaction.

use crate::App;
use crate::change::{commit_audited, load, today};
use api::ApiError;
use api::Code;
use api::http::{self, Response};
use lambda_http::Request;
use model::FieldErrors;
use model::application::view;
use model::application::{
    Action, ApplicationNo, Case, Correction, Decision, Plan, ReturnReason, Status, Step, Verdict,
    decided as decided_status, next,
};
use model::catalog::ItemKind;
use model::notification::Kind;
use model::time::rfc3339;
use model::{FreeText, Invalid, ItemCode};
use serde::Deserialize;

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
    /// `decide`: `approve` (准予) or `deny` (不予许可).
    #[serde(default)]
    decision: Option<String>,
    /// `decide`: the legal basis (法律依据).
    #[serde(default)]
    basis: Option<String>,
    /// `decide`: why; required to deny.
    #[serde(default)]
    reason: Option<String>,
    /// `reject` and `request_correction`: the category of the return (退件), for the
    /// supervisors' figures by reason.
    #[serde(default)]
    reason_code: Option<String>,
}

/// A decision's fields, checked: the verdict, the legal basis (required), the reason
/// (required to deny). Outside `decide` they must be absent.
fn decision_fields(
    body: &TransitionBody,
    decide: bool,
    errors: &mut FieldErrors,
) -> Option<(Verdict, FreeText, Option<FreeText>)> {
    if !decide {
        for (field, given) in [
            ("decision", &body.decision),
            ("basis", &body.basis),
            ("reason", &body.reason),
        ] {
            if given.is_some() {
                errors.add(field, "仅action为decide时填写");
            }
        }
        return None;
    }
    let verdict = match body.decision.as_deref() {
        Some(raw) => errors.check("decision", raw.parse::<Verdict>()),
        None => {
            errors.add("decision", "必填：approve或deny");
            None
        }
    };
    let basis = errors.check("basis", note(body.basis.as_deref(), true));
    let reason = errors.check("reason", note(body.reason.as_deref(), verdict == Some(Verdict::Deny)));
    Some((verdict?, basis.flatten()?, reason?))
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
    let returns = matches!(action, Some(Action::Reject | Action::RequestCorrection));
    let text = errors.check("note", note(body.note.as_deref(), returns));
    let return_reason = match body.reason_code.as_deref() {
        Some(_) if !returns => {
            errors.add("reasonCode", "仅action为reject或request_correction时填写");
            None
        }
        Some(raw) => errors.check("reasonCode", raw.parse::<ReturnReason>()),
        None => None,
    };
    let items = if action == Some(Action::RequestCorrection) {
        errors
            .check("correctionItems", correction_items(&body.correction_items))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let decided = decision_fields(&body, action == Some(Action::Decide), &mut errors);
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
    let refused = || {
        ApiError::code(Code::InvalidTransition)
            .with_details(serde_json::json!({ "from": case.status.as_str(), "action": action.as_str() }))
    };
    let mut to = next(case.status, action, case.kind == ItemKind::Instant).ok_or_else(refused)?;
    let now = app.clock.now();
    // A case is decided once: a second decision, or one after the first, is refused.
    let decision = match (&decided, &case.decision) {
        (Some(_), Some(_)) => return Err(refused()),
        (Some((verdict, basis, reason)), None) => {
            to = decided_status(*verdict);
            Some(Decision {
                verdict: *verdict,
                basis: basis.clone(),
                reason: reason.clone(),
                at: rfc3339(now),
                by: actor.id.to_string(),
            })
        }
        (None, _) => None,
    };
    let from = case.status;
    let item_code = case.item_code.clone();
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
                    case.finish_clock(now);
                }
                Action::Complete => case.finish_clock(now),
                Action::Reject => {
                    case.deadline = None;
                    case.flag = None;
                    case.return_reason = return_reason;
                }
                Action::RequestCorrection => {
                    case.return_reason = return_reason;
                    case.resume_to = Some(from);
                    case.correction_items = items.clone();
                    case.stop_clock(now, app.calendar);
                }
                Action::Decide => {
                    if to == Status::Denied {
                        case.deadline = None;
                        case.flag = None;
                    }
                    case.decision = decision.clone();
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
        Action::Accept => Some(Kind::ApplicationAccepted),
        Action::RequestCorrection => Some(Kind::CorrectionRequired),
        Action::Complete => Some(Kind::ApplicationCompleted),
        Action::Reject => Some(Kind::ApplicationRejected),
        // A denial is told at once, with its reason; an approval when the case completes.
        Action::Decide if to == Status::Denied => Some(Kind::ApplicationDenied),
        Action::Decide => None,
    };
    // The step's note: the reason of a denial, the basis of an approval, else the note.
    let text = match &decision {
        Some(d) => d.reason.clone().or_else(|| Some(d.basis.clone())),
        None => text,
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
    let v = commit_audited(app, plan, step, kind, Some(record)).await?;
    tracing::info!(application = %no, item = %item_code, action = action.as_str(), "transition");
    http::ok(&view::present(&v, today(app), app.calendar, view::Viewer::Staff))
}
