//! Request and response helpers every handler uses, and the one place errors are rendered.
//!
//! A handler is `async fn(&App, &Request) -> Result<Response, ApiError>`; [`serve`] wraps it:
//! it opens a span carrying the request id (so every log line of the request has it), turns
//! an `ApiError` into the contract's error JSON, logs faults with their cause chain, and adds
//! `x-request-id` to every response.

use crate::error::ApiError;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde::Serialize;
use serde_json::json;
use tracing::Instrument;

mod body;
mod params;

pub use body::json_body;
pub use params::{Flag, Limit, List, Page, path, query};

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
    // Every line of the request carries what finds it again: API Gateway's id (the one the
    // client holds), Lambda's and the trace's, the function, the route and a cold start.
    let lambda = req.lambda_context_ref();
    let span = tracing::info_span!(
        "request",
        requestId = %id,
        lambdaRequestId = lambda.map_or("", |c| c.request_id.as_str()),
        traceId = lambda.and_then(|c| c.xray_trace_id.as_deref()).unwrap_or(""),
        function = crate::telemetry::function_name(),
        route = %route,
        coldStart = crate::telemetry::cold_start(),
    );
    async move {
        // The calls the handler makes are subsegments of this invocation's trace.
        let trace = req.lambda_context_ref().and_then(|c| c.xray_trace_id.clone());
        // Boxed: the handler's future nests deep enough to strain the compiler's layout
        // queries, and one allocation per request is nothing beside a store round trip.
        let work = store::xray::traced(trace, Box::pin(handler(req)));
        let outcome = std::panic::AssertUnwindSafe(work).catch_unwind().await;
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

/// 204: done, nothing to say (a window called and nobody waits).
pub fn no_content() -> Response {
    let mut response = http::Response::new(Body::Empty);
    *response.status_mut() = http::StatusCode::NO_CONTENT;
    response
        .headers_mut()
        .insert(http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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
