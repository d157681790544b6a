//! Login through the WeChat sandbox and real-name binding, against the real local store.

use fingertip_tests::{EventExt, Options, TestApp, code, event, read, spawn_app, spawn_app_with};
use serde_json::json;

async fn app() -> TestApp {
    spawn_app_with(Options::default()).await
}

async fn login_status(app: &TestApp, code: &str) -> (u16, serde_json::Value, Option<String>) {
    let resp = auth::handle(&app.auth, event("auth-login").json(&json!({ "code": code }))).await;
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let (status, body) = read(resp);
    (status, body, retry)
}

#[tokio::test]
async fn a_new_citizen_logs_in_through_the_sandbox_and_gets_a_token() {
    let app = app().await;
    let (status, body, _) = login_status(&app, "alice-first").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["token"].as_str().unwrap().split('.').count() == 3);
    assert!(body["expiresAt"].as_str().unwrap().ends_with("+08:00"));
    assert_eq!(body["citizen"]["newCitizen"], true);
    assert_eq!(body["citizen"]["realNameVerified"], false);
    let sent = app.sandbox.messages();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["path"], "/sns/jscode2session");
    assert_eq!(sent[0]["query"]["secret"], "***", "the sandbox log masks the secret");
}

#[tokio::test]
async fn a_returning_citizen_keeps_the_same_id_and_is_not_new() {
    let app = app().await;
    let (_, first, _) = login_status(&app, "bob").await;
    let (_, second, _) = login_status(&app, "bob").await;
    assert_eq!(first["citizen"]["id"], second["citizen"]["id"]);
    assert_eq!(second["citizen"]["newCitizen"], false);
    let (_, other, _) = login_status(&app, "carol").await;
    assert_ne!(
        first["citizen"]["id"], other["citizen"]["id"],
        "two codes, two citizens"
    );
}

#[tokio::test]
async fn each_wechat_error_code_becomes_a_clear_api_error_and_writes_nothing() {
    let app = app().await;
    let before = app.dump().await;
    for (wx, status, expected) in [
        ("invalid", 401, "UNAUTHENTICATED"),
        ("used", 401, "UNAUTHENTICATED"),
        ("ratelimit", 429, "RATE_LIMITED"),
        ("risky", 403, "FORBIDDEN"),
        ("busy", 503, "SERVICE_UNAVAILABLE"),
        ("down", 503, "SERVICE_UNAVAILABLE"),
    ] {
        let (got, body, retry) = login_status(&app, wx).await;
        assert_eq!((got, code(&body)), (status, expected), "code {wx}: {body}");
        assert!(body["error"]["requestId"].is_string());
        if status == 429 || status == 503 {
            assert!(retry.is_some(), "{wx} answers with Retry-After");
        }
    }
    let (_, body, _) = login_status(&app, "invalid").await;
    assert_eq!(body["error"]["details"]["wechatErrcode"], 40029);
    app.assert_unchanged(&before).await;
}

#[tokio::test]
async fn a_wechat_timeout_is_a_503_within_the_configured_time() {
    let app = spawn_app_with(Options {
        overrides: vec![("WECHAT_TIMEOUT_MS", "300".into())],
        ..Options::default()
    })
    .await;
    let started = std::time::Instant::now();
    let (status, body, retry) = login_status(&app, "slow").await;
    assert_eq!((status, code(&body)), (503, "SERVICE_UNAVAILABLE"));
    assert!(retry.is_some());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "the client gave up instead of waiting 10 s"
    );
}

#[tokio::test]
async fn login_refuses_malformed_bodies_with_the_documented_codes() {
    let app = app().await;
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("application/json", b"{\"code\":".to_vec(), 400, "MALFORMED_JSON"),
        ("application/json", b"".to_vec(), 400, "MALFORMED_JSON"),
        (
            "application/json",
            br#"{"code": 42}"#.to_vec(),
            400,
            "VALIDATION_FAILED",
        ),
        ("application/json", br#"{}"#.to_vec(), 400, "VALIDATION_FAILED"),
        (
            "application/json",
            br#"{"code":"a","extra":1}"#.to_vec(),
            400,
            "VALIDATION_FAILED",
        ),
        (
            "application/json",
            br#"{"code":"has space"}"#.to_vec(),
            400,
            "VALIDATION_FAILED",
        ),
        ("text/plain", br#"{"code":"a"}"#.to_vec(), 415, "UNSUPPORTED_MEDIA_TYPE"),
        (
            "application/json",
            format!(r#"{{"code":"{}"}}"#, "a".repeat(70_000)).into_bytes(),
            413,
            "PAYLOAD_TOO_LARGE",
        ),
    ];
    for (ct, body, status, expected) in cases {
        let (got, reply) = read(auth::handle(&app.auth, event("auth-login").raw_body(ct, body.clone())).await);
        assert_eq!(
            (got, code(&reply)),
            (status, expected),
            "{}",
            String::from_utf8_lossy(&body[..body.len().min(60)])
        );
    }
    let (_, reply) = read(auth::handle(&app.auth, event("auth-login").json(&json!({}))).await);
    assert_eq!(
        reply["error"]["details"]["fields"]["code"], "必填",
        "the missing field is named"
    );
    assert!(app.sandbox.messages().is_empty(), "nothing reached WeChat");
}

fn identity(name: &str, id: &str, phone: &str) -> serde_json::Value {
    json!({ "realName": name, "idNumber": id, "phone": phone })
}

#[tokio::test]
async fn binding_a_valid_identity_verifies_the_citizen_and_shows_it_masked() {
    let app = app().await;
    let (token, id) = app.login("dave").await;
    let req = event("auth-identity")
        .bearer(&token)
        .json(&identity("张三", "11010519491231002X", "13812345678"));
    let (status, body) = read(auth::handle(&app.auth, req).await);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["realNameVerified"], true);
    assert_eq!(body["idNumber"], "1101**********002X");
    assert_eq!(body["phone"], "138****5678");
    assert_eq!(body["realName"], "张*");
    let (status, me) = read(auth::handle(&app.auth, event("auth-me").bearer(&token)).await);
    assert_eq!(status, 200);
    assert_eq!(me, body);
    let text = me.to_string();
    assert!(!text.contains("11010519491231002X") && !text.contains("13812345678"));
}

#[tokio::test]
async fn bad_identity_fields_are_400_naming_each_field_and_nothing_is_written() {
    let app = app().await;
    let (token, _) = app.login("erin").await;
    let before = app.dump().await;
    let cases = [
        (identity("张三", "110105194912310021", "13812345678"), vec!["idNumber"]),
        (identity("张三", "110105194902300027", "13812345678"), vec!["idNumber"]),
        (identity("张三", "11010519491231002X", "12812345678"), vec!["phone"]),
        (identity("张", "11010519491231002X", "13812345678"), vec!["realName"]),
        (
            identity("张三1", "440524188001010015", "138123"),
            vec!["realName", "idNumber", "phone"],
        ),
    ];
    for (body, fields) in cases {
        let (status, reply) = read(auth::handle(&app.auth, event("auth-identity").bearer(&token).json(&body)).await);
        assert_eq!((status, code(&reply)), (400, "VALIDATION_FAILED"), "{body}");
        let named: Vec<&str> = reply["error"]["details"]["fields"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = fields.clone();
        expected.sort();
        assert_eq!(named, expected, "{body}");
        let text = reply.to_string();
        for value in ["110105194912310021", "11010519491231002X", "12812345678", "13812345678"] {
            assert!(!text.contains(value), "the error does not echo personal data");
        }
    }
    app.assert_unchanged(&before).await;
}

#[tokio::test]
async fn an_impossible_birth_date_is_named_as_such() {
    let app = app().await;
    let (token, _) = app.login("frank").await;
    let req = event("auth-identity")
        .bearer(&token)
        .json(&identity("张三", "110105194902300027", "13812345678"));
    let (_, reply) = read(auth::handle(&app.auth, req).await);
    assert!(
        reply["error"]["details"]["fields"]["idNumber"]
            .as_str()
            .unwrap()
            .contains("出生日期")
    );
}

#[tokio::test]
async fn one_id_number_belongs_to_one_account_even_when_two_race_for_it() {
    let app = spawn_app().await;
    let (a, _) = app.login("grace").await;
    let (b, _) = app.login("heidi").await;
    let body = identity("李四", "440524188001010014", "13912345678");
    let (ra, rb) = tokio::join!(
        auth::handle(&app.auth, event("auth-identity").bearer(&a).json(&body)),
        auth::handle(&app.auth, event("auth-identity").bearer(&b).json(&body)),
    );
    let mut statuses = [read(ra).0, read(rb).0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "exactly one account gets the ID number");
}

#[tokio::test]
async fn rebinding_keeps_the_id_number_and_may_change_the_phone() {
    let app = app().await;
    let (token, _) = app.login("ivan").await;
    let bind = |body: serde_json::Value| auth::handle(&app.auth, event("auth-identity").bearer(&token).json(&body));
    assert_eq!(
        read(bind(identity("王五", "11010519491231002X", "13812345678")).await).0,
        200
    );
    let (status, body) = read(bind(identity("王五", "11010519491231002X", "13698765432")).await);
    assert_eq!(status, 200);
    assert_eq!(body["phone"], "136****5432");
    let (status, body) = read(bind(identity("王五", "440524188001010014", "13698765432")).await);
    assert_eq!((status, code(&body)), (409, "IDENTITY_ALREADY_BOUND"));
}

#[tokio::test]
async fn the_profile_needs_a_citizen_token() {
    let app = app().await;
    let (status, body) = read(auth::handle(&app.auth, event("auth-me").without_auth()).await);
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    let staff = app.demo_token("scjg").await;
    let (status, body) = read(auth::handle(&app.auth, event("auth-me").bearer(&staff)).await);
    assert_eq!((status, code(&body)), (403, "FORBIDDEN"));
}
