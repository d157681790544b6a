//! Department decisions, documents and results: 准予 / 不予许可 on an accepted case, the case's
//! documents (受理回执, 一次性告知书, 不予许可决定书), result delivery (出件), and what an
//! approver opens to judge a case (materials, the applicant's identity), each opening audited.

use fingertip_tests::{EventExt, TestApp, code, event, id_number, read, spawn_app};
use serde_json::{Value, json};

async fn receipt(app: &TestApp, token: &str, no: &str) -> (u16, Value) {
    read(
        app.invoke("progress", event("progress-receipt").bearer(token).path_param("no", no))
            .await,
    )
}

/// The audit records of a member of staff: (action, reason).
async fn trail(app: &TestApp, user: &str) -> Vec<(String, Option<String>)> {
    let id = model::StaffId::derived(user);
    app.trail_of(id.as_str())
        .await
        .into_iter()
        .map(|e| (e.action, e.reason))
        .collect()
}

#[tokio::test]
async fn an_accepted_case_is_approved_once_and_stays_accepted_until_it_is_completed() {
    let app = spawn_app().await;
    let (citizen, _) = app.citizen("decide-approve", 50).await;
    let no = app.submitted_application(&citizen).await;
    let rsj = app.demo_token("rsj").await;
    let approve =
        json!({ "action": "decide", "decision": "approve", "basis": "《社会保险法》第五十八条", "version": 1 });
    let (status, body) = app.transition(&rsj, &no, approve.clone()).await;
    assert_eq!(
        (status, code(&body)),
        (409, "INVALID_TRANSITION"),
        "a submitted case is not decided"
    );
    assert_eq!(
        app.transition(&rsj, &no, json!({ "action": "accept", "version": 1 }))
            .await
            .0,
        200
    );
    let mut at_two = approve.clone();
    at_two["version"] = json!(2);
    let (status, v) = app.transition(&rsj, &no, at_two).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "accepted");
    assert_eq!(v["subCases"][0]["decision"]["verdict"], "approve");
    let mut again = approve.clone();
    again["version"] = json!(3);
    let (status, body) = app.transition(&rsj, &no, again).await;
    assert_eq!((status, code(&body)), (409, "INVALID_TRANSITION"), "decided once");
    let (status, v) = app
        .transition(&rsj, &no, json!({ "action": "complete", "version": 3 }))
        .await;
    assert_eq!((status, v["status"].as_str()), (200, Some("completed")));
}

#[tokio::test]
async fn a_denial_needs_its_legal_basis_and_reason_ends_the_case_and_tells_the_citizen_why() {
    let app = spawn_app().await;
    let (citizen, _) = app.citizen("decide-deny", 51).await;
    let no = app.submitted_application(&citizen).await;
    let rsj = app.demo_token("rsj").await;
    app.transition(&rsj, &no, json!({ "action": "accept", "version": 1 }))
        .await;
    let before = app.dump().await;
    for (body, field) in [
        (
            json!({ "action": "decide", "decision": "deny", "basis": "《社会保险法》", "version": 2 }),
            "reason",
        ),
        (
            json!({ "action": "decide", "decision": "deny", "reason": "不符合条件", "version": 2 }),
            "basis",
        ),
        (
            json!({ "action": "decide", "decision": "maybe", "basis": "x", "version": 2 }),
            "decision",
        ),
        (
            json!({ "action": "accept", "decision": "deny", "version": 2 }),
            "decision",
        ),
    ] {
        let (status, reply) = app.transition(&rsj, &no, body).await;
        assert_eq!(status, 400, "{reply}");
        assert!(
            reply["error"]["details"]["fields"][field].is_string(),
            "{field}: {reply}"
        );
    }
    assert_eq!(app.dump().await, before, "refused decisions write nothing");

    let deny = json!({
        "action": "decide", "decision": "deny", "version": 2,
        "basis": "《社会保障卡管理办法》第十条", "reason": "申请人已持有有效社会保障卡，不得重复申领",
    });
    let (status, v) = app.transition(&rsj, &no, deny).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["statusText"].as_str()),
        (Some("denied"), Some("不予许可"))
    );
    let outbox = app.outbox().await;
    let notice = outbox
        .values()
        .find(|n| n["kind"] == "application_denied")
        .expect("the citizen is told");
    assert!(
        notice["data"]["note"].as_str().unwrap().contains("不得重复申领"),
        "{notice}"
    );

    let (status, doc) = receipt(&app, &citizen, &no).await;
    assert_eq!(status, 200, "{doc}");
    assert_eq!(
        (doc["kind"].as_str(), doc["title"].as_str()),
        (Some("denial_decision"), Some("不予许可决定书"))
    );
    assert_eq!(doc["cases"][0]["basis"], "《社会保障卡管理办法》第十条");
    assert!(doc["cases"][0]["reason"].as_str().unwrap().contains("不得重复申领"));
    let req = event("submission-withdraw").bearer(&citizen).path_param("no", &no);
    assert_eq!(
        read(app.invoke("submission", req).await).0,
        409,
        "a decided case is not withdrawn"
    );
}

#[tokio::test]
async fn the_receipt_says_what_was_received_when_by_whom_with_the_limits_deadline_and_lookup() {
    let app = spawn_app().await;
    let (citizen, _) = app.citizen("receipt-owner", 52).await;
    let (stranger, _) = app.citizen("receipt-stranger", 53).await;
    let no = app.submitted_application(&citizen).await;
    let (_, doc) = receipt(&app, &citizen, &no).await;
    assert_eq!(doc["kind"], "submission_receipt");
    assert_eq!(doc["materials"], json!(["M-ID", "M-PHOTO"]));
    assert_eq!(doc["lookup"]["applicationNo"], no.as_str());

    let rsj = app.demo_token("rsj").await;
    app.transition(&rsj, &no, json!({ "action": "accept", "version": 1 }))
        .await;
    let (_, doc) = receipt(&app, &citizen, &no).await;
    assert_eq!(
        (doc["kind"].as_str(), doc["title"].as_str()),
        (Some("acceptance_receipt"), Some("受理回执"))
    );
    let case = &doc["cases"][0];
    assert_eq!(case["decidedByDept"], "RSJ");
    assert!(case["legalDays"].as_u64().unwrap() >= case["promisedDays"].as_u64().unwrap());
    assert!(case["deadline"].is_string() && case["acceptedAt"].is_string(), "{doc}");

    let correction = json!({
        "action": "request_correction", "note": "请补正", "correctionItems": ["近期免冠证件照", "身份证反面"], "version": 2
    });
    app.transition(&rsj, &no, correction).await;
    let (_, doc) = receipt(&app, &rsj, &no).await;
    assert_eq!(doc["kind"], "correction_notice");
    assert_eq!(
        doc["cases"][0]["correctionItems"],
        json!(["近期免冠证件照", "身份证反面"])
    );
    assert_eq!(receipt(&app, &stranger, &no).await.0, 404);

    // Another application refused at acceptance: the 不予受理决定书 with its reason.
    let refused = app.submitted_application(&citizen).await;
    let reject = json!({ "action": "reject", "note": "不属于本部门职权范围", "version": 1 });
    assert_eq!(app.transition(&rsj, &refused, reject).await.0, 200);
    let (_, doc) = receipt(&app, &citizen, &refused).await;
    assert_eq!(
        (doc["kind"].as_str(), doc["title"].as_str()),
        (Some("rejection_decision"), Some("不予受理决定书"))
    );
    assert_eq!(doc["cases"][0]["reason"], "不属于本部门职权范围");
    assert_eq!(receipt(&app, &app.demo_token("scjg").await, &no).await.0, 404);
}

#[tokio::test]
async fn a_completed_result_is_delivered_once_as_the_applicant_chose_and_they_are_told() {
    let app = spawn_app().await;
    let (citizen, _) = app.citizen("deliver-mail", 54).await;
    let id = app.upload(&citizen, "身份证.jpg").await;
    let photo = app.upload(&citizen, "照片.jpg").await;
    let body = json!({
        "itemCode": "RSJ-0001",
        "form": { "applicantName": "张三", "phone": "13812345678" },
        "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-PHOTO", "objectKey": photo }],
        "delivery": { "method": "mail", "address": "重庆市沙坪坝区天星桥正街1号" },
    });
    let mut req = event("submission-create").bearer(&citizen).json(&body);
    req.headers_mut().remove("idempotency-key");
    let (status, created) = read(app.invoke("submission", req).await);
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["delivery"]["method"], "mail");
    let no = created["applicationNo"].as_str().unwrap().to_owned();
    let rsj = app.demo_token("rsj").await;
    let deliver = |body: Value| {
        event("submission-delivery")
            .bearer(&rsj)
            .path_param("no", &no)
            .json(&body)
    };
    let mail = json!({ "method": "mail", "trackingNo": "SF1402938475610" });
    assert_eq!(
        read(app.invoke("submission", deliver(mail.clone())).await).0,
        409,
        "not completed yet"
    );
    app.transition(&rsj, &no, json!({ "action": "accept", "version": 1 }))
        .await;
    app.transition(&rsj, &no, json!({ "action": "complete", "version": 2 }))
        .await;
    let (status, reply) = read(app.invoke("submission", deliver(json!({ "method": "mail" }))).await);
    assert_eq!(status, 400);
    assert!(reply["error"]["details"]["fields"]["trackingNo"].is_string());
    let (status, v) = read(app.invoke("submission", deliver(mail.clone())).await);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["delivered"]["trackingNo"], "SF1402938475610");
    assert_eq!(
        read(app.invoke("submission", deliver(mail)).await).0,
        409,
        "delivered once"
    );
    let outbox = app.outbox().await;
    assert!(
        outbox.values().any(|n| n["kind"] == "result_delivered"),
        "the citizen is told"
    );
}

#[tokio::test]
async fn a_result_taken_in_at_a_window_is_handed_out_at_that_window() {
    let app = spawn_app().await;
    let clerk = app.demo_token("chuangkou").await;
    let id = app.upload(&clerk, "身份证扫描件.jpg").await;
    let photo = app.upload(&clerk, "照片.jpg").await;
    let body = json!({
        "itemCode": "RSJ-0001", "channel": "window",
        "applicant": { "realName": "王五", "idNumber": id_number(55), "phone": "13900001111" },
        "form": { "applicantName": "王五", "phone": "13900001111" },
        "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-PHOTO", "objectKey": photo }],
    });
    let mut req = event("submission-create").bearer(&clerk).json(&body);
    req.headers_mut().remove("idempotency-key");
    let (_, created) = read(app.invoke("submission", req).await);
    assert_eq!(created["delivery"]["method"], "window");
    let no = created["applicationNo"].as_str().unwrap().to_owned();
    let rsj = app.demo_token("rsj").await;
    app.transition(&rsj, &no, json!({ "action": "accept", "version": 1 }))
        .await;
    app.transition(&rsj, &no, json!({ "action": "complete", "version": 2 }))
        .await;
    let (status, doc) = receipt(&app, &clerk, &no).await;
    assert_eq!((status, doc["receivedByWindow"].as_str()), (200, Some("spb-center.C")));
    let req = event("submission-delivery")
        .bearer(&clerk)
        .path_param("no", &no)
        .json(&json!({ "method": "window" }));
    let (status, v) = read(app.invoke("submission", req).await);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["delivered"]["method"], "window");
    assert!(
        trail(&app, "chuangkou")
            .await
            .iter()
            .any(|(a, _)| a == "application.deliver")
    );
}

#[tokio::test]
async fn materials_open_through_a_short_lived_link_for_the_cases_department_only_and_each_opening_is_audited() {
    let app = spawn_app().await;
    let (citizen, _) = app.citizen("materials-owner", 56).await;
    let no = app.submitted_application(&citizen).await;
    let (_, v) = read(
        app.invoke("progress", event("progress-get").bearer(&citizen).path_param("no", &no))
            .await,
    );
    let key = v["materials"][0]["objectKey"].as_str().unwrap().to_owned();
    let open = |token: &str, key: &str| {
        event("submission-material")
            .bearer(token)
            .path_param("no", &no)
            .path_param("objectKey", key)
    };
    let rsj = app.demo_token("rsj").await;
    let (status, opened) = read(app.invoke("submission", open(&rsj, &key)).await);
    assert_eq!(status, 200, "{opened}");
    assert_eq!(
        (opened["materialCode"].as_str(), opened["expiresIn"].as_u64()),
        (Some("M-ID"), Some(120))
    );
    let url = opened["url"].as_str().unwrap();
    assert!(url.contains("X-Amz-Expires=120"), "{url}");
    let fetched = reqwest::get(url).await.unwrap();
    assert!(
        fetched.status().is_success(),
        "the link serves the file: {}",
        fetched.status()
    );

    let scjg = app.demo_token("scjg").await;
    assert_eq!(
        read(app.invoke("submission", open(&scjg, &key)).await).0,
        404,
        "another department's case"
    );
    let foreign = format!("{}x.jpg", key.trim_end_matches(".jpg"));
    assert_eq!(
        read(app.invoke("submission", open(&rsj, &foreign)).await).0,
        404,
        "not this case's material"
    );
    let opened: Vec<_> = trail(&app, "rsj")
        .await
        .into_iter()
        .filter(|(a, _)| a == "material.open")
        .collect();
    assert_eq!(opened.len(), 1, "each opening audited, refusals not: {opened:?}");
}

#[tokio::test]
async fn the_applicants_identity_opens_unmasked_only_with_a_reason_and_the_reason_is_on_the_trail() {
    let app = spawn_app().await;
    let (citizen, _) = app.citizen("identity-owner", 57).await;
    let no = app.submitted_application(&citizen).await;
    let rsj = app.demo_token("rsj").await;
    let ask = |token: &str, reason: Option<&str>| {
        let req = event("submission-applicant").bearer(token).path_param("no", &no);
        match reason {
            Some(r) => req.query(&[("reason", r)]),
            None => req.query(&[]),
        }
    };
    let (status, body) = read(app.invoke("submission", ask(&rsj, None)).await);
    assert_eq!(status, 400);
    assert!(body["error"]["details"]["fields"]["reason"].is_string());
    let scjg = app.demo_token("scjg").await;
    assert_eq!(
        read(app.invoke("submission", ask(&scjg, Some("核对身份"))).await).0,
        404
    );
    assert!(trail(&app, "rsj").await.is_empty(), "refusals leave no record");

    let (status, who) = read(app.invoke("submission", ask(&rsj, Some("核对申请人身份信息"))).await);
    assert_eq!(status, 200, "{who}");
    assert_eq!(who["idNumber"], id_number(57));
    assert_eq!(who["phone"], "13800000000");
    assert_eq!(
        trail(&app, "rsj").await,
        vec![("identity.open".to_owned(), Some("核对申请人身份信息".to_owned()))]
    );
}
