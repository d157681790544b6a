//! 代办: a community station's agent prepares an application for a citizen, and the
//! citizen confirms it in the mini-program before it goes anywhere.
//!
//! The agent's request (`POST /v1/applications`, `channel: proxy`) is checked as a window's
//! intake is, then kept as a consent request with a WeChat notice to the person's own
//! account, in one transaction with the agent's audit record; nothing reaches a department.
//! Only an account whose face WeChat matched to the ID number may consent: a number merely
//! typed in by someone else must not let them accept an application in the person's name.
//! The citizen lists their requests (`GET /v1/me/consents`) and answers one
//! (`POST /v1/me/consents/{id}`): declined, it is gone; confirmed, it is submitted as the
//! citizen's own application, the timeline naming the agent, in a transaction that also
//! removes the request on the condition it is still open. Requests lapse after
//! `PROXY_CONSENT_HOURS` (24).

use crate::App;
use crate::intake::{Prepared, prepare};
use crate::subject::{self, Named, Reader};
use crate::submit::{Ready, SubmitBody, last4, submit};
use api::audit::Actor;
use api::http::{self, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::application::consent::{ConsentRequest, expiry};
use model::application::view::Viewer;
use model::application::{Intake, Submission};
use model::staff::StaffRole;
use model::{FieldErrors, FreeText};
use serde::{Deserialize, Serialize};
use store::citizens::identity_key;

/// `POST /v1/applications` with `channel: proxy`, by an agent: 202 with the request, which
/// waits for the citizen.
pub async fn request(app: &App, req: &Request, actor: Actor, body: SubmitBody) -> Result<Response, ApiError> {
    if !actor.has(StaffRole::Agent) {
        return Err(ApiError::forbidden());
    }
    let note = FreeText::optional(body.note.as_deref(), 200).map_err(|e| ApiError::field("note", e.0))?;
    // The scans are checked here and again on confirmation, when they are attached.
    let Prepared {
        identity,
        read,
        window,
        form,
        delivery,
        ..
    } = prepare(app, req, &actor, &body).await?;
    let key = identity_key(&app.identity_key.get().await?, &identity.id_number);
    let citizen = match app.citizens.claim_of(&key).await? {
        Some(c) if c.verified && !c.by_window => c.citizen,
        _ => return Err(ApiError::code(Code::ConsentUnreachable)),
    };
    let now = app.clock.now();
    let (expires_at, expires_epoch) = expiry(now, app.consent_hours);
    let hall_name = read
        .halls
        .iter()
        .find(|h| h.hall_id == window.hall())
        .map(|h| h.name.clone())
        .unwrap_or_default();
    let request = ConsentRequest {
        id: store::random_id("p"),
        citizen_id: citizen,
        subject_kind: read.subject.kind.to_owned(),
        subject_code: read.subject.code.clone(),
        subject_name: read.subject.name.clone(),
        intake: Intake {
            window_id: window,
            staff: actor.id.to_string(),
        },
        hall_name,
        form,
        form_fields: read.subject.form.clone(),
        materials: body.materials,
        delivery,
        phone_last4: last4(identity.phone.expose()),
        note,
        requested_at: model::time::rfc3339(now),
        lapses_at: expires_at,
        expires_epoch,
    };
    let audit = app
        .trail
        .item(&actor.record("application.proxy_request", format!("consent:{}", request.id), now))?;
    app.applications
        .request_consent(&request, &request.notice(), audit, now)
        .await?;
    tracing::info!(consent = %request.id, window = %request.intake.window_id, "代办 awaiting the citizen's consent");
    Ok(http::json_response(202, &View::of(&request, Viewer::Staff)))
}

/// A consent request as its citizen (or its agent) sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct View<'a> {
    consent_id: &'a str,
    status: &'static str,
    subject_kind: &'a str,
    subject_code: &'a str,
    subject_name: &'a str,
    hall_id: model::HallId,
    hall_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    agent_id: Option<&'a str>,
    form: serde_json::Value,
    note: Option<&'a FreeText>,
    requested_at: &'a str,
    expires_at: &'a str,
}

impl<'a> View<'a> {
    fn of(r: &'a ConsentRequest, viewer: Viewer) -> Self {
        View {
            consent_id: &r.id,
            status: "awaiting_consent",
            subject_kind: &r.subject_kind,
            subject_code: &r.subject_code,
            subject_name: &r.subject_name,
            hall_id: r.intake.window_id.hall(),
            hall_name: &r.hall_name,
            agent_id: (viewer == Viewer::Staff).then_some(r.intake.staff.as_str()),
            form: serde_json::Value::Object(model::form::masked(&r.form_fields, &r.form)),
            note: r.note.as_ref(),
            requested_at: &r.requested_at,
            expires_at: &r.lapses_at,
        }
    }
}

/// `GET /v1/me/consents`: the citizen's requests still open, newest first. One `Query`.
pub async fn mine(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let open = app.applications.consents_of(&citizen, app.clock.now()).await?;
    let items: Vec<View> = open.iter().map(|r| View::of(r, Viewer::Applicant)).collect();
    http::ok(&serde_json::json!({ "items": items }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AnswerBody {
    decision: String,
}

/// A request id as the path gives it: `p` and 32 hex digits.
fn consent_id(req: &Request) -> Result<String, ApiError> {
    let raw: String = http::path::<ConsentId>(req, "id")?.0;
    Ok(raw)
}

struct ConsentId(String);

impl std::str::FromStr for ConsentId {
    type Err = model::Invalid;
    fn from_str(raw: &str) -> Result<Self, model::Invalid> {
        let hex = raw
            .strip_prefix('p')
            .filter(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        hex.map(|_| ConsentId(raw.to_owned()))
            .ok_or(model::Invalid::new("代办申请编号格式不正确"))
    }
}

/// `POST /v1/me/consents/{id}` `{decision: accept | decline}`: confirmed, the application
/// is submitted as the citizen's (201, its view); declined, the request is gone (200).
/// One answered, or lapsed, is 409 `CONSENT_CLOSED`; another citizen's is 404.
pub async fn answer(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let id = consent_id(req)?;
    let body: AnswerBody = http::json_body(req)?;
    let accept = match body.decision.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(ApiError::field("decision", "应为accept或decline")),
    };
    let now = app.clock.now();
    let request = app
        .applications
        .consent(&citizen, &id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !request.open(now) {
        return Err(ApiError::code(Code::ConsentClosed));
    }
    if !accept {
        if !app.applications.decline_consent(&citizen, &id, now).await? {
            return Err(ApiError::code(Code::ConsentClosed));
        }
        tracing::info!(consent = %id, "代办 declined");
        return http::ok(&serde_json::json!({ "consentId": id, "status": "declined" }));
    }
    // The catalog and the scans are read again: what is submitted is what stands now.
    let named = Named::parse(
        (request.subject_kind == "item").then_some(request.subject_code.as_str()),
        (request.subject_kind == "package").then_some(request.subject_code.as_str()),
    )?;
    let read = subject::read(app, Reader::Window(&[request.intake.window_id.hall()]), &named).await?;
    let mut errors = FieldErrors::default();
    let uploads = crate::materials::check(
        app,
        &request.intake.staff,
        &read.subject.items,
        &request.materials,
        &mut errors,
    )
    .await?;
    errors.finish()?;
    let ready = Ready {
        owner: citizen.clone(),
        given: Submission {
            form: request.form,
            materials: request.materials,
            phone_last4: request.phone_last4,
            delivery: request.delivery,
            enterprise: None,
            helper: None,
        },
        subject: read.subject,
        uploads,
        claim: None,
        intake: Some(request.intake),
        audit: None,
        proxy: true,
        precondition: Some((app.applications.consumed(&citizen, &id, now)?, Code::ConsentClosed)),
        viewer: Viewer::Applicant,
    };
    submit(app, ready).await
}
