//! Codes that name things: items, departments, halls, packages and citizens.
//!
//! They appear in paths, queries and keys, so each is a narrow ASCII alphabet with a length
//! limit: nothing that needs escaping, nothing that can smuggle a key delimiter (`#`).

use super::{Invalid, string_newtype_serde};
use std::str::FromStr;

fn check(raw: &str, min: usize, max: usize, allowed: impl Fn(u8) -> bool, what: &'static str) -> Result<(), Invalid> {
    let ok = (min..=max).contains(&raw.len())
        && raw.bytes().all(&allowed)
        && raw.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    if ok { Ok(()) } else { Err(Invalid::new(what)) }
}

macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $allowed:expr, $reason:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(raw: &str) -> Result<Self, Invalid> {
                check(raw, $min, $max, $allowed, $reason)?;
                Ok(Self(raw.to_owned()))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        string_newtype_serde!($name);
    };
}

fn upper_digit_dash(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'
}

fn lower_digit_dash(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
}

code_type!(
    /// A 政务服务事项 code, e.g. `SCJG-0001`: capitals, digits and dashes, 2 to 40.
    ItemCode, 2, 40, upper_digit_dash, "事项编码应为2-40位大写字母、数字或连字符"
);
code_type!(
    /// A department code, e.g. `SCJG` (市场监管).
    DeptCode, 2, 16, |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit(), "部门编码应为2-16位大写字母或数字"
);
code_type!(
    /// A 一件事 package code, e.g. `YJS-001`.
    PackageCode, 2, 40, upper_digit_dash, "一件事编码应为2-40位大写字母、数字或连字符"
);
code_type!(
    /// A service hall id, e.g. `spb-center`.
    HallId, 2, 40, lower_digit_dash, "大厅编号应为2-40位小写字母、数字或连字符"
);

/// Defines an id that is one lowercase letter and a fixed number of hex digits: opaque to
/// clients, safe in keys and paths, and refused unless exactly that shape.
macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $digits:literal, $reason:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// An id from the first bytes of `bytes` (random or a digest).
            fn from_bytes(bytes: &[u8]) -> Self {
                let hex = super::random::hex(bytes);
                Self(format!("{}{}", $prefix, hex.get(..$digits).unwrap_or(&hex)))
            }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(raw: &str) -> Result<Self, Invalid> {
                let ok = raw.strip_prefix($prefix).is_some_and(|hex| {
                    hex.len() == $digits && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                });
                if ok { Ok(Self(raw.to_owned())) } else { Err(Invalid::new($reason)) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        string_newtype_serde!($name);
    };
}

hex_id!(
    /// A citizen's account id: `c` and 24 hex digits, derived from the WeChat openid (see
    /// `store::citizens`), so a login is one conditional upsert rather than a lookup and a write.
    CitizenId, 'c', 24, "用户编号格式不正确"
);

impl CitizenId {
    /// The id for an openid of a mini-program: a SHA-256 digest, so ids reveal nothing of
    /// the openid and stay stable across logins.
    pub fn for_openid(appid: &str, openid: &str) -> Self {
        let digest = aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            format!("wechat:{appid}:{openid}").as_bytes(),
        );
        Self::from_bytes(digest.as_ref())
    }
}

impl CitizenId {
    /// The account a hall's window opens for a person who has none (收件 for someone who
    /// never used the mini-program): derived from the keyed hash of their ID number, so two
    /// windows opening it at once open the same one.
    pub fn for_person(id_key: &str) -> Self {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, format!("person:{id_key}").as_bytes());
        Self::from_bytes(digest.as_ref())
    }
}

hex_id!(
    /// A member of staff's directory id: `s` and 16 hex digits.
    StaffId, 's', 16, "工作人员编号格式不正确"
);

impl StaffId {
    pub fn generate() -> Self {
        Self::from_bytes(&super::random::bytes::<8>())
    }

    /// A stable id for a seeded directory entry (the demo directory, a test's staff): the
    /// same name gives the same id, so a token can be minted for it without a lookup.
    pub fn derived(name: &str) -> Self {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, format!("staff:{name}").as_bytes());
        Self::from_bytes(digest.as_ref())
    }
}

hex_id!(
    /// A booking id: `b` and 20 hex digits from the system RNG.
    BookingId, 'b', 20, "预约编号格式不正确"
);

impl BookingId {
    pub fn generate() -> Self {
        Self::from_bytes(&super::random::bytes::<10>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_refuse_key_delimiters_lowercase_and_overlong_values() {
        assert!("SCJG-0001".parse::<ItemCode>().is_ok());
        assert!("SCJG#0001".parse::<ItemCode>().is_err());
        assert!("scjg-0001".parse::<ItemCode>().is_err());
        assert!("-SCJG".parse::<ItemCode>().is_err());
        assert!("A".repeat(41).parse::<ItemCode>().is_err());
        assert!("spb-center".parse::<HallId>().is_ok());
        assert!("../etc".parse::<HallId>().is_err());
        assert!("SCJG".parse::<DeptCode>().is_ok());
        assert!("SC-JG".parse::<DeptCode>().is_err());
    }

    #[test]
    fn a_citizen_id_is_stable_per_openid_and_distinct_between_openids() {
        let a = CitizenId::for_openid("wx1", "openid-a");
        assert_eq!(a, CitizenId::for_openid("wx1", "openid-a"));
        assert_ne!(a, CitizenId::for_openid("wx1", "openid-b"));
        assert_ne!(a, CitizenId::for_openid("wx2", "openid-a"));
        assert_eq!(a.as_str().parse::<CitizenId>().unwrap(), a);
    }
}
