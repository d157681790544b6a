//! The `Idempotency-Key` of creating routes: the same key with the same request returns the
//! first answer again and writes nothing new; with another request it is 422
//! `IDEMPOTENCY_KEY_REUSED`. The store keeps the keys (`store::idempotency`); this is the
//! request's side of them.

use crate::error::{ApiError, Code};
use lambda_http::Request;
use store::idempotency::{Claim, Recorded};

/// The request's key, if it sent one, for `scope` (whose key it is) and the request `what`
/// (the bytes that decide what is created: the body, or the fields that matter). A
/// malformed key is 400 naming the header.
pub fn claim(req: &Request, scope: &str, what: &[u8]) -> Result<Option<Claim>, ApiError> {
    Ok(key(req)?.map(|key| Claim {
        scope: scope.to_owned(),
        key,
        hash: hash(what),
    }))
}

/// The `Idempotency-Key` header: 1 to 64 characters of letters, digits and `-_.:`.
fn key(req: &Request) -> Result<Option<String>, ApiError> {
    let Some(raw) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = raw.to_str().unwrap_or("");
    let ok = (1..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    if ok {
        Ok(Some(key.to_owned()))
    } else {
        Err(ApiError::field("Idempotency-Key", "应为1-64位字母、数字或-_.:"))
    }
}

/// SHA-256 of a request, hex.
pub fn hash(what: &[u8]) -> String {
    model::random::hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, what).as_ref())
}

/// Whether the key's record, read after the creating write found the key used, is this very
/// request's: the id it created if so, 422 `IDEMPOTENCY_KEY_REUSED` if another request used
/// the key. A record gone meanwhile (it lives a day) is a fault.
pub fn replay(claim: &Claim, recorded: Option<Recorded>) -> Result<String, ApiError> {
    let recorded = recorded
        .ok_or_else(|| ApiError::internal("an idempotency record vanished", std::io::Error::other("missing")))?;
    if recorded.hash == claim.hash {
        Ok(recorded.created)
    } else {
        Err(ApiError::code(Code::IdempotencyKeyReused))
    }
}
