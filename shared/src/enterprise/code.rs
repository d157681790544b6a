//! The 统一社会信用代码 (GB 32100-2015): 18 characters that name one organization for good.
//!
//! | position | meaning |
//! |---|---|
//! | 1 | the registration authority (9 = 市场监管, 5 = 民政, 1 = 机构编制, …) |
//! | 2 | the type of organization under that authority (91 = 企业, 92 = 个体工商户, …) |
//! | 3–8 | the administrative division of the registering authority (six digits) |
//! | 9–17 | the organization's own code (GB 11714 body and check) |
//! | 18 | the check character over the first 17 |
//!
//! The alphabet leaves out I, O, Z, S and V, which read like digits. The check character
//! is `31 - (Σ value × weight mod 31)`, with the weights `3^(i) mod 31`.

use crate::Invalid;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A credit code whose shape, authority and type codes and check character are valid.
/// Credit codes are public (printed on every licence), so it prints in full.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `true` for codes a 市场监管 authority issued (企业, 个体工商户, 农民专业合作社).
    pub fn is_market_entity(&self) -> bool {
        self.0.starts_with('9')
    }
}

/// The type codes (position 2) each registration authority (position 1) issues.
fn types_of(authority: u8) -> &'static [u8] {
    match authority {
        b'1' => b"1239",
        b'2' => b"19",
        b'3' => b"1234569",
        b'4' | b'8' | b'A' => b"19",
        b'5' => b"1239",
        b'6' | b'7' => b"129",
        b'9' => b"123",
        b'N' => b"1239",
        b'Y' => b"1",
        _ => b"",
    }
}

fn value(c: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The check character of the first 17 characters, each already in the alphabet.
#[expect(
    clippy::arithmetic_side_effects,
    reason = "17 values under 31 times weights under 31: the sum stays under 17,000"
)]
fn check_char(body: &[u8]) -> Option<u8> {
    let sum = body
        .iter()
        .zip(WEIGHTS)
        .map(|(&c, w)| value(c).map(|v| v * w))
        .sum::<Option<u32>>()?;
    ALPHABET.get(((31 - sum % 31) % 31) as usize).copied()
}

impl FromStr for CreditCode {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let text = raw.trim().to_ascii_uppercase();
        let shape = Invalid::new("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）");
        let bytes = text.as_bytes();
        if bytes.len() != 18 || !bytes.iter().all(|c| ALPHABET.contains(c)) {
            return Err(shape);
        }
        let (Some(&authority), Some(&kind)) = (bytes.first(), bytes.get(1)) else {
            return Err(shape);
        };
        if !types_of(authority).contains(&kind) {
            return Err(Invalid::new("统一社会信用代码的登记管理部门码或机构类别码无效"));
        }
        if !bytes.get(2..8).is_some_and(|d| d.iter().all(u8::is_ascii_digit)) {
            return Err(Invalid::new("统一社会信用代码第3至8位应为行政区划码"));
        }
        if bytes.get(..17).and_then(check_char) != bytes.get(17).copied() {
            return Err(Invalid::new("统一社会信用代码校验位不正确"));
        }
        Ok(Self(text))
    }
}

impl TryFrom<String> for CreditCode {
    type Error = Invalid;
    fn try_from(raw: String) -> Result<Self, Invalid> {
        raw.parse()
    }
}

impl From<CreditCode> for String {
    fn from(code: CreditCode) -> Self {
        code.0
    }
}

impl std::fmt::Display for CreditCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_codes_parse() {
        for code in ["91350100M000100Y43", "91110000600037341L", "91500106MA60A1B2CK"] {
            assert_eq!(code.parse::<CreditCode>().unwrap().as_str(), code);
        }
    }

    #[test]
    fn a_lower_case_code_with_spaces_is_read_as_its_upper_case() {
        let code: CreditCode = " 91500106ma60a1b2ck ".parse().unwrap();
        assert_eq!(code.as_str(), "91500106MA60A1B2CK");
    }

    #[test]
    fn one_changed_character_breaks_the_check() {
        assert!("91500106MA60A1B2CL".parse::<CreditCode>().is_err());
        assert!("91500106MA60A1B3CK".parse::<CreditCode>().is_err());
    }

    #[test]
    fn letters_that_read_like_digits_are_not_in_the_alphabet() {
        assert!("91500106MA60A1BOCK".parse::<CreditCode>().is_err());
        assert!("91500106MA60A1BICK".parse::<CreditCode>().is_err());
    }

    #[test]
    fn an_authority_must_issue_the_type_it_names() {
        // 市场监管 (9) issues types 1 to 3 only; 9 is not a type, nor is 0 an authority.
        let with = |head: &str| {
            let body = format!("{head}500106MA60A1B2C");
            let check = check_char(body.as_bytes()).unwrap() as char;
            format!("{body}{check}")
        };
        assert!(with("92").parse::<CreditCode>().is_ok());
        assert!(with("99").parse::<CreditCode>().is_err());
        assert!(with("01").parse::<CreditCode>().is_err());
        assert!(with("Y1").parse::<CreditCode>().is_ok());
    }

    #[test]
    fn the_division_is_six_digits() {
        let body = "915001A6MA60A1B2C";
        let code = format!("{body}{}", check_char(body.as_bytes()).unwrap() as char);
        assert!(code.parse::<CreditCode>().is_err());
    }

    #[test]
    fn the_wrong_length_is_refused() {
        assert!("91500106MA60A1B2C".parse::<CreditCode>().is_err());
        assert!("".parse::<CreditCode>().is_err());
    }
}
