//! The identity function: WeChat login, the citizen's profile and real-name binding.
//!
//! Routes (API.md § Identity): `POST /v1/auth/wechat`, `GET /v1/me`, `PUT /v1/me/identity`.

mod identity;
mod login;

use api::ApiError;
use api::auth::{Signer, Verifier};
use api::http::{self, Response};
use lambda_http::Request;
use model::config::{ConfigError, Env};
use store::citizens::CitizenStore;
use wechat::WechatClient;

/// Everything a request needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct App {
    citizens: CitizenStore,
    wechat: WechatClient,
    signer: Signer,
    verifier: Verifier,
    identity_key: Vec<u8>,
}

impl App {
    /// Reads `CITIZENS_TABLE`, `IDENTITY_HASH_KEY`, the JWT and WeChat settings, and connects
    /// the store. Fails naming the first setting that is missing or malformed.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let table = env.required("CITIZENS_TABLE")?.to_owned();
        let identity_key = env.required("IDENTITY_HASH_KEY")?.as_bytes().to_vec();
        if identity_key.len() < 32 {
            return Err(ConfigError::new("IDENTITY_HASH_KEY", "must be at least 32 bytes"));
        }
        let signer = Signer::from_env(env)?;
        let verifier = Verifier::from_env(env)?;
        let wechat = WechatClient::from_env(env)?;
        let client = store::connect(env).await;
        Ok(Self {
            citizens: CitizenStore::new(client, table),
            wechat,
            signer,
            verifier,
            identity_key,
        })
    }
}

/// The Lambda handler: routes on API Gateway's route key.
pub async fn handle(app: &App, req: Request) -> Response {
    http::serve(req, |req| async move {
        match http::route_key(&req).as_str() {
            "POST /v1/auth/wechat" => login::login(app, &req).await,
            "GET /v1/me" => identity::me(app, &req).await,
            "PUT /v1/me/identity" => identity::bind(app, &req).await,
            _ => Err(ApiError::not_found()),
        }
    })
    .await
}
