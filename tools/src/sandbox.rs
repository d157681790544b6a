//! The WeChat sandbox: a local stand-in for `api.weixin.qq.com` on 127.0.0.1:3001.
//!
//! `GET /sns/jscode2session` maps every code to a stable openid of its own (two codes, two
//! citizens; the same code twice, the same citizen). A few codes provoke WeChat's documented
//! failures, so clients and tests can meet each one:
//!
//! | code | answer |
//! |---|---|
//! | `invalid` | errcode 40029 (invalid code) |
//! | `used` | errcode 40163 (code been used) |
//! | `ratelimit` | errcode 45011 (API minute-quota reached) |
//! | `risky` | errcode 40226 (high-risk user blocked) |
//! | `busy` | errcode -1 (system busy) |
//! | `slow` | an answer after 10 s, past the client's timeout |
//! | `down` | HTTP 503 |
//!
//! The notifier's side (`stable_token`, subscribe and template sends, `user/info`) and the
//! fault switches are in [`api`]; WeCom's (`gettoken`, `auth/getuserinfo`, `message/send`)
//! in [`wecom`], served on the same port: their paths do not collide; WeCom's OAuth page, a
//! list of the demo directory to sign in as, in [`authorize`]; face verification's
//! `getinfo`, with results minted at `POST /_sandbox/face`, in [`face`]. Every request the backend sends is recorded, secrets
//! masked, and listed at `GET /_sandbox/messages`; what was delivered is at
//! `GET /_sandbox/sent`.
//!
//! It also stands in for the AWS Parameters and Secrets Lambda extension (`GET
//! /secretsmanager/get`, `GET /systemsmanager/parameters/get`), answering from moto's Secrets
//! Manager and Parameter Store as the extension answers from AWS's; those reads are not
//! recorded.

mod api;
mod authorize;
mod face;
mod wecom;

pub use api::{Fault, FaultKind, Scope};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

#[derive(Debug)]
pub struct Sandbox {
    appid: String,
    secret: String,
    oa_appid: String,
    oa_secret: String,
    corpid: String,
    corp_secret: String,
    agent_id: String,
    /// The demo directory the authorize page offers.
    directory: Vec<authorize::Listed>,
    log: Mutex<Vec<Value>>,
    state: Mutex<api::State>,
    /// Where the extension's answers come from.
    vault: crate::secrets::Vault,
}

impl Sandbox {
    /// A sandbox that accepts the stack's mini-program, official account and WeCom
    /// application (their appids, corpid and secrets).
    pub fn new(stack: &crate::local::Stack) -> Arc<Self> {
        let setting = |name: &str| stack.setting(name).unwrap_or_default();
        Arc::new(Self {
            appid: setting("WECHAT_MP_APPID"),
            secret: setting("WECHAT_MP_SECRET"),
            oa_appid: setting("WECHAT_OA_APPID"),
            oa_secret: setting("WECHAT_OA_SECRET"),
            corpid: setting("WECOM_CORPID"),
            corp_secret: setting("WECOM_SECRET"),
            agent_id: setting("WECOM_AGENTID"),
            directory: authorize::directory(),
            log: Mutex::new(Vec::new()),
            state: Mutex::new(api::State::default()),
            vault: crate::secrets::Vault::new(
                &stack.dynamodb_endpoint,
                &stack.setting("AWS_REGION").unwrap_or(crate::local::REGION.into()),
            ),
        })
    }

    /// What the backend has sent so far.
    pub fn messages(&self) -> Vec<Value> {
        self.log.lock().expect("sandbox log").clone()
    }

    /// The openid WeChat would give this code's user: `o` and 27 URL-safe characters.
    pub fn openid_for(&self, code: &str) -> String {
        format!("o{}", digest(&format!("openid:{}:{code}", self.appid), 27))
    }

    pub fn unionid_for(&self, code: &str) -> String {
        format!("u{}", digest(&format!("unionid:{code}"), 27))
    }

    async fn answer(&self, req: hyper::Request<Incoming>) -> Result<hyper::Response<Full<Bytes>>, api::Dropped> {
        let path = req.uri().path().to_owned();
        let query: HashMap<String, String> = req
            .uri()
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let method = req.method().clone();
        let token = req.headers().get("x-aws-parameters-secrets-token").is_some();
        let body = Limited::new(req.into_body(), 1 << 20)
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        if path == "/_sandbox/wecom/authorize" && method == hyper::Method::GET {
            return Ok(self.authorize(&query));
        }
        if let Some(store) = extension_store(&path) {
            return Ok(self.extension(store, &query, token).await);
        }
        if let Some(control) = path.strip_prefix("/_sandbox/") {
            return Ok(self.control(&method, control, &body));
        }
        let mut shown = query.clone();
        for secret in ["secret", "corpsecret", "access_token"] {
            if shown.contains_key(secret) {
                shown.insert(secret.into(), "***".into());
            }
        }
        self.log.lock().expect("sandbox log").push(json!({
            "at": model::time::rfc3339(jiff::Timestamp::now()),
            "method": method.as_str(),
            "path": path,
            "query": shown,
            "body": serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null),
        }));
        match path.as_str() {
            "/sns/jscode2session" => Ok(self.code_to_session(&query).await),
            "/cgi-bin/stable_token"
            | "/cgi-bin/message/subscribe/send"
            | "/cgi-bin/message/template/send"
            | "/cgi-bin/user/info"
            | "/cgi-bin/gettoken"
            | "/cgi-bin/auth/getuserinfo"
            | "/cgi-bin/message/send"
            | "/cityservice/face/identify/getinfo" => self.api(&path, &query, &body).await,
            _ => Ok(reply(404, &json!({ "errcode": 40066, "errmsg": "invalid url" }))),
        }
    }

    async fn code_to_session(&self, q: &HashMap<String, String>) -> hyper::Response<Full<Bytes>> {
        let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
        if get("appid") != self.appid {
            return reply(200, &json!({ "errcode": 40013, "errmsg": "invalid appid" }));
        }
        if get("secret") != self.secret {
            return reply(200, &json!({ "errcode": 40125, "errmsg": "invalid appsecret" }));
        }
        if get("grant_type") != "authorization_code" {
            return reply(200, &json!({ "errcode": 40002, "errmsg": "invalid grant_type" }));
        }
        let code = get("js_code");
        let fail = |errcode: i64, errmsg: &str| reply(200, &json!({ "errcode": errcode, "errmsg": errmsg }));
        match code {
            "" | "invalid" => fail(40029, "invalid code"),
            "used" => fail(40163, "code been used"),
            "ratelimit" => fail(45011, "api minute-quota reach limit"),
            "risky" => fail(40226, "high risk user"),
            "busy" => fail(-1, "system error"),
            "down" => reply(503, &json!({ "message": "service unavailable" })),
            "slow" => {
                tokio::time::sleep(std::time::Duration::from_secs(10)).await;
                fail(-1, "system error")
            }
            code => reply(
                200,
                &json!({
                    "openid": self.openid_for(code),
                    "unionid": self.unionid_for(code),
                    "session_key": digest(&format!("session:{code}"), 24),
                    "errcode": 0,
                    "errmsg": "ok",
                }),
            ),
        }
    }
}

/// The store an extension path reads.
fn extension_store(path: &str) -> Option<crate::secrets::Store> {
    match path {
        "/secretsmanager/get" => Some(crate::secrets::Store::SecretsManager),
        "/systemsmanager/parameters/get" => Some(crate::secrets::Store::ParameterStore),
        _ => None,
    }
}

impl Sandbox {
    /// The extension's answer: the store's own, to a caller holding the session token.
    async fn extension(
        &self,
        store: crate::secrets::Store,
        q: &HashMap<String, String>,
        token: bool,
    ) -> hyper::Response<Full<Bytes>> {
        if !token {
            return reply(401, &json!({ "message": "X-Aws-Parameters-Secrets-Token is missing" }));
        }
        let key = match store {
            crate::secrets::Store::SecretsManager => "secretId",
            crate::secrets::Store::ParameterStore => "name",
        };
        let Some(name) = q.get(key) else {
            return reply(400, &json!({ "message": format!("{key} is missing") }));
        };
        match self.vault.read(store, name).await {
            Ok((status, body)) => reply(status, &body),
            Err(e) => reply(502, &json!({ "message": e })),
        }
    }
}

fn digest(input: &str, len: usize) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, input.as_bytes());
    base64_simd::URL_SAFE_NO_PAD.encode_to_string(d.as_ref())[..len].to_owned()
}

fn reply(status: u16, value: &Value) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(value.to_string())))
        .expect("static response")
}

/// Serves until the process ends.
pub async fn serve(listener: TcpListener, sandbox: Arc<Sandbox>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let sandbox = sandbox.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let sandbox = sandbox.clone();
                // A `Dropped` answer closes the connection unanswered, as an outage would.
                async move { sandbox.answer(req).await }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
