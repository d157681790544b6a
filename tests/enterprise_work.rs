//! Work made for an enterprise (法人): an agent's applications and bookings, which all its
//! members see in its lists and staff see with the enterprise; ratings of them; and items
//! that say whether they are applied for as an enterprise.

use fingertip_tests::{EventExt, TestApp, code, event, fields, read, spawn_app};
use serde_json::{Value, json};

const CODE: &str = "91500106MA60A1B2CK";

async fn call(app: &TestApp, binary: &str, req: lambda_http::Request) -> (u16, Value) {
    read(app.invoke(binary, req).await)
}

/// The representative (person 31) and an agent (person 32) authorized until `until`.
async fn enterprise_with_agent(app: &TestApp, until: &str) -> (String, String) {
    app.register_enterprise(CODE, 31).await;
    let (rep, _) = app.verified_citizen("ent-rep", 31).await;
    let (agent, _) = app.verified_citizen("ent-agent", 32).await;
    app.authorize_agent(&rep, CODE, 32, until).await;
    (rep, agent)
}

#[tokio::test]
async fn an_agents_application_is_the_enterprises_and_every_member_sees_it() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let (rep, agent) = enterprise_with_agent(&app, "2027-01-31").await;

    let (status, created) = app.apply_for_enterprise(&agent, Some(CODE)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["enterprise"]["creditCode"], CODE);
    assert_eq!(created["enterprise"]["name"], "重庆示例科技有限公司");
    let no = created["applicationNo"].as_str().unwrap();

    // The representative's list of the enterprise holds the agent's work.
    let list = event("progress-mine").bearer(&rep).query(&[("enterprise", CODE)]);
    let (status, listed) = call(&app, "progress", list).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["items"][0]["applicationNo"], no);
    assert_eq!(listed["items"][0]["mine"], false);
    // Their own list does not: it is the agent's application.
    let (_, own) = call(&app, "progress", event("progress-mine").bearer(&rep)).await;
    assert!(own["items"].as_array().unwrap().is_empty(), "{own}");

    // The department sees the enterprise with the application.
    let scjg = app.demo_token("scjg").await;
    let (status, seen) = call(
        &app,
        "progress",
        event("progress-get").bearer(&scjg).path_param("no", no),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["enterprise"]["creditCode"], CODE);

    // A stranger, verified or not, neither lists nor applies for it.
    let (stranger, _) = app.verified_citizen("ent-stranger", 34).await;
    let list = event("progress-mine").bearer(&stranger).query(&[("enterprise", CODE)]);
    let (status, body) = call(&app, "progress", list).await;
    assert_eq!((status, code(&body)), (403, "ENTERPRISE_NOT_AUTHORIZED"));
    let (status, body) = app.apply_for_enterprise(&stranger, Some(CODE)).await;
    assert_eq!((status, code(&body)), (403, "ENTERPRISE_NOT_AUTHORIZED"));
}

#[tokio::test]
async fn an_item_says_whether_it_is_applied_for_as_an_enterprise() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let (_, agent) = enterprise_with_agent(&app, "2027-01-31").await;
    let before = app.dump().await;
    // A 法人 item without an enterprise, and a personal item with one.
    let (status, body) = app.apply_for_enterprise(&agent, None).await;
    assert_eq!((status, fields(&body)), (400, vec!["enterprise".to_owned()]), "{body}");
    let body = json!({ "itemCode": "RSJ-0001", "enterprise": CODE,
                       "form": { "applicantName": "测试", "phone": "13800000000" }, "materials": [] });
    let mut req = event("submission-create").bearer(&agent).json(&body);
    req.headers_mut().remove("idempotency-key");
    let (status, body) = call(&app, "submission", req).await;
    assert_eq!((status, fields(&body)), (400, vec!["enterprise".to_owned()]), "{body}");
    // A malformed code is named, not looked up.
    let list = event("progress-mine")
        .bearer(&agent)
        .query(&[("enterprise", "not-a-code")]);
    let (status, body) = call(&app, "progress", list).await;
    assert_eq!((status, fields(&body)), (400, vec!["enterprise".to_owned()]));
    // Only the material uploads of the attempts were written.
    let after: Vec<String> = app
        .dump()
        .await
        .into_iter()
        .filter(|i| !i.contains("UPLOAD") && !i.contains("UQ#"))
        .collect();
    let before: Vec<String> = before
        .into_iter()
        .filter(|i| !i.contains("UPLOAD") && !i.contains("UQ#"))
        .collect();
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_visit_booked_for_the_enterprise_shows_in_its_list_without_the_code() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T08:00");
    let (rep, agent) = enterprise_with_agent(&app, "2027-01-31").await;
    let body = json!({ "slotId": "spb-center.20261202.1000.A", "itemCode": "SCJG-0003", "enterprise": CODE });
    let (status, booked) = call(&app, "booking", event("booking-create").bearer(&agent).json(&body)).await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(booked["enterprise"]["creditCode"], CODE);

    let list = event("booking-mine").bearer(&rep).query(&[("enterprise", CODE)]);
    let (status, listed) = call(&app, "booking", list).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["items"][0]["id"], booked["id"]);
    assert_eq!(listed["items"][0]["verificationCode"], "", "the code is the visitor's");
}

#[tokio::test]
async fn a_rating_of_the_enterprises_application_is_the_enterprises() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let (_, agent) = enterprise_with_agent(&app, "2027-01-31").await;
    let (_, created) = app.apply_for_enterprise(&agent, Some(CODE)).await;
    let no = created["applicationNo"].as_str().unwrap();
    let scjg = app.demo_token("scjg").await;
    for (action, version) in [("accept", 1), ("complete", 2)] {
        let (status, body) = app
            .transition(&scjg, no, json!({ "action": action, "version": version }))
            .await;
        assert_eq!(status, 200, "{action}: {body}");
    }
    let req = event("evaluation-application")
        .bearer(&agent)
        .path_param("no", no)
        .json(&json!({ "rating": 5 }));
    let (status, review) = call(&app, "evaluation", req).await;
    assert_eq!(status, 201, "{review}");
    assert_eq!(review["enterprise"]["creditCode"], CODE);
}
