//! The catalog's free-text query (`?q=`).

use model::Invalid;
use std::str::FromStr;

/// Text to look for in item names: 1 to 50 characters, no control or invisible formatting
/// characters (zero-width, bidi overrides), which only ever hide what a query really says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

impl FromStr for SearchText {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let text = raw.trim();
        let n = text.chars().count();
        if !(1..=50).contains(&n) || text.chars().any(is_invisible) {
            return Err(Invalid::new("搜索词应为1-50个可见字符"));
        }
        Ok(Self(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_refuses_invisible_and_overlong_input() {
        assert!("营业执照".parse::<SearchText>().is_ok());
        assert!("营业\u{200b}执照".parse::<SearchText>().is_err());
        assert!("\u{202e}照执".parse::<SearchText>().is_err());
        assert!("a\0b".parse::<SearchText>().is_err());
        assert!("字".repeat(51).parse::<SearchText>().is_err());
    }
}
