//! 代办: a community station's agent prepares an application for a villager, and nothing is
//! submitted until the villager confirms it in the mini-program; a request declined or
//! lapsed leaves nothing behind, and only the person's own face-verified account may
//! confirm.

use fingertip_tests::{EventExt, TestApp, code, event, fields, id_number, read, spawn_app};
use serde_json::{Value, json};

async fn call(app: &TestApp, req: lambda_http::Request) -> (u16, Value) {
    read(app.invoke("submission", req).await)
}

/// The agent's 代办 of 城乡居民医保参保登记 for person `n`, with the ID card they scanned.
async fn prepare(app: &TestApp, agent: &str, n: u32) -> (u16, Value) {
    let scan = app.upload(agent, "身份证.jpg").await;
    let body = json!({
        "channel": "proxy", "itemCode": "YBJ-0001",
        "applicant": { "realName": "测试", "idNumber": id_number(n), "phone": "13800000000" },
        "form": { "applicantName": "测试", "phone": "13800000000" },
        "materials": [{ "code": "M-ID", "objectKey": scan }],
        "note": "村民行动不便，由站点代办",
    });
    let mut req = event("submission-create").bearer(agent).json(&body);
    req.headers_mut().remove("idempotency-key");
    call(app, req).await
}

async fn consents(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = call(app, event("submission-consents").bearer(token)).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn answer(app: &TestApp, token: &str, id: &str, decision: &str) -> (u16, Value) {
    let req = event("submission-consent-answer")
        .bearer(token)
        .path_param("id", id)
        .json(&json!({ "decision": decision }));
    call(app, req).await
}

async fn applications(app: &TestApp, token: &str) -> Vec<Value> {
    let (_, body) = read(app.invoke("progress", event("progress-mine").bearer(token)).await);
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_confirmed_proxy_application_is_the_citizens_own_and_its_timeline_names_the_agent() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let (citizen, id) = app.verified_citizen("proxy-villager", 61).await;
    let agent = app.demo_token("daiban").await;

    let (status, request) = prepare(&app, &agent, 61).await;
    assert_eq!(status, 202, "{request}");
    assert_eq!(request["status"], "awaiting_consent");
    let consent = request["consentId"].as_str().unwrap().to_owned();
    // Nothing is submitted yet; the villager is asked in WeChat.
    assert!(applications(&app, &citizen).await.is_empty());
    let asked: Vec<Value> = app
        .outbox()
        .await
        .into_values()
        .filter(|n| n["kind"] == "consent_request" && n["citizenId"] == id.as_str())
        .collect();
    assert_eq!(asked.len(), 1, "one notice asks for the consent");
    let listed = consents(&app, &citizen).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["hallName"], "土主镇月台村便民服务站");
    assert_eq!(listed[0]["form"]["phone"], "138****0000", "the form is shown masked");

    let (status, view) = answer(&app, &citizen, &consent, "accept").await;
    assert_eq!(status, 201, "{view}");
    assert_eq!(view["channel"], "proxy");
    assert_eq!(view["timeline"][0]["actor"], "agent");
    assert_eq!(view["timeline"][0]["action"], "proxy_submit");
    assert_eq!(view["intakeWindowId"], "tuzhu-yuetai.A");
    assert!(
        view["timeline"][0].get("staffId").is_none(),
        "the citizen sees no staff id"
    );
    assert_eq!(applications(&app, &citizen).await.len(), 1);
    // Answered once: the request is gone.
    assert!(consents(&app, &citizen).await.is_empty());
    assert_eq!(answer(&app, &citizen, &consent, "accept").await.0, 404);

    // The department sees who prepared it.
    let no = view["applicationNo"].as_str().unwrap();
    let ybj = app.demo_token("ybj").await;
    let (_, seen) = read(
        app.invoke("progress", event("progress-get").bearer(&ybj).path_param("no", no))
            .await,
    );
    assert_eq!(
        seen["timeline"][0]["staffId"],
        model::StaffId::derived("daiban").to_string()
    );
}

#[tokio::test]
async fn a_declined_or_lapsed_request_submits_nothing() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let (citizen, _) = app.verified_citizen("proxy-declines", 62).await;
    let agent = app.demo_token("daiban").await;

    let (_, first) = prepare(&app, &agent, 62).await;
    let (status, body) = answer(&app, &citizen, first["consentId"].as_str().unwrap(), "decline").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("declined")));

    let (_, second) = prepare(&app, &agent, 62).await;
    // A day and a minute later it has lapsed, though the store's TTL has not yet removed it.
    app.set_time("2026-12-03T09:01");
    assert!(consents(&app, &citizen).await.is_empty());
    let (status, body) = answer(&app, &citizen, second["consentId"].as_str().unwrap(), "accept").await;
    assert_eq!((status, code(&body)), (409, "CONSENT_CLOSED"));
    assert!(applications(&app, &citizen).await.is_empty());

    // Nor may anyone else answer a villager's request.
    app.set_time("2026-12-03T09:30");
    let (_, third) = prepare(&app, &agent, 62).await;
    let (other, _) = app.verified_citizen("proxy-other", 63).await;
    let (status, _) = answer(&app, &other, third["consentId"].as_str().unwrap(), "accept").await;
    assert_eq!(status, 404);
    let (status, body) = answer(&app, &citizen, third["consentId"].as_str().unwrap(), "maybe").await;
    assert_eq!((status, fields(&body)), (400, vec!["decision".to_owned()]));
}

#[tokio::test]
async fn only_a_stations_agent_asks_and_only_a_face_verified_account_can_be_asked() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let agent = app.demo_token("daiban").await;
    // A number only typed in by some account, and a number with no account at all.
    app.citizen("proxy-claimed", 64).await;
    for n in [64, 65] {
        let (status, body) = prepare(&app, &agent, n).await;
        assert_eq!((status, code(&body)), (422, "CONSENT_UNREACHABLE"), "{n}");
    }
    // Window staff take applications in; they do not 代办.
    let (_, _) = app.verified_citizen("proxy-window", 66).await;
    let clerk = app.demo_token("chuangkou").await;
    assert_eq!(prepare(&app, &clerk, 66).await.0, 403);

    let before = app.dump().await;
    // An item the station does not handle, and a bad applicant, write nothing.
    let body = json!({
        "channel": "proxy", "itemCode": "BDC-0001",
        "applicant": { "realName": "测试", "idNumber": id_number(66), "phone": "13800000000" },
        "form": {}, "materials": [],
    });
    let mut req = event("submission-create").bearer(&agent).json(&body);
    req.headers_mut().remove("idempotency-key");
    assert_eq!(call(&app, req).await.0, 403);
    let body = json!({
        "channel": "proxy", "itemCode": "YBJ-0001",
        "applicant": { "realName": "测试", "idNumber": "110105198001010011", "phone": "1380000" },
        "form": { "applicantName": "测试", "phone": "13800000000" }, "materials": [],
    });
    let mut req = event("submission-create").bearer(&agent).json(&body);
    req.headers_mut().remove("idempotency-key");
    let (status, body) = call(&app, req).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        fields(&body),
        ["applicant.idNumber", "applicant.phone", "materials"],
        "{body}"
    );
    app.assert_unchanged(&before).await;
}
