//! The WeChat push callback: URL verification and the messages and events that the official
//! account and the mini-program push to us.
//!
//! Routes (API.md § WeChat push callbacks): `GET`/`POST /v1/wechat/official-account` and
//! `GET`/`POST /v1/wechat/mini-program`.
//!
//! WeChat waits five seconds for an answer and then retries, three times in all, so each
//! push is claimed once (its MsgId, or sender, time and event) before it is handled: a retry
//! of a push already handled gets `success` and changes nothing. If handling fails, the
//! claim is released and the answer is a 5xx, so WeChat's retry gets another chance.
//!
//! In the same write the signed query's (timestamp, nonce) is claimed for that push: a
//! signed URL seen once (in a log, at a proxy, in the URL check) cannot carry another body.

mod answer;
mod cases;
mod verify;

use api::ApiError;
use api::Code;
use api::http::{self, Response};
use api::secrets::Setting;
use lambda_http::{Body, Request};
use model::config::{ConfigError, Env};
use model::time::Clock;
use std::sync::Arc;
use store::applications::ApplicationStore;
use store::delivery::Deliveries;
use store::feedback::FeedbackStore;
use store::subscriptions::Subscriptions;
use store::wechat::{Claim, NonceClaim, WechatStore};
use wechat::crypto::MessageCrypto;
use wechat::reply;
use wechat::server::Api;
use wechat::token::Tokens;

/// The message mode set in the account's console (消息加解密方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 明文模式: plaintext pushes only.
    Plaintext,
    /// 兼容模式: WeChat sends both; plaintext pushes are accepted.
    Compatible,
    /// 安全模式: WeChat sends only sealed pushes, so a plaintext one is refused.
    Safe,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        match raw {
            "plaintext" => Ok(Mode::Plaintext),
            "compatible" => Ok(Mode::Compatible),
            "safe" => Ok(Mode::Safe),
            _ => Err("must be plaintext, compatible or safe".into()),
        }
    }
}

/// One pushing account as configured: its Token and EncodingAESKey are secrets, read when a
/// push of that account first needs them (the official account's pushes need none of the
/// mini-program's).
#[derive(Debug)]
pub struct Pushing {
    name: &'static str,
    appid: String,
    token: Setting<String>,
    crypto: Option<Setting<MessageCrypto>>,
    mode: Mode,
    json: bool,
}

/// One pushing account, its keys at hand: the official account or the mini-program.
pub struct Account {
    /// `oa` or `mp`: it also scopes the pushes' dedupe keys.
    name: &'static str,
    appid: String,
    token: Arc<String>,
    crypto: Option<Arc<MessageCrypto>>,
    mode: Mode,
    /// Only the mini-program may push JSON.
    json: bool,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the Token: it is a secret.
        f.debug_struct("Account")
            .field("name", &self.name)
            .field("appid", &self.appid)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl Pushing {
    fn from_env(env: &Env, name: &'static str, prefix: &str) -> Result<Self, ConfigError> {
        let var = |suffix: &str| format!("{prefix}_{suffix}");
        let appid = env.required(&var("APPID"))?.to_owned();
        let key_name = var("ENCODING_AES_KEY");
        let crypto = Setting::optional(env, &key_name, {
            let (appid, key_name) = (appid.clone(), key_name.clone());
            move |key| MessageCrypto::new(key, &appid).map_err(|e| ConfigError::new(&key_name, e.to_string()))
        })?;
        let mode: Mode = env.parsed_or(&var("MESSAGE_MODE"), Mode::Safe)?;
        if mode != Mode::Plaintext && crypto.is_none() {
            return Err(ConfigError::new(
                &key_name,
                "is required unless the message mode is plaintext",
            ));
        }
        Ok(Self {
            name,
            token: wechat::secret(env, &var("TOKEN"))?,
            appid,
            crypto,
            mode,
            json: name == "mp",
        })
    }

    /// The account with its Token and key, read together when not at hand.
    async fn ready(&self) -> Result<Account, ApiError> {
        let crypto = async {
            match &self.crypto {
                Some(c) => c.get().await.map(Some),
                None => Ok(None),
            }
        };
        let (token, crypto) = tokio::try_join!(self.token.get(), crypto)?;
        Ok(Account {
            name: self.name,
            appid: self.appid.clone(),
            token,
            crypto,
            mode: self.mode,
            json: self.json,
        })
    }
}

#[derive(Debug)]
pub struct App {
    oa: Pushing,
    mp: Pushing,
    window_s: u64,
    clock: Clock,
    wechat: WechatStore,
    subscriptions: Subscriptions,
    applications: ApplicationStore,
    deliveries: Deliveries,
    feedback: FeedbackStore,
    calendar: &'static model::WorkCalendar,
    /// The official account's API access, to learn a follower's unionid; without
    /// `WECHAT_OA_SECRET` followers are recorded without one.
    oa_api: Option<(Api, Tokens)>,
}

impl App {
    /// Reads `WECHAT_OA_APPID`, `WECHAT_OA_TOKEN`, `WECHAT_OA_ENCODING_AES_KEY`,
    /// `WECHAT_OA_SECRET`, `WECHAT_OA_MESSAGE_MODE`, `WECHAT_MP_APPID`, `WECHAT_MP_TOKEN`,
    /// `WECHAT_MP_ENCODING_AES_KEY`, `WECHAT_MP_MESSAGE_MODE` (the secret optional; a key
    /// required unless the mode is `plaintext`; the mode `safe` by default),
    /// `WECHAT_TIMESTAMP_WINDOW_S` (300), `WECHAT_API_BASE` and the tables `WECHAT_TABLE`,
    /// `CITIZENS_TABLE`, `APPLICATIONS_TABLE`, `OUTBOX_TABLE`, `FEEDBACK_TABLE`,
    /// `SUPERVISION_TABLE` (the figures a case filed adds to).
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let oa = Pushing::from_env(env, "oa", "WECHAT_OA")?;
        let mp = Pushing::from_env(env, "mp", "WECHAT_MP")?;
        let window_s = env.parsed_or("WECHAT_TIMESTAMP_WINDOW_S", 300u64)?;
        let client = store::connect(env).await;
        let wechat = WechatStore::new(client.clone(), env.required("WECHAT_TABLE")?);
        let oa_api = match wechat::optional_secret(env, "WECHAT_OA_SECRET")? {
            Some(secret) => {
                let api = Api::from_env(env)?;
                let tokens = Tokens::new(api.clone(), wechat.clone(), &oa.appid, secret);
                Some((api, tokens))
            }
            None => None,
        };
        Ok(Self {
            oa,
            mp,
            window_s,
            clock: Clock::system(),
            subscriptions: Subscriptions::new(client.clone(), env.required("CITIZENS_TABLE")?),
            applications: ApplicationStore::reader(client.clone(), env.required("APPLICATIONS_TABLE")?),
            feedback: FeedbackStore::new(
                client.clone(),
                env.required("FEEDBACK_TABLE")?,
                env.required("OUTBOX_TABLE")?,
            )
            .counting(env.required("SUPERVISION_TABLE")?),
            calendar: model::WorkCalendar::shipped(),
            deliveries: Deliveries::new(client, env.required("OUTBOX_TABLE")?),
            wechat,
            oa_api,
        })
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

pub async fn handle(app: &App, req: Request) -> Response {
    http::serve(req, |req| async move {
        match http::route_key(&req).as_str() {
            "GET /v1/wechat/official-account" => echo(app, &app.oa.ready().await?, &req).await,
            "POST /v1/wechat/official-account" => push(app, &app.oa.ready().await?, &req).await,
            "GET /v1/wechat/mini-program" => echo(app, &app.mp.ready().await?, &req).await,
            "POST /v1/wechat/mini-program" => push(app, &app.mp.ready().await?, &req).await,
            _ => Err(ApiError::not_found()),
        }
    })
    .await
}

fn plain(content_type: &'static str, body: String) -> Response {
    let mut response = ::http::Response::new(Body::Text(body));
    response.headers_mut().insert(
        ::http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    response
}

/// The signed query's claim: its (timestamp, nonce), kept until the timestamp has left the
/// window, so the same signed URL is refused for anything but the push it came with.
fn nonce_claim(app: &App, account: &Account, signed: &verify::Signed<'_>, now: i64) -> NonceClaim {
    NonceClaim {
        key: format!("{}#{}#{}", account.name, signed.timestamp, signed.nonce),
        until: signed
            .sent
            .max(now)
            .saturating_add_unsigned(app.window_s)
            .saturating_add(60),
    }
}

fn replayed() -> ApiError {
    ApiError::with_message(Code::Unauthenticated, "签名校验失败")
        .with_details(serde_json::json!({ "reason": "replayed" }))
}

async fn echo(app: &App, account: &Account, req: &Request) -> Result<Response, ApiError> {
    let now = app.clock.now();
    let (signed, echostr) = verify::echo(app, account, req, now.as_second())?;
    let nonce = nonce_claim(app, account, &signed, now.as_second());
    // The URL check's signed query proves nothing else: the same check again is answered,
    // a push with its timestamp and nonce is not.
    match app.wechat.claim(&format!("echo#{echostr}"), &nonce, false, now).await? {
        Claim::Replayed => Err(replayed()),
        Claim::New | Claim::Repeat => Ok(plain("text/plain; charset=utf-8", echostr.to_owned())),
    }
}

async fn push(app: &App, account: &Account, req: &Request) -> Result<Response, ApiError> {
    // One reading of the clock: the timestamp window, the claim and the reply agree.
    let now = app.clock.now();
    let opened = verify::open(app, account, req, now.as_second())?;
    let envelope = &opened.envelope;
    let key = format!("{}#{}", account.name, envelope.dedupe_key());
    let nonce = nonce_claim(app, account, &opened.signed, now.as_second());
    match app.wechat.claim(&key, &nonce, true, now).await? {
        Claim::New => {}
        Claim::Repeat => {
            tracing::info!(account = account.name, "a repeated push; answered before");
            return Ok(success());
        }
        Claim::Replayed => {
            tracing::warn!(account = account.name, "a signed query used again for another push");
            return Err(replayed());
        }
    }
    let answer = match answer::answer(app, account, envelope).await {
        Ok(answer) => answer,
        Err(e) => {
            if let Err(release) = app.wechat.release_push(&key).await {
                tracing::warn!(error = %api::error::chain(&release), "releasing a failed push");
            }
            return Err(e);
        }
    };
    Ok(match answer {
        Some(content) => xml(reply_to(account, &opened, &content, now.as_second())),
        None => success(),
    })
}

/// A passive text reply, sealed when the push came in safe mode. Its text is masked: a
/// reply is a way out like any other.
fn reply_to(account: &Account, opened: &verify::Opened<'_>, content: &str, now: i64) -> String {
    let content = model::mask::scrub(content);
    let xml = reply::text(&opened.envelope.from, &opened.envelope.to, now, &content);
    match (&account.crypto, opened.signed.safe()) {
        (Some(crypto), true) => reply::seal(
            crypto,
            account.token.as_str(),
            &xml,
            &now.to_string(),
            opened.signed.nonce,
            wechat::nonce::random16(),
        ),
        _ => xml,
    }
}

/// The official account with its keys, as a push to it is handled with.
pub async fn official_account(app: &App) -> Result<Account, ApiError> {
    app.oa.ready().await
}

/// What `make bench` times: one official-account push verified, decrypted and parsed, and
/// a sealed text reply made for it, exactly as `push` does around the store (which the
/// bench leaves out: it measures our code, not the network).
pub fn read_and_reply(app: &App, oa: &Account, req: &Request, content: &str) -> Result<String, ApiError> {
    let now = app.clock.now().as_second();
    let opened = verify::open(app, oa, req, now)?;
    Ok(reply_to(oa, &opened, content, now))
}

fn xml(body: String) -> Response {
    plain("application/xml; charset=utf-8", body)
}

fn success() -> Response {
    plain("text/plain; charset=utf-8", reply::SUCCESS.to_owned())
}
