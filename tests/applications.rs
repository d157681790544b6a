//! Applications through their whole life, against the real local store and S3: an item and
//! a package, the correction loop with the clock stopped, deadlines across a holiday and a
//! 调休 weekend, idempotent submission and racing staff.

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use futures::future::join_all;
use serde_json::{Value, json};

/// 2026-09-30 is the Wednesday before 国庆 (10-01..10-07); 10-10 is a 调休 Saturday.
const BEFORE_HOLIDAY: &str = "2026-09-30T09:00";

async fn submit(app: &TestApp, token: &str, body: &Value) -> (u16, Value) {
    let mut req = event("submission-create").bearer(token).json(body);
    req.headers_mut().remove("idempotency-key");
    read(app.invoke("submission", req).await)
}

async fn social_card(app: &TestApp, token: &str) -> Value {
    let id = app.upload(token, "身份证.jpg").await;
    let photo = app.upload(token, "照片.jpg").await;
    json!({
        "itemCode": "RSJ-0001",
        "form": { "applicantName": "张三", "phone": "13812345678" },
        "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-PHOTO", "objectKey": photo }],
    })
}

async fn act(app: &TestApp, staff: &str, no: &str, body: Value) -> (u16, Value) {
    let req = event("submission-transition")
        .bearer(staff)
        .path_param("no", no)
        .json(&body);
    read(app.invoke("submission", req).await)
}

async fn view(app: &TestApp, token: &str, no: &str) -> Value {
    let (status, v) = read(
        app.invoke("progress", event("progress-get").bearer(token).path_param("no", no))
            .await,
    );
    assert_eq!(status, 200, "{v}");
    v
}

#[tokio::test]
async fn an_item_goes_from_submission_through_correction_to_completion_with_every_step_recorded() {
    let app = spawn_app().await;
    app.set_time(BEFORE_HOLIDAY);
    let (token, _) = app.citizen("lifecycle", 1).await;
    let staff = app.staff_token("RSJ", None).await;
    let (status, created) = submit(&app, &token, &social_card(&app, &token).await).await;
    assert_eq!(status, 201, "{created}");
    let no = created["applicationNo"].as_str().unwrap().to_owned();
    assert!(no.len() <= 20 && no.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
    assert_eq!(created["status"], "submitted");

    // Accepted on Wednesday 09-30 with 5 promised days: 10-08, 10-09, 10-10 (调休), 10-12, 10-13.
    let (status, v) = act(
        &app,
        &staff,
        &no,
        json!({ "action": "accept", "note": "材料齐全", "version": 1 }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["deadline"], "2026-10-13");
    assert_eq!(v["status"], "accepted");

    // On 10-09 a material turns out unreadable: the clock stops with 3 working days left
    // (10-10, 10-12, 10-13).
    app.set_time("2026-10-09T10:00");
    let (status, v) = act(
        &app,
        &staff,
        &no,
        json!({ "action": "request_correction", "note": "照片不清晰", "correctionItems": ["近期免冠证件照（电子版）"], "version": 2 }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "correction_required");
    assert!(v["deadline"].is_null(), "the clock is stopped");
    assert_eq!(v["correction"]["items"][0], "近期免冠证件照（电子版）");
    assert_eq!(v["subCases"][0]["clockStopped"], true);

    // The citizen corrects on Monday 10-19: the 3 working days left run 10-20, 10-21, 10-22.
    app.set_time("2026-10-19T09:00");
    let photo = app.upload(&token, "新照片.jpg").await;
    let req = event("submission-correct")
        .bearer(&token)
        .path_param("no", &no)
        .json(&json!({ "materials": [{ "code": "M-PHOTO", "objectKey": photo }] }));
    let (status, v) = read(app.invoke("submission", req).await);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "accepted");
    assert_eq!(v["deadline"], "2026-10-22");

    let (status, v) = act(
        &app,
        &staff,
        &no,
        json!({ "action": "complete", "note": "已制卡", "version": 4 }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let v = view(&app, &token, &no).await;
    assert_eq!(v["status"], "completed");
    let steps: Vec<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["submit", "accept", "request_correction", "resubmit", "complete"]
    );
    assert!(
        v["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["at"].is_string() && e["actor"].is_string())
    );
    // The applicant sees which department acted, never the member's internal id.
    assert_eq!(v["timeline"][1]["actor"], "staff");
    assert_eq!(v["timeline"][1]["deptCode"], "RSJ");
    assert!(v["timeline"][1].get("staffId").is_none(), "{v}");
    assert!(!v.to_string().contains("staff-RSJ"), "{v}");
    assert_eq!(v["form"]["phone"], "138****5678", "identity fields are masked in views");
}

#[tokio::test]
async fn a_package_fans_out_into_one_case_per_department_and_completes_when_all_do() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let (token, _) = app.citizen("package", 2).await;
    let id = app.upload(&token, "身份证.jpg").await;
    let card = app.upload(&token, "银行卡.jpg").await;
    let body = json!({
        "packageCode": "YJS-004",
        "form": { "retireDate": "2026-12-31", "phone": "13812345678", "bankAccount": "6222020000000000000" },
        "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-BANK", "objectKey": card }],
    });
    let (status, created) = submit(&app, &token, &body).await;
    assert_eq!(status, 201, "{created}");
    let no = created["applicationNo"].as_str().unwrap().to_owned();
    let depts: Vec<&str> = created["subCases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["deptCode"].as_str().unwrap())
        .collect();
    assert_eq!(depts, ["RSJ", "GJJ"]);
    let rsj = app.staff_token("RSJ", None).await;
    let gjj = app.staff_token("GJJ", None).await;
    assert_eq!(
        act(&app, &rsj, &no, json!({ "action": "accept", "version": 1 }))
            .await
            .0,
        200
    );
    assert_eq!(
        view(&app, &token, &no).await["status"],
        "submitted",
        "GJJ has not accepted yet"
    );
    assert_eq!(
        act(&app, &gjj, &no, json!({ "action": "accept", "version": 2 }))
            .await
            .0,
        200
    );
    assert_eq!(view(&app, &token, &no).await["status"], "accepted");
    assert_eq!(
        act(&app, &gjj, &no, json!({ "action": "complete", "version": 3 }))
            .await
            .0,
        200
    );
    assert_eq!(
        view(&app, &token, &no).await["status"],
        "accepted",
        "RSJ is still working"
    );
    assert_eq!(
        act(&app, &rsj, &no, json!({ "action": "complete", "version": 4 }))
            .await
            .0,
        200
    );
    assert_eq!(view(&app, &token, &no).await["status"], "completed");

    // Its 差评 counts against every department behind the package, not the first alone.
    let rating = json!({ "rating": 2, "indicators": { "整体满意度": 2 }, "tags": ["多次跑动"] });
    let req = event("evaluation-application")
        .bearer(&token)
        .path_param("no", &no)
        .json(&rating);
    let (status, rated) = read(app.invoke("evaluation", req).await);
    assert_eq!(status, 201, "{rated}");
    for dept in ["RSJ", "GJJ"] {
        let q = [("dept", dept), ("from", "2026-12-01"), ("to", "2026-12-31")];
        let (_, figures) = read(app.invoke("evaluation", event("evaluation-stats").query(&q)).await);
        assert_eq!(
            (figures["count"].as_i64(), figures["badRate"].as_f64()),
            (Some(1), Some(1.0)),
            "{dept}: {figures}"
        );
    }
}

#[tokio::test]
async fn twenty_concurrent_submissions_with_one_idempotency_key_make_one_application() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("idem-app", 3).await;
    let body = social_card(&app, &token).await;
    let req = || {
        let mut r = event("submission-create").bearer(&token).json(&body);
        r.headers_mut().insert("idempotency-key", "same-key-1".parse().unwrap());
        r
    };
    let results = join_all((0..20).map(|_| async { read(app.invoke("submission", req()).await) })).await;
    assert!(results.iter().all(|(s, _)| *s == 201), "{results:?}");
    let numbers: std::collections::HashSet<&str> = results
        .iter()
        .map(|(_, b)| b["applicationNo"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 1);
    let (_, mine) = read(app.invoke("progress", event("progress-mine").bearer(&token)).await);
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let mut other = body.clone();
    other["form"]["applicantName"] = json!("李四");
    let mut r = event("submission-create").bearer(&token).json(&other);
    r.headers_mut().insert("idempotency-key", "same-key-1".parse().unwrap());
    let (status, reply) = read(app.invoke("submission", r).await);
    assert_eq!((status, code(&reply)), (422, "IDEMPOTENCY_KEY_REUSED"));
}

#[tokio::test]
async fn two_staff_racing_on_one_version_give_one_success_and_one_conflict() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("race-app", 4).await;
    let (_, created) = submit(&app, &token, &social_card(&app, &token).await).await;
    let no = created["applicationNo"].as_str().unwrap().to_owned();
    let staff = app.staff_token("RSJ", None).await;
    let (a, b) = tokio::join!(
        act(&app, &staff, &no, json!({ "action": "accept", "version": 1 })),
        act(
            &app,
            &staff,
            &no,
            json!({ "action": "reject", "note": "不属于本部门职权", "version": 1 })
        ),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    let loser = if a.0 == 409 { &a.1 } else { &b.1 };
    assert_eq!(code(loser), "VERSION_CONFLICT");
    assert_eq!(view(&app, &token, &no).await["timeline"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_instant_item_is_accepted_and_completed_on_the_spot() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("instant", 5).await;
    let id = app.upload(&token, "身份证.jpg").await;
    let place = app.upload(&token, "场所证明.jpg").await;
    let body = json!({
        "itemCode": "SCJG-0002",
        "form": { "applicantName": "张三", "phone": "13812345678" },
        "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-PLACE", "objectKey": place }],
    });
    let (_, created) = submit(&app, &token, &body).await;
    let no = created["applicationNo"].as_str().unwrap();
    let (status, v) = act(
        &app,
        &app.staff_token("SCJG", None).await,
        no,
        json!({ "action": "complete", "version": 1 }),
    )
    .await;
    assert_eq!((status, v["status"].as_str()), (200, Some("completed")), "{v}");
    assert!(v["subCases"][0]["acceptedAt"].is_string());
}
