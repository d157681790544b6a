//! The sandbox's server API: `stable_token`, subscribe and template message sends,
//! `user/info`, and the switches tests and developers use to make WeChat misbehave.
//!
//! Tokens behave as WeChat's do: `stable_token` hands out the current token of an appid
//! until it expires, a forced refresh replaces it (the old one stops working), and a send
//! with anything but the current token is refused with 40001. Faults apply to the next
//! calls of a scope (`token`, `send`, or `all`), a number of times or until cleared:
//!
//! | control | effect |
//! |---|---|
//! | `POST /_sandbox/faults` `{"scope": "send", "kind": "busy", "count": 3}` | errcode -1 three times |
//! | `… "kind": "http500"` / `"drop"` / `"delay", "delayMs": 3000` / `"errcode", "errcode": 45009` | HTTP 500, a closed connection, a slow answer, any errcode |
//! | `DELETE /_sandbox/faults` | WeChat recovers |
//! | `POST /_sandbox/invalidate-tokens` | every token stops working (40001) |
//! | `POST /_sandbox/refuse/{openid}` | that user refuses messages (43101) |
//! | `POST /_sandbox/face` `{"code", "realName", "idNumber", "outcome"}` | a face verification's `verifyResult` (see [`super::face`]) |
//! | `GET /_sandbox/users/{code}` | the openids and unionid of a `wx.login` code's user, following the official account |
//! | `GET /_sandbox/sent`, `GET /_sandbox/token-calls` | what was delivered; how many tokens were fetched |

use super::{Sandbox, reply};
use bytes::Bytes;
use http_body_util::Full;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

pub(super) type Answer = hyper::Response<Full<Bytes>>;

/// The connection is closed without an answer.
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a sandbox fault")
    }
}

impl std::error::Error for Dropped {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Token,
    Send,
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum FaultKind {
    /// errcode -1, system busy.
    Busy,
    Http500,
    Drop,
    Delay {
        #[serde(rename = "delayMs")]
        delay_ms: u64,
    },
    Errcode {
        errcode: i64,
    },
}

#[derive(Debug, Clone, Deserialize)]
pub struct Fault {
    pub scope: Scope,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many calls it hits; every call until cleared if absent.
    #[serde(default)]
    pub count: Option<u32>,
}

#[derive(Debug, Default)]
pub(super) struct State {
    /// The current token of each appid (and of the WeCom corpid), and when it expires
    /// (epoch seconds).
    pub(super) current: HashMap<String, (String, i64)>,
    pub(super) issued: u64,
    pub(super) token_calls: Vec<Value>,
    faults: Vec<Fault>,
    pub(super) sent: Vec<Value>,
    followers: HashMap<String, String>,
    refused: HashSet<String>,
}

pub(super) fn err(errcode: i64, errmsg: &str) -> Answer {
    reply(200, &json!({ "errcode": errcode, "errmsg": errmsg }))
}

impl Sandbox {
    /// The official-account openid of a code's user, who from now on follows the account.
    pub fn oa_openid_for(&self, code: &str) -> String {
        let openid = format!("o{}", super::digest(&format!("oa-openid:{}:{code}", self.oa_appid), 27));
        self.state().followers.insert(openid.clone(), code.to_owned());
        openid
    }

    /// That user refuses every message from now on (43101).
    pub fn refuse(&self, openid: &str) {
        self.state().refused.insert(openid.to_owned());
    }

    pub fn add_fault(&self, fault: Fault) {
        self.state().faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.state().faults.clear();
    }

    /// Every token stops working, as when WeChat revokes them (a secret reset, say).
    pub fn invalidate_tokens(&self) {
        self.state().current.clear();
    }

    /// The messages delivered so far.
    pub fn sent(&self) -> Vec<Value> {
        self.state().sent.clone()
    }

    /// The `stable_token` calls so far: appid and whether forced.
    pub fn token_calls(&self) -> Vec<Value> {
        self.state().token_calls.clone()
    }

    pub(super) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("sandbox state")
    }

    pub(super) fn control(&self, method: &hyper::Method, path: &str, body: &[u8]) -> Answer {
        let ok = || reply(200, &json!({ "ok": true }));
        match (method.as_str(), path) {
            ("GET", "messages") => reply(200, &json!({ "items": self.messages() })),
            ("GET", "sent") => reply(200, &json!({ "items": self.sent() })),
            ("GET", "token-calls") => reply(200, &json!({ "items": self.token_calls() })),
            ("POST", "faults") => match serde_json::from_slice::<Fault>(body) {
                Ok(fault) => {
                    self.add_fault(fault);
                    ok()
                }
                Err(e) => reply(400, &json!({ "error": e.to_string() })),
            },
            ("DELETE", "faults") => {
                self.clear_faults();
                ok()
            }
            ("POST", "invalidate-tokens") => {
                self.invalidate_tokens();
                ok()
            }
            ("POST", "face") => self.mint_face(body),
            ("POST", p) if p.starts_with("refuse/") => {
                self.refuse(&p["refuse/".len()..]);
                ok()
            }
            ("GET", p) if p.starts_with("users/") => {
                let code = &p["users/".len()..];
                reply(
                    200,
                    &json!({
                        "miniProgramOpenid": self.openid_for(code),
                        "officialAccountOpenid": self.oa_openid_for(code),
                        "unionid": self.unionid_for(code),
                    }),
                )
            }
            _ => reply(404, &json!({ "error": "no such sandbox control" })),
        }
    }

    /// The fault that hits this call, if any (using up one of its count).
    fn fault(&self, scope: Scope) -> Option<FaultKind> {
        let mut state = self.state();
        let i = state
            .faults
            .iter()
            .position(|f| f.scope == scope || f.scope == Scope::All)?;
        let kind = state.faults[i].kind.clone();
        if let Some(n) = state.faults[i].count.as_mut() {
            *n -= 1;
            if *n == 0 {
                state.faults.remove(i);
            }
        }
        Some(kind)
    }

    pub(super) async fn api(
        &self,
        path: &str,
        query: &HashMap<String, String>,
        body: &[u8],
    ) -> Result<Answer, Dropped> {
        let scope = if path == "/cgi-bin/stable_token" || path == "/cgi-bin/gettoken" {
            Scope::Token
        } else {
            Scope::Send
        };
        match self.fault(scope) {
            Some(FaultKind::Busy) => return Ok(err(-1, "system error")),
            Some(FaultKind::Http500) => return Ok(reply(500, &json!({ "message": "internal error" }))),
            Some(FaultKind::Drop) => return Err(Dropped),
            Some(FaultKind::Errcode { errcode }) => return Ok(err(errcode, "injected by the sandbox")),
            Some(FaultKind::Delay { delay_ms }) => tokio::time::sleep(Duration::from_millis(delay_ms)).await,
            None => {}
        }
        let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let token = query.get("access_token").map(String::as_str).unwrap_or("");
        Ok(match path {
            "/cgi-bin/gettoken" => self.wecom_token(query),
            "/cgi-bin/auth/getuserinfo" => self.wecom_user(token, query.get("code").map_or("", |s| s)),
            "/cgi-bin/message/send" => self.wecom_send(token, body),
            "/cgi-bin/stable_token" => self.stable_token(&body),
            "/cgi-bin/user/info" => self.user_info(token, query.get("openid").map_or("", |s| s)),
            "/cgi-bin/message/subscribe/send" => self.send(&self.appid, "subscribe", token, body),
            "/cityservice/face/identify/getinfo" => self.face_info(token, &body),
            _ => self.send(&self.oa_appid, "template", token, body),
        })
    }

    fn stable_token(&self, body: &Value) -> Answer {
        let appid = body["appid"].as_str().unwrap_or("");
        let secret = body["secret"].as_str().unwrap_or("");
        let known =
            (appid == self.appid && secret == self.secret) || (appid == self.oa_appid && secret == self.oa_secret);
        if body["grant_type"] != "client_credential" {
            return err(40002, "invalid grant_type");
        }
        if !known {
            return err(40125, "invalid appid or appsecret");
        }
        let force = body["force_refresh"].as_bool().unwrap_or(false);
        let now = jiff::Timestamp::now().as_second();
        let mut state = self.state();
        state.token_calls.push(json!({ "appid": appid, "forceRefresh": force }));
        let valid = state.current.get(appid).filter(|(_, exp)| *exp > now).cloned();
        let (token, expires) = match valid {
            Some(current) if !force => current,
            _ => {
                state.issued += 1;
                let token = format!(
                    "sbx{}{}",
                    state.issued,
                    super::digest(&format!("{appid}:{}", state.issued), 40)
                );
                let fresh = (token, now + 7200);
                state.current.insert(appid.to_owned(), fresh.clone());
                fresh
            }
        };
        reply(200, &json!({ "access_token": token, "expires_in": expires - now }))
    }

    /// The appid a token was issued to, if it is current.
    pub(super) fn token_owner(&self, token: &str) -> Option<String> {
        let now = jiff::Timestamp::now().as_second();
        self.state()
            .current
            .iter()
            .find(|(_, (t, exp))| t == token && *exp > now)
            .map(|(appid, _)| appid.clone())
    }

    fn user_info(&self, token: &str, openid: &str) -> Answer {
        if self.token_owner(token).as_deref() != Some(self.oa_appid.as_str()) {
            return err(40001, "invalid credential, access_token is invalid or not latest");
        }
        let code = self.state().followers.get(openid).cloned();
        match code {
            Some(code) => reply(
                200,
                &json!({ "subscribe": 1, "openid": openid, "unionid": self.unionid_for(&code), "errcode": 0 }),
            ),
            None => err(40003, "invalid openid"),
        }
    }

    fn send(&self, appid: &str, api: &str, token: &str, body: Value) -> Answer {
        if self.token_owner(token).as_deref() != Some(appid) {
            return err(40001, "invalid credential, access_token is invalid or not latest");
        }
        let touser = body["touser"].as_str().unwrap_or("");
        if touser.is_empty() {
            return err(40003, "invalid openid");
        }
        if body["template_id"].as_str().is_none_or(str::is_empty) {
            return err(40037, "invalid template_id");
        }
        let Some(data) = body["data"].as_object() else {
            return err(47003, "argument invalid! data is empty");
        };
        for (field, value) in data {
            let text = value["value"].as_str().unwrap_or("");
            let limit = match field.trim_end_matches(|c: char| c.is_ascii_digit()) {
                "thing" => 20,
                "phrase" => 5,
                "name" => 10,
                "character_string" | "number" => 32,
                _ => 200,
            };
            if api == "subscribe" && (text.is_empty() || text.chars().count() > limit) {
                return err(47003, &format!("argument invalid! data.{field}.value invalid"));
            }
        }
        let mut state = self.state();
        if state.refused.contains(touser) {
            return err(43101, "user refuse to accept the msg");
        }
        state.issued += 1;
        let msgid = 7_000_000 + state.issued;
        state.sent.push(json!({ "api": api, "msgid": msgid, "message": body }));
        reply(200, &json!({ "errcode": 0, "errmsg": "ok", "msgid": msgid }))
    }
}
