//! Free text a person wrote: a cancellation reason, a remark, a comment, a staff note.
//!
//! It is kept as written and shown masked. People put phone and ID numbers into free text
//! ("请回电13812345678"), so every way out masks them: `Serialize` writes the text through
//! [`crate::mask::scrub`], except while the store maps a record (`mask::storing`), and
//! `Debug`/`Display` print it masked. A response, an outgoing message or a log line can
//! therefore hold a `FreeText` anywhere, nested in any record, without leaking.

use super::Invalid;
use crate::mask;
use std::borrow::Cow;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FreeText(String);

/// Control characters (a newline aside) and the invisible ones that hide or reorder text.
pub fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

impl FreeText {
    /// Text of 1 to `max_chars` characters once trimmed, with nothing hidden in it.
    pub fn parse(raw: &str, max_chars: usize) -> Result<Self, Invalid> {
        let text = raw.trim();
        if text.is_empty() || text.chars().count() > max_chars || text.chars().any(is_invisible) {
            return Err(Invalid(Cow::Owned(format!(
                "应为1-{max_chars}个字符，且不含不可见字符"
            ))));
        }
        Ok(Self(text.to_owned()))
    }

    /// Optional text: absent, or blank once trimmed, is `None`.
    pub fn optional(raw: Option<&str>, max_chars: usize) -> Result<Option<Self>, Invalid> {
        match raw.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => Self::parse(t, max_chars).map(Some),
        }
    }

    /// The text as written: for the store, and for nothing that leaves the service.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The text as it may be shown: ID numbers and phones masked.
    pub fn shown(&self) -> Cow<'_, str> {
        mask::scrub(&self.0)
    }
}

impl std::fmt::Debug for FreeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FreeText({:?})", self.shown())
    }
}

impl std::fmt::Display for FreeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

impl serde::Serialize for FreeText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if mask::is_storing() {
            s.serialize_str(&self.0)
        } else {
            s.serialize_str(&self.shown())
        }
    }
}

/// Reading a stored record: the text as it was written. Request bodies take a `String` and
/// [`FreeText::parse`] it, so what a client sends is always checked.
impl<'de> serde::Deserialize<'de> for FreeText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_is_stored_as_written_and_shown_masked() {
        let t = FreeText::parse(" 请回电13812345678 ", 50).unwrap();
        assert_eq!(t.expose(), "请回电13812345678");
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"请回电138****5678\"");
        assert_eq!(
            mask::storing(|| serde_json::to_string(&t)).unwrap(),
            "\"请回电13812345678\""
        );
        assert!(!format!("{t:?} {t}").contains("13812345678"));
    }

    #[test]
    fn free_text_refuses_blank_overlong_and_hidden_characters() {
        for bad in ["", "   ", "a\u{202e}b", "a\u{0}b", &"长".repeat(51)] {
            assert!(FreeText::parse(bad, 50).is_err(), "{bad:?}");
        }
        assert_eq!(FreeText::optional(Some("  "), 50), Ok(None));
        assert!(FreeText::parse("第一行\n第二行", 50).is_ok());
    }
}
