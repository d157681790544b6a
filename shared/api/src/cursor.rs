//! List cursors: how the position where a page stopped ([`store::Cursor`], the key fields of
//! the last item read) travels to a client and back. A client gets it sealed: base64url of its JSON, a dot, and an HMAC-SHA256 tag (16
//! bytes) over the list's *scope* and that JSON, under `CURSOR_KEY`. The scope names the
//! list, the caller and the filters (`GET /v1/me/bookings|c…|status=booked`), so a cursor
//! is valid only for the list and filter that issued it: one from another list, another
//! caller, another filter, or altered in any way is a 400 before the store sees it. (DynamoDB
//! answers a start key outside the query's key condition with a ValidationException; a
//! forged one must never get that far.)

use aws_lc_rs::hmac;
use base64_simd::URL_SAFE_NO_PAD;
use model::Invalid;
use model::config::{ConfigError, Env};
use std::collections::BTreeMap;
pub use store::Cursor;

/// A sealed cursor longer than this is refused unread.
const MAX_LEN: usize = 600;
/// The tag's length: 128 bits of a SHA-256 HMAC.
const TAG_BYTES: usize = 16;

/// The key that seals and opens cursors: `CURSOR_KEY`, 32 bytes or more. Rotating it ends
/// every cursor a client holds (their next page is a 400 and they list again).
#[derive(Clone)]
pub struct CursorKey(hmac::Key);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

/// The cursor key of a function: given, or read where a cursor is first sealed or opened (a
/// first page that is also the last needs none).
pub type Cursors = crate::secrets::Setting<CursorKey>;

impl CursorKey {
    /// `CURSOR_KEY`, or a reference to it.
    pub fn setting(env: &Env) -> Result<Cursors, ConfigError> {
        Cursors::from_env(env, "CURSOR_KEY", |secret| {
            if secret.len() < 32 {
                return Err(ConfigError::new("CURSOR_KEY", "must be at least 32 bytes"));
            }
            Ok(Self::new(secret.as_bytes()))
        })
    }

    pub fn new(secret: &[u8]) -> Self {
        Self(hmac::Key::new(hmac::HMAC_SHA256, secret))
    }

    fn tag(&self, scope: &str, payload: &[u8]) -> hmac::Tag {
        let mut ctx = hmac::Context::with_key(&self.0);
        ctx.update(scope.as_bytes());
        ctx.update(b"\n");
        ctx.update(payload);
        ctx.sign()
    }

    /// The cursor as a client carries it, for the list `scope`.
    pub fn seal(&self, scope: &str, cursor: &Cursor) -> String {
        // A map of strings always serialises.
        let payload = serde_json::to_vec(cursor.fields()).unwrap_or_default();
        let tag = self.tag(scope, &payload);
        let short = tag.as_ref().get(..TAG_BYTES).unwrap_or_default();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode_to_string(&payload),
            URL_SAFE_NO_PAD.encode_to_string(short)
        )
    }

    /// The position a client's cursor names, if this key sealed it for this very `scope`.
    pub fn open(&self, scope: &str, raw: &str) -> Result<Cursor, Invalid> {
        let invalid = || Invalid::new("分页游标无效");
        if raw.is_empty() || raw.len() > MAX_LEN {
            return Err(invalid());
        }
        let (payload, tag) = raw.split_once('.').ok_or_else(invalid)?;
        let payload = URL_SAFE_NO_PAD.decode_to_vec(payload).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode_to_vec(tag).map_err(|_| invalid())?;
        let expected = self.tag(scope, &payload);
        let expected = expected.as_ref().get(..TAG_BYTES).unwrap_or_default();
        if tag.len() != TAG_BYTES || aws_lc_rs::constant_time::verify_slices_are_equal(&tag, expected).is_err() {
            return Err(invalid());
        }
        let map: BTreeMap<String, String> = serde_json::from_slice(&payload).map_err(|_| invalid())?;
        if map.is_empty() || map.len() > 8 {
            return Err(invalid());
        }
        Ok(Cursor::from_fields(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CursorKey {
        CursorKey::new(b"a test key of thirty-two bytes or more")
    }

    #[test]
    fn a_cursor_survives_a_round_trip_in_its_own_scope() {
        let c = Cursor::new([("code", "SCJG-0001")]);
        let sealed = key().seal("items|SCJG", &c);
        assert_eq!(key().open("items|SCJG", &sealed).unwrap(), c);
    }

    #[test]
    fn a_cursor_opens_in_no_other_scope_and_under_no_other_key() {
        let sealed = key().seal("items|SCJG", &Cursor::new([("code", "SCJG-0001")]));
        assert!(key().open("items|RSJ", &sealed).is_err());
        assert!(
            CursorKey::new(b"another key of thirty-two bytes or more")
                .open("items|SCJG", &sealed)
                .is_err()
        );
    }

    #[test]
    fn tampered_or_foreign_cursors_are_refused() {
        let sealed = key().seal("s", &Cursor::new([("code", "A-1")]));
        let (payload, tag) = sealed.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode_to_string(br#"{"code":"Z-9"}"#);
        for bad in [
            "",
            "!!!",
            "eyJ9",
            &"A".repeat(700),
            payload,
            &format!("{forged}.{tag}"),
            &format!("{payload}.{}", tag.get(1..).unwrap()),
            &format!("{payload}.AAAAAAAAAAAAAAAAAAAAAA"),
        ] {
            assert!(key().open("s", bad).is_err(), "{bad}");
        }
    }
}
