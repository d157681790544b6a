//! `POST /v1/auth/wechat`: a `wx.login` code becomes a session token.

use crate::App;
use api::ApiError;
use api::auth::Principal;
use api::http::{self, Response};
use lambda_http::Request;
use model::CitizenId;
use model::time::{now, rfc3339};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    code: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginReply {
    token: String,
    expires_at: String,
    citizen: CitizenSummary,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CitizenSummary {
    id: CitizenId,
    real_name_verified: bool,
    new_citizen: bool,
    created_at: String,
}

pub async fn login(app: &App, req: &Request) -> Result<Response, ApiError> {
    let body: LoginBody = http::json_body(req)?;
    // WeChat's codes are 32 characters; up to 128 printable ones are passed on.
    let code = crate::check_code(&body.code, 128)?;
    let session = app.wechat.code_to_session(code).await?;
    let id = CitizenId::for_openid(app.wechat.appid(), &session.openid);
    let (citizen, created) = app
        .citizens
        .record_login(&id, &session.openid, session.unionid.as_deref(), now())
        .await?;
    let issued = app.signer.get().await?.issue(&Principal::Citizen(id.clone()))?;
    tracing::info!(citizen = %id, created, "citizen logged in");
    http::ok(&LoginReply {
        token: issued.token,
        expires_at: rfc3339(issued.expires_at),
        citizen: CitizenSummary {
            id,
            real_name_verified: citizen.identity.is_some(),
            new_citizen: created,
            created_at: citizen.created_at,
        },
    })
}
