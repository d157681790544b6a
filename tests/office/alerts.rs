//! 预警: the daily sweep raises an alert once for a late case, tells the department's
//! approvers by WeCom, escalates it to the supervisors after a working day unacknowledged,
//! and resolves it when the case is done; the department reads and acknowledges its own.

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use serde_json::{Value, json};

/// The WeCom application messages the sandbox recorded, as (touser, content).
fn wecom(app: &TestApp) -> Vec<(String, String)> {
    app.sandbox
        .sent()
        .into_iter()
        .filter(|s| s["api"] == "wecom")
        .map(|s| {
            let m = &s["message"];
            (
                m["touser"].as_str().unwrap_or("").to_owned(),
                m["text"]["content"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

async fn alerts(app: &TestApp, token: &str) -> Vec<Value> {
    let req = event("supervision-alerts").bearer(token).query(&[]);
    let (status, body) = read(app.invoke("supervision", req).await);
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn transition(app: &TestApp, staff: &str, no: &str, action: &str, version: u64) {
    let req = event("submission-transition")
        .bearer(staff)
        .path_param("no", no)
        .json(&json!({ "action": action, "version": version }));
    let (status, body) = read(app.invoke("submission", req).await);
    assert_eq!(status, 200, "{action}: {body}");
}

#[tokio::test]
async fn a_late_case_raises_one_alert_told_by_wecom_escalated_after_a_working_day_and_resolved_when_done() {
    let app = spawn_app().await;
    // Accepted on Tuesday with one working day: due Wednesday 12-02.
    app.set_time("2026-12-01T09:00");
    let (citizen, _) = app.citizen("alert-a", 1).await;
    let body = json!({ "itemCode": "SCJG-0001", "form": { "applicantName": "张三", "phone": "13812345678" }, "materials": [] });
    let req = event("submission-create")
        .bearer(&citizen)
        .without_idempotency()
        .json(&body);
    let (status, created) = read(app.invoke("submission", req).await);
    assert_eq!(status, 201, "{created}");
    let no = created["applicationNo"].as_str().unwrap().to_owned();
    let scjg = app.demo_token("scjg").await;
    transition(&app, &scjg, &no, "accept", 1).await;

    // Thursday's sweep: late. One alert, told to 市场监管局's approver.
    app.set_time("2026-12-03T07:00");
    let report = app.deadline_sweeper.sweep().await.expect("the sweep");
    assert_eq!(report.raised, 1, "{report:?}");
    let told = wecom(&app);
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].0.split('|').any(|u| u == "scjg"), "{told:?}");
    assert!(told[0].1.contains("办件已超期") && told[0].1.contains(&no), "{told:?}");
    assert!(!told[0].1.contains("13812345678"));
    // Swept again: nothing raised, nobody told twice.
    let again = app.deadline_sweeper.sweep().await.expect("the sweep");
    assert_eq!((again.raised, again.escalated), (0, 0));
    assert_eq!(wecom(&app).len(), 1);

    let (scjg, rsj, jiancha) = (
        app.demo_token("scjg").await,
        app.demo_token("rsj").await,
        app.demo_token("jiancha").await,
    );
    let theirs = alerts(&app, &scjg).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(
        (theirs[0]["kind"].as_str(), theirs[0]["status"].as_str()),
        (Some("overdue"), Some("open"))
    );
    assert!(
        alerts(&app, &rsj).await.is_empty(),
        "another department's alerts stay its own"
    );
    assert_eq!(alerts(&app, &jiancha).await.len(), 1);
    let id = theirs[0]["id"].as_str().unwrap().to_owned();

    // Friday's sweep: a working day unacknowledged, so the supervisors are told.
    app.set_time("2026-12-04T07:00");
    let report = app.deadline_sweeper.sweep().await.expect("the sweep");
    assert_eq!(report.escalated, 1, "{report:?}");
    let told = wecom(&app);
    assert_eq!(told.len(), 2);
    assert!(
        told[1].0.split('|').any(|u| u == "jiancha") && told[1].1.contains("预警升级"),
        "{told:?}"
    );

    // The department signs for it, in the audit trail; another department cannot.
    app.set_time("2026-12-04T09:00");
    let (scjg, rsj) = (app.demo_token("scjg").await, app.demo_token("rsj").await);
    let ack = |token: String| {
        let req = event("supervision-alert-acknowledge")
            .bearer(&token)
            .path_param("id", &id)
            .json(&json!({ "note": "已联系申请人，今日办结" }));
        app.invoke("supervision", req)
    };
    assert_eq!(read(ack(rsj).await).0, 404);
    let (status, acked) = read(ack(scjg.clone()).await);
    assert_eq!(
        (status, acked["status"].as_str()),
        (200, Some("acknowledged")),
        "{acked}"
    );
    let (status, twice) = read(ack(scjg.clone()).await);
    assert_eq!((status, code(&twice)), (409, "INVALID_TRANSITION"));
    let jiancha = app.demo_token("jiancha").await;
    let req = event("supervision-audit")
        .bearer(&jiancha)
        .query(&[("subject", format!("alert:{id}").as_str())]);
    let (_, trail) = read(app.invoke("supervision", req).await);
    assert_eq!(trail["items"][0]["action"], "alert.acknowledge", "{trail}");

    // Completed: Monday's sweep no longer finds it late, and resolves it.
    transition(&app, &scjg, &no, "complete", 2).await;
    app.set_time("2026-12-07T07:00");
    let report = app.deadline_sweeper.sweep().await.expect("the sweep");
    assert_eq!(report.resolved, 1, "{report:?}");
    let jiancha = app.demo_token("jiancha").await;
    let all = alerts(&app, &jiancha).await;
    assert_eq!(all[0]["status"], "resolved");
    let steps: Vec<&str> = all[0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["raise", "push", "escalate", "push", "acknowledge", "resolve"]);
}

#[tokio::test]
async fn a_push_wecom_refuses_is_tried_again_by_the_next_sweep() {
    let app = spawn_app().await;
    app.set_time("2026-12-01T09:00");
    let (citizen, _) = app.citizen("alert-b", 1).await;
    let body = json!({ "itemCode": "SCJG-0001", "form": { "applicantName": "张三", "phone": "13812345678" }, "materials": [] });
    let req = event("submission-create")
        .bearer(&citizen)
        .without_idempotency()
        .json(&body);
    let (_, created) = read(app.invoke("submission", req).await);
    let no = created["applicationNo"].as_str().unwrap().to_owned();
    let scjg = app.demo_token("scjg").await;
    transition(&app, &scjg, &no, "accept", 1).await;

    app.set_time("2026-12-03T07:00");
    let fault = serde_json::from_value(json!({ "scope": "send", "kind": "http500" })).expect("a fault");
    app.sandbox.add_fault(fault);
    let report = app
        .deadline_sweeper
        .sweep()
        .await
        .expect("a failed push does not fail the sweep");
    assert_eq!(report.raised, 1);
    assert!(wecom(&app).is_empty());
    app.sandbox.clear_faults();
    app.set_time("2026-12-03T12:00");
    app.deadline_sweeper.sweep().await.expect("the sweep");
    assert_eq!(wecom(&app).len(), 1, "told once the push goes through");
}

#[tokio::test]
async fn a_bad_review_not_verified_by_its_day_is_an_alert_of_its_department_and_a_stock_of_the_day() {
    let app = spawn_app().await;
    let (citizen, _) = app.citizen("alert-c", 1).await;
    // The world's 差评 of a visit to 人社局, on 12-02: to be verified within a working day.
    app.world(&citizen).await;
    app.set_time("2026-12-07T07:00");
    app.deadline_sweeper.sweep().await.expect("the sweep");
    let jiancha = app.demo_token("jiancha").await;
    let all = alerts(&app, &jiancha).await;
    let late: Vec<&Value> = all.iter().filter(|a| a["kind"] == "verification_overdue").collect();
    assert_eq!(late.len(), 1, "{all:?}");
    assert_eq!(late[0]["unit"], "RSJ");
    assert!(late[0]["subject"].as_str().unwrap().starts_with("evaluation:B"));
    let req = event("supervision-overview").bearer(&jiancha).query(&[
        ("from", "2026-12-07"),
        ("to", "2026-12-07"),
        ("dept", "RSJ"),
    ]);
    let (status, now) = read(app.invoke("supervision", req).await);
    assert_eq!(status, 200, "{now}");
    assert_eq!(now["district"]["badReviewsOverdue"], 1, "{now}");
}
