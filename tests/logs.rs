//! No personal data in logs: what the handlers log, captured before any scrubbing, never
//! holds a full ID number or phone; the scrubbing writer catches what slips through.

use fingertip_tests::{EventExt, Options, event, read, spawn_app_with};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber_writer::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

mod tracing_subscriber_writer {
    pub use api::telemetry::MakeWriter;
}

#[tokio::test]
async fn binding_an_identity_logs_the_request_id_but_no_id_number_or_phone() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(api::telemetry::subscriber("debug", capture.clone()));
    let app = spawn_app_with(Options::default()).await;
    let (token, _) = app.login("logs-citizen").await;
    let body = serde_json::json!({ "realName": "赵六", "idNumber": "11010519491231002X", "phone": "13812345678" });
    let (status, _) = read(auth::handle(&app.auth, event("auth-identity").bearer(&token).json(&body)).await);
    assert_eq!(status, 200);
    let bad = serde_json::json!({ "realName": "赵六", "idNumber": "110105194912310021", "phone": "13812345678" });
    let (status, _) = read(auth::handle(&app.auth, event("auth-identity").bearer(&token).json(&bad)).await);
    assert_eq!(status, 400);

    let logged = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("identity bound"), "the handler logged: {logged}");
    assert!(
        logged.contains("1101**********002X"),
        "the masked form is what is logged"
    );
    assert!(
        logged.contains("Jq3m9gxyoAMEVgw="),
        "the request id is on the request's lines"
    );
    for secret in ["11010519491231002X", "110105194912310021", "13812345678", "赵六"] {
        assert!(!logged.contains(secret), "{secret} reached the log:\n{logged}");
    }
}

/// The Logs Insights queries of docs/OPERATIONS.md's "Where to look", as written there.
fn operations_queries() -> Vec<String> {
    include_str!("../docs/OPERATIONS.md")
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("- `fields "))
        .map(|q| q.trim_end_matches('`').to_owned())
        .collect()
}

/// The field names a query reads: those after `fields` and those it filters or sorts on.
fn query_fields(query: &str) -> Vec<String> {
    query
        .split(|c: char| c == ',' || c == '|' || c.is_whitespace())
        .filter(|w| {
            w.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && w.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .filter(|w| !["filter", "sort", "desc", "asc", "fields", "stats", "by", "count"].contains(w))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn every_line_of_a_request_carries_the_fields_the_operations_queries_read() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(api::telemetry::subscriber("info", capture.clone()));
    let app = spawn_app_with(Options::default()).await;
    let mut ctx = lambda_http::lambda_runtime::Context::default();
    ctx.request_id = "8f5c1a2e-lambda".into();
    ctx.xray_trace_id = Some("Root=1-67891233-abcdef012345678912345678".into());
    let req = lambda_http::RequestExt::with_lambda_context(event("catalog-items"), ctx);
    let (status, _) = read(app.invoke("catalog", req).await);
    assert_eq!(status, 200);

    let logged = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<serde_json::Value> = logged
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|l: &serde_json::Value| l["lambdaRequestId"] == "8f5c1a2e-lambda")
        .collect();
    assert!(!lines.is_empty(), "the request logged nothing of its own:\n{logged}");
    for line in &lines {
        assert_eq!(
            line["requestId"], "Jq3m9gxyoAMEVgw=",
            "API Gateway's id, at the top: {line}"
        );
        assert_eq!(line["traceId"], "Root=1-67891233-abcdef012345678912345678");
        assert_eq!(line["route"], "GET /v1/catalog/items");
        assert!(line["coldStart"].is_boolean() && line["function"].is_string(), "{line}");
        assert!(line.get("span").is_none(), "no field nested under span: {line}");
    }
    let queries = operations_queries();
    assert!(queries.len() >= 3, "OPERATIONS.md lists its queries: {queries:?}");
    for q in &queries {
        for field in query_fields(q) {
            assert!(
                lines.iter().all(|l| l.get(&field).is_some()) || field == "cause",
                "OPERATIONS.md's query `{q}` reads `{field}`, which a request's lines lack"
            );
        }
    }
}
