//! 咨询投诉: a case routed by what it names (or to dispatch), answered by the desk that holds
//! it, extended once on a supervisor's word, rated and reopened once; conduct complaints
//! kept from the staff they concern, anonymous citizens from every department.

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use serde_json::{Value, json};

async fn file(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    read(
        app.invoke(
            "feedback",
            event("feedback-create").bearer(token).without_idempotency().json(&body),
        )
        .await,
    )
}

async fn step(app: &TestApp, staff: &str, no: &str, body: Value) -> (u16, Value) {
    let req = event("feedback-transition")
        .bearer(staff)
        .path_param("no", no)
        .json(&body);
    read(app.invoke("feedback", req).await)
}

async fn staff_get(app: &TestApp, staff: &str, no: &str) -> (u16, Value) {
    read(
        app.invoke(
            "feedback",
            event("feedback-staff-get").bearer(staff).path_param("no", no),
        )
        .await,
    )
}

async fn own(app: &TestApp, token: &str, no: &str) -> (u16, Value) {
    read(
        app.invoke("feedback", event("feedback-get").bearer(token).path_param("no", no))
            .await,
    )
}

async fn rate(app: &TestApp, token: &str, no: &str, result: &str) -> (u16, Value) {
    let req = event("feedback-rating")
        .bearer(token)
        .path_param("no", no)
        .json(&json!({ "result": result }));
    read(app.invoke("feedback", req).await)
}

/// The numbers on a desk's list as `staff` reads it.
async fn desk(app: &TestApp, staff: &str, query: &[(&str, &str)]) -> Vec<String> {
    let req = event("feedback-staff").bearer(staff).query(query);
    let (status, body) = read(app.invoke("feedback", req).await);
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["feedbackNo"].as_str().unwrap().to_owned())
        .collect()
}

fn no_of(body: &Value) -> String {
    body["feedbackNo"].as_str().expect("a number").to_owned()
}

#[tokio::test]
async fn a_complaint_about_a_department_reaches_its_approvers_alone_and_its_reply_reaches_the_citizen() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T07:30");
    let (alice, _) = app.login("fb-alice").await;
    let (bob, _) = app.login("fb-bob").await;
    let (status, filed) = file(
        &app,
        &alice,
        json!({
            "kind": "complaint", "content": "窗口未一次性告知，请回电13812345678", "about": { "deptCode": "RSJ" }
        }),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(filed["status"], "received");
    assert_eq!(
        filed["dueAt"], "2026-12-21T23:59:59+08:00",
        "13 working days from the day after"
    );
    assert!(
        !filed.to_string().contains("13812345678"),
        "free text is masked on the way out"
    );
    let no = no_of(&filed);

    let (rsj, scjg) = (app.demo_token("rsj").await, app.demo_token("scjg").await);
    assert_eq!(desk(&app, &rsj, &[]).await, std::slice::from_ref(&no));
    assert!(desk(&app, &scjg, &[]).await.is_empty(), "another department's desk");
    assert_eq!(staff_get(&app, &scjg, &no).await.0, 404);
    assert_eq!(
        own(&app, &bob, &no).await.0,
        404,
        "another citizen's case does not exist"
    );
    assert_eq!(
        step(&app, &scjg, &no, json!({ "action": "reply", "note": "答复" }))
            .await
            .0,
        404
    );

    let (status, replied) = step(&app, &rsj, &no, json!({ "action": "reply", "note": "已核实并致歉" })).await;
    assert_eq!(
        (status, replied["status"].as_str()),
        (200, Some("replied")),
        "{replied}"
    );
    let (_, mine) = own(&app, &alice, &no).await;
    assert_eq!(mine["reply"], "已核实并致歉");
    let actions: Vec<&str> = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["receive", "reply"]);
    assert!(mine["timeline"][1].get("actor").is_none() && mine["timeline"][1]["by"] == "office");
    let outbox = app.outbox().await;
    assert!(
        outbox
            .values()
            .any(|n| n["kind"] == "feedback_update" && n["source"] == format!("feedback:{no}"))
    );
    assert!(app.actions_of("rsj").await.contains(&"feedback.reply".to_owned()));

    let (_, mine) = read(app.invoke("feedback", event("feedback-mine").bearer(&alice)).await);
    assert_eq!(mine["items"][0]["feedbackNo"], no.as_str());
    let (_, theirs) = read(app.invoke("feedback", event("feedback-mine").bearer(&bob)).await);
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn a_case_naming_nothing_waits_at_dispatch_which_assigns_it_and_a_department_may_return_it() {
    let app = spawn_app().await;
    app.set_time("2026-12-04T23:59");
    let (alice, _) = app.login("fb-dispatch").await;
    let (_, filed) = file(
        &app,
        &alice,
        json!({ "kind": "help", "content": "老人不会用手机，怎么办社保认证？" }),
    )
    .await;
    let no = no_of(&filed);
    let (paidan, rsj, scjg) = (
        app.demo_token("paidan").await,
        app.demo_token("rsj").await,
        app.demo_token("scjg").await,
    );
    assert_eq!(desk(&app, &paidan, &[]).await, std::slice::from_ref(&no));
    let (_, seen) = staff_get(&app, &paidan, &no).await;
    assert_eq!(
        (seen["desk"].as_str(), seen["dispatchDue"].as_str()),
        (Some("dispatch"), Some("2026-12-07"))
    );
    assert_eq!(
        staff_get(&app, &rsj, &no).await.0,
        404,
        "not a department's until assigned"
    );

    let before = app.dump().await;
    for (bad, field) in [
        (json!({ "action": "assign", "note": "派单" }), "deptCode"),
        (
            json!({ "action": "assign", "note": "派单", "deptCode": "NOPE" }),
            "deptCode",
        ),
        (
            json!({ "action": "reply", "note": "答复", "deptCode": "RSJ" }),
            "deptCode",
        ),
        (
            json!({ "action": "request_extension", "note": "延期", "days": 9 }),
            "days",
        ),
        (json!({ "action": "close", "note": "x" }), "action"),
        (json!({ "action": "reply", "note": "  " }), "note"),
    ] {
        let (status, body) = step(&app, &paidan, &no, bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"]["details"]["fields"].get(field).is_some(), "{bad}: {body}");
    }
    app.assert_unchanged(&before).await;
    let (status, body) = step(&app, &paidan, &no, json!({ "action": "reply", "note": "答复" })).await;
    assert_eq!(
        (status, code(&body)),
        (409, "INVALID_TRANSITION"),
        "dispatch assigns, it does not answer"
    );

    app.set_time("2026-12-07T09:00");
    let (status, body) = step(
        &app,
        &paidan,
        &no,
        json!({ "action": "assign", "note": "社保认证", "deptCode": "SCJG" }),
    )
    .await;
    assert_eq!(
        (status, body["status"].as_str(), body["desk"].as_str()),
        (200, Some("assigned"), Some("dept:SCJG"))
    );
    assert_eq!(staff_get(&app, &rsj, &no).await.0, 404);
    let (status, body) = step(&app, &scjg, &no, json!({ "action": "return", "note": "属人社局职责" })).await;
    assert_eq!(
        (status, body["desk"].as_str(), body["status"].as_str()),
        (200, Some("dispatch"), Some("received"))
    );
    let (_, mine) = own(&app, &alice, &no).await;
    assert!(
        mine["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("note").is_none()),
        "the office's internal notes stay inside: {mine}"
    );
    let (status, body) = step(
        &app,
        &paidan,
        &no,
        json!({ "action": "assign", "note": "改派", "deptCode": "RSJ" }),
    )
    .await;
    assert_eq!((status, body["desk"].as_str()), (200, Some("dept:RSJ")));
}

#[tokio::test]
async fn an_unsatisfied_rating_reopens_the_case_once_and_the_second_closes_it() {
    let app = spawn_app().await;
    let (alice, _) = app.login("fb-reopen").await;
    let (_, filed) = file(
        &app,
        &alice,
        json!({ "kind": "consultation", "content": "营业执照变更要带什么？", "about": { "deptCode": "SCJG" } }),
    )
    .await;
    let no = no_of(&filed);
    let scjg = app.demo_token("scjg").await;
    assert_eq!(
        rate(&app, &alice, &no, "satisfied").await.0,
        409,
        "nothing to rate before the reply"
    );
    assert_eq!(
        step(&app, &scjg, &no, json!({ "action": "reply", "note": "见办事指南" }))
            .await
            .0,
        200
    );
    let (status, body) = rate(&app, &alice, &no, "unsatisfied").await;
    assert_eq!(
        (status, body["status"].as_str(), body["reopened"].as_bool()),
        (200, Some("assigned"), Some(true))
    );
    assert!(
        desk(&app, &scjg, &[("status", "assigned")]).await.contains(&no),
        "back on the desk (重办)"
    );
    assert_eq!(
        step(&app, &scjg, &no, json!({ "action": "reply", "note": "已电话详细说明" }))
            .await
            .0,
        200
    );
    let (status, body) = rate(&app, &alice, &no, "unsatisfied").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("closed")));
    let (status, body) = rate(&app, &alice, &no, "satisfied").await;
    assert_eq!((status, code(&body)), (409, "INVALID_TRANSITION"));
    let (status, _) = read(
        app.invoke(
            "feedback",
            event("feedback-rating")
                .bearer(&alice)
                .path_param("no", &no)
                .json(&json!({ "result": "great" })),
        )
        .await,
    );
    assert_eq!(status, 400);
}

#[tokio::test]
async fn one_extension_is_asked_for_and_a_supervisor_decides_it_on_the_record() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T10:00");
    let (alice, _) = app.login("fb-extend").await;
    let (_, filed) = file(
        &app,
        &alice,
        json!({ "kind": "complaint", "content": "排队两小时", "about": { "hallId": "spb-center" } }),
    )
    .await;
    let no = no_of(&filed);
    let (dating, rsj, jiancha) = (
        app.demo_token("dating").await,
        app.demo_token("rsj").await,
        app.demo_token("jiancha").await,
    );
    assert_eq!(staff_get(&app, &dating, &no).await.1["desk"], "hall:spb-center");
    let ask = json!({ "action": "request_extension", "note": "需调取录像", "days": 5 });
    assert_eq!(step(&app, &dating, &no, ask.clone()).await.0, 200);
    let (status, body) = step(&app, &dating, &no, ask).await;
    assert_eq!((status, code(&body)), (422, "EXTENSION_NOT_ALLOWED"));

    let decide = |token: String, body: Value| {
        let app = &app;
        let no = no.clone();
        async move {
            let req = event("feedback-extension")
                .bearer(&token)
                .path_param("no", &no)
                .json(&body);
            read(app.invoke("feedback", req).await)
        }
    };
    assert_eq!(decide(rsj, json!({ "approve": true, "note": "同意" })).await.0, 403);
    assert_eq!(
        decide(jiancha.clone(), json!({ "approve": "yes", "note": "同意" }))
            .await
            .0,
        400
    );
    let (status, body) = decide(jiancha.clone(), json!({ "approve": true, "note": "同意，按期答复" })).await;
    assert_eq!(
        (status, body["dueAt"].as_str()),
        (200, Some("2026-12-28T23:59:59+08:00")),
        "{body}"
    );
    let (status, body) = decide(jiancha, json!({ "approve": false, "note": "再议" })).await;
    assert_eq!((status, code(&body)), (409, "INVALID_TRANSITION"), "decided once");
    assert!(
        app.actions_of("dating")
            .await
            .contains(&"feedback.request_extension".to_owned())
    );
    assert!(
        app.actions_of("jiancha")
            .await
            .contains(&"feedback.extension_approve".to_owned())
    );
    let (_, mine) = own(&app, &alice, &no).await;
    assert_eq!(mine["dueAt"], "2026-12-28T23:59:59+08:00");
}

#[tokio::test]
async fn a_conduct_complaint_goes_to_the_supervisors_and_never_to_the_staff_it_concerns() {
    let app = spawn_app().await;
    let (alice, citizen) = app.login("fb-conduct").await;
    let (status, body) = file(
        &app,
        &alice,
        json!({
            "kind": "consultation", "content": "态度差", "conduct": true, "about": { "deptCode": "RSJ" }
        }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["details"]["fields"]["conduct"].is_string()),
        (400, true)
    );
    let (_, filed) = file(&app, &alice, json!({
        "kind": "complaint", "content": "窗口人员推诿", "conduct": true, "anonymous": true, "about": { "deptCode": "RSJ" }
    })).await;
    let no = no_of(&filed);
    let rsj = app.demo_token("rsj").await;
    assert!(desk(&app, &rsj, &[]).await.is_empty());
    assert_eq!(staff_get(&app, &rsj, &no).await.0, 404);
    let req = event("feedback-staff").bearer(&rsj).query(&[("desk", "supervision")]);
    assert_eq!(
        read(app.invoke("feedback", req).await).0,
        403,
        "only supervisors hold that desk"
    );

    let jiancha = app.demo_token("jiancha").await;
    let (status, seen) = staff_get(&app, &jiancha, &no).await;
    assert_eq!((status, seen["desk"].as_str()), (200, Some("supervision")));
    assert!(!seen.to_string().contains(&citizen), "anonymous: {seen}");
    let (status, body) = step(&app, &jiancha, &no, json!({ "action": "return", "note": "退回" })).await;
    assert_eq!(
        (status, code(&body)),
        (409, "INVALID_TRANSITION"),
        "dispatch would hand it to the department"
    );

    // A supervisor who belongs to the department complained about never sees it.
    let own_dept = app
        .enrol(
            "fb-jiancha-rsj",
            vec![model::staff::StaffRole::Supervisor],
            Some("RSJ"),
            vec![],
            vec![],
        )
        .await;
    assert_eq!(staff_get(&app, &own_dept, &no).await.0, 404);
    let req = event("feedback-staff")
        .bearer(&own_dept)
        .query(&[("desk", "supervision")]);
    let (_, list) = read(app.invoke("feedback", req).await);
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn an_anonymous_complainant_is_never_named_to_the_department() {
    let app = spawn_app().await;
    let (alice, citizen) = app.login("fb-anon").await;
    let rsj = app.demo_token("rsj").await;
    let (_, named) = file(
        &app,
        &alice,
        json!({ "kind": "suggestion", "content": "建议延长午间服务", "about": { "deptCode": "RSJ" } }),
    )
    .await;
    let (_, anon) = file(
        &app,
        &alice,
        json!({ "kind": "suggestion", "content": "建议增设自助机", "about": { "deptCode": "RSJ" }, "anonymous": true }),
    )
    .await;
    assert_eq!(
        staff_get(&app, &rsj, &no_of(&named)).await.1["citizenId"],
        citizen.as_str()
    );
    let (_, seen) = staff_get(&app, &rsj, &no_of(&anon)).await;
    assert!(seen.get("citizenId").is_none() && seen["anonymous"] == true, "{seen}");
    let req = event("feedback-staff").bearer(&rsj).query(&[("status", "received")]);
    let (_, list) = read(app.invoke("feedback", req).await);
    let anon_entry = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["feedbackNo"] == anon["feedbackNo"])
        .unwrap();
    assert!(!anon_entry.to_string().contains(&citizen));
}

#[tokio::test]
async fn filing_names_every_bad_field_writes_nothing_and_a_repeated_key_files_once() {
    let app = spawn_app().await;
    let (alice, _) = app.login("fb-bad").await;
    let (bob, _) = app.citizen("fb-bad-bob", 61).await;
    let bobs = app.submitted_application(&bob).await;
    let before = app.dump().await;
    for (bad, field) in [
        (json!({ "kind": "praise", "content": "好" }), "kind"),
        (json!({ "kind": "help", "content": "" }), "content"),
        (json!({ "kind": "help", "content": "x".repeat(1001) }), "content"),
        (
            json!({ "kind": "help", "content": "问", "about": { "deptCode": "RSJ", "hallId": "spb-center" } }),
            "about",
        ),
        (
            json!({ "kind": "help", "content": "问", "about": { "deptCode": "NOPE" } }),
            "about.deptCode",
        ),
        (
            json!({ "kind": "help", "content": "问", "about": { "applicationNo": bobs } }),
            "about.applicationNo",
        ),
    ] {
        let (status, body) = file(&app, &alice, bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"]["details"]["fields"].get(field).is_some(), "{bad}: {body}");
    }
    app.assert_unchanged(&before).await;

    let body = json!({ "kind": "consultation", "content": "公积金提取要多久？" });
    let send = |body: Value| {
        let app = &app;
        let alice = alice.clone();
        async move {
            read(
                app.invoke("feedback", event("feedback-create").bearer(&alice).json(&body))
                    .await,
            )
        }
    };
    let (first, again) = (send(body.clone()).await, send(body).await);
    assert_eq!((first.0, again.0), (201, 201));
    assert_eq!(first.1["feedbackNo"], again.1["feedbackNo"]);
    let (status, other) = send(json!({ "kind": "consultation", "content": "另一个问题" })).await;
    assert_eq!((status, code(&other)), (422, "IDEMPOTENCY_KEY_REUSED"));
}

#[tokio::test]
async fn a_supervisor_opens_an_anonymous_complainant_with_a_reason_on_the_trail_and_nobody_else_can() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T10:00");
    let (alice, _) = app.citizen("fb-anon", 1).await;
    let (status, filed) = file(
        &app,
        &alice,
        json!({ "kind": "complaint", "content": "窗口索要好处", "about": { "deptCode": "RSJ" }, "anonymous": true }),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    let no = no_of(&filed);
    let rsj = app.demo_token("rsj").await;
    let (_, seen) = staff_get(&app, &rsj, &no).await;
    assert!(seen.get("citizenId").is_none(), "{seen}");
    let open = |token: String, reason: Option<&'static str>| {
        let mut req = event("feedback-complainant").bearer(&token).path_param("no", &no);
        req = match reason {
            Some(r) => req.query(&[("reason", r)]),
            None => req.query(&[]),
        };
        app.invoke("feedback", req)
    };
    assert_eq!(read(open(rsj, Some("想知道是谁")).await).0, 403);
    let jiancha = app.demo_token("jiancha").await;
    let (status, body) = read(open(jiancha.clone(), None).await);
    assert_eq!((status, code(&body)), (400, "VALIDATION_FAILED"));
    let (status, who) = read(open(jiancha.clone(), Some("核查投诉线索")).await);
    assert_eq!(status, 200, "{who}");
    assert_eq!(
        (who["anonymous"].as_bool(), who["realName"].as_str()),
        (Some(true), Some("测试"))
    );
    let req = event("supervision-audit")
        .bearer(&jiancha)
        .query(&[("subject", format!("feedback:{no}").as_str())]);
    let (_, trail) = read(app.invoke("supervision", req).await);
    assert_eq!(trail["items"][0]["action"], "identity.open", "{trail}");
    assert_eq!(trail["items"][0]["reason"], "核查投诉线索");
}
