//! The local API gateway: HTTP on 127.0.0.1:3000, routed by `template.yaml`, each request
//! turned into the API Gateway v2 event Lambda would receive and handed to the function's
//! handler in-process; and the console and the API's documentation beside it ([`Site`]).

use crate::functions::Functions;
use crate::site::Site;
use crate::template::{Route, Template};
use api::error::{ApiError, Code};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use tokio::net::TcpListener;

/// API Gateway's own payload limit; the functions enforce the API's smaller one.
const MAX_PAYLOAD: usize = 10 * 1024 * 1024;

pub struct Gateway {
    routes: Vec<(Route, String)>,
    functions: &'static Functions,
    site: Option<Site>,
}

/// A matched route: its key, the binary serving it and the path parameters.
#[derive(Debug, PartialEq, Eq)]
pub struct Matched {
    pub route_key: String,
    pub binary: String,
    pub params: Map<String, Value>,
}

fn match_path(pattern: &str, path: &str) -> Option<Map<String, Value>> {
    let mut params = Map::new();
    let mut pat = pattern.trim_matches('/').split('/');
    let mut got = path.trim_matches('/').split('/');
    loop {
        match (pat.next(), got.next()) {
            (None, None) => return Some(params),
            (Some(p), Some(g)) if p.starts_with('{') && p.ends_with('}') && !g.is_empty() => {
                let decoded = percent_decode(g)?;
                params.insert(p[1..p.len() - 1].to_owned(), Value::String(decoded));
            }
            (Some(p), Some(g)) if p == g => {}
            _ => return None,
        }
    }
}

/// A path segment percent-decoded, as API Gateway decodes path parameters; `None` when the
/// bytes are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

impl Gateway {
    pub fn new(template: &Template, functions: &'static Functions) -> Self {
        Self {
            routes: template.routes(),
            functions,
            site: None,
        }
    }

    /// The same gateway serving the console and the docs too.
    pub fn with_site(mut self, site: Site) -> Self {
        self.site = Some(site);
        self
    }

    /// The route serving `method path`, as API Gateway would pick it.
    pub fn route(&self, method: &str, path: &str) -> Option<Matched> {
        // Literal segments win over parameters, as in API Gateway: try the most literal first.
        let mut candidates: Vec<_> = self.routes.iter().filter(|(r, _)| r.method == method).collect();
        candidates.sort_by_key(|(r, _)| r.path.matches('{').count());
        candidates.into_iter().find_map(|(r, binary)| {
            match_path(&r.path, path).map(|params| Matched {
                route_key: r.key(),
                binary: binary.clone(),
                params,
            })
        })
    }

    /// One request through the routes as a client sends it, in-process (the demo day):
    /// the answer's status and JSON body.
    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        let mut builder = http::Request::builder().method(method).uri(uri);
        if body.is_some() {
            builder = builder.header("content-type", "application/json");
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let bytes = body.map(Value::to_string).unwrap_or_default().into_bytes();
        let (parts, ()) = builder.body(()).map_err(|e| e.to_string())?.into_parts();
        let matched = self
            .route(method, parts.uri.path())
            .ok_or_else(|| format!("no route for {method} {uri}"))?;
        let event = event(&parts, &bytes, &matched, &store::random_id("demo-"));
        let req = lambda_http::request::from_str(&event.to_string()).map_err(|e| e.to_string())?;
        let resp = self
            .functions
            .invoke(&matched.binary, req)
            .await
            .ok_or_else(|| format!("no function {}", matched.binary))?;
        let status = resp.status().as_u16();
        let answer = match resp.body() {
            lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap_or(Value::Null),
            lambda_http::Body::Binary(b) => serde_json::from_slice(b).unwrap_or(Value::Null),
            _ => Value::Null,
        };
        Ok((status, answer))
    }

    async fn answer(&self, req: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
        let request_id = store::random_id("local-");
        let method = req.method().as_str().to_owned();
        let path = req.uri().path().to_owned();
        if path == "/healthz" {
            return plain(200, json!({ "status": "ok" }));
        }
        if let (Some(site), true) = (&self.site, Site::claims(&path))
            && matches!(method.as_str(), "GET" | "HEAD")
        {
            return site.get(&path);
        }
        let Some(matched) = self.route(&method, &path) else {
            return from_lambda(api::http::render_error(&ApiError::not_found(), &request_id));
        };
        let (parts, body) = req.into_parts();
        let body = match Limited::new(body, MAX_PAYLOAD).collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => {
                return from_lambda(api::http::render_error(
                    &ApiError::code(Code::PayloadTooLarge),
                    &request_id,
                ));
            }
        };
        let event = event(&parts, &body, &matched, &request_id);
        let lambda_req = match lambda_http::request::from_str(&event.to_string()) {
            Ok(r) => r,
            Err(e) => {
                let err = ApiError::internal("building the local event", e);
                return from_lambda(api::http::render_error(&err, &request_id));
            }
        };
        match self.functions.invoke(&matched.binary, lambda_req).await {
            Some(resp) => from_lambda(resp),
            None => from_lambda(api::http::render_error(&ApiError::not_found(), &request_id)),
        }
    }
}

/// The API Gateway HTTP API (payload 2.0) event for a request.
pub fn event(parts: &http::request::Parts, body: &[u8], matched: &Matched, request_id: &str) -> Value {
    let mut headers = Map::new();
    for (name, value) in &parts.headers {
        let v = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match headers.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&v);
            }
            _ => {
                headers.insert(name.as_str().to_owned(), Value::String(v));
            }
        }
    }
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let now = jiff::Timestamp::now();
    let (body_text, b64) = match std::str::from_utf8(body) {
        Ok(t) => (t.to_owned(), false),
        Err(_) => (base64_simd::STANDARD.encode_to_string(body), true),
    };
    let mut ev = json!({
        "version": "2.0",
        "routeKey": matched.route_key,
        "rawPath": parts.uri.path(),
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": "127.0.0.1",
            "domainPrefix": "local",
            "http": {
                "method": parts.method.as_str(),
                "path": parts.uri.path(),
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": parts.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or(""),
            },
            "requestId": request_id,
            "routeKey": matched.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000").to_string(),
            "timeEpoch": now.as_millisecond(),
        },
        "isBase64Encoded": b64,
    });
    if !matched.params.is_empty() {
        ev["pathParameters"] = Value::Object(matched.params.clone());
    }
    if !body.is_empty() {
        ev["body"] = Value::String(body_text);
    }
    ev
}

fn plain(status: u16, value: Value) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(value.to_string())))
        .expect("static response")
}

fn from_lambda(resp: api::http::Response) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = resp.into_parts();
    let bytes = match body {
        lambda_http::Body::Empty => Bytes::new(),
        lambda_http::Body::Text(t) => Bytes::from(t),
        lambda_http::Body::Binary(b) => Bytes::from(b),
        _ => Bytes::new(),
    };
    hyper::Response::from_parts(parts, Full::new(bytes))
}

/// Serves until the process ends.
pub async fn serve(listener: TcpListener, gateway: Arc<Gateway>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let gateway = gateway.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let gateway = gateway.clone();
                async move { Ok::<_, std::convert::Infallible>(gateway.answer(req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_matched_and_decoded() {
        let p = match_path("/v1/halls/{hallId}", "/v1/halls/spb-center").unwrap();
        assert_eq!(p["hallId"], "spb-center");
        assert!(match_path("/v1/halls/{hallId}", "/v1/halls").is_none());
        assert!(match_path("/v1/halls/{hallId}", "/v1/halls/a/b").is_none());
        assert_eq!(
            match_path("/v1/catalog/items/{code}", "/v1/catalog/items/%E4%B8%AD").unwrap()["code"],
            "中"
        );
    }
}
