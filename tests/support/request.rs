//! Sample events as requests, small changes to them, and reading the answers.

use api::http::Response;
use lambda_http::{Body, Request, RequestExt};
use serde_json::Value;
use std::collections::HashMap;

/// The text of the sample event `events/NAME.json`.
pub fn event_text(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../events")
        .join(format!("{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The sample event `events/NAME.json` as JSON (any kind: HTTP, schedule, stream).
pub fn event_json(name: &str) -> Value {
    serde_json::from_str(&event_text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The sample event `events/NAME.json`, as Lambda would hand it to the handler.
pub fn event(name: &str) -> Request {
    lambda_http::request::from_str(&event_text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Small changes to a sample event.
pub trait EventExt: Sized {
    fn bearer(self, token: &str) -> Self;
    fn without_auth(self) -> Self;
    /// Without the sample's `Idempotency-Key`: each request creates anew.
    fn without_idempotency(self) -> Self;
    fn json(self, body: &Value) -> Self;
    fn raw_body(self, content_type: &str, body: impl Into<Vec<u8>>) -> Self;
    fn path_param(self, name: &str, value: &str) -> Self;
    fn query(self, pairs: &[(&str, &str)]) -> Self;
}

impl EventExt for Request {
    fn bearer(mut self, token: &str) -> Self {
        self.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().expect("header"));
        self
    }

    fn without_auth(mut self) -> Self {
        self.headers_mut().remove("authorization");
        self
    }

    fn without_idempotency(mut self) -> Self {
        self.headers_mut().remove("idempotency-key");
        self
    }

    fn json(self, body: &Value) -> Self {
        self.raw_body("application/json", body.to_string())
    }

    fn raw_body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.headers_mut()
            .insert("content-type", content_type.parse().expect("header"));
        *self.body_mut() = Body::Binary(body.into());
        self
    }

    /// Sets one path parameter, keeping the others the sample has.
    fn path_param(self, name: &str, value: &str) -> Self {
        let mut params: HashMap<String, String> = self
            .path_parameters()
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        params.insert(name.to_owned(), value.to_owned());
        self.with_path_parameters(params)
    }

    fn query(self, pairs: &[(&str, &str)]) -> Self {
        let mut params: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            params.entry((*k).to_owned()).or_default().push((*v).to_owned());
        }
        self.with_query_string_parameters(params)
    }
}

/// Status and JSON body of a response.
pub fn read(resp: Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let body: &[u8] = resp.body().as_ref();
    let value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body).expect("a JSON body")
    };
    (status, value)
}

/// The fields a 400 `VALIDATION_FAILED` names, in order.
pub fn fields(body: &Value) -> Vec<String> {
    body["error"]["details"]["fields"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The error code of an error response.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}
