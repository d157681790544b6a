//! `POST /v1/staff/auth/wecom` and `GET /v1/staff/me`: staff sign in through WeCom and read
//! the directory entry behind their token.
//!
//! Sign-in: WeCom's `getuserinfo` names the user (the access token cached across
//! instances), one `GetItem` finds their entry, the token is minted from it, and the
//! sign-in is appended to the audit trail. A user WeCom does not know, one outside the
//! organisation, one the directory lacks and a disabled one all get the same 403
//! `STAFF_NOT_ENROLLED`, so the answer says nothing about who is enrolled.

use crate::App;
use api::auth::{Principal, Staff};
use api::http::{self, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::mask;
use model::staff::{Member, StaffRole, WecomUserId, WindowId};
use model::time::rfc3339;
use model::{DeptCode, HallId, StaffId};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use wechat::wecom::WecomError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignInBody {
    code: String,
}

/// A member as the API shows them to themselves and to admins. Some organisations make a
/// member's mobile number their WeCom user id, and a name field can hold anything: both are
/// shown with ID-number- and phone-shaped runs masked, as all text leaving the store is.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffView<'a> {
    id: &'a StaffId,
    wecom_user_id: Cow<'a, str>,
    name: Cow<'a, str>,
    roles: &'a [StaffRole],
    dept_code: Option<&'a DeptCode>,
    hall_ids: &'a [HallId],
    window_ids: &'a [WindowId],
    disabled: bool,
    version: u64,
    created_at: &'a str,
    updated_at: &'a str,
}

impl<'a> From<&'a Member> for StaffView<'a> {
    fn from(m: &'a Member) -> Self {
        Self {
            id: &m.id,
            wecom_user_id: mask::scrub(m.wecom_user_id.as_str()),
            name: mask::scrub(&m.name),
            roles: &m.roles,
            dept_code: m.dept_code.as_ref(),
            hall_ids: &m.hall_ids,
            window_ids: &m.window_ids,
            disabled: m.disabled,
            version: m.version,
            created_at: &m.created_at,
            updated_at: &m.updated_at,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignedIn<'a> {
    token: String,
    expires_at: String,
    staff: StaffView<'a>,
}

fn not_enrolled() -> ApiError {
    ApiError::code(Code::StaffNotEnrolled)
}

pub async fn sign_in(app: &App, req: &Request) -> Result<Response, ApiError> {
    let body: SignInBody = http::json_body(req)?;
    let code = crate::check_code(&body.code, 512)?;
    let user = match app.wecom.user_of(code).await {
        Ok(user) => user,
        Err(WecomError::InvalidCode) => {
            return Err(
                ApiError::with_message(Code::Unauthenticated, "登录凭证无效，请重新登录")
                    .with_details(serde_json::json!({ "reason": "invalid_code", "wecomErrcode": 40029 })),
            );
        }
        Err(e @ WecomError::Unavailable(_)) => return Err(ApiError::unavailable("calling wecom getuserinfo", e)),
        Err(e @ WecomError::Refused(_)) => return Err(ApiError::internal("calling wecom getuserinfo", e)),
    };
    // WeCom's user ids are case-insensitive; the directory keeps them as WeCom returns them.
    let user: WecomUserId = user.as_deref().and_then(|u| u.parse().ok()).ok_or_else(not_enrolled)?;
    let member = app
        .staff
        .by_wecom(&user)
        .await?
        .filter(|m| !m.disabled)
        .ok_or_else(not_enrolled)?;
    let principal = Staff::of(&member);
    let issued = app.signer.get().await?.issue(&Principal::Staff(principal.clone()))?;
    let now = app.clock.now();
    let record = api::audit::Actor {
        staff: principal,
        request_id: Some(http::request_id(req)),
    }
    .record("staff.sign_in", format!("staff:{}", member.id), now);
    app.trail.append(&record).await?;
    tracing::info!(staff = %member.id, "staff signed in");
    http::ok(&SignedIn {
        token: issued.token,
        expires_at: rfc3339(issued.expires_at),
        staff: StaffView::from(&member),
    })
}

/// The entry read here is the gate's check too: one `GetItem`, not the gate's and another.
pub async fn me(app: &App, req: &Request) -> Result<Response, ApiError> {
    let claims = app.verifier.staff_claims(req).await?;
    let member = app
        .staff
        .get(&claims.id)
        .await?
        .filter(|m| !m.disabled && m.version == claims.version)
        .ok_or_else(|| ApiError::unauthenticated("revoked"))?;
    http::ok(&StaffView::from(&member))
}
