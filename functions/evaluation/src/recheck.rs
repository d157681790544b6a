//! 复核: a department's ruling that a 差评 was mistaken or malicious takes effect only when
//! a supervisor upholds it; until then the rating counts. `GET /v1/supervision/evaluations`
//! lists the rulings waiting (the sparse `ByReview` index), oldest first;
//! `POST /v1/supervision/evaluations/{id}/review` upholds one (it leaves the figures and
//! the citizen is told) or overturns it (back to the department's workflow).

use crate::App;
use crate::rectify::staff_view;
use api::http::{self, Page, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::FieldErrors;
use model::FreeText;
use model::evaluation::{EvaluationId, Review, ReviewDecision, ReviewStatus, Step};
use model::time::{local, rfc3339};
use serde::Deserialize;
use std::collections::BTreeMap;
use store::evaluations::Written;
use store::outbox::{Kind, Notification};

/// What the citizen is told when their 差评 reaches an outcome.
pub(crate) fn outcome_notice(r: &Review, note: Option<&FreeText>, now: jiff::Timestamp) -> Notification {
    Notification {
        kind: Kind::ReviewOutcome,
        citizen: r.citizen_id.clone(),
        cause: format!("{}#{}", r.id, r.version),
        source: format!("evaluation:{}", r.id),
        page: format!("pages/evaluation/detail?id={}", r.id),
        data: BTreeMap::from([
            ("subjectName", r.subject_name.clone()),
            ("outcome", r.status.as_str().to_owned()),
            // Kept as written in the outbox; the notifier masks what it sends.
            ("note", note.map(|n| n.expose().to_owned()).unwrap_or_default()),
            ("at", rfc3339(now)),
        ]),
    }
}

/// `GET /v1/supervision/evaluations`: the rulings awaiting review, every department's.
pub async fn list(app: &App, req: &Request) -> Result<Response, ApiError> {
    app.gate.supervisor(&app.verifier, req).await?;
    let page = Page::from_request(req, &app.cursors, &["pending_review"]).await?;
    let (reviews, next) = app.evaluations.pending_review(page.cursor.as_ref(), page.limit).await?;
    let today = local(app.clock.now()).date();
    let items: Vec<_> = reviews.iter().map(|r| staff_view(r, today)).collect();
    http::ok(&page.list(items, next).await?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReviewBody {
    decision: String,
    #[serde(default)]
    note: Option<String>,
}

/// `POST /v1/supervision/evaluations/{id}/review` `{decision: uphold | overturn, note}`.
pub async fn decide(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.supervisor(&app.verifier, req).await?;
    let id: EvaluationId = http::path(req, "id")?;
    let body: ReviewBody = http::json_body(req)?;
    let mut errors = FieldErrors::default();
    let decision = errors.check("decision", body.decision.parse::<ReviewDecision>());
    let note = errors.check("note", crate::rating::comment(body.note.as_deref()));
    if matches!(note, Some(None)) {
        errors.add("note", "须写明复核意见");
    }
    let (decision, note) = errors.done(decision.zip(note.flatten()))?;

    let mut r = app.evaluations.get(&id).await?.ok_or_else(ApiError::not_found)?;
    if r.status != ReviewStatus::PendingReview {
        return Err(ApiError::code(Code::InvalidTransition)
            .with_details(serde_json::json!({ "from": r.status.as_str(), "action": decision.as_str() })));
    }
    let now = app.clock.now();
    let read_version = r.version;
    r.status = decision.next(r.called_back().is_some());
    r.version = r.version.saturating_add(1);
    r.steps.push(Step {
        at: rfc3339(now),
        action: format!("review_{}", decision.as_str()),
        actor: format!("supervisor:{}", actor.id),
        note: Some(note.clone()),
    });
    let rating = format!("r{}", r.rating);
    // An upheld ruling takes the rating, and its call-back, out of the figures.
    let deltas: Vec<(&str, i64)> = match decision {
        ReviewDecision::Uphold => [("count", -1), (rating.as_str(), -1), ("bad", -1), ("invalid", 1)]
            .into_iter()
            .chain(r.callback_deltas(-1))
            .collect(),
        ReviewDecision::Overturn => vec![],
    };
    let told = (decision == ReviewDecision::Uphold).then(|| outcome_notice(&r, Some(&note), now));
    let audit = actor
        .record(
            format!("evaluation.review_{}", decision.as_str()),
            format!("evaluation:{}", r.id),
            now,
        )
        .because(Some(note));
    let audit = app.trail.item(&audit)?;
    match app
        .evaluations
        .step(&r, read_version, &deltas, told.as_ref(), Some(audit), now)
        .await?
    {
        Written::Done => {
            tracing::info!(evaluation = %r.id, decision = decision.as_str(), "invalid ruling reviewed");
            http::ok(&staff_view(&r, local(now).date()))
        }
        Written::Conflict => Err(ApiError::code(Code::VersionConflict)),
    }
}
