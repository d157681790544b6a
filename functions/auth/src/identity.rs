//! `GET /v1/me` and `PUT /v1/me/identity`: the citizen's profile and real-name binding.
//! Personal data leaves only masked.
//!
//! A typed binding proves nothing, so its refusal says nothing either: one answer whether
//! another account holds the number or this one holds another, and a limit on attempts a
//! day, so no one learns which numbers have accounts. The person who owns a number takes it
//! back with face verification (`verify`).

use crate::App;
use api::ApiError;
use api::Code;
use api::http::{self, Response};
use lambda_http::Request;
use model::mask;
use model::parse_fields;
use model::time::now;
use model::{CitizenId, IdNumber, Identity, Phone, RealName};
use serde::{Deserialize, Serialize};
use store::citizens::{Binding, Citizen, identity_key};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Profile {
    id: CitizenId,
    real_name_verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    real_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity_bound_at: Option<String>,
    /// `claimed` (typed in) or `verified` (人脸核身), with an identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    identity_level: Option<model::IdentityLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity_verified_at: Option<String>,
    created_at: String,
    last_login_at: String,
}

impl From<Citizen> for Profile {
    fn from(c: Citizen) -> Self {
        let identity = c.identity.as_ref();
        Profile {
            id: c.citizen_id,
            real_name_verified: identity.is_some(),
            real_name: identity.map(|i| mask_name(&i.real_name)),
            id_number: identity.map(|i| mask::id_number(&i.id_number)),
            phone: identity.map(|i| mask::phone(&i.phone)),
            identity_bound_at: identity.map(|i| i.bound_at.clone()),
            identity_level: identity.map(|i| i.level),
            identity_verified_at: identity.and_then(|i| i.verified_at.clone()),
            created_at: c.created_at,
            last_login_at: c.last_login_at,
        }
    }
}

fn mask_name(stored: &str) -> String {
    stored
        .parse::<RealName>()
        .map(|n| n.masked())
        .unwrap_or_else(|_| "*".to_owned())
}

async fn profile(app: &App, id: &CitizenId) -> Result<Response, ApiError> {
    let citizen = app.citizens.get(id).await?.ok_or_else(ApiError::not_found)?;
    http::ok(&Profile::from(citizen))
}

pub async fn me(app: &App, req: &Request) -> Result<Response, ApiError> {
    let id = app.verifier.citizen(req).await?;
    profile(app, &id).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IdentityBody {
    real_name: String,
    id_number: String,
    phone: String,
}

pub async fn bind(app: &App, req: &Request) -> Result<Response, ApiError> {
    let id = app.verifier.citizen(req).await?;
    let body: IdentityBody = http::json_body(req)?;
    let (real_name, id_number, phone) = parse_fields!(
        realName => body.real_name.parse::<RealName>(),
        idNumber => body.id_number.parse::<IdNumber>(),
        phone => body.phone.parse::<Phone>(),
    )?;
    let identity = Identity {
        real_name,
        id_number,
        phone,
    };
    crate::attempts::count(app, &id).await?;
    let key = identity_key(&app.identity_key.get().await?, &identity.id_number);
    match app.citizens.bind_identity(&id, &identity, &key, now()).await? {
        Binding::Taken => return Err(ApiError::code(Code::IdentityAlreadyBound)),
        Binding::Adopted(window_account) => {
            tracing::info!(citizen = %id, adopted = %window_account, "a window's account adopted");
        }
        Binding::Bound => {}
    }
    tracing::info!(citizen = %id, id_number = %identity.id_number, "identity bound");
    settle(app, &id).await
}

/// The account as bound now. The applications a window took in for this person become this
/// account's; a binding sent again finishes a move an earlier one left half done.
pub(crate) async fn settle(app: &App, id: &CitizenId) -> Result<Response, ApiError> {
    let citizen = app.citizens.get(id).await?.ok_or_else(ApiError::not_found)?;
    if let Some(from) = &citizen.adopted {
        let moved = app.applications.reown(from, id).await?;
        tracing::info!(citizen = %id, moved, "applications taken in at a window moved to the account");
    }
    http::ok(&Profile::from(citizen))
}
