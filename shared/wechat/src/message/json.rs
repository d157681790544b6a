//! Reading the mini-program's JSON pushes into the same [`Message`] as its XML ones.

use super::{Fields, MAX_ENTRIES, Message, ParseError, name_of};
use std::borrow::Cow;

pub(super) fn read(body: &str) -> Result<Message<'static>, ParseError> {
    let value: serde_json::Value = serde_json::from_str(body).map_err(|e| ParseError::Syntax(e.to_string()))?;
    let serde_json::Value::Object(top) = value else {
        return Err(ParseError::Shape);
    };
    let mut msg = Message::default();
    for (key, value) in top {
        match (key.as_str(), value) {
            ("List", serde_json::Value::Object(one)) => msg.list.push(flat(one)?),
            ("List", serde_json::Value::Array(many)) => {
                if many.len() > MAX_ENTRIES {
                    return Err(ParseError::TooComplex);
                }
                for item in many {
                    if let serde_json::Value::Object(one) = item {
                        msg.list.push(flat(one)?);
                    }
                }
            }
            (_, value) => {
                if let Some(text) = scalar(&value) {
                    msg.fields.push(name_of(&key), Cow::Owned(text))?;
                }
            }
        }
    }
    Ok(msg)
}

/// JSON scalars as WeChat's XML would carry them: `CreateTime` may be `1620963428` or
/// `"1620963428"`, and both read the same.
fn scalar(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn flat(object: serde_json::Map<String, serde_json::Value>) -> Result<Fields<'static>, ParseError> {
    let mut fields = Fields::default();
    for (k, v) in &object {
        if let Some(text) = scalar(v) {
            fields.push(name_of(k), Cow::Owned(text))?;
        }
    }
    Ok(fields)
}
