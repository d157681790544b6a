//! Every bad field of a request, gathered at once, so a client learns of all of them in one
//! answer (一次告知). The API turns a non-empty set into 400 `VALIDATION_FAILED` with the
//! reasons in `details.fields`.
//!
//! Field names are ours (`form.phone`, `materials[2].objectKey`), reasons say what is
//! wrong; neither ever quotes what the client sent.

use std::collections::BTreeMap;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// Records why `field` is refused; the first reason for a field stands.
    pub fn add(&mut self, field: &str, reason: impl Into<String>) {
        self.0.entry(field.to_owned()).or_insert_with(|| reason.into());
    }

    /// Keeps the value if it parsed, records the reason under `field` if not.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    /// One field's problem.
    pub fn one(field: &str, reason: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, reason);
        errors
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The reasons by field, in field order.
    pub fn reasons(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// `Ok` when nothing was recorded.
    pub fn finish(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The parsed values when nothing was recorded: `values` is the fields' results gathered
    /// with `check` (`a.zip(b)`), which are all there exactly when no reason was recorded
    /// (`check` records one whenever it gives `None`).
    pub fn done<T>(mut self, values: Option<T>) -> Result<T, FieldErrors> {
        match values {
            Some(v) if self.is_empty() => Ok(v),
            _ => {
                if self.is_empty() {
                    self.add("body", "请求参数有误");
                }
                Err(self)
            }
        }
    }
}

/// Parses several fields at once and reports every bad one together:
///
/// ```ignore
/// let (name, id) = parse_fields!(realName => body.real_name.parse::<RealName>(),
///                                idNumber => body.id_number.parse::<IdNumber>())?;
/// ```
#[macro_export]
macro_rules! parse_fields {
    ($($field:ident => $parsed:expr),+ $(,)?) => {{
        let mut errors = $crate::fields::FieldErrors::default();
        #[allow(non_snake_case, reason = "the fields are named as the API names them")]
        let ($($field,)+) = ($(errors.check(stringify!($field), $parsed),)+);
        let values = (|| Some(($($field?,)+)))();
        errors.done(values)
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_kept_with_its_first_reason() {
        let mut e = FieldErrors::default();
        assert_eq!(e.check("a", "x".parse::<u8>()), None);
        e.add("a", "second");
        assert_eq!(e.check("b", "7".parse::<u8>()), Some(7));
        assert_eq!(e.reasons().keys().collect::<Vec<_>>(), ["a"]);
        assert!(e.done(Some(())).is_err());
        assert_eq!(FieldErrors::default().done(Some(1)), Ok(1));
    }
}
