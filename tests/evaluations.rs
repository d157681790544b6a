//! 好差评 against the real local store: once-only ratings under concurrency, anonymity toward
//! staff, the full 差评 workflow with its overdue and invalid paths, invitations, and public
//! statistics equal to a brute-force recount of two hundred random reviews, 回访率, and the
//! supervisors' review (复核) of invalid rulings, and the rules' default rating.

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use model::evaluation::EvaluationId;
use serde_json::{Value, json};

#[path = "evaluations/callbacks.rs"]
mod callbacks;
#[path = "evaluations/defaults.rs"]
mod defaults;
#[path = "evaluations/recheck.rs"]
mod recheck;
#[path = "evaluations/statistics.rs"]
mod statistics;

async fn rate_visit(app: &TestApp, token: &str, booking: &str, body: &Value) -> (u16, Value) {
    read(
        app.invoke(
            "evaluation",
            event("evaluation-visit")
                .bearer(token)
                .path_param("id", booking)
                .json(body),
        )
        .await,
    )
}

async fn step(app: &TestApp, staff: &str, id: &str, action: &str, note: Option<&str>) -> (u16, Value) {
    let body = match note {
        Some(n) => json!({ "action": action, "note": n }),
        None => json!({ "action": action }),
    };
    read(
        app.invoke(
            "evaluation",
            event("evaluation-rectify")
                .bearer(staff)
                .path_param("id", id)
                .json(&body),
        )
        .await,
    )
}

/// The overdue flags of the first review pending verification.
async fn flags(app: &TestApp, staff: &str) -> (Option<bool>, Option<bool>) {
    let req = event("evaluation-staff")
        .bearer(staff)
        .query(&[("status", "pending_verification")]);
    let (_, list) = read(app.invoke("evaluation", req).await);
    (
        list["items"][0]["verificationOverdue"].as_bool(),
        list["items"][0]["rectificationOverdue"].as_bool(),
    )
}

/// A supervisor's review (复核) of a department's invalid ruling.
async fn recheck(app: &TestApp, id: &str, decision: &str, note: Option<&str>) -> (u16, Value) {
    let supervisor = app.demo_token("jiancha").await;
    let mut body = json!({ "decision": decision });
    if let Some(n) = note {
        body["note"] = json!(n);
    }
    let req = event("evaluation-ruling-review")
        .bearer(&supervisor)
        .path_param("id", id)
        .json(&body);
    read(app.invoke("evaluation", req).await)
}

async fn stats(app: &TestApp, query: &[(&str, &str)]) -> Value {
    let (status, body) = read(app.invoke("evaluation", event("evaluation-stats").query(query)).await);
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn a_bad_review_is_verified_rectified_and_the_citizen_told_while_staff_never_see_who_wrote_it() {
    let app = spawn_app().await;
    let (token, citizen) = app.citizen("bad-review", 1).await;
    let booking = app.checked_in_visit(&token, "1000").await;
    let body = json!({ "rating": 2, "indicators": { "服务态度": 2 }, "tags": ["等候时间长"], "comment": "排队太久", "anonymous": true });
    let (status, review) = rate_visit(&app, &token, &booking, &body).await;
    assert_eq!(status, 201, "{review}");
    assert_eq!(review["status"], "pending_verification");
    let id = review["id"].as_str().unwrap().to_owned();

    let staff = app.staff_token("RSJ", None).await;
    let (_, list) = read(app.invoke("evaluation", event("evaluation-staff").bearer(&staff)).await);
    let seen = &list["items"][0];
    assert_eq!(
        (seen["id"].as_str(), seen["citizenId"].is_null()),
        (Some(id.as_str()), true)
    );
    assert!(
        !list.to_string().contains(&citizen),
        "an anonymous author is never shown to staff"
    );
    assert_eq!(seen["verifyDue"], "2026-12-03");
    assert_eq!(seen["rectifyDue"], "2026-12-23");
    assert_eq!(
        (
            seen["hallId"].as_str(),
            seen["windowCode"].as_str(),
            seen["staffId"].as_str()
        ),
        (
            Some("spb-center"),
            Some("C"),
            // Who checked the visit in: the window staff of `checked_in_visit`.
            Some(model::StaffId::derived("test-RSJ-spb-center").as_str())
        )
    );

    let (status, body) = step(&app, &staff, &id, "rectify", Some("已增加窗口")).await;
    assert_eq!(
        (status, code(&body)),
        (409, "INVALID_TRANSITION"),
        "verification comes first"
    );
    let (status, _) = step(&app, &app.staff_token("SCJG", None).await, &id, "verify", None).await;
    assert_eq!(status, 404, "another department's review looks like none");
    assert_eq!(
        step(&app, &staff, &id, "verify", Some("已电话回访，情况属实")).await.0,
        200
    );
    let (status, body) = step(&app, &staff, &id, "rectify", None).await;
    assert_eq!(
        (status, code(&body)),
        (400, "VALIDATION_FAILED"),
        "an outcome needs its note"
    );
    let (status, done) = step(&app, &staff, &id, "rectify", Some("高峰时段增开两个窗口")).await;
    assert_eq!((status, done["status"].as_str()), (200, Some("rectified")), "{done}");
    let steps: Vec<&str> = done["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["verify", "rectify"]);
    assert!(done["steps"][1]["actor"].as_str().unwrap().starts_with("staff:"));

    let outbox = app.tables["OutboxTable"].clone();
    let scan = app.dynamo.scan().table_name(&outbox).send().await.unwrap();
    let outcome = scan
        .items()
        .iter()
        .find(|i| i["kind"].as_s().unwrap() == "review_outcome")
        .expect("the citizen is told the outcome");
    assert_eq!(outcome["citizenId"].as_s().unwrap(), &citizen);
    let figures = stats(&app, &[("dept", "RSJ")]).await;
    assert_eq!(
        (
            figures["count"].as_i64(),
            figures["badRate"].as_f64(),
            figures["rectifiedRate"].as_f64()
        ),
        (Some(1), Some(1.0), Some(1.0))
    );
}

#[tokio::test]
async fn overdue_verification_and_rectification_are_flagged_and_an_invalid_ruling_leaves_the_figures() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("overdue-review", 2).await;
    let booking = app.checked_in_visit(&token, "1030").await;
    let (_, review) = rate_visit(&app, &token, &booking, &json!({ "rating": 1, "tags": ["态度恶劣"] })).await;
    let id = review["id"].as_str().unwrap().to_owned();
    let staff = app.staff_token("RSJ", None).await;
    assert_eq!(flags(&app, &staff).await, (Some(false), Some(false)));
    assert_eq!(app.evaluation_sweeper.sweep().await.unwrap().overdue_bad_reviews, 0);
    app.set_time("2026-12-04T09:00");
    assert_eq!(
        flags(&app, &staff).await,
        (Some(true), Some(false)),
        "verification was due 12-03"
    );
    assert_eq!(
        app.evaluation_sweeper.sweep().await.unwrap().overdue_bad_reviews,
        1,
        "the daily sweep counts it for the alarm"
    );
    app.set_time("2026-12-24T09:00");
    assert_eq!(
        flags(&app, &staff).await,
        (Some(true), Some(true)),
        "rectification was due 12-23"
    );
    let (status, body) = step(&app, &staff, &id, "invalidate", None).await;
    assert_eq!(
        (status, code(&body)),
        (400, "VALIDATION_FAILED"),
        "an invalid ruling needs its reason"
    );
    let (status, done) = step(&app, &staff, &id, "invalidate", Some("经核查系误评")).await;
    assert_eq!((status, done["status"].as_str()), (200, Some("pending_review")));
    assert_eq!(
        stats(&app, &[("dept", "RSJ")]).await["count"],
        1,
        "it counts until 复核"
    );
    let (status, done) = recheck(&app, &id, "uphold", Some("同意认定无效")).await;
    assert_eq!((status, done["status"].as_str()), (200, Some("invalid")));
    let figures = stats(&app, &[("dept", "RSJ")]).await;
    assert_eq!(figures["count"], 0, "a mistaken rating leaves the figures: {figures}");
    let (status, _) = step(&app, &staff, &id, "verify", None).await;
    assert_eq!(status, 409, "nothing follows a ruling");
}

#[tokio::test]
async fn two_racing_ratings_of_one_service_give_one_201_and_one_409() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("race-review", 3).await;
    let no = app.completed_application(&token).await;
    let req = || event("evaluation-application").bearer(&token).path_param("no", &no);
    let (a, b) = tokio::join!(app.invoke("evaluation", req()), app.invoke("evaluation", req()));
    let mut statuses = [read(a).0, read(b).0];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    let (status, body) = read(app.invoke("evaluation", req()).await);
    assert_eq!((status, code(&body)), (409, "ALREADY_EVALUATED"));
    let id = EvaluationId::for_application(&no.parse().unwrap()).to_string();
    let follow = || event("evaluation-follow-up").bearer(&token).path_param("id", &id);
    assert_eq!(read(app.invoke("evaluation", follow()).await).0, 201);
    assert_eq!(
        code(&read(app.invoke("evaluation", follow()).await).1),
        "ALREADY_EVALUATED",
        "one follow-up"
    );
}

#[tokio::test]
async fn bad_ratings_and_services_not_yet_done_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("refused-review", 4).await;
    let (other, _) = app.citizen("other-review", 5).await;
    let pending = app.submitted_application(&token).await;
    let done = app.completed_application(&token).await;
    let before = app.dump().await;
    let rate = |who: &str, no: &str, body: Value| {
        let req = event("evaluation-application")
            .bearer(who)
            .path_param("no", no)
            .json(&body);
        app.invoke("evaluation", req)
    };
    let (status, body) = read(rate(&token, &pending, json!({ "rating": 5 })).await);
    assert_eq!((status, code(&body)), (422, "NOT_EVALUABLE"));
    let (status, _) = read(rate(&other, &done, json!({ "rating": 5 })).await);
    assert_eq!(status, 404, "another citizen's application");
    for (body, field) in [
        (json!({ "rating": 0 }), "rating"),
        (json!({ "rating": 6 }), "rating"),
        // Not an indicator of this channel: named as `indicators`, the key is the client's.
        (json!({ "rating": 5, "indicators": { "服务态度": 5 } }), "indicators"),
        (
            json!({ "rating": 5, "indicators": { "整体满意度": 9 } }),
            "indicators.整体满意度",
        ),
        (json!({ "rating": 5, "tags": ["态度恶劣"] }), "tags"),
        (json!({ "rating": 4, "comment": "好".repeat(501) }), "comment"),
        (json!({ "rating": 4, "comment": "好\u{202e}评" }), "comment"),
    ] {
        let (status, reply) = read(rate(&token, &done, body.clone()).await);
        assert_eq!((status, code(&reply)), (400, "VALIDATION_FAILED"), "{body}");
        assert!(
            reply["error"]["details"]["fields"][field].is_string(),
            "{field}: {reply}"
        );
    }
    let (status, _) = read(rate(&token, &done, json!({ "rating": "five" })).await);
    assert_eq!(status, 400);
    app.assert_unchanged(&before).await;
}

#[tokio::test]
async fn a_service_done_three_days_ago_and_not_rated_gets_one_invitation() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("invite", 6).await;
    app.set_time("2026-12-01T10:00");
    let rated = app.completed_application(&token).await;
    let _unrated = app.completed_application(&token).await;
    let req = event("evaluation-application").bearer(&token).path_param("no", &rated);
    assert_eq!(read(app.invoke("evaluation", req).await).0, 201);
    app.set_time("2026-12-04T10:00");
    assert_eq!(app.evaluation_sweeper.sweep().await.unwrap().invitations, 1);
    assert_eq!(
        app.evaluation_sweeper.sweep().await.unwrap().invitations,
        0,
        "one reminder only"
    );
}

#[tokio::test]
async fn a_visit_booked_before_bookings_kept_their_department_is_rated_for_its_items_department() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("old-booking", 1).await;
    let booking = app.checked_in_visit(&token, "1000").await;
    // As stored before the department was kept on the booking.
    app.dynamo
        .update_item()
        .table_name(&app.tables["BookingsTable"])
        .key("pk", store::AttributeValue::S(format!("B#{booking}")))
        .key("sk", store::AttributeValue::S("BOOKING".into()))
        .update_expression("REMOVE deptCode")
        .condition_expression("attribute_exists(deptCode)")
        .send()
        .await
        .expect("the booking had its department");
    let body = json!({ "rating": 1, "indicators": { "服务态度": 1 }, "tags": ["办理超时"] });
    let (status, review) = rate_visit(&app, &token, &booking, &body).await;
    assert_eq!(status, 201, "{review}");
    let staff = app.staff_token("RSJ", None).await;
    let (_, list) = read(app.invoke("evaluation", event("evaluation-staff").bearer(&staff)).await);
    assert_eq!(
        list["items"][0]["id"], review["id"],
        "the review reaches the item's department"
    );
}
