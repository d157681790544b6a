//! What an approver opens to judge a case, each opening on the audit trail before anything
//! is handed out: a material, through a short-lived presigned GET
//! (`GET /v1/staff/applications/{no}/materials/{objectKey}`), and the applicant's unmasked
//! identity, with the reason given (`GET /v1/staff/applications/{no}/applicant?reason=`).
//! Both for approvers of a department the application involves; to anyone else the
//! application does not exist.
//!
//! Round trips: the application (`GetItem`), the audit record (`PutItem`), and for the
//! identity the applicant's account (`GetItem`); plus the staff gate's directory read when
//! its memory of the caller is stale.

use crate::App;
use crate::s3::MATERIAL_URL_SECONDS;
use api::ApiError;
use api::audit::{Actor, Reason};
use api::http::{self, Response};
use lambda_http::Request;
use model::application::{Application, ApplicationNo};
use model::{FreeText, Invalid};
use serde::Serialize;

/// The application, if the caller approves for one of its departments; 404 otherwise.
async fn judged(app: &App, req: &Request) -> Result<(Actor, Application), ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let no: ApplicationNo = http::path(req, "no")?;
    let dept = actor.approver_dept().ok_or_else(ApiError::forbidden)?.clone();
    let a = app
        .applications
        .application(&no)
        .await?
        .filter(|a| a.dept_codes.contains(&dept))
        .ok_or_else(ApiError::not_found)?;
    Ok((actor, a))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Opened<'a> {
    material_code: &'a str,
    url: String,
    expires_in: u64,
}

pub async fn material(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (actor, a) = judged(app, req).await?;
    let key = http::path::<ObjectKey>(req, "objectKey")?;
    let m = a
        .materials
        .iter()
        .find(|m| m.object_key == key.0)
        .ok_or_else(ApiError::not_found)?;
    let now = app.clock.now();
    let record = actor
        .record("material.open", format!("application:{}", a.application_no), now)
        .because(FreeText::parse(&m.code, 100).ok());
    app.trail.append(&record).await?;
    let url = app.files.presign_get(&m.object_key).await?;
    tracing::info!(application = %a.application_no, material = %m.code, "material opened");
    http::ok(&Opened {
        material_code: &m.code,
        url,
        expires_in: MATERIAL_URL_SECONDS,
    })
}

/// An object key as a path names it: a material's key, nothing that climbs out of it.
struct ObjectKey(String);

impl std::str::FromStr for ObjectKey {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let ok = raw.starts_with("materials/")
            && raw.len() <= 200
            && !raw.contains("..")
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_'));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new("材料编号格式不正确"))
        }
    }
}

/// The applicant in full: the one answer that carries personal data unmasked, to an
/// approver of the case who said why.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Applicant<'a> {
    application_no: &'a str,
    real_name: &'a str,
    id_number: &'a str,
    phone: &'a str,
}

pub async fn applicant(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (actor, a) = judged(app, req).await?;
    let reason: Reason = http::query(req, "reason")?.ok_or_else(|| ApiError::field("reason", "请说明查看原因"))?;
    let who = app
        .citizens
        .get(&a.citizen_id)
        .await?
        .and_then(|c| c.identity)
        .ok_or_else(ApiError::not_found)?;
    let now = app.clock.now();
    let record = actor
        .record("identity.open", format!("application:{}", a.application_no), now)
        .because(Some(reason.0));
    app.trail.append(&record).await?;
    tracing::info!(application = %a.application_no, "applicant identity opened");
    http::ok(&Applicant {
        application_no: a.application_no.as_str(),
        real_name: &who.real_name,
        id_number: &who.id_number,
        phone: &who.phone,
    })
}
