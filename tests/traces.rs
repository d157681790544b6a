//! Traces: every DynamoDB, S3 and WeChat call a request makes is an X-Ray subsegment of the
//! request's segment, sent to the daemon Lambda runs beside the function (here a UDP socket
//! of the test's), and none carries a secret.

use fingertip_tests::{EventExt, Options, TestApp, event, read, spawn_app_with};
use lambda_http::Request;
use serde_json::Value;
use std::net::UdpSocket;
use std::time::Duration;

const TRACE: &str = "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1";

/// A stack whose functions send subsegments to the returned socket.
async fn traced_app() -> (TestApp, UdpSocket) {
    let daemon = UdpSocket::bind("127.0.0.1:0").unwrap();
    daemon.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let app = spawn_app_with(Options {
        overrides: vec![("AWS_XRAY_DAEMON_ADDRESS", daemon.local_addr().unwrap().to_string())],
        seed_catalog: true,
        ..Options::default()
    })
    .await;
    (app, daemon)
}

/// `req` as Lambda hands it over in a sampled invocation.
fn sampled(req: Request) -> Request {
    let mut ctx = lambda_http::lambda_runtime::Context::default();
    ctx.xray_trace_id = Some(TRACE.into());
    lambda_http::RequestExt::with_lambda_context(req, ctx)
}

/// Every subsegment sent so far, of this trace.
fn subsegments(daemon: &UdpSocket) -> Vec<Value> {
    let mut all = Vec::new();
    let mut buf = vec![0u8; 65536];
    while let Ok(n) = daemon.recv(&mut buf) {
        let text = std::str::from_utf8(&buf[..n]).unwrap();
        let (_, doc) = text.split_once('\n').unwrap();
        let doc: Value = serde_json::from_str(doc).unwrap();
        if doc["parent_id"] == "53995c3f42cd8ad8" {
            assert_eq!(doc["trace_id"], "1-67891233-abcdef012345678912345678");
            all.push(doc);
        }
    }
    all
}

fn named<'a>(all: &'a [Value], name: &str, operation: Option<&str>) -> Option<&'a Value> {
    all.iter()
        .find(|d| d["name"] == name && operation.is_none_or(|op| d["aws"]["operation"] == op))
}

#[tokio::test]
async fn a_logins_wechat_and_dynamodb_calls_are_subsegments_of_its_trace_without_secrets() {
    let (app, daemon) = traced_app().await;
    subsegments(&daemon);
    let req = sampled(event("auth-login").json(&serde_json::json!({ "code": "traced-1" })));
    let (status, _) = read(auth::handle(&app.auth, req).await);
    assert_eq!(status, 200);
    let all = subsegments(&daemon);
    let host = app.stack.wechat_base.trim_start_matches("http://");
    let wechat = named(&all, host, None).unwrap_or_else(|| panic!("no WeChat call in {all:?}"));
    assert_eq!(wechat["namespace"], "remote");
    assert_eq!(wechat["http"]["response"]["status"], 200);
    assert!(
        wechat["http"]["request"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/sns/jscode2session")
    );
    let store = named(&all, "DynamoDB", None).unwrap_or_else(|| panic!("no DynamoDB call in {all:?}"));
    assert_eq!(store["namespace"], "aws");
    assert!(store["aws"]["operation"].as_str().is_some_and(|op| !op.is_empty()));
    let secret = app.stack.setting("WECHAT_MP_SECRET").unwrap();
    assert!(
        !Value::from(all).to_string().contains(&secret),
        "the AppSecret travels in the query"
    );
}

#[tokio::test]
async fn a_submissions_s3_reads_and_its_transaction_are_subsegments_of_its_trace() {
    let (app, daemon) = traced_app().await;
    let (token, _) = app.citizen("traced-2", 21).await;
    let id = app.upload(&token, "身份证.jpg").await;
    let photo = app.upload(&token, "照片.jpg").await;
    subsegments(&daemon);
    let body = serde_json::json!({
        "itemCode": "RSJ-0001",
        "form": { "applicantName": "张三", "phone": "13812345678" },
        "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-PHOTO", "objectKey": photo }],
    });
    let req = sampled(event("submission-create").bearer(&token).json(&body));
    let (status, created) = read(app.invoke("submission", req).await);
    assert_eq!(status, 201, "{created}");
    let all = subsegments(&daemon);
    assert!(named(&all, "S3", Some("GetObject")).is_some(), "{all:?}");
    assert!(named(&all, "S3", Some("PutObjectTagging")).is_some(), "{all:?}");
    let tx = named(&all, "DynamoDB", Some("TransactWriteItems")).unwrap_or_else(|| panic!("{all:?}"));
    assert!(tx["end_time"].as_f64() >= tx["start_time"].as_f64());
    assert!(
        tx["aws"]["request_id"].is_string(),
        "the store's request id, to find the call in AWS"
    );
}

#[tokio::test]
async fn an_invocation_x_ray_did_not_sample_sends_nothing() {
    let (app, daemon) = traced_app().await;
    subsegments(&daemon);
    let mut ctx = lambda_http::lambda_runtime::Context::default();
    ctx.xray_trace_id = Some(TRACE.replace("Sampled=1", "Sampled=0"));
    let login = event("auth-login").json(&serde_json::json!({ "code": "untraced-1" }));
    let req = lambda_http::RequestExt::with_lambda_context(login, ctx);
    assert_eq!(read(auth::handle(&app.auth, req).await).0, 200);
    assert!(subsegments(&daemon).is_empty());
}
