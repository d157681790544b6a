//! The sandbox's face verification (人脸核身): `POST /cityservice/face/identify/getinfo`.
//!
//! A real `verifyResult` comes from the mini-program after WeChat matched a face to an ID
//! card; here it is minted by `POST /_sandbox/face`, and it names what it vouches for:
//!
//! ```text
//! POST /_sandbox/face {"code": "<wx.login code>", "realName": "张三", "idNumber": "…", "outcome": "pass"}
//! → {"verifyResult": "sbxface.<openid>.<MD5 of the ID number>.<MD5 of the name>.<identify_ret>.<expired>"}
//! ```
//!
//! It names the identity by the digests `getinfo` answers with, as WeChat's own result is
//! opaque: the sandbox's request log (`GET /_sandbox/messages`) never shows an ID number.
//!
//! | outcome | what `getinfo` answers |
//! |---|---|
//! | `pass` (default) | errcode 0, identify_ret 0, the identity's MD5 digests, the code's openid |
//! | `face_mismatch` | errcode 0, identify_ret 10004 (比对人脸信息不匹配) |
//! | `cancelled` | errcode 0, identify_ret 90004 (用户在识别过程中取消) |
//! | `expired` | errcode 84002 (用户信息过期) |
//! | anything not minted here | errcode 84001 (非法 identity_id) |
//!
//! The call needs the mini-program's current access token (40001 otherwise), as WeChat's
//! does.

use super::api::{Answer, err};
use super::{Sandbox, reply};
use serde::Deserialize;
use serde_json::{Value, json};
use wechat::face::digest;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Mint {
    code: String,
    real_name: String,
    id_number: String,
    #[serde(default)]
    outcome: Option<String>,
}

impl Sandbox {
    /// The `verifyResult` WeChat would hand the user of a `wx.login` code who verified their
    /// face against an identity, with an `outcome` of the table above; `None` for an
    /// outcome it does not know.
    pub fn face_result(&self, code: &str, real_name: &str, id_number: &str, outcome: &str) -> Option<String> {
        let (ret, expired) = match outcome {
            "pass" => (0, 0),
            "face_mismatch" => (10004, 0),
            "cancelled" => (90004, 0),
            "expired" => (0, 1),
            _ => return None,
        };
        Some(format!(
            "sbxface.{}.{}.{}.{ret}.{expired}",
            self.openid_for(code),
            digest(&id_number.to_uppercase()),
            digest(real_name)
        ))
    }

    /// `POST /_sandbox/face`: [`Sandbox::face_result`] over HTTP.
    pub(super) fn mint_face(&self, body: &[u8]) -> Answer {
        let mint: Mint = match serde_json::from_slice(body) {
            Ok(m) => m,
            Err(e) => return reply(400, &json!({ "error": e.to_string() })),
        };
        let outcome = mint.outcome.as_deref().unwrap_or("pass");
        match self.face_result(&mint.code, &mint.real_name, &mint.id_number, outcome) {
            Some(result) => reply(200, &json!({ "verifyResult": result })),
            None => reply(
                400,
                &json!({ "error": "outcome: pass, face_mismatch, cancelled or expired" }),
            ),
        }
    }

    /// `getinfo`: what a verify result vouches for, as digests.
    pub(super) fn face_info(&self, token: &str, body: &Value) -> Answer {
        if self.token_owner(token).as_deref() != Some(self.appid.as_str()) {
            return err(40001, "invalid credential, access_token is invalid or not latest");
        }
        let result = body["verify_result"].as_str().unwrap_or("");
        let parts: Vec<&str> = result.split('.').collect();
        let ["sbxface", openid, id_md5, name_md5, ret, expired] = parts.as_slice() else {
            return err(84001, "invalid identify id");
        };
        let Ok(ret) = ret.parse::<i64>() else {
            return err(84001, "invalid identify id");
        };
        if *expired == "1" {
            return err(84002, "user info expired");
        }
        let now = jiff::Timestamp::now().as_second();
        reply(
            200,
            &json!({
                "errcode": 0,
                "errmsg": "ok",
                "identify_ret": ret,
                "identify_time": now,
                "validate_data": "8013",
                "openid": openid,
                "user_id_key": format!("sbx{}", &digest(result)[..16]),
                "finish_time": now,
                "id_card_number_md5": id_md5,
                "name_utf8_md5": name_md5,
            }),
        )
    }
}
