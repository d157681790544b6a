//! JSON request bodies: parsed into the handler's type, with errors that name the field and
//! say what is wrong in words of our own, never quoting what the client sent.

use super::MAX_BODY_BYTES;
use crate::error::{ApiError, Code};
use lambda_http::Request;
use serde::de::DeserializeOwned;
use serde_json::json;

/// Parses a JSON body: `application/json` only (415), at most 64 KiB (413), well-formed
/// (400 `MALFORMED_JSON`) and of the right shape (400 `VALIDATION_FAILED` naming the field).
pub fn json_body<T: DeserializeOwned>(req: &Request) -> Result<T, ApiError> {
    let bytes: &[u8] = req.body().as_ref();
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::code(Code::PayloadTooLarge).with_details(json!({ "limitBytes": MAX_BODY_BYTES })));
    }
    let content_type = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::code(Code::UnsupportedMediaType));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::with_message(Code::MalformedJson, "请求体不能为空"));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::code(Code::MalformedJson)
        } else {
            let path = field_path(e.path());
            let field = match path.as_str() {
                "" => missing_field(inner).unwrap_or_else(|| "body".into()),
                _ => path,
            };
            ApiError::field(&field, describe(inner))
        }
    })?;
    de.end().map_err(|_| ApiError::code(Code::MalformedJson))?;
    Ok(value)
}

/// A field name of ours: camelCase letters. Anything else in a path is a key the client
/// chose (of a map-typed field), which an error never quotes.
fn is_field_name(key: &str) -> bool {
    (1..=40).contains(&key.len())
        && key.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && key.bytes().all(|b| b.is_ascii_alphabetic())
}

/// `materials[2].objectKey`: the path of the field that failed, cut short before the first
/// segment that is not one of our field names.
fn field_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } if is_field_name(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            _ => break,
        }
    }
    out
}

/// serde reports a missing field at the parent's path; the name is in the message, and is
/// one of ours.
fn missing_field(e: &serde_json::Error) -> Option<String> {
    let msg = e.to_string();
    let rest = msg.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_owned()).filter(|name| is_field_name(name))
}

/// What is wrong, in words of our own: serde's messages quote the value sent (`invalid
/// type: integer `13812345678`, expected a string`), so only the kind of problem and the
/// type our side expects are kept.
fn describe(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    if msg.starts_with("missing field") {
        return "必填".to_owned();
    }
    if msg.starts_with("unknown field") {
        return "不支持的字段".to_owned();
    }
    if msg.starts_with("invalid type") {
        let expected = msg.split(", expected ").nth(1).unwrap_or("");
        let kind = if expected.starts_with("a string") {
            "字符串"
        } else if expected.starts_with("a boolean") {
            "true或false"
        } else if expected.starts_with("a sequence") {
            "数组"
        } else if expected.starts_with('u') || expected.starts_with('i') {
            "整数"
        } else if expected.starts_with('f') {
            "数字"
        } else {
            "对象"
        };
        return format!("类型不正确，应为{kind}");
    }
    if msg.contains("out of range") {
        return "数值超出范围".to_owned();
    }
    "取值不正确".to_owned()
}
