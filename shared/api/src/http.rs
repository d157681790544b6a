//! Request and response helpers every handler uses, and the one place errors are rendered.
//!
//! A handler is `async fn(&App, &Request) -> Result<Response, ApiError>`; [`serve`] wraps it:
//! it opens a span carrying the request id (so every log line of the request has it), turns
//! an `ApiError` into the contract's error JSON, logs faults with their cause chain, and adds
//! `x-request-id` to every response.

use crate::cursor::{Cursor, CursorKey};
use crate::error::{ApiError, Code};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use model::Invalid;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::str::FromStr;
use tracing::Instrument;

pub type Response = http::Response<Body>;
pub use http::HeaderValue;

/// Request bodies above this are refused with 413 before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The request id: API Gateway's, else the Lambda invocation's, else a fresh one.
pub fn request_id(req: &Request) -> String {
    if let Some(RequestContext::ApiGatewayV2(ctx)) = req.request_context_ref()
        && let Some(id) = ctx.request_id.as_deref().filter(|id| !id.is_empty())
    {
        return id.to_owned();
    }
    if let Some(ctx) = req.lambda_context_ref()
        && !ctx.request_id.is_empty()
    {
        return ctx.request_id.clone();
    }
    store::random_id("r")
}

/// `METHOD /path/{param}` as API Gateway matched it (the template's route).
pub fn route_key(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.route_key.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Runs a handler inside a request span and renders its result. A panic (a bug: nothing a
/// request sends should reach one) is caught here and answers that one request with a 500
/// in the API's shape, while the sandbox goes on serving the others.
pub async fn serve<F, Fut>(req: Request, handler: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Result<Response, ApiError>>,
{
    use futures_util::FutureExt;
    let id = request_id(&req);
    let route = route_key(&req);
    let span = tracing::info_span!("request", requestId = %id, route = %route);
    async move {
        let outcome = std::panic::AssertUnwindSafe(handler(req)).catch_unwind().await;
        let mut response = match outcome {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => render_error(&e, &id),
            Err(_) => render_error(
                &ApiError::internal("the handler panicked", std::io::Error::other("panic")),
                &id,
            ),
        };
        if let Ok(v) = http::HeaderValue::from_str(&id) {
            response.headers_mut().insert("x-request-id", v);
        }
        tracing::info!(status = response.status().as_u16(), "answered");
        response
    }
    .instrument(span)
    .await
}

/// The one place an error becomes a response. Faults are logged with their cause chain and
/// reach the client as a code, a message and the request id, never as internal text.
pub fn render_error(err: &ApiError, request_id: &str) -> Response {
    let code = err.client_code();
    let (message, details, retry_after) = match err {
        ApiError::Client {
            message,
            details,
            retry_after,
            ..
        } => {
            tracing::info!(code = code.as_str(), "refused");
            (message.as_ref(), details.clone(), *retry_after)
        }
        ApiError::Unavailable { retry_after, .. } => {
            tracing::warn!(code = code.as_str(), cause = %crate::error::chain(err), "dependency unavailable");
            (code.default_message(), None, Some(*retry_after))
        }
        ApiError::Internal { .. } => {
            tracing::error!(code = code.as_str(), cause = %crate::error::chain(err), "internal error");
            (code.default_message(), None, None)
        }
    };
    let mut body = serde_json::Map::new();
    body.insert("code".into(), json!(code.as_str()));
    body.insert("message".into(), json!(message));
    body.insert("requestId".into(), json!(request_id));
    if let Some(d) = details {
        // Details name fields and say what is wrong; should one ever quote what a client
        // sent, whatever is shaped like an ID number or a phone is masked here.
        body.insert("details".into(), scrubbed(d));
    }
    let mut response = json_response(code.status(), &json!({ "error": body }));
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", http::HeaderValue::from(secs));
    }
    response
}

/// A JSON value with every string and key through the personal-data scrubber.
fn scrubbed(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(model::mask::scrub(&s).into_owned()),
        Value::Array(items) => Value::Array(items.into_iter().map(scrubbed).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (model::mask::scrub(&k).into_owned(), scrubbed(v)))
                .collect(),
        ),
        other => other,
    }
}

/// A JSON response with the given status. Should the value not serialise (a bug: response
/// types always do), the answer is a bare 500 in the error's shape.
pub fn json_response<T: Serialize>(status: u16, value: &T) -> Response {
    let (status, body) = match serde_json::to_string(value) {
        Ok(body) => (status, body),
        Err(e) => {
            tracing::error!(error = %e, "a response did not serialise");
            (
                500,
                r#"{"error":{"code":"INTERNAL","message":"系统错误，请稍后再试"}}"#.to_owned(),
            )
        }
    };
    let mut response = http::Response::new(Body::Text(body));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub fn ok<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    Ok(json_response(200, value))
}

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

/// A path parameter parsed into its domain type (400 naming the parameter if malformed).
pub fn path<T: FromStr<Err = Invalid>>(req: &Request, name: &str) -> Result<T, ApiError> {
    let params = req.path_parameters_ref();
    let raw = params
        .and_then(|p| p.first(name))
        .ok_or_else(|| ApiError::field(name, "必填"))?;
    raw.parse().map_err(|e: Invalid| ApiError::field(name, e.0))
}

/// An optional query parameter parsed into its domain type. Repeating a parameter is refused
/// rather than silently taking one of the values.
pub fn query<T: FromStr<Err = Invalid>>(req: &Request, name: &str) -> Result<Option<T>, ApiError> {
    let params = req.query_string_parameters_ref();
    let Some(values) = params.and_then(|p| p.all(name)) else {
        return Ok(None);
    };
    match values.as_slice() {
        [] => Ok(None),
        [""] => Ok(None),
        [one] => one.parse().map(Some).map_err(|e: Invalid| ApiError::field(name, e.0)),
        _ => Err(ApiError::field(name, "只能出现一次")),
    }
}

/// `?limit=&cursor=` of one list: default 20, at most 100, and the cursor opened for this
/// list's scope: its route, its caller and its filters (see [`crate::cursor`]).
#[derive(Debug, Clone)]
pub struct Page<'k> {
    pub limit: u32,
    pub cursor: Option<Cursor>,
    scope: String,
    key: &'k CursorKey,
}

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// A page size between 1 and 100.
#[derive(Debug, Clone, Copy)]
pub struct Limit(pub u32);

impl FromStr for Limit {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        match raw.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) && raw.len() <= 3 => Ok(Limit(n)),
            _ => Err(Invalid::new("limit应为1-100的整数")),
        }
    }
}

impl<'k> Page<'k> {
    /// The page a request asks for. `scope` is what, besides the route, decides which items
    /// the list holds: the caller and each filter as the handler parsed them.
    pub fn from_request(req: &Request, key: &'k CursorKey, scope: &[&str]) -> Result<Self, ApiError> {
        let mut parts = vec![route_key(req)];
        parts.extend(scope.iter().map(|s| (*s).to_owned()));
        // JSON keeps the parts apart whatever they hold (a search text may hold anything).
        let scope = serde_json::to_string(&parts).unwrap_or_default();
        let mut errors = model::FieldErrors::default();
        let limit = errors.check(
            "limit",
            query::<Limit>(req, "limit").map_err(|_| "limit应为1-100的整数"),
        );
        let raw = errors.check("cursor", query::<RawCursor>(req, "cursor").map_err(|_| "分页游标无效"));
        let cursor = match raw.flatten() {
            Some(RawCursor(raw)) => errors.check("cursor", key.open(&scope, &raw).map_err(|_| "分页游标无效")),
            None => None,
        };
        errors.finish()?;
        Ok(Page {
            limit: limit.flatten().map_or(DEFAULT_LIMIT, |l| l.0),
            cursor,
            scope,
            key,
        })
    }

    /// A page of results, its `nextCursor` sealed for this list.
    pub fn list<T>(&self, items: Vec<T>, next: Option<Cursor>) -> List<T> {
        List {
            items,
            next_cursor: next.map(|c| self.key.seal(&self.scope, &c)),
        }
    }
}

/// A cursor as the query carries it, before its seal is checked.
struct RawCursor(String);

impl FromStr for RawCursor {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        Ok(Self(raw.to_owned()))
    }
}

/// A page of results in the contract's shape.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct List<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// The bearer token, if the request carries one.
pub fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(resp: &Response) -> serde_json::Value {
        serde_json::from_slice(resp.body().as_ref()).unwrap()
    }

    #[tokio::test]
    async fn a_handler_that_panics_answers_that_request_with_a_500_in_the_apis_shape() {
        let req = Request::default();
        let resp = serve(req, |_| async {
            let empty: Vec<u8> = Vec::new();
            let at = empty.len() + 3;
            // A bug a request might reach: the sandbox must answer and go on serving.
            #[allow(clippy::indexing_slicing, reason = "the panic under test")]
            let _ = empty[at];
            ok(&"unreachable")
        })
        .await;
        assert_eq!(resp.status(), 500);
        let body = body_of(&resp);
        assert_eq!(body["error"]["code"], "INTERNAL");
        assert!(body["error"]["requestId"].is_string());
        assert!(resp.headers().contains_key("x-request-id"));
        // And the next request is served as usual.
        let next = serve(Request::default(), |_| async { ok(&"fine") }).await;
        assert_eq!(next.status(), 200);
    }

    #[test]
    fn error_details_never_carry_an_id_number_or_phone() {
        let err = ApiError::field("form.x13812345678", "值11010519491231002X不正确");
        let body = body_of(&render_error(&err, "r1")).to_string();
        assert!(
            !body.contains("13812345678") && !body.contains("11010519491231002X"),
            "{body}"
        );
    }
}
