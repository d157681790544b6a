//! The identity function: citizens' WeChat login, profile and real-name binding; 法人
//! accounts and their agents; staff sign-in through WeCom; the staff directory.
//!
//! Routes (API.md § Identity, § Staff identity): `POST /v1/auth/wechat`, `GET /v1/me`,
//! `PUT /v1/me/identity`, `POST /v1/me/identity/verification`, `GET /v1/me/enterprises`,
//! `GET /v1/enterprises/{code}`, `POST /v1/enterprises/{code}/agents`,
//! `DELETE /v1/enterprises/{code}/agents/{agentId}`, `POST /v1/office/enterprises`,
//! `PUT /v1/office/enterprises/{code}/helper`,
//! `POST /v1/staff/auth/wecom`, `GET /v1/staff/me`,
//! `GET|POST /v1/admin/staff`, `PUT /v1/admin/staff/{id}`.

mod admin;
mod attempts;
mod enterprises;
mod identity;
mod login;
mod staff;
mod verify;

use api::ApiError;
use api::auth::{Signer, Verifier};
use api::cursor::{CursorKey, Cursors};
use api::http::{self, Response};
use api::secrets::Setting;
use api::staff::Gate;
use lambda_http::Request;
use model::config::{ConfigError, Env};
use model::time::Clock;
use std::sync::Arc;
use store::applications::ApplicationStore;
use store::audit::Trail;
use store::catalog::CatalogStore;
use store::citizens::CitizenStore;
use store::enterprises::EnterpriseStore;
use store::staff::StaffStore;
use store::wechat::WechatStore;
use wechat::WechatClient;
use wechat::face::Face;
use wechat::server::Api;
use wechat::token::Tokens;
use wechat::wecom::Wecom;

/// Everything a request needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct App {
    citizens: CitizenStore,
    /// 法人 and who may act for each.
    enterprises: EnterpriseStore,
    /// Where an adopted window account's applications move from (`reown`).
    applications: ApplicationStore,
    staff: StaffStore,
    catalog: CatalogStore,
    trail: Trail,
    gate: Gate,
    wechat: WechatClient,
    wecom: Arc<Wecom>,
    /// Face verification results, read with the mini-program's access token.
    face: Arc<Face>,
    /// Where a verification's notices go, in its own transaction.
    outbox_table: String,
    /// Binding attempts an account may make a day (`IDENTITY_ATTEMPTS_PER_DAY`, 10).
    attempts_per_day: u32,
    signer: Setting<Signer>,
    verifier: Verifier,
    cursors: Cursors,
    identity_key: Setting<Vec<u8>>,
    clock: Clock,
}

impl App {
    /// Reads `CITIZENS_TABLE`, `ENTERPRISES_TABLE`, `APPLICATIONS_TABLE`, `STAFF_TABLE`, `AUDIT_TABLE`, `CATALOG_TABLE`, `WECHAT_TABLE`,
    /// `OUTBOX_TABLE`, `IDENTITY_HASH_KEY`, `IDENTITY_ATTEMPTS_PER_DAY`, the JWT, WeChat and
    /// WeCom settings, and connects the store.
    /// Fails naming the first setting that is missing or malformed.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let table = env.required("CITIZENS_TABLE")?.to_owned();
        let identity_key = Setting::from_env(env, "IDENTITY_HASH_KEY", store::citizens::identity_secret)?;
        let signer = Signer::setting(env)?;
        let verifier = Verifier::from_env(env)?;
        let wechat = WechatClient::from_env(env)?;
        let cursors = CursorKey::setting(env)?;
        let client = store::connect(env).await;
        let tokens = WechatStore::new(client.clone(), env.required("WECHAT_TABLE")?);
        let wecom = Wecom::from_env(env, tokens.clone())?;
        // One HTTP client for the face API and its token: building one parses the root
        // certificates, which a cold start should do once.
        let api = Api::from_env(env)?;
        let mp = Tokens::new(api.clone(), tokens, env.required("WECHAT_MP_APPID")?, wechat.secret());
        let attempts_per_day = env.parsed_or("IDENTITY_ATTEMPTS_PER_DAY", 10u32)?;
        if attempts_per_day == 0 {
            return Err(ConfigError::new("IDENTITY_ATTEMPTS_PER_DAY", "must be at least 1"));
        }
        Ok(Self {
            citizens: CitizenStore::new(client.clone(), table),
            enterprises: EnterpriseStore::new(client.clone(), env.required("ENTERPRISES_TABLE")?),
            applications: ApplicationStore::new(client.clone(), env.required("APPLICATIONS_TABLE")?, ""),
            staff: StaffStore::new(client.clone(), env.required("STAFF_TABLE")?),
            catalog: CatalogStore::new(client.clone(), env.required("CATALOG_TABLE")?),
            trail: Trail::new(client.clone(), env.required("AUDIT_TABLE")?),
            gate: Gate::from_env(env, client, Clock::system())?,
            wechat,
            wecom: Arc::new(wecom),
            face: Arc::new(Face::new(api, mp)),
            outbox_table: env.required("OUTBOX_TABLE")?.to_owned(),
            attempts_per_day,
            signer,
            verifier,
            cursors,
            identity_key,
            clock: Clock::system(),
        })
    }

    /// The app reading `clock` (tests set it): the audit trail's times and the staff gate.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.gate = self.gate.with_clock(clock.clone());
        self.clock = clock;
        self
    }
}

/// A sign-in code (WeChat's `wx.login`, WeCom's OAuth): printable ASCII up to `max` bytes is
/// passed on, so the issuer, not this service, decides whether it is valid.
fn check_code(code: &str, max: usize) -> Result<&str, ApiError> {
    let ok = (1..=max).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(code)
    } else {
        Err(ApiError::field("code", "登录凭证格式不正确"))
    }
}

/// The Lambda handler: routes on API Gateway's route key.
pub async fn handle(app: &App, req: Request) -> Response {
    http::serve(req, |req| async move {
        match http::route_key(&req).as_str() {
            "POST /v1/auth/wechat" => login::login(app, &req).await,
            "GET /v1/me" => identity::me(app, &req).await,
            "PUT /v1/me/identity" => identity::bind(app, &req).await,
            "POST /v1/me/identity/verification" => verify::verify(app, &req).await,
            "GET /v1/me/enterprises" => enterprises::mine(app, &req).await,
            "GET /v1/enterprises/{code}" => enterprises::one(app, &req).await,
            "POST /v1/enterprises/{code}/agents" => enterprises::grant(app, &req).await,
            "DELETE /v1/enterprises/{code}/agents/{agentId}" => enterprises::revoke(app, &req).await,
            "POST /v1/office/enterprises" => enterprises::register(app, &req).await,
            "PUT /v1/office/enterprises/{code}/helper" => enterprises::assign_helper(app, &req).await,
            "POST /v1/staff/auth/wecom" => staff::sign_in(app, &req).await,
            "GET /v1/staff/me" => staff::me(app, &req).await,
            "GET /v1/admin/staff" => admin::list(app, &req).await,
            "POST /v1/admin/staff" => admin::create(app, &req).await,
            "PUT /v1/admin/staff/{id}" => admin::update(app, &req).await,
            _ => Err(ApiError::not_found()),
        }
    })
    .await
}
