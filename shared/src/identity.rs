//! Real-name identity: resident ID numbers (GB 11643-1999), mainland mobile numbers and
//! real names.
//!
//! These hold personal data, so `Debug` and `Display` print them masked; the full value is
//! reached only through `expose()`, which the store and nothing else calls.

use super::{Invalid, time};
use crate::mask;
use jiff::civil::Date;
use std::str::FromStr;

/// An 18-character resident ID number whose check character and birth date are valid, with
/// what it encodes read once, when it is parsed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    text: String,
    birth: Date,
    male: bool,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

impl IdNumber {
    /// The full number, for the store only.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The birth date the number encodes (digits 7 to 14).
    pub fn birth_date(&self) -> Date {
        self.birth
    }

    /// `true` for an odd sequence number (the 17th digit), which GB 11643 assigns to men.
    pub fn is_male(&self) -> bool {
        self.male
    }

    /// The masked form used in responses: `1101**********002X`.
    pub fn masked(&self) -> String {
        mask::id_number(&self.text)
    }
}

/// `YYYYMMDD` as a date, if it is one.
fn parse_birth(digits: &str) -> Option<Date> {
    let y: i16 = digits.get(0..4)?.parse().ok()?;
    let m: i8 = digits.get(4..6)?.parse().ok()?;
    let d: i8 = digits.get(6..8)?.parse().ok()?;
    Date::new(y, m, d).ok()
}

/// The GB 11643 check character of the first 17 digits (MOD 11-2).
#[expect(
    clippy::arithmetic_side_effects,
    reason = "17 digits of at most 9 times weights of at most 10: the sum stays under 1,600"
)]
fn check_char(body: &[u8; 17]) -> u8 {
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b.saturating_sub(b'0')) * w)
        .sum();
    CHECK_CHARS.get((sum % 11) as usize).copied().unwrap_or(b'?')
}

impl FromStr for IdNumber {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_ascii_uppercase();
        let shape = Invalid::new("身份证号应为18位，前17位为数字，末位为数字或X");
        let bytes: &[u8; 18] = value.as_bytes().try_into().map_err(|_| shape.clone())?;
        let [body @ .., check] = bytes;
        if !body.iter().all(u8::is_ascii_digit) || !(check.is_ascii_digit() || *check == b'X') {
            return Err(shape);
        }
        let birth = value
            .get(6..14)
            .and_then(parse_birth)
            .ok_or(Invalid::new("身份证号中的出生日期不存在"))?;
        if birth < Date::constant(1800, 1, 1) || birth > time::today() {
            return Err(Invalid::new("身份证号中的出生日期不在有效范围内"));
        }
        if check_char(body) != *check {
            return Err(Invalid::new("身份证号校验码不正确"));
        }
        // The 17th digit: odd for men.
        let [.., sequence] = body;
        let male = sequence % 2 == 1;
        Ok(Self {
            text: value,
            birth,
            male,
        })
    }
}

impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl std::fmt::Display for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

/// A mainland China mobile number: 11 digits, `1` then `3`-`9`. A `+86` prefix is accepted
/// and dropped.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask::phone(&self.0)
    }

    /// The last four digits, which the public progress lookup asks for.
    pub fn last4(&self) -> &str {
        self.0.get(7..).unwrap_or_default()
    }
}

impl FromStr for Phone {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let raw = raw.trim();
        let digits = raw.strip_prefix("+86").unwrap_or(raw);
        let b = digits.as_bytes();
        let mobile = matches!(b, [b'1', b'3'..=b'9', ..]);
        if b.len() == 11 && b.iter().all(u8::is_ascii_digit) && mobile {
            Ok(Self(digits.to_owned()))
        } else {
            Err(Invalid::new("手机号应为11位中国大陆手机号码"))
        }
    }
}

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl std::fmt::Display for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

/// A real name as written on an ID card: Chinese characters (with `·` between the parts of
/// many minority names), or Latin letters and spaces for foreign permanent residents.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RealName(String);

impl RealName {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `张*` for two characters, `欧*锋` for more: the common display convention.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        match chars.as_slice() {
            [] | [_] => "*".to_owned(),
            [first, _] => format!("{first}*"),
            [first, middle @ .., last] => format!("{first}{}{last}", "*".repeat(middle.len())),
        }
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

impl FromStr for RealName {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        let count = name.chars().count();
        let han = name.chars().all(|c| is_han(c) || matches!(c, '·' | '•' | '・'));
        let latin = name
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '-' || c == '.');
        let has_letter = name.chars().any(|c| is_han(c) || c.is_ascii_alphabetic());
        if !(2..=40).contains(&count) || !(han || latin) || !has_letter || name.contains("  ") {
            return Err(Invalid::new("姓名应为2-40个汉字（少数民族姓名可含·）或拉丁字母"));
        }
        // One kind of middle dot is stored, whatever the keyboard produced.
        Ok(Self(name.replace(['•', '・'], "·")))
    }
}

impl std::fmt::Debug for RealName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RealName({})", self.masked())
    }
}

/// A real-name binding: who the citizen is, checked as far as the numbers allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub real_name: RealName,
    pub id_number: IdNumber,
    pub phone: Phone,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_examples_are_valid() {
        for ok in ["11010519491231002X", "440524188001010014", "11010519491231002x"] {
            assert!(ok.parse::<IdNumber>().is_ok(), "{ok}");
        }
        let id: IdNumber = "11010519491231002X".parse().unwrap();
        assert_eq!(id.birth_date(), Date::constant(1949, 12, 31));
        assert!(!id.is_male());
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        let err = "110105194912310021".parse::<IdNumber>().unwrap_err();
        assert!(err.0.contains("校验码"));
    }

    #[test]
    fn an_impossible_or_future_birth_date_is_refused() {
        // 1949-02-30 does not exist; the check digit is made right so only the date fails.
        assert!(
            "110105194902300027"
                .parse::<IdNumber>()
                .unwrap_err()
                .0
                .contains("出生日期")
        );
        assert!(
            "110105209901010010"
                .parse::<IdNumber>()
                .unwrap_err()
                .0
                .contains("出生日期")
        );
    }

    #[test]
    fn malformed_id_numbers_are_refused() {
        for bad in [
            "",
            "1101051949123100",
            "11010519491231002Y",
            "1101051949123100２X",
            "11010519491231002X1",
        ] {
            assert!(bad.parse::<IdNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn id_numbers_never_print_in_full() {
        let id: IdNumber = "11010519491231002X".parse().unwrap();
        assert_eq!(format!("{id}"), "1101**********002X");
        assert!(!format!("{id:?}").contains("11010519491231002X"));
    }

    #[test]
    fn mainland_mobile_numbers_parse_and_others_do_not() {
        assert_eq!("13812345678".parse::<Phone>().unwrap().expose(), "13812345678");
        assert_eq!("+8619912345678".parse::<Phone>().unwrap().last4(), "5678");
        for bad in [
            "12812345678",
            "1381234567",
            "138123456789",
            "023-6512345",
            "1381234567a",
        ] {
            assert!(bad.parse::<Phone>().is_err(), "{bad}");
        }
        assert_eq!(
            format!("{:?}", "13812345678".parse::<Phone>().unwrap()),
            "Phone(138****5678)"
        );
    }

    #[test]
    fn real_names_accept_han_minority_and_latin_forms() {
        for ok in ["张三", "欧阳锋", "阿卜杜拉•艾则孜", "John Smith"] {
            assert!(ok.parse::<RealName>().is_ok(), "{ok}");
        }
        assert_eq!(
            "阿卜杜拉•艾则孜".parse::<RealName>().unwrap().expose(),
            "阿卜杜拉·艾则孜"
        );
        for bad in [
            "张",
            "张三1",
            "张\u{200b}三",
            "张三😀",
            "\u{202e}张三",
            "",
            "Robert'); DROP",
        ] {
            assert!(bad.parse::<RealName>().is_err(), "{bad:?}");
        }
        assert_eq!("欧阳锋".parse::<RealName>().unwrap().masked(), "欧*锋");
    }
}
