//! Domain newtypes, built at the edge and trusted inside.
//!
//! Each type has private fields and one way in, `FromStr`, that refuses anything malformed
//! with an [`Invalid`] reason a client can read. Inner code takes these types, never raw
//! strings, so a value that got this far has already been checked.

pub mod application;
pub mod booking;
pub mod calendar;
pub mod catalog;
pub mod codes;
pub mod evaluation;
pub mod form;
pub mod identity;
pub mod random;
pub mod text;
pub mod time;

pub use calendar::WorkCalendar;
pub use codes::{CitizenId, DeptCode, HallId, ItemCode, PackageCode};
pub use identity::{IdNumber, Identity, Phone, RealName};
pub use text::FreeText;
pub use time::LocalDate;

/// Why a value was refused, phrased for the client (Chinese, as API messages are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub std::borrow::Cow<'static, str>);

impl Invalid {
    pub const fn new(reason: &'static str) -> Self {
        Self(std::borrow::Cow::Borrowed(reason))
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

impl From<Invalid> for String {
    fn from(i: Invalid) -> String {
        i.0.into_owned()
    }
}

/// Implements `Serialize` (as the plain string), `Deserialize` (through `FromStr`) and
/// `Display` for a string newtype with an `as_str` method.
macro_rules! string_newtype_serde {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                raw.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_newtype_serde;
