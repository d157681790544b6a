//! `POST /v1/me/identity/verification`: face verification (人脸核身) raises the account's
//! identity from `claimed` to `verified`.
//!
//! The body names the identity to verify, or none for the one the account holds. WeChat's
//! `verifyResult` must vouch for it and for this account's WeChat user (wechat::face).
//! Verifying a number another account only claimed takes it from that account: the claim
//! is released and both accounts are told (store::citizens::verify).

use crate::App;
use api::http::{self, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::parse_fields;
use model::{IdNumber, Identity, Phone, RealName};
use serde::Deserialize;
use serde_json::json;
use store::citizens::{Citizen, Verification, identity_key};
use wechat::face::FaceError;

/// WeChat's results are opaque ASCII tokens; anything longer is not one.
const MAX_RESULT: usize = 1024;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyBody {
    verify_result: String,
    real_name: Option<String>,
    id_number: Option<String>,
    phone: Option<String>,
}

pub async fn verify(app: &App, req: &Request) -> Result<Response, ApiError> {
    let id = app.verifier.citizen(req).await?;
    let body: VerifyBody = http::json_body(req)?;
    let result = body.verify_result.trim();
    if result.is_empty() || result.len() > MAX_RESULT || !result.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::field("verifyResult", "人脸核身结果格式不正确"));
    }
    let citizen = app.citizens.get(&id).await?.ok_or_else(ApiError::not_found)?;
    let identity = match (body.real_name, body.id_number, body.phone) {
        (None, None, None) => held(&citizen)?,
        (real_name, id_number, phone) => {
            let (real_name, id_number, phone) = parse_fields!(
                realName => real_name.unwrap_or_default().parse::<RealName>(),
                idNumber => id_number.unwrap_or_default().parse::<IdNumber>(),
                phone => phone.unwrap_or_default().parse::<Phone>(),
            )?;
            Identity {
                real_name,
                id_number,
                phone,
            }
        }
    };
    crate::attempts::count(app, &id).await?;
    app.face
        .check(result, &citizen.openid, &identity)
        .await
        .map_err(refused)?;
    let key = identity_key(&app.identity_key.get().await?, &identity.id_number);
    match app
        .citizens
        .verify(&id, &identity, &key, &app.outbox_table, app.clock.now())
        .await?
    {
        Verification::Taken => return Err(ApiError::code(Code::IdentityAlreadyBound)),
        Verification::Superseded(other) => {
            tracing::info!(citizen = %id, released = %other, "a verified binding released another account's claim");
        }
        Verification::Verified => {}
    }
    tracing::info!(citizen = %id, id_number = %identity.id_number, "identity verified");
    crate::identity::settle(app, &id).await
}

/// The identity the account holds, to verify as it is.
fn held(citizen: &Citizen) -> Result<Identity, ApiError> {
    let stored = citizen.identity.as_ref().ok_or_else(|| {
        ApiError::with_message(Code::ValidationFailed, "请填写要认证的身份信息").with_details(json!({
            "fields": { "idNumber": "本账号尚未绑定身份，请填写姓名、身份证号和手机号" }
        }))
    })?;
    // Stored values were parsed before they were stored; one that no longer parses is a
    // fault of the store, not of this request.
    let parsed = (|| {
        Some(Identity {
            real_name: stored.real_name.parse().ok()?,
            id_number: stored.id_number.parse().ok()?,
            phone: stored.phone.parse().ok()?,
        })
    })();
    parsed.ok_or_else(|| ApiError::internal("reading the held identity", std::io::Error::other("unparseable")))
}

/// What the citizen is told when WeChat's result does not verify them. Nothing says what
/// the result vouched for instead.
fn refused(e: FaceError) -> ApiError {
    let reason = match &e {
        FaceError::Failed(code) => json!({ "reason": "failed", "wechatCode": code }),
        FaceError::Expired => json!({ "reason": "expired" }),
        FaceError::Unknown(_) => json!({ "reason": "unknown" }),
        FaceError::Mismatch => json!({ "reason": "mismatch" }),
        FaceError::Unavailable(_) => return ApiError::unavailable("reading a face verification", e),
        FaceError::Refused(_) => return ApiError::internal("reading a face verification", e),
    };
    tracing::info!(error = %e, "face verification not accepted");
    ApiError::code(Code::FaceVerificationFailed).with_details(reason)
}
