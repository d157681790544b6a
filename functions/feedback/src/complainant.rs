//! `GET /v1/supervision/feedback/{no}/complainant?reason=`: who filed a case, for a
//! supervisor who says why. An anonymous complainant is hidden from every department; the
//! supervisors may see them (API.md § Consultations and complaints), and each opening is on
//! the audit trail before the identity is handed out.
//!
//! Round trips: the case (`GetItem`), the complainant's account (`GetItem`), the audit record
//! (`PutItem`).

use crate::App;
use api::ApiError;
use api::audit::Reason;
use api::http::{self, Response};
use lambda_http::Request;
use model::feedback::FeedbackNo;
use model::staff::StaffRole;
use serde::Serialize;

/// The complainant in full: personal data unmasked, to a supervisor who said why.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Complainant<'a> {
    feedback_no: &'a str,
    anonymous: bool,
    real_name: &'a str,
    id_number: &'a str,
    phone: &'a str,
}

pub async fn open(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    if !actor.has(StaffRole::Supervisor) {
        return Err(ApiError::forbidden());
    }
    let no: FeedbackNo = http::path(req, "no")?;
    let reason: Reason = http::query(req, "reason")?.ok_or_else(|| ApiError::field("reason", "请说明查看原因"))?;
    let case = app.feedback.get(&no).await?.ok_or_else(ApiError::not_found)?;
    // A citizen who never bound a real name has none to open.
    let who = app
        .citizens
        .get(&case.citizen_id)
        .await?
        .and_then(|c| c.identity)
        .ok_or_else(ApiError::not_found)?;
    let now = app.clock.now();
    let record = actor
        .record("identity.open", format!("feedback:{no}"), now)
        .because(Some(reason.0));
    app.trail.append(&record).await?;
    tracing::info!(feedback = %no, anonymous = case.anonymous, "complainant identity opened");
    http::ok(&Complainant {
        feedback_no: no.as_str(),
        anonymous: case.anonymous,
        real_name: &who.real_name,
        id_number: &who.id_number,
        phone: &who.phone,
    })
}
