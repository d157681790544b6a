//! Reading WeChat's XML into a [`Message`], token by token with xmlparser's tokenizer.
//!
//! The tokenizer checks each token (names, characters, CDATA, comments) and the document's
//! outline: one root element, and nothing around it but comments and processing
//! instructions. This module checks what else well-formedness needs (every end tag matches
//! its start tag, nothing is left open) and refuses what no WeChat message has: a document
//! type (where entity-expansion and external-entity attacks start), entities other than
//! XML's five predefined ones and character references, deep nesting, floods of fields.
//! Attributes are read past; WeChat sends none.

use super::{Fields, MAX_DEPTH, MAX_ENTRIES, Message, ParseError, name_of};
use std::borrow::Cow;
use xmlparser::{ElementEnd, Token, Tokenizer};

/// An open element: its name as written (its end tag must match), its text so far, and
/// whether it has children (then it is a container, and its text is not read).
struct Frame<'a> {
    prefix: &'a str,
    local: &'a str,
    text: Cow<'a, str>,
    parent: bool,
}

pub(super) fn read(body: &str) -> Result<Message<'_>, ParseError> {
    // Sized for a whole text message and WeChat's deepest nesting, so reading one
    // allocates each vector once.
    let mut msg = Message {
        fields: Fields(Vec::with_capacity(8)),
        list: Vec::new(),
    };
    let mut stack: Vec<Frame<'_>> = Vec::with_capacity(MAX_DEPTH);
    // The list entry being read, and the depth of its `List` element.
    let mut entry: Option<(usize, Fields<'_>)> = None;
    // A start tag is its name, its attributes, then `>` or `/>`: the name waits here.
    let mut opening: Option<(&str, &str)> = None;
    let mut rooted = false;
    for token in Tokenizer::from(body) {
        match token.map_err(syntax)? {
            Token::DtdStart { .. }
            | Token::EmptyDtd { .. }
            | Token::EntityDeclaration { .. }
            | Token::DtdEnd { .. } => {
                return Err(ParseError::DocType);
            }
            Token::ElementStart { prefix, local, .. } => opening = Some((prefix.as_str(), local.as_str())),
            Token::Attribute { .. } => {}
            Token::ElementEnd { end, .. } => match end {
                ElementEnd::Open => {
                    let (prefix, local) = opening.take().ok_or(ParseError::Shape)?;
                    match stack.last_mut() {
                        Some(parent) => parent.parent = true,
                        None => rooted = true,
                    }
                    if stack.len() >= MAX_DEPTH {
                        return Err(ParseError::TooComplex);
                    }
                    if local == "List" && entry.is_none() {
                        entry = Some((stack.len(), Fields::default()));
                    }
                    stack.push(Frame {
                        prefix,
                        local,
                        text: Cow::Borrowed(""),
                        parent: false,
                    });
                }
                ElementEnd::Empty => {
                    let (_, local) = opening.take().ok_or(ParseError::Shape)?;
                    // An empty root is not a message.
                    let parent = stack.last_mut().ok_or(ParseError::Shape)?;
                    parent.parent = true;
                    msg.leaf(&mut entry, name_of(local), Cow::Borrowed(""))?;
                }
                ElementEnd::Close(prefix, local) => {
                    let frame = stack.pop().ok_or(ParseError::Shape)?;
                    if !same(frame.prefix, prefix.as_str()) || !same(frame.local, local.as_str()) {
                        return Err(ParseError::Syntax(format!(
                            "</{}> closes <{}>",
                            local.as_str().chars().take(32).collect::<String>(),
                            frame.local
                        )));
                    }
                    let depth = stack.len();
                    if matches!(&entry, Some((d, _)) if *d == depth) {
                        let (_, fields) = entry.take().expect("an open entry");
                        if msg.list.len() >= MAX_ENTRIES {
                            return Err(ParseError::TooComplex);
                        }
                        msg.list.push(fields);
                    } else if !frame.parent && depth > 0 {
                        msg.leaf(&mut entry, name_of(frame.local), frame.text)?;
                    }
                }
            },
            // Text is kept as sent: a message's content may begin with a space.
            Token::Text { text } => push_text(&mut stack, unescape(text.as_str())?)?,
            Token::Cdata { text, .. } => push_text(&mut stack, Cow::Borrowed(text.as_str()))?,
            Token::Declaration { .. } | Token::ProcessingInstruction { .. } | Token::Comment { .. } => {}
        }
    }
    if !rooted || !stack.is_empty() {
        return Err(ParseError::Shape);
    }
    Ok(msg)
}

/// Whether two names are the same, byte by byte. Names are a few bytes long, and here a
/// loop beat the C library's `memcmp`, whose call cost more than the comparison (a third
/// of the reader's time in a micro-benchmark).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// The tokenizer's complaint; a malformed document type is still a document type.
fn syntax(e: xmlparser::Error) -> ParseError {
    match e {
        xmlparser::Error::InvalidDoctype(..) | xmlparser::Error::InvalidEntity(..) => ParseError::DocType,
        other => ParseError::Syntax(other.to_string()),
    }
}

/// Adds text to the open element. A container's text (the whitespace between its
/// children) is never read, so once it has a child its text is dropped, not gathered.
fn push_text<'a>(stack: &mut [Frame<'a>], text: Cow<'a, str>) -> Result<(), ParseError> {
    let frame = stack.last_mut().ok_or(ParseError::Shape)?;
    if frame.parent {
        return Ok(());
    }
    if frame.text.is_empty() {
        frame.text = text;
    } else {
        frame.text.to_mut().push_str(&text);
    }
    Ok(())
}

/// Character data with its references resolved. It borrows when there are none, as in
/// nearly every message: WeChat puts text in CDATA sections.
fn unescape(raw: &str) -> Result<Cow<'_, str>, ParseError> {
    let Some(first) = raw.find('&') else {
        return Ok(Cow::Borrowed(raw));
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(&raw[..first]);
    let mut rest = &raw[first..];
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after
            .find(';')
            .ok_or_else(|| ParseError::Syntax("a reference without its ';'".to_owned()))?;
        out.push(resolve(&after[..end])?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// `lt`, `#20`, `#x4F60`: the character a reference stands for.
fn resolve(name: &str) -> Result<char, ParseError> {
    let Some(number) = name.strip_prefix('#') else {
        return match name {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "apos" => Ok('\''),
            "quot" => Ok('"'),
            _ => Err(ParseError::Entity(name.chars().take(32).collect())),
        };
    };
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    // `from_str_radix` would also take a sign, which XML does not.
    let code = (!digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)))
        .then(|| u32::from_str_radix(digits, radix).ok())
        .flatten();
    code.and_then(char::from_u32)
        .filter(|&c| is_xml_char(c))
        .ok_or_else(|| ParseError::Syntax(format!("&{};", name.chars().take(32).collect::<String>())))
}

/// XML 1.0's `Char`: what a character reference may stand for.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_to_their_characters_and_malformed_ones_are_refused() {
        assert_eq!(unescape("a &lt;b&gt; &amp; &apos;&quot;").unwrap(), "a <b> & '\"");
        assert_eq!(unescape("&#20320;&#x597D;&#x1F600;").unwrap(), "你好😀");
        assert!(matches!(unescape("plain"), Ok(Cow::Borrowed("plain"))));
        for bad in [
            "&#;",
            "&#x;",
            "&#+1;",
            "&#x-1;",
            "&#0;",
            "&#xD800;",
            "&#x110000;",
            "&#99999999999;",
            "&amp",
            "& b",
        ] {
            assert!(matches!(unescape(bad), Err(ParseError::Syntax(_))), "{bad}");
        }
        assert_eq!(unescape("&nbsp;"), Err(ParseError::Entity("nbsp".to_owned())));
    }

    #[test]
    fn end_tags_must_match_and_nothing_may_stay_open() {
        assert!(matches!(read("<xml><a>1</b></xml>"), Err(ParseError::Syntax(_))));
        assert!(matches!(read("<xml><p:a>1</q:a></xml>"), Err(ParseError::Syntax(_))));
        assert_eq!(read("<xml><a>1</a>"), Err(ParseError::Shape));
        assert_eq!(read("<xml/>"), Err(ParseError::Shape));
        assert_eq!(read(""), Err(ParseError::Shape));
        assert!(read("<xml><a>1</a></xml><xml/>").is_err(), "a second root");
        assert!(read("text<xml/>").is_err());
    }

    #[test]
    fn a_containers_whitespace_is_dropped_and_a_leafs_pieces_are_joined() {
        let msg = read("<?xml version=\"1.0\"?>\n<xml>\n  <a> x &amp; <![CDATA[y]]></a>\n  <b/>\n  <!-- c --></xml>\n")
            .unwrap();
        assert_eq!(msg.get("a"), Some(" x & y"));
        assert_eq!(msg.get("b"), Some(""));
    }
}
