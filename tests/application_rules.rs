//! Application rules against the real local store: bad input refused with nothing written,
//! who may see and move what, the public lookup's uniform answers and rate limit, and the
//! deadline sweeper with the staff queue's overdue filter.

use fingertip_tests::{EventExt, TestApp, code, event, fields, read, spawn_app};
use serde_json::{Value, json};

async fn submit(app: &TestApp, token: &str, body: &Value) -> (u16, Value) {
    let mut req = event("submission-create").bearer(token).json(body);
    req.headers_mut().remove("idempotency-key");
    read(app.invoke("submission", req).await)
}

async fn submitted(app: &TestApp, token: &str) -> String {
    let id = app.upload(token, "身份证.jpg").await;
    let photo = app.upload(token, "照片.jpg").await;
    let body = json!({
        "itemCode": "RSJ-0001",
        "form": { "applicantName": "张三", "phone": "13812345678" },
        "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-PHOTO", "objectKey": photo }],
    });
    let (status, created) = submit(app, token, &body).await;
    assert_eq!(status, 201, "{created}");
    created["applicationNo"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn bad_submissions_name_every_problem_at_once_and_write_nothing() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("bad-input", 1).await;
    let (other, _) = app.citizen("someone-else", 2).await;
    let mine = app.upload(&token, "身份证.jpg").await;
    let theirs = app.upload(&other, "照片.jpg").await;
    let (token3, _) = app.login("no-identity").await;
    let before = app.dump().await;
    let cases = [
        (json!({ "itemCode": "NOPE-0001", "form": {} }), vec!["itemCode"]),
        (json!({ "packageCode": "YJS-999", "form": {} }), vec!["packageCode"]),
        (json!({ "form": {} }), vec!["itemCode"]),
        (json!({ "itemCode": "GAFJ-0004", "form": {} }), vec!["itemCode"]), // offline only
        (
            json!({ "itemCode": "RSJ-0001", "form": { "applicantName": 5, "phone": "12345", "age": 3 },
                    "materials": [{ "code": "M-ID", "objectKey": mine }, { "code": "M-PHOTO", "objectKey": theirs }] }),
            // A field the form lacks is reported as `form`: its name is the client's own.
            vec!["form", "form.applicantName", "form.phone", "materials[1].objectKey"],
        ),
        (
            json!({ "itemCode": "RSJ-0001", "form": { "applicantName": "张三", "phone": "13812345678" } }),
            vec!["materials"],
        ),
        (
            json!({ "itemCode": "RSJ-0001", "form": { "applicantName": "张三", "phone": "13812345678" },
                    "materials": [{ "code": "M-ID", "objectKey": "../../etc/passwd" }, { "code": "M-XYZ", "objectKey": mine }] }),
            vec!["materials", "materials[0].objectKey", "materials[1].code"],
        ),
    ];
    for (body, expected) in cases {
        let (status, reply) = submit(&app, &token, &body).await;
        assert_eq!((status, code(&reply)), (400, "VALIDATION_FAILED"), "{body}: {reply}");
        assert_eq!(fields(&reply), expected, "{body}");
    }
    let (status, reply) = submit(&app, &token3, &json!({ "itemCode": "RSJ-0001", "form": {} })).await;
    assert_eq!((status, code(&reply)), (403, "IDENTITY_REQUIRED"));
    app.assert_unchanged(&before).await;
}

#[tokio::test]
async fn only_the_owner_and_the_departments_involved_see_or_move_an_application() {
    let app = spawn_app().await;
    let (owner, _) = app.citizen("owner-app", 3).await;
    let (stranger, _) = app.citizen("stranger-app", 4).await;
    let no = submitted(&app, &owner).await;
    for (who, name) in [
        (&stranger, "progress-get"),
        (&stranger, "submission-withdraw"),
        (&stranger, "submission-correct"),
    ] {
        let binary = if name.starts_with("progress") {
            "progress"
        } else {
            "submission"
        };
        let (status, body) = read(app.invoke(binary, event(name).bearer(who).path_param("no", &no)).await);
        assert_eq!((status, code(&body)), (404, "NOT_FOUND"), "{name}");
    }
    let other_dept = app.staff_token("SCJG", None).await;
    let (status, _) = read(
        app.invoke(
            "progress",
            event("progress-get").bearer(&other_dept).path_param("no", &no),
        )
        .await,
    );
    assert_eq!(status, 404, "staff of another department cannot see it");
    let req = event("submission-transition").bearer(&other_dept).path_param("no", &no);
    let (status, _) = read(
        app.invoke("submission", req.json(&json!({ "action": "accept", "version": 1 })))
            .await,
    );
    assert_eq!(status, 404, "nor move it");
    let own_dept = app.staff_token("RSJ", None).await;
    let (status, _) = read(
        app.invoke(
            "progress",
            event("progress-get").bearer(&own_dept).path_param("no", &no),
        )
        .await,
    );
    assert_eq!(status, 200);
    let (status, _) = read(app.invoke("submission", event("submission-queue").bearer(&owner)).await);
    assert_eq!(status, 403, "citizens have no staff queue");
    let (status, body) = read(
        app.invoke("submission", event("submission-queue").bearer(&own_dept))
            .await,
    );
    assert_eq!(status, 200);
    assert_eq!(body["items"][0]["applicationNo"], no.as_str());
    let req = event("submission-transition").bearer(&own_dept).path_param("no", &no);
    let (status, body) = read(
        app.invoke("submission", req.json(&json!({ "action": "complete", "version": 1 })))
            .await,
    );
    assert_eq!(
        (status, code(&body)),
        (409, "INVALID_TRANSITION"),
        "a 承诺件 is accepted before completion"
    );
    let req = event("submission-transition").bearer(&own_dept).path_param("no", &no);
    let (status, body) = read(
        app.invoke(
            "submission",
            req.json(&json!({ "action": "request_correction", "version": 1 })),
        )
        .await,
    );
    assert_eq!(
        (status, fields(&body)),
        (400, vec!["correctionItems".to_owned(), "note".to_owned()])
    );
}

#[tokio::test]
async fn the_public_lookup_answers_a_wrong_pair_exactly_as_an_unknown_number_and_is_rate_limited() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("lookup", 5).await;
    let no = submitted(&app, &token).await;
    let lookup = |no: &str, last4: &str, ip: &str| {
        let mut req = event("progress-lookup").query(&[("applicationNo", no), ("phoneLast4", last4)]);
        if let Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) =
            lambda_http::RequestExt::request_context_ref(&req).cloned()
        {
            let mut ctx = ctx;
            ctx.http.source_ip = Some(ip.to_owned());
            req = lambda_http::RequestExt::with_request_context(
                req,
                lambda_http::request::RequestContext::ApiGatewayV2(ctx),
            );
        }
        app.invoke("progress", req)
    };
    let (status, found) = read(lookup(&no, "0000", "198.51.100.1").await);
    assert_eq!(status, 200);
    assert_eq!(found["status"], "submitted");
    let text = found.to_string();
    assert!(!text.contains("张三") && !text.contains("13800000000") && !text.contains("citizen"));
    let (s1, wrong) = read(lookup(&no, "1234", "198.51.100.2").await);
    let (s2, unknown) = read(lookup("SQ20260101AAAAAAAA", "0000", "198.51.100.3").await);
    assert_eq!((s1, s2), (404, 404));
    let strip = |mut v: Value| {
        v["error"]["requestId"] = Value::Null;
        v
    };
    assert_eq!(
        strip(wrong),
        strip(unknown),
        "a wrong pair and an unknown number look the same"
    );
    // One client, many guesses: stopped at the per-client limit (20 a minute).
    let mut limited = None;
    for i in 0..25 {
        let resp = lookup(&no, &format!("{:04}", i), "203.0.113.9").await;
        if resp.status() == 429 {
            limited = Some(resp);
            break;
        }
    }
    let resp = limited.expect("the client is rate-limited");
    assert!(resp.headers().contains_key("retry-after"));
    assert_eq!(code(&read(resp).1), "RATE_LIMITED");
}

#[tokio::test]
async fn the_sweeper_flags_near_due_and_overdue_cases_and_the_queue_filters_overdue() {
    let app = spawn_app().await;
    app.set_time("2026-12-01T09:00");
    let (token, _) = app.citizen("sweep-app", 6).await;
    let no = submitted(&app, &token).await;
    let staff = app.staff_token("RSJ", None).await;
    let req = event("submission-transition").bearer(&staff).path_param("no", &no);
    let (status, v) = read(
        app.invoke("submission", req.json(&json!({ "action": "accept", "version": 1 })))
            .await,
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["deadline"], "2026-12-08", "5 working days after Tuesday 12-01");
    app.set_time("2026-12-04T09:00");
    let report = app.deadline_sweeper.sweep().await.unwrap();
    assert_eq!((report.near_due, report.overdue), (1, 0));
    app.set_time("2026-12-09T09:00");
    let report = app.deadline_sweeper.sweep().await.unwrap();
    assert_eq!((report.near_due, report.overdue), (0, 1));
    let (status, queue) = read(
        app.invoke(
            "submission",
            event("submission-queue").bearer(&staff).query(&[("overdue", "true")]),
        )
        .await,
    );
    assert_eq!(status, 200);
    let item = &queue["items"][0];
    assert_eq!(
        (
            item["applicationNo"].as_str(),
            item["overdue"].as_bool(),
            item["flag"].as_str()
        ),
        (Some(no.as_str()), Some(true), Some("overdue"))
    );
    let (_, v) = read(
        app.invoke("progress", event("progress-get").bearer(&token).path_param("no", &no))
            .await,
    );
    assert_eq!(v["subCases"][0]["overdue"], true);
}

#[tokio::test]
async fn a_cursor_naming_another_departments_queue_is_refused_before_the_store_sees_it() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("cursor-app", 7).await;
    submitted(&app, &token).await;
    // Sealed with the stack's own key, but for RSJ's queue: SCJG cannot use it.
    let key = api::cursor::CursorKey::setting(&app.env_of("submission")).unwrap();
    let key = key.get().await.unwrap();
    let position = api::cursor::Cursor::new([
        ("pk", "A#X"),
        ("sk", "CASE#X"),
        ("dept", "RSJ"),
        ("queueKey", "submitted#"),
    ]);
    let scope = serde_json::to_string(&["GET /v1/staff/applications", "RSJ", "", ""]).unwrap();
    let foreign = key.seal(&scope, &position);
    let scjg = app.staff_token("SCJG", None).await;
    let req = event("submission-queue")
        .bearer(&scjg)
        .query(&[("cursor", foreign.as_str())]);
    let (status, body) = read(app.invoke("submission", req).await);
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["details"]["fields"]["cursor"], "分页游标无效");
}
