//! The department's side of 好差评: its reviews (anonymous authors never shown), and the 差评
//! workflow: 回访核实 within 1 working day, rectification within 15, or a reasoned ruling
//! that it was mistaken or malicious (which waits for a supervisor's review, `recheck`), or
//! cannot be rectified; the citizen told the outcome.

use crate::App;
use api::ApiError;
use api::Code;
use api::http::{self, Page, Response};
use lambda_http::Request;
use model::FieldErrors;
use model::FreeText;
use model::evaluation::{self, EvaluationId, RectificationAction, ReviewStatus};
use model::evaluation::{FollowUp, Review, Step};
use model::time::{local, rfc3339};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use store::evaluations::Written;

/// A review as staff see it: everything but an anonymous author.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StaffView<'a> {
    id: &'a str,
    channel: evaluation::Channel,
    subject: &'a str,
    subject_name: &'a str,
    citizen_id: Option<&'a str>,
    anonymous: bool,
    rating: u8,
    indicators: &'a BTreeMap<String, u8>,
    tags: &'a [String],
    comment: Option<&'a FreeText>,
    follow_up: Option<&'a FollowUp>,
    item_codes: Vec<&'a str>,
    /// The department that answers for it (a supervisor's queue holds every department's).
    dept_code: &'a str,
    hall_id: Option<&'a str>,
    window_code: Option<&'a str>,
    staff_id: Option<&'a str>,
    status: &'static str,
    verify_due: Option<&'a str>,
    rectify_due: Option<&'a str>,
    verification_overdue: bool,
    rectification_overdue: bool,
    steps: &'a [Step],
    version: u64,
    created_at: &'a str,
    /// The enterprise the service was for (法人).
    #[serde(skip_serializing_if = "Option::is_none")]
    enterprise: Option<&'a model::enterprise::Acting>,
}

pub(crate) fn staff_view<'a>(r: &'a Review, today: jiff::civil::Date) -> StaffView<'a> {
    let open = matches!(r.status, ReviewStatus::PendingVerification | ReviewStatus::Rectifying);
    StaffView {
        id: r.id.as_str(),
        channel: r.channel,
        subject: &r.subject,
        subject_name: &r.subject_name,
        citizen_id: (!r.anonymous).then(|| r.citizen_id.as_str()),
        anonymous: r.anonymous,
        rating: r.rating,
        indicators: &r.indicators,
        tags: &r.tags,
        comment: r.comment.as_ref(),
        follow_up: r.follow_up.as_ref(),
        item_codes: r.item_codes.iter().map(|i| i.as_str()).collect(),
        dept_code: r.dept.as_str(),
        hall_id: r.hall_id.as_deref(),
        window_code: r.window_code.as_deref(),
        staff_id: r.staff_id.as_deref(),
        status: r.status.as_str(),
        verify_due: r.verify_due.as_deref(),
        rectify_due: r.rectify_due.as_deref(),
        verification_overdue: r.status == ReviewStatus::PendingVerification
            && evaluation::overdue(r.verify_due.as_deref(), today),
        rectification_overdue: open && evaluation::overdue(r.rectify_due.as_deref(), today),
        steps: &r.steps,
        version: r.version,
        created_at: &r.created_at,
        enterprise: r.enterprise.as_ref(),
    }
}

/// `GET /v1/staff/evaluations?status=`: the caller's department's reviews.
pub async fn list(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let dept = actor.approver_dept().ok_or_else(ApiError::forbidden)?;
    let status: Option<ReviewStatus> = http::query(req, "status")?;
    let scope = [dept.as_str(), status.map_or("", ReviewStatus::as_str)];
    let page = Page::from_request(req, &app.cursors, &scope).await?;
    let (reviews, next) = app
        .evaluations
        .for_dept(dept, status, page.cursor.as_ref(), page.limit)
        .await?;
    let today = local(app.clock.now()).date();
    let items: Vec<StaffView> = reviews.iter().map(|r| staff_view(r, today)).collect();
    http::ok(&page.list(items, next).await?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ActBody {
    action: String,
    #[serde(default)]
    note: Option<String>,
}

/// `POST /v1/staff/evaluations/{id}/rectification`.
pub async fn act(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let dept = actor.approver_dept().ok_or_else(ApiError::forbidden)?.clone();
    let id: EvaluationId = http::path(req, "id")?;
    let body: ActBody = http::json_body(req)?;
    let mut errors = FieldErrors::default();
    let action = errors.check("action", body.action.parse::<RectificationAction>());
    let note = errors.check("note", crate::rating::comment(body.note.as_deref()));
    if let (Some(a), Some(None)) = (action, &note)
        && a.needs_reason()
    {
        errors.add("note", "须写明理由或整改情况");
    }
    let (action, note) = errors.done(action.zip(note))?;

    let mut r = app.evaluations.get(&id).await?.ok_or_else(ApiError::not_found)?;
    // Another department's review looks like no review, as its applications do.
    if r.dept != dept {
        return Err(ApiError::not_found());
    }
    let to = evaluation::next(r.status, action).ok_or_else(|| {
        ApiError::code(Code::InvalidTransition)
            .with_details(serde_json::json!({ "from": r.status.as_str(), "action": action.as_str() }))
    })?;
    let now = app.clock.now();
    let read_version = r.version;
    r.status = to;
    r.version = r.version.saturating_add(1);
    r.steps.push(Step {
        at: rfc3339(now),
        action: action.as_str().to_owned(),
        actor: format!("staff:{}@{}", actor.id, dept),
        note: note.clone(),
    });
    // A ruling of invalid changes nothing yet: the rating counts until a supervisor upholds
    // it (recheck), and the citizen hears the outcome then.
    let deltas: Vec<(&str, i64)> = match (to, action) {
        (ReviewStatus::Rectified, _) => vec![("rectified", 1)],
        // 回访核实 done: counted, and whether within the limit (r.steps holds it now).
        (_, RectificationAction::Verify) => r.callback_deltas(1),
        _ => vec![],
    };
    let outcome = matches!(to, ReviewStatus::Rectified | ReviewStatus::CannotRectify)
        .then(|| crate::recheck::outcome_notice(&r, note.as_ref(), now));
    let audit = actor
        .record(
            format!("evaluation.{}", action.as_str()),
            format!("evaluation:{}", r.id),
            now,
        )
        .because(note.clone());
    let audit = app.trail.item(&audit)?;
    match app
        .evaluations
        .step(&r, read_version, &deltas, outcome.as_ref(), Some(audit), now)
        .await?
    {
        Written::Done => {
            tracing::info!(evaluation = %r.id, action = action.as_str(), "rectification step");
            if to == ReviewStatus::Rectified {
                api::metrics::count(api::metrics::Metric::BadReviewsRectified, 1);
            }
            http::ok(&staff_view(&r, local(now).date()))
        }
        Written::Conflict => Err(ApiError::code(Code::VersionConflict)),
    }
}
