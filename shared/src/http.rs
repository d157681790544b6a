//! Request and response helpers every handler uses, and the one place errors are rendered.
//!
//! A handler is `async fn(&App, &Request) -> Result<Response, ApiError>`; [`serve`] wraps it:
//! it opens a span carrying the request id (so every log line of the request has it), turns
//! an `ApiError` into the contract's error JSON, logs faults with their cause chain, and adds
//! `x-request-id` to every response.

use crate::cursor::Cursor;
use crate::domain::Invalid;
use crate::error::{ApiError, Code};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
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
    crate::store::random_id("r")
}

/// `METHOD /path/{param}` as API Gateway matched it (the template's route).
pub fn route_key(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.route_key.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Runs a handler inside a request span and renders its result.
pub async fn serve<F, Fut>(req: Request, handler: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Result<Response, ApiError>>,
{
    let id = request_id(&req);
    let route = route_key(&req);
    let span = tracing::info_span!("request", requestId = %id, route = %route);
    async move {
        let mut response = match handler(req).await {
            Ok(r) => r,
            Err(e) => render_error(&e, &id),
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
    let mut body = json!({ "code": code.as_str(), "message": message, "requestId": request_id });
    if let Some(d) = details {
        body["details"] = d;
    }
    let mut response = json_response(code.status(), &json!({ "error": body }));
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", http::HeaderValue::from(secs));
    }
    response
}

/// A JSON response with the given status.
pub fn json_response<T: Serialize>(status: u16, value: &T) -> Response {
    let body = serde_json::to_string(value).expect("response types serialize");
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .header("cache-control", "no-store")
        .body(Body::Text(body))
        .expect("static headers are valid")
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
            let path = e.path().to_string();
            let field = if path == "." {
                missing_field(inner).unwrap_or_else(|| "body".into())
            } else {
                path
            };
            ApiError::field(&field, describe(inner))
        }
    })?;
    de.end().map_err(|_| ApiError::code(Code::MalformedJson))?;
    Ok(value)
}

/// serde reports a missing field at the parent's path; the name is in the message.
fn missing_field(e: &serde_json::Error) -> Option<String> {
    let msg = e.to_string();
    let rest = msg.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_owned())
}

fn describe(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg);
    if msg.starts_with("missing field") {
        "必填".to_owned()
    } else if msg.starts_with("unknown field") {
        "不支持的字段".to_owned()
    } else if msg.starts_with("invalid type") {
        format!("类型不正确（{}）", msg.trim_start_matches("invalid type: "))
    } else {
        crate::mask::scrub(msg).into_owned()
    }
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

/// `?limit=&cursor=`: default 20, at most 100.
#[derive(Debug, Clone)]
pub struct Page {
    pub limit: u32,
    pub cursor: Option<Cursor>,
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

impl Page {
    pub fn from_request(req: &Request) -> Result<Self, ApiError> {
        let mut errors = crate::error::FieldErrors::default();
        let limit = errors.check(
            "limit",
            query::<Limit>(req, "limit").map_err(|_| "limit应为1-100的整数"),
        );
        let cursor = errors.check("cursor", query::<Cursor>(req, "cursor").map_err(|_| "分页游标无效"));
        errors.finish()?;
        Ok(Page {
            limit: limit.flatten().map_or(DEFAULT_LIMIT, |l| l.0),
            cursor: cursor.flatten(),
        })
    }
}

/// A page of results in the contract's shape.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct List<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// The `Idempotency-Key` header: 1 to 64 characters of letters, digits and `-_.:`; absent is
/// `None`, malformed is 400 naming the header.
pub fn idempotency_key(req: &Request) -> Result<Option<String>, ApiError> {
    let Some(raw) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = raw.to_str().unwrap_or("");
    let ok = (1..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    if ok {
        Ok(Some(key.to_owned()))
    } else {
        Err(ApiError::field("Idempotency-Key", "应为1-64位字母、数字或-_.:"))
    }
}

/// The bearer token, if the request carries one.
pub fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}
