//! Reading WeChat's XML into a [`Message`], with quick-xml's reader.
//!
//! A document type declaration is refused outright (it is how entity-expansion and
//! external-entity attacks start), and so is any entity reference other than XML's five
//! predefined ones and character references: no WeChat message has them. quick-xml checks
//! that end tags match; this module bounds nesting and counts.

use super::{Fields, MAX_DEPTH, MAX_ENTRIES, Message, ParseError, name_of};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use std::borrow::Cow;

/// An open element while reading XML: its name, its text so far, whether it has children.
struct Frame<'a> {
    name: Cow<'static, str>,
    text: Cow<'a, str>,
    parent: bool,
}

pub(super) fn read(body: &str) -> Result<Message<'_>, ParseError> {
    let mut reader = quick_xml::Reader::from_str(body);
    // Text is kept as sent: a message's content may begin with a space, and whitespace
    // between elements lands only in containers, whose text is not read.
    reader.config_mut().trim_text(false);
    // Sized for a whole text message and WeChat's deepest nesting, so reading one
    // allocates each vector once.
    let mut msg = Message {
        fields: Fields(Vec::with_capacity(8)),
        list: Vec::new(),
    };
    let mut stack: Vec<Frame<'_>> = Vec::with_capacity(MAX_DEPTH);
    let mut entry: Option<(usize, Fields<'_>)> = None;
    let mut roots: u32 = 0;
    loop {
        let event = reader.read_event().map_err(|e| ParseError::Syntax(e.to_string()))?;
        match event {
            Event::DocType(_) => return Err(ParseError::DocType),
            Event::Start(start) => {
                let name = name_of(start.local_name().as_ref());
                if stack.is_empty() {
                    roots = roots.saturating_add(1);
                    if roots > 1 {
                        return Err(ParseError::Shape);
                    }
                }
                if let Some(parent) = stack.last_mut() {
                    parent.parent = true;
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError::TooComplex);
                }
                if name == "List" && entry.is_none() {
                    entry = Some((stack.len(), Fields::default()));
                }
                stack.push(Frame {
                    name,
                    text: Cow::Borrowed(""),
                    parent: false,
                });
            }
            Event::Empty(start) => {
                let name = name_of(start.local_name().as_ref());
                let Some(parent) = stack.last_mut() else {
                    return Err(ParseError::Shape);
                };
                parent.parent = true;
                msg.leaf(&mut entry, name, Cow::Borrowed(""))?;
            }
            Event::Text(text) => push_text(&mut stack, text.xml10_content())?,
            Event::CData(data) => push_text(&mut stack, data.into_inner())?,
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.xml10_content();
                        resolve_predefined_entity(&name)
                            .ok_or_else(|| ParseError::Entity(name.chars().take(32).collect()))?
                            .to_owned()
                    }
                    Err(e) => return Err(ParseError::Syntax(e.to_string())),
                };
                push_text(&mut stack, Cow::Owned(resolved))?;
            }
            Event::End(_) => {
                let frame = stack.pop().ok_or(ParseError::Shape)?;
                let depth = stack.len();
                if let Some((_, fields)) = entry.take_if(|(d, _)| *d == depth) {
                    if msg.list.len() >= MAX_ENTRIES {
                        return Err(ParseError::TooComplex);
                    }
                    msg.list.push(fields);
                } else if !frame.parent && depth > 0 {
                    msg.leaf(&mut entry, frame.name, frame.text)?;
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if roots != 1 || !stack.is_empty() {
        return Err(ParseError::Shape);
    }
    Ok(msg)
}

/// Adds text to the open element. A container's text (the whitespace WeChat puts between
/// its children) is never read, so once it has a child its text is dropped, not gathered.
fn push_text<'a>(stack: &mut [Frame<'a>], text: Cow<'a, str>) -> Result<(), ParseError> {
    match stack.last_mut() {
        Some(frame) if frame.parent => Ok(()),
        Some(frame) if frame.text.is_empty() => {
            frame.text = text;
            Ok(())
        }
        Some(frame) => {
            frame.text.to_mut().push_str(&text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(ParseError::Shape),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_between_elements_is_not_read_and_a_leafs_pieces_are_joined() {
        let body = "<?xml version=\"1.0\"?>\n<xml>\n  <a> x &amp; <![CDATA[y]]></a>\n  <b/>\n  <!-- c --></xml>\n";
        let msg = read(body).unwrap();
        assert_eq!(msg.get("a"), Some(" x & y"));
        assert_eq!(msg.get("b"), Some(""));
    }

    #[test]
    fn a_container_keeps_no_text_once_it_has_a_child() {
        let mut stack = vec![Frame {
            name: Cow::Borrowed("xml"),
            text: Cow::Borrowed(""),
            parent: false,
        }];
        push_text(&mut stack, Cow::Borrowed("\n")).unwrap();
        stack[0].parent = true;
        for _ in 0..3 {
            push_text(&mut stack, Cow::Borrowed("\n  ")).unwrap();
        }
        assert!(
            matches!(stack[0].text, Cow::Borrowed("\n")),
            "nothing gathered: {:?}",
            stack[0].text
        );
    }

    #[test]
    fn text_outside_the_root_and_an_empty_or_open_root_are_not_messages() {
        assert!(read("text<xml><a>1</a></xml>").is_err());
        assert_eq!(read("<xml/>"), Err(ParseError::Shape));
        assert_eq!(read(""), Err(ParseError::Shape));
        assert!(read("<xml><a>1</a>").is_err());
    }
}
