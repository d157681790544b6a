//! WeChat's server API as the notifier and the callback use it: `stable_token`, mini-program
//! subscribe messages, official-account template messages, `user/info` for a follower's
//! unionid, and face verification's `getinfo`.
//!
//! WeChat answers HTTP 200 with an `errcode`; every answer is sorted into one of three
//! outcomes a caller acts on: the access token was refused (refresh it, retry once), a
//! passing failure (retry with backoff), or a refusal that retrying cannot change.

use model::config::{ConfigError, Env};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Clone)]
pub struct Api {
    http: crate::http::Http,
    base: String,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("base", &self.base).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// 40001 invalid credential, 42001 expired, 40014 invalid token.
    #[error("wechat refused the access token ({0})")]
    Token(i64),
    /// -1 busy, 45009 / 45011 quota, HTTP 5xx or 429, timeouts, unreachable.
    #[error("wechat failed for now: {0}")]
    Transient(String),
    /// Anything else: 43101 the user refused, 40003 bad openid, 47003 bad field, …
    #[error("wechat refused ({errcode}): {errmsg}")]
    Refused { errcode: i64, errmsg: String },
}

impl CallError {
    /// The reason recorded on a notification that ends `failed`.
    pub fn reason(&self) -> String {
        match self {
            CallError::Refused { errcode, errmsg } => format!("{errcode} {errmsg}"),
            other => other.to_string(),
        }
    }
}

#[derive(Deserialize)]
struct Reply {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    msgid: Option<Value>,
    #[serde(default)]
    unionid: Option<String>,
    #[serde(default)]
    subscribe: Option<i64>,
    #[serde(default)]
    userid: Option<String>,
    /// `cityservice/face/identify/getinfo`: the result and who it vouches for.
    #[serde(default)]
    identify_ret: Option<i64>,
    #[serde(default)]
    openid: Option<String>,
    #[serde(default)]
    id_card_number_md5: Option<String>,
    #[serde(default)]
    name_utf8_md5: Option<String>,
    #[serde(default)]
    finish_time: Option<i64>,
}

/// What WeChat's face verification (人脸核身) says of one `verify_result`.
#[derive(Clone, PartialEq, Eq)]
pub struct FaceInfo {
    /// 0 when the face matched the identity; WeChat's 100xx/900xx code otherwise.
    pub identify_ret: i64,
    /// The user who was verified: must be the account's own.
    pub openid: String,
    /// MD5 (hex) of the ID number, its check character upper case, and of the UTF-8 name.
    pub id_card_number_md5: String,
    pub name_utf8_md5: String,
    /// When the verification finished (epoch seconds).
    pub finish_time: i64,
}

impl std::fmt::Debug for FaceInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceInfo")
            .field("identify_ret", &self.identify_ret)
            .field("finish_time", &self.finish_time)
            .finish_non_exhaustive()
    }
}

/// A fresh access token and its lifetime in seconds.
#[derive(Debug, Clone)]
pub struct Token {
    pub value: String,
    pub expires_in: i64,
}

/// What `user/info` says of an official-account follower.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follower {
    pub subscribed: bool,
    pub unionid: Option<String>,
}

impl Api {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let (http, base) = crate::http::client(env)?;
        Ok(Self { http, base })
    }

    /// WeCom's API (`WECOM_API_BASE`): the same protocol of errcodes on another host.
    pub fn wecom_from_env(env: &Env) -> Result<Self, ConfigError> {
        let (http, base) = crate::http::client_for(env, "WECOM_API_BASE")?;
        Ok(Self { http, base })
    }

    /// WeCom's `GET /cgi-bin/gettoken`. WeCom has no forced refresh: it hands out a new
    /// token once the old one is invalid.
    pub async fn wecom_token(&self, corpid: &str, secret: &str) -> Result<Token, CallError> {
        let request = self
            .http
            .get(format!("{}/cgi-bin/gettoken", self.base))
            .query(&[("corpid", corpid), ("corpsecret", secret)]);
        let reply = self.call(request).await?;
        match reply.access_token {
            Some(value) if !value.is_empty() => Ok(Token {
                value,
                expires_in: reply.expires_in.unwrap_or(7200),
            }),
            _ => Err(CallError::Transient("gettoken answered without a token".into())),
        }
    }

    /// WeCom's `GET /cgi-bin/auth/getuserinfo`: the member an OAuth code belongs to, or
    /// `None` for someone outside the organisation (WeCom gives them an openid instead).
    pub async fn wecom_user(&self, token: &str, code: &str) -> Result<Option<String>, CallError> {
        let request = self
            .http
            .get(format!("{}/cgi-bin/auth/getuserinfo", self.base))
            .query(&[("access_token", token), ("code", code)]);
        let reply = self.call(request).await?;
        Ok(reply.userid.filter(|u| !u.is_empty()))
    }

    /// `POST /cgi-bin/stable_token`. `force` asks for a new token even if the current one
    /// is still valid, which WeChat limits per day: only after a token was refused.
    pub async fn stable_token(&self, appid: &str, secret: &str, force: bool) -> Result<Token, CallError> {
        let body =
            json!({ "grant_type": "client_credential", "appid": appid, "secret": secret, "force_refresh": force });
        let reply = self
            .call(
                self.http
                    .post(format!("{}/cgi-bin/stable_token", self.base))
                    .json(&body),
            )
            .await?;
        match reply.access_token {
            Some(value) if !value.is_empty() => Ok(Token {
                value,
                expires_in: reply.expires_in.unwrap_or(7200),
            }),
            _ => Err(CallError::Transient("stable_token answered without a token".into())),
        }
    }

    /// `POST /cgi-bin/message/subscribe/send`: the message id WeChat gave, if any.
    pub async fn send_subscribe(&self, token: &str, body: &Value) -> Result<Option<String>, CallError> {
        self.send("/cgi-bin/message/subscribe/send", token, body).await
    }

    /// `POST /cgi-bin/message/template/send`: the message id WeChat gave, if any.
    pub async fn send_template(&self, token: &str, body: &Value) -> Result<Option<String>, CallError> {
        self.send("/cgi-bin/message/template/send", token, body).await
    }

    /// WeCom's `POST /cgi-bin/message/send`: an application message to members of staff.
    pub async fn wecom_send(&self, token: &str, body: &Value) -> Result<Option<String>, CallError> {
        self.send("/cgi-bin/message/send", token, body).await
    }

    /// `GET /cgi-bin/user/info`: whether an openid follows the account, and its unionid.
    pub async fn follower(&self, token: &str, openid: &str) -> Result<Follower, CallError> {
        let request = self.http.get(format!("{}/cgi-bin/user/info", self.base)).query(&[
            ("access_token", token),
            ("openid", openid),
            ("lang", "zh_CN"),
        ]);
        let reply = self.call(request).await?;
        Ok(Follower {
            subscribed: reply.subscribe == Some(1),
            unionid: reply.unionid,
        })
    }

    /// `POST /cityservice/face/identify/getinfo`: the result a mini-program's
    /// `wx.startFacialRecognitionVerify` handed back as `verifyResult`.
    pub async fn face_info(&self, token: &str, verify_result: &str) -> Result<FaceInfo, CallError> {
        let request = self
            .http
            .post(format!("{}/cityservice/face/identify/getinfo", self.base))
            .query(&[("access_token", token)])
            .json(&json!({ "verify_result": verify_result }));
        let reply = self.call(request).await?;
        match (
            reply.identify_ret,
            reply.openid,
            reply.id_card_number_md5,
            reply.name_utf8_md5,
        ) {
            (Some(identify_ret), Some(openid), Some(id_md5), Some(name_md5)) => Ok(FaceInfo {
                identify_ret,
                openid,
                id_card_number_md5: id_md5,
                name_utf8_md5: name_md5,
                finish_time: reply.finish_time.unwrap_or_default(),
            }),
            _ => Err(CallError::Transient("getinfo answered without a result".into())),
        }
    }

    async fn send(&self, path: &str, token: &str, body: &Value) -> Result<Option<String>, CallError> {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .query(&[("access_token", token)])
            .json(body);
        let reply = self.call(request).await?;
        Ok(reply.msgid.map(|id| match id {
            Value::String(s) => s,
            other => other.to_string(),
        }))
    }

    async fn call(&self, request: reqwest::RequestBuilder) -> Result<Reply, CallError> {
        // Errors drop the URL: it carries the secret or the access token.
        let response = self
            .http
            .send(request)
            .await
            .map_err(|e| CallError::Transient(e.without_url().to_string()))?;
        let status = response.status();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(CallError::Transient(format!("HTTP {}", status.as_u16())));
        }
        if !status.is_success() {
            return Err(CallError::Refused {
                errcode: 0i64.saturating_sub(i64::from(status.as_u16())),
                errmsg: format!("HTTP {}", status.as_u16()),
            });
        }
        let reply: Reply = response
            .json()
            .await
            .map_err(|e| CallError::Transient(e.without_url().to_string()))?;
        match reply.errcode {
            0 => Ok(reply),
            40001 | 42001 | 40014 => Err(CallError::Token(reply.errcode)),
            -1 | 45009 | 45011 => Err(CallError::Transient(format!("{} {}", reply.errcode, reply.errmsg))),
            errcode => Err(CallError::Refused {
                errcode,
                errmsg: reply.errmsg,
            }),
        }
    }
}
