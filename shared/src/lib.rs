//! The 指尖办 model: the types and rules of the domain, with no I/O and no AWS dependency,
//! so a rule cannot reach for the store and every function can compile it.
//!
//! - Newtypes built at the edge and trusted inside ([`codes`], [`identity`], [`time`],
//!   [`text`]): each has private fields and one way in, `FromStr` or a constructor, that
//!   refuses anything malformed with an [`Invalid`] reason a client can read.
//! - The entities and their rules: [`staff`], [`booking`], [`application`], [`evaluation`],
//!   [`feedback`] (咨询投诉), [`supervision`] (督办) and its [`figures`],
//!   [`notification`], the [`catalog`], one form ([`form`]), and the working-day
//!   [`calendar`] (data compiled in from `shared/data/calendar/`).
//! - [`enterprise`]: 法人, their credit codes and who may act for them.
//! - [`verification`]: how sure the platform is of a citizen's identity (实名核验).
//! - [`fields`]: every bad field of a request gathered at once; [`mask`]: how personal data
//!   looks outside the store; [`config`]: typed settings read once per cold start;
//!   [`random`]: ids and codes from the system's generator.

pub mod alert;
pub mod application;
pub mod booking;
pub mod calendar;
pub mod catalog;
pub mod codes;
pub mod config;
pub mod enterprise;
pub mod evaluation;
pub mod feedback;
pub mod fields;
pub mod figures;
pub mod form;
pub mod identity;
pub mod mask;
pub mod notification;
pub mod queue;
pub mod random;
pub mod staff;
pub mod supervision;
pub mod text;
pub mod time;
pub mod verification;

pub use calendar::WorkCalendar;
pub use codes::{CitizenId, DeptCode, HallId, ItemCode, PackageCode, StaffId};
pub use fields::FieldErrors;
pub use identity::{IdNumber, Identity, Phone, RealName};
pub use text::FreeText;
pub use time::LocalDate;
pub use verification::IdentityLevel;

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
