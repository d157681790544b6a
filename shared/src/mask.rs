//! Masking of personal data: the one place that decides how ID numbers and phones look
//! outside the store.
//!
//! Domain types print themselves masked (`Debug` and `Display`), so a stray `{:?}` cannot
//! leak a value; [`scrub`] is the second line of defence, applied to every log line.

/// `11010519491231002X` → `1101**********002X`: region prefix and last four, as the
/// national display convention has it.
pub fn id_number(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// `13812345678` → `138****5678`.
pub fn phone(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Masks anything in free text that looks like an ID number (17 digits and a digit or X)
/// or a mainland mobile number (11 digits starting with 1), leaving other text alone.
pub fn scrub(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut spans: Vec<(usize, usize, Kind)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let digits = i - start;
        if digits == 17 && i < bytes.len() && (bytes[i] == b'X' || bytes[i] == b'x') {
            spans.push((start, i + 1, Kind::IdNumber));
            i += 1;
        } else if digits == 18 {
            spans.push((start, i, Kind::IdNumber));
        } else if digits == 11 && bytes[start] == b'1' {
            spans.push((start, i, Kind::Phone));
        }
    }
    if spans.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, kind) in spans {
        out.push_str(&text[last..start]);
        let found = &text[start..end];
        out.push_str(&match kind {
            Kind::IdNumber => id_number(found),
            Kind::Phone => phone(found),
        });
        last = end;
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

enum Kind {
    IdNumber,
    Phone,
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
    fn scrub_borrows_text_with_nothing_to_mask() {
        assert!(matches!(scrub("nothing here 12345"), std::borrow::Cow::Borrowed(_)));
    }
}
