//! The sandbox's WeCom (政务微信): `gettoken`, `auth/getuserinfo` and application messages
//! (`message/send`), as `qyapi.weixin.qq.com` answers them.
//!
//! A sign-in code `wecom-<userid>` names that member of the organisation; `outsider-<name>`
//! someone outside it (WeCom answers with an openid and no userid); anything else is 40029.
//! Tokens behave as the official account's do (the current one until it expires, 40014 for
//! any other), and the faults of [`super::api`] apply: `token` to `gettoken`, `send` to the
//! rest.

use super::Sandbox;
use super::api::{Answer, err};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The state's token key of the WeCom application.
fn key(corpid: &str) -> String {
    format!("wecom:{corpid}")
}

impl Sandbox {
    pub(super) fn wecom_token(&self, q: &HashMap<String, String>) -> Answer {
        let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
        if get("corpid") != self.corpid {
            return err(40013, "invalid corpid");
        }
        if get("corpsecret") != self.corp_secret {
            return err(40001, "invalid secret");
        }
        let now = jiff::Timestamp::now().as_second();
        let mut state = self.state();
        state
            .token_calls
            .push(json!({ "appid": key(&self.corpid), "forceRefresh": false }));
        let current = state
            .current
            .get(&key(&self.corpid))
            .filter(|(_, exp)| *exp > now)
            .cloned();
        let (token, expires) = match current {
            Some(current) => current,
            None => {
                state.issued += 1;
                let token = format!(
                    "wcm{}{}",
                    state.issued,
                    super::digest(&format!("wecom:{}", state.issued), 40)
                );
                let fresh = (token, now + 7200);
                state.current.insert(key(&self.corpid), fresh.clone());
                fresh
            }
        };
        super::reply(
            200,
            &json!({ "errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": expires - now }),
        )
    }

    fn wecom_token_ok(&self, token: &str) -> bool {
        self.token_owner(token).as_deref() == Some(key(&self.corpid).as_str())
    }

    pub(super) fn wecom_user(&self, token: &str, code: &str) -> Answer {
        if !self.wecom_token_ok(token) {
            return err(40014, "invalid access_token");
        }
        if let Some(userid) = code.strip_prefix("wecom-").filter(|u| !u.is_empty()) {
            return super::reply(
                200,
                &json!({ "errcode": 0, "errmsg": "ok", "userid": userid, "user_ticket": super::digest(code, 32) }),
            );
        }
        if let Some(name) = code.strip_prefix("outsider-").filter(|u| !u.is_empty()) {
            return super::reply(
                200,
                &json!({ "errcode": 0, "errmsg": "ok", "openid": format!("o{}", super::digest(name, 27)) }),
            );
        }
        err(40029, "invalid code")
    }

    /// An application message to staff: recorded in `sent` as `{"api": "wecom", …}`.
    pub(super) fn wecom_send(&self, token: &str, body: Value) -> Answer {
        if !self.wecom_token_ok(token) {
            return err(40014, "invalid access_token");
        }
        if body["touser"].as_str().is_none_or(str::is_empty) {
            return err(40031, "invalid user list");
        }
        if body["agentid"].is_null() {
            return err(40056, "invalid agentid");
        }
        let mut state = self.state();
        state.issued += 1;
        let msgid = format!("wecom{}", state.issued);
        state
            .sent
            .push(json!({ "api": "wecom", "msgid": msgid, "message": body }));
        super::reply(200, &json!({ "errcode": 0, "errmsg": "ok", "msgid": msgid }))
    }
}
