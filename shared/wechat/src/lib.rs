//! The WeChat API client: `jscode2session` for mini-program login; the push callbacks’
//! message formats and crypto, the server API the notifier sends through, face
//! verification (人脸核身) and WeCom (政务微信, staff sign-in) live in the submodules.
//!
//! The base URL is configuration (`WECHAT_API_BASE`), so tests and the local stack talk to
//! the sandbox instead of `api.weixin.qq.com`. WeChat answers HTTP 200 with an `errcode` on
//! failure; each documented code becomes a clear API error, and a timeout or an outage
//! becomes 503 so the mini-program can retry. The secret travels in the query string, as
//! WeChat requires, so request URLs are never logged.

pub mod crypto;
pub mod face;
pub(crate) mod http;
pub mod message;
pub mod nonce;
pub mod reply;
pub mod server;
pub mod token;
pub mod wecom;

use api::secrets::{Setting, Unavailable};
use api::{ApiError, Code};
use model::config::{ConfigError, Env};
use serde::Deserialize;

#[derive(Clone)]
pub struct WechatClient {
    http: http::Http,
    base: String,
    appid: String,
    secret: Setting<String>,
}

impl std::fmt::Debug for WechatClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatClient")
            .field("base", &self.base)
            .field("appid", &self.appid)
            .finish_non_exhaustive()
    }
}

/// What a successful `jscode2session` tells us. The session key is dropped: nothing here
/// decrypts user data with it, and a key we do not hold cannot leak.
#[derive(Debug, Clone)]
pub struct Session {
    pub openid: String,
    pub unionid: Option<String>,
}

#[derive(Deserialize)]
struct SessionReply {
    #[serde(default)]
    openid: Option<String>,
    #[serde(default)]
    unionid: Option<String>,
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// Why WeChat refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum WechatError {
    #[error("wechat rejected the login code (40029)")]
    InvalidCode,
    #[error("wechat says the login code was already used (40163)")]
    CodeUsed,
    #[error("wechat rate limit reached (45011)")]
    RateLimited,
    #[error("wechat blocked a high-risk user (40226)")]
    RiskyUser,
    #[error("wechat is busy (-1)")]
    Busy,
    #[error("wechat did not answer in time")]
    Timeout(#[source] reqwest::Error),
    #[error("wechat could not be reached")]
    Unreachable(#[source] reqwest::Error),
    #[error("wechat answered HTTP {0}")]
    Status(u16),
    #[error("wechat error {errcode}: {errmsg}")]
    Other { errcode: i64, errmsg: String },
    #[error("the mini-program's secret is not at hand")]
    Secret(#[from] Unavailable),
}

impl From<WechatError> for ApiError {
    fn from(e: WechatError) -> Self {
        match e {
            WechatError::InvalidCode => ApiError::with_message(Code::Unauthenticated, "登录凭证无效，请重新登录")
                .with_details(serde_json::json!({ "reason": "invalid_code", "wechatErrcode": 40029 })),
            WechatError::CodeUsed => ApiError::with_message(Code::Unauthenticated, "登录凭证已使用，请重新登录")
                .with_details(serde_json::json!({ "reason": "code_used", "wechatErrcode": 40163 })),
            WechatError::RateLimited => ApiError::rate_limited(60),
            WechatError::RiskyUser => ApiError::with_message(Code::Forbidden, "微信判定当前账号存在风险，暂时无法登录")
                .with_details(serde_json::json!({ "reason": "risky_user", "wechatErrcode": 40226 })),
            e
            @ (WechatError::Busy | WechatError::Timeout(_) | WechatError::Unreachable(_) | WechatError::Status(_)) => {
                ApiError::unavailable("calling wechat jscode2session", e)
            }
            e @ WechatError::Other { .. } => ApiError::internal("calling wechat jscode2session", e),
            WechatError::Secret(e) => e.into(),
        }
    }
}

impl WechatClient {
    /// `WECHAT_API_BASE`, `WECHAT_MP_APPID`, `WECHAT_MP_SECRET`, `WECHAT_TIMEOUT_MS` (2000).
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let (http, base) = http::client(env)?;
        Ok(Self {
            http,
            base,
            appid: env.required("WECHAT_MP_APPID")?.to_owned(),
            secret: secret(env, "WECHAT_MP_SECRET")?,
        })
    }

    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// The mini-program's AppSecret, for the other clients of the same account to share.
    pub fn secret(&self) -> Setting<String> {
        self.secret.clone()
    }

    /// Exchanges a `wx.login` code for the user's openid (and unionid when the mini-program
    /// is bound to an open-platform account).
    pub async fn code_to_session(&self, code: &str) -> Result<Session, WechatError> {
        let url = format!("{}/sns/jscode2session", self.base);
        let secret = self.secret.get().await?;
        let request = self.http.get(url).query(&[
            ("appid", self.appid.as_str()),
            ("secret", secret.as_str()),
            ("js_code", code),
            ("grant_type", "authorization_code"),
        ]);
        let response = self.http.send(request).await.map_err(classify)?;
        if !response.status().is_success() {
            return Err(WechatError::Status(response.status().as_u16()));
        }
        let reply: SessionReply = response.json().await.map_err(classify)?;
        match (reply.errcode, reply.openid) {
            (0, Some(openid)) if !openid.is_empty() => Ok(Session {
                openid,
                unionid: reply.unionid,
            }),
            (40029, _) => Err(WechatError::InvalidCode),
            (40163, _) => Err(WechatError::CodeUsed),
            (45011, _) => Err(WechatError::RateLimited),
            (40226, _) => Err(WechatError::RiskyUser),
            (-1, _) => Err(WechatError::Busy),
            (errcode, _) => Err(WechatError::Other {
                errcode,
                errmsg: reply.errmsg,
            }),
        }
    }
}

/// An AppSecret or a WeCom secret (`name`): given, or read at run time where a token or a
/// session is fetched.
pub fn secret(env: &Env, name: &str) -> Result<Setting<String>, ConfigError> {
    Setting::from_env(env, name, |text| Ok(text.to_owned()))
}

/// As [`secret`], `None` when the setting is neither given nor referenced.
pub fn optional_secret(env: &Env, name: &str) -> Result<Option<Setting<String>>, ConfigError> {
    Setting::optional(env, name, |text| Ok(text.to_owned()))
}

fn classify(e: reqwest::Error) -> WechatError {
    // Drop the URL: it carries the app secret.
    let e = e.without_url();
    if e.is_timeout() {
        WechatError::Timeout(e)
    } else {
        WechatError::Unreachable(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_builds_from_the_compiled_in_roots() {
        let env = Env::from_pairs([("WECHAT_API_BASE", "https://api.weixin.qq.com/")]);
        let (_, base) = http::client(&env).expect("a client");
        assert_eq!(base, "https://api.weixin.qq.com");
    }
}
