//! Opaque list cursors: the position after the last item of a page.
//!
//! A cursor is base64url of a small JSON object of strings. Clients treat it as opaque; the
//! server treats it as untrusted input, so decoding is strict (size, alphabet, shape) and
//! each store re-parses the values into domain types before building a key from them.

use crate::domain::Invalid;
use base64_simd::URL_SAFE_NO_PAD;
use std::collections::BTreeMap;

const MAX_LEN: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor(BTreeMap<String, String>);

impl Cursor {
    pub fn new<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self(fields.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(&self.0).expect("a map of strings serializes");
        URL_SAFE_NO_PAD.encode_to_string(json)
    }

    /// Decodes a cursor, refusing anything this server could not have written.
    pub fn decode(raw: &str) -> Result<Self, Invalid> {
        let invalid = Invalid::new("分页游标无效");
        if raw.is_empty() || raw.len() > MAX_LEN {
            return Err(invalid);
        }
        let bytes = URL_SAFE_NO_PAD.decode_to_vec(raw).map_err(|_| invalid.clone())?;
        let map: BTreeMap<String, String> = serde_json::from_slice(&bytes).map_err(|_| invalid.clone())?;
        if map.is_empty() || map.len() > 8 {
            return Err(invalid);
        }
        Ok(Self(map))
    }
}

impl std::str::FromStr for Cursor {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        Self::decode(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_a_round_trip() {
        let c = Cursor::new([("code", "SCJG-0001")]);
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
    }

    #[test]
    fn tampered_or_foreign_cursors_are_refused() {
        for bad in ["", "!!!", "eyJ9", &"A".repeat(600), "bnVsbA", "WzFd", "eyJhIjoxfQ"] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }
}
