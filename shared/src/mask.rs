//! Masking of personal data: the one place that decides how ID numbers and phones look
//! outside the store.
//!
//! Domain types print themselves masked (`Debug` and `Display`), so a stray `{:?}` cannot
//! leak a value. Free text is another matter: a citizen writes their phone into a remark, a
//! clerk pastes an ID number into a note. [`scrub`] finds ID-number- and phone-shaped runs
//! inside any text, as people write them (`138 1234 5678`, `+86-138-1234-5678`,
//! `110105 19491231 002x`, full-width `１３８…`), and masks their middle. It is applied to
//! every log line, every error detail, every outgoing WeChat message and every piece of
//! free text a response carries (see [`crate::text`]).

use std::borrow::Cow;
use std::cell::Cell;

/// `11010519491231002X` → `1101**********002X`: region prefix and last four, as the
/// national display convention has it.
pub fn id_number(raw: &str) -> String {
    keep_ends(raw, 4, 4)
}

/// `13812345678` → `138****5678`.
pub fn phone(raw: &str) -> String {
    keep_ends(raw, 3, 4)
}

/// The first `head` and last `tail` characters, the rest starred; all starred when short.
fn keep_ends(raw: &str, head: usize, tail: usize) -> String {
    let count = raw.chars().count();
    if count <= head.saturating_add(tail) {
        return "*".repeat(count);
    }
    raw.chars()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= count.saturating_sub(tail) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// A digit's value, ASCII or full-width (what a Chinese input method types).
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => c.to_digit(10).and_then(|d| u8::try_from(d).ok()),
        '\u{ff10}'..='\u{ff19}' => u32::from(c).checked_sub(0xff10).and_then(|d| u8::try_from(d).ok()),
        _ => None,
    }
}

/// What may stand between the groups of a number written for people to read.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '.' | '\u{a0}' | '\u{3000}' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{ff0d}' | '\u{ff0e}'
    )
}

/// The check character an ID number may end with.
fn is_check_x(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
}

/// A maximal run of digits: its byte range and its digits.
struct Token {
    start: usize,
    end: usize,
    digits: Vec<u8>,
}

/// The shapes worth masking, with how many leading digits stay readable.
#[derive(Clone, Copy)]
enum Shape {
    /// 18 digits, or 17 and a check `X` (GB 11643); 15 digits (the first generation).
    IdNumber,
    /// 11 digits from `1`.
    Phone,
    /// `86` and a phone.
    PhoneWithCountry,
    /// 19 digits or more in one run: a card or account number, or numbers run together.
    Long,
}

impl Shape {
    fn head(self) -> usize {
        match self {
            Shape::IdNumber | Shape::Long => 4,
            Shape::Phone => 3,
            Shape::PhoneWithCountry => 5,
        }
    }
}

fn classify(digits: &[u8], then_x: bool) -> Option<Shape> {
    match digits {
        d if d.len() == 18 || d.len() == 15 || (d.len() == 17 && then_x) => Some(Shape::IdNumber),
        [1, ..] if digits.len() == 11 => Some(Shape::Phone),
        [8, 6, 1, ..] if digits.len() == 13 => Some(Shape::PhoneWithCountry),
        _ => None,
    }
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut current: Option<Token> = None;
    for (at, c) in text.char_indices() {
        match (digit(c), current.as_mut()) {
            (Some(d), Some(t)) => {
                t.digits.push(d);
                t.end = at.saturating_add(c.len_utf8());
            }
            (Some(d), None) => {
                current = Some(Token {
                    start: at,
                    end: at.saturating_add(c.len_utf8()),
                    digits: vec![d],
                })
            }
            (None, _) => out.extend(current.take()),
        }
    }
    out.extend(current);
    out
}

/// Whether two tokens belong to one number: one or two separators between them.
fn joined(text: &str, a: &Token, b: &Token) -> bool {
    let between = text.get(a.end..b.start).unwrap_or("x");
    let n = between.chars().count();
    (1..=2).contains(&n) && between.chars().all(is_separator)
}

/// The character at byte offset `at`, if any.
fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|rest| rest.chars().next())
}

/// The spans to mask: (start, end, shape), in order, not overlapping.
fn spans(text: &str) -> Vec<(usize, usize, Shape)> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    let mut rest: &[Token] = &tokens;
    while let [first, ..] = rest {
        // The longest number starting at `first`, over tokens joined by separators:
        // (how many tokens it takes, its shape, where it ends).
        let mut best: Option<(usize, Shape, usize)> = None;
        let mut digits: Vec<u8> = Vec::new();
        let mut previous: Option<&Token> = None;
        for (taken, token) in rest.iter().enumerate() {
            if previous.is_some_and(|p| !joined(text, p, token)) {
                break;
            }
            digits.extend_from_slice(&token.digits);
            if digits.len() > 18 {
                break;
            }
            let check = char_at(text, token.end).filter(|c| is_check_x(*c));
            if let Some(shape) = classify(&digits, check.is_some()) {
                // Seventeen digits and the check X: the X is part of the number.
                let x = check.filter(|_| digits.len() == 17).map_or(0, char::len_utf8);
                best = Some((taken, shape, token.end.saturating_add(x)));
            }
            previous = Some(token);
        }
        let skip = match best {
            Some((taken, shape, end)) => {
                out.push((first.start, end, shape));
                taken
            }
            None => {
                if first.digits.len() >= 19 {
                    out.push((first.start, first.end, Shape::Long));
                }
                0
            }
        };
        rest = rest.get(skip..).and_then(|r| r.get(1..)).unwrap_or_default();
    }
    out
}

/// Masks anything in free text shaped like an ID number or a mobile number (see the module
/// notes for the shapes), keeping the digits the display convention keeps and everything
/// else as it was.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let found = spans(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, shape) in found {
        out.push_str(text.get(last..start).unwrap_or_default());
        let span = text.get(start..end).unwrap_or_default();
        let count = span.chars().filter(|c| digit(*c).is_some()).count();
        let keep_tail = if span.chars().last().is_some_and(is_check_x) {
            3
        } else {
            4
        };
        let mut seen = 0usize;
        for c in span.chars() {
            if digit(c).is_some() {
                let keep = seen < shape.head() || seen >= count.saturating_sub(keep_tail);
                out.push(if keep { c } else { '*' });
                seen = seen.saturating_add(1);
            } else {
                out.push(c);
            }
        }
        last = end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    Cow::Owned(out)
}

thread_local! {
    /// Set while a record is being written to the store, which keeps free text as written.
    static STORING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `write` with free text serialised as written: for the store's record mapping only.
/// Everywhere else [`crate::text::FreeText`] serialises masked.
pub fn storing<T>(write: impl FnOnce() -> T) -> T {
    let before = STORING.with(|s| s.replace(true));
    let out = write();
    STORING.with(|s| s.set(before));
    out
}

/// Whether free text is being serialised for the store.
pub(crate) fn is_storing() -> bool {
    STORING.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_keep_only_the_first_and_last_four() {
        assert_eq!(id_number("11010519491231002X"), "1101**********002X");
    }

    #[test]
    fn phones_keep_only_the_prefix_and_last_four() {
        assert_eq!(phone("13812345678"), "138****5678");
    }

    #[test]
    fn scrub_masks_ids_and_phones_inside_text_and_leaves_the_rest() {
        let line = r#"{"msg":"bound 11010519491231002X to 13812345678","ts":1764547200123,"n":440524188001010014}"#;
        let out = scrub(line);
        assert!(!out.contains("11010519491231002X"));
        assert!(!out.contains("13812345678"));
        assert!(!out.contains("440524188001010014"));
        assert!(out.contains("1101**********002X"));
        assert!(out.contains("138****5678"));
        assert!(
            out.contains("1764547200123"),
            "a 13-digit timestamp is not personal data"
        );
    }

    #[test]
    fn scrub_finds_numbers_as_people_write_them() {
        for (written, shown) in [
            ("电话138 1234 5678", "电话138 **** 5678"),
            ("tel:138-1234-5678。", "tel:138-****-5678。"),
            ("+86 13812345678", "+86 138****5678"),
            ("+8613812345678", "+86138****5678"),
            ("１３８１２３４５６７８", "１３８****５６７８"),
            ("身份证110105 19491231 002x号", "身份证1101** ******** 002x号"),
            ("ID11010519491231002X", "ID1101**********002X"),
            ("旧证110105491231002", "旧证1101*******1002"),
            ("卡号6222020200112233445", "卡号6222***********3445"),
        ] {
            assert_eq!(scrub(written), shown, "{written}");
        }
    }

    #[test]
    fn scrub_leaves_ids_dates_and_short_numbers_alone() {
        for text in [
            "SQ20261202K7QX3M2P",
            "2026-12-02T14:39:57+08:00",
            "预约码 482913，窗口 A012",
            "b0123456789abcdef0123",
            "面积 120.5 平方米",
        ] {
            assert!(matches!(scrub(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn storing_is_scoped_to_the_write() {
        assert!(!is_storing());
        assert!(storing(is_storing));
        assert!(!is_storing());
    }
}
