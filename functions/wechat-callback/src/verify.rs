//! Proving a push comes from WeChat, and opening it: signatures, the timestamp window,
//! safe-mode decryption, and the body's format. Nothing is read from a push before this
//! passes.
//!
//! - `signature = sha1(sort(token, timestamp, nonce))`, required in plaintext mode;
//! - in safe mode (`encrypt_type=aes`, also compatible mode) `msg_signature` over the
//!   `Encrypt` value as well is required, and the message inside is the one handled. It
//!   signs everything `signature` signs, so `signature` is not checked a second time: a
//!   forger would need the token either way, and the callback's hot path saves a SHA-1;
//! - timestamps more than `WECHAT_TIMESTAMP_WINDOW_S` from now are refused, so a captured
//!   push cannot be replayed later; within the window each (timestamp, nonce) is claimed
//!   once (see `claim` in lib.rs), since in plaintext and compatible mode the signature does
//!   not cover the body and anyone who saw one signed URL could post any body with it;
//! - an account configured for safe mode refuses plaintext pushes outright: WeChat never
//!   sends them then.

use crate::{Account, App, Mode};
use api::ApiError;
use api::Code;
use api::http::MAX_BODY_BYTES;
use lambda_http::{Body, Request, RequestExt};
use serde_json::json;
use wechat::crypto::verify;
use wechat::message::{Envelope, Message};

/// The query WeChat signs a push with.
pub struct Signed<'r> {
    pub timestamp: &'r str,
    /// The timestamp as sent, in seconds.
    pub sent: i64,
    pub nonce: &'r str,
    /// Present exactly in safe mode, where it is required.
    msg_signature: Option<&'r str>,
}

impl Signed<'_> {
    /// Whether the push came in safe mode, and its reply must be sealed.
    pub fn safe(&self) -> bool {
        self.msg_signature.is_some()
    }
}

/// An opened push: what it says, and how the reply must be sealed.
pub struct Opened<'r> {
    pub envelope: Envelope,
    pub signed: Signed<'r>,
}

/// A query parameter; a repeated one reads as its first, the value the signature is
/// checked against.
fn param<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.query_string_parameters_ref().and_then(|p| p.first(name))
}

fn required<'r>(req: &'r Request, name: &str) -> Result<&'r str, ApiError> {
    param(req, name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::field(name, "必填"))
}

fn bad_signature(reason: &'static str) -> ApiError {
    ApiError::with_message(Code::Unauthenticated, "签名校验失败").with_details(json!({ "reason": reason }))
}

/// Reads the signed query and checks its timestamp against `now` (seconds). The signature
/// that proves it is checked by the caller: `signature` for a URL check or a plaintext
/// push, `msg_signature` once a safe-mode body is read.
fn read_query<'r>(app: &App, req: &'r Request, now: i64) -> Result<Signed<'r>, ApiError> {
    let timestamp = required(req, "timestamp")?;
    let nonce = required(req, "nonce")?;
    let sent: i64 = timestamp
        .parse()
        .map_err(|_| ApiError::field("timestamp", "须为秒级时间戳"))?;
    // `abs_diff` cannot overflow, whatever the timestamp (i64::MIN included).
    if now.abs_diff(sent) > app.window_s {
        return Err(bad_signature("stale_timestamp"));
    }
    let msg_signature = match param(req, "encrypt_type") {
        None | Some("raw") => None,
        Some("aes") => {
            Some(param(req, "msg_signature").ok_or_else(|| ApiError::field("msg_signature", "安全模式下必填"))?)
        }
        Some(_) => return Err(ApiError::field("encrypt_type", "须为 raw 或 aes")),
    };
    Ok(Signed {
        timestamp,
        sent,
        nonce,
        msg_signature,
    })
}

/// `signature`, required and checked.
fn check_signature(account: &Account, req: &Request, signed: &Signed<'_>) -> Result<(), ApiError> {
    let sig = param(req, "signature").ok_or_else(|| ApiError::field("signature", "必填"))?;
    if !verify(sig, &[account.token.as_str(), signed.timestamp, signed.nonce]) {
        return Err(bad_signature("bad_signature"));
    }
    Ok(())
}

/// `GET`: WeChat checks the callback URL; the answer is `echostr`, as sent. Always proved
/// by `signature`, whatever `encrypt_type` says: there is no body to carry another proof.
pub fn echo<'r>(app: &App, account: &Account, req: &'r Request, now: i64) -> Result<(Signed<'r>, &'r str), ApiError> {
    let signed = read_query(app, req, now)?;
    check_signature(account, req, &signed)?;
    Ok((signed, required(req, "echostr")?))
}

/// `POST`: the push, verified and (in safe mode) decrypted.
pub fn open<'r>(app: &App, account: &Account, req: &'r Request, now: i64) -> Result<Opened<'r>, ApiError> {
    let signed = read_query(app, req, now)?;
    if !signed.safe() {
        if account.mode == Mode::Safe {
            return Err(bad_signature("plaintext_refused"));
        }
        check_signature(account, req, &signed)?;
    }
    let bytes: &[u8] = req.body().as_ref();
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::code(Code::PayloadTooLarge).with_details(json!({ "limitBytes": MAX_BODY_BYTES })));
    }
    // API Gateway's text bodies arrive as a string already; only binary ones need checking.
    let body = match req.body() {
        Body::Text(text) => text.as_str(),
        _ => std::str::from_utf8(bytes).map_err(|_| ApiError::field("body", "须为 UTF-8"))?,
    };
    if body.trim().is_empty() {
        return Err(ApiError::field("body", "必填"));
    }
    let is_json = account.json && looks_like_json(req, body);
    let Some(msg_signature) = signed.msg_signature else {
        let envelope = envelope(body, is_json)?;
        return Ok(Opened { envelope, signed });
    };
    let outer = parse(body, is_json)?;
    let encrypted = outer
        .get("Encrypt")
        .ok_or_else(|| ApiError::field("Encrypt", "安全模式下必填"))?;
    if !verify(
        msg_signature,
        &[account.token.as_str(), signed.timestamp, signed.nonce, encrypted],
    ) {
        return Err(bad_signature("bad_msg_signature"));
    }
    let crypto = account
        .crypto
        .as_deref()
        .ok_or_else(|| ApiError::field("encrypt_type", "此账号未启用安全模式"))?;
    let inner = crypto
        .decrypt(encrypted)
        .map_err(|e| ApiError::field("Encrypt", e.to_string()))?;
    let envelope = envelope(&inner, is_json && inner.trim_start().starts_with('{'))?;
    Ok(Opened { envelope, signed })
}

fn looks_like_json(req: &Request, body: &str) -> bool {
    let declared = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    declared || body.trim_start().starts_with('{')
}

fn parse(body: &str, json: bool) -> Result<Message<'_>, ApiError> {
    let parsed = if json {
        Message::from_json(body)
    } else {
        Message::from_xml(body)
    };
    parsed.map_err(|e| ApiError::field("body", e.to_string()))
}

/// The message read for what it means; the parsed fields go, the envelope owns its text.
fn envelope(body: &str, json: bool) -> Result<Envelope, ApiError> {
    Envelope::read(&parse(body, json)?).map_err(|e| ApiError::field("body", e.to_string()))
}
