//! 督办: a supervisor orders a department about an application, a case or a review; the
//! department answers, the supervisor returns it for more or closes it; each step is in the
//! audit trail, which the supervisors read by member, by subject or day by day.

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use serde_json::{Value, json};

async fn issue(app: &TestApp, supervisor: &str, body: Value) -> (u16, Value) {
    let req = event("supervision-order-issue")
        .bearer(supervisor)
        .without_idempotency()
        .json(&body);
    read(app.invoke("supervision", req).await)
}

async fn step(app: &TestApp, sample: &str, token: &str, id: &str, note: &str) -> (u16, Value) {
    let req = event(sample)
        .bearer(token)
        .path_param("id", id)
        .json(&json!({ "note": note }));
    read(app.invoke("supervision", req).await)
}

/// The ids of the orders a list answers with.
async fn ids(app: &TestApp, sample: &str, token: &str, query: &[(&str, &str)]) -> Vec<String> {
    let req = event(sample).bearer(token).query(query);
    let (status, body) = read(app.invoke("supervision", req).await);
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every record of the trail a query reads, page after page (`limit` per page).
async fn trail(app: &TestApp, supervisor: &str, query: &[(&str, &str)], limit: &str) -> Vec<Value> {
    let mut records = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut q = query.to_vec();
        q.push(("limit", limit));
        if let Some(c) = &cursor {
            q.push(("cursor", c.as_str()));
        }
        let req = event("supervision-audit").bearer(supervisor).query(&q);
        let (status, body) = read(app.invoke("supervision", req).await);
        assert_eq!(status, 200, "{body}");
        records.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return records,
        }
        assert!(records.len() < 500, "the pages end");
    }
}

fn actions(records: &[Value]) -> Vec<&str> {
    records.iter().map(|r| r["action"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn an_order_is_answered_by_its_department_returned_answered_again_and_closed_every_step_on_the_trail() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T23:59");
    let (citizen, _) = app.citizen("sv-a", 1).await;
    let submitted = app.submitted_application(&citizen).await;
    let jiancha = app.demo_token("jiancha").await;
    let (rsj, scjg) = (app.demo_token("rsj").await, app.demo_token("scjg").await);
    let (status, order) = issue(
        &app,
        &jiancha,
        json!({ "subject": { "applicationNo": submitted }, "deptCode": "RSJ",
                "instruction": "请核实申请人13812345678反映的受理延误", "dueDate": "2026-12-02" }),
    )
    .await;
    assert_eq!(status, 201, "{order}");
    let id = order["id"].as_str().unwrap().to_owned();
    assert_eq!(order["status"], "issued");
    assert_eq!(order["overdue"], false);
    assert!(
        !order.to_string().contains("13812345678"),
        "the phone is masked: {order}"
    );

    // The ordered department sees it; another department neither sees nor answers it.
    assert_eq!(
        ids(&app, "supervision-department-orders", &rsj, &[]).await,
        [id.as_str()]
    );
    assert!(ids(&app, "supervision-department-orders", &scjg, &[]).await.is_empty());
    let (status, _) = step(&app, "supervision-order-respond", &scjg, &id, "不是我们的").await;
    assert_eq!(status, 404);
    // A supervisor cannot return what has not been answered.
    let (status, body) = step(&app, "supervision-order-return", &jiancha, &id, "请补充").await;
    assert_eq!((status, code(&body)), (409, "INVALID_TRANSITION"));

    // Past midnight the order waiting for its answer is overdue (the next shift's tokens).
    app.set_time("2026-12-03T08:30");
    let (jiancha, rsj) = (app.demo_token("jiancha").await, app.demo_token("rsj").await);
    let (_, listed) = read(
        app.invoke(
            "supervision",
            event("supervision-orders")
                .bearer(&jiancha)
                .query(&[("status", "issued")]),
        )
        .await,
    );
    assert_eq!(listed["items"][0]["overdue"], true, "{listed}");

    let (status, answered) = step(&app, "supervision-order-respond", &rsj, &id, "已受理并加急办理").await;
    assert_eq!(
        (status, answered["status"].as_str()),
        (200, Some("answered")),
        "{answered}"
    );
    assert_eq!(answered["overdue"], false);
    app.set_time("2026-12-03T09:00");
    let (status, _) = step(&app, "supervision-order-return", &jiancha, &id, "请说明延误原因").await;
    assert_eq!(status, 200);
    app.set_time("2026-12-03T10:00");
    let (status, _) = step(&app, "supervision-order-respond", &rsj, &id, "材料流转遗漏，已整改").await;
    assert_eq!(status, 200);
    app.set_time("2026-12-03T11:00");
    let (status, closed) = step(&app, "supervision-order-close", &jiancha, &id, "办结").await;
    assert_eq!((status, closed["status"].as_str()), (200, Some("closed")));
    let (status, body) = step(&app, "supervision-order-respond", &rsj, &id, "再补充").await;
    assert_eq!((status, code(&body)), (409, "INVALID_TRANSITION"));
    let steps: Vec<&str> = closed["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["issue", "respond", "return", "respond", "close"]);
    assert_eq!(
        ids(&app, "supervision-orders", &jiancha, &[("status", "closed")]).await,
        [id.as_str()]
    );
    assert!(
        ids(&app, "supervision-orders", &jiancha, &[("status", "issued")])
            .await
            .is_empty()
    );

    // The trail of the order, newest first, two to a page, across the two days.
    let subject = format!("order:{id}");
    let records = trail(&app, &jiancha, &[("subject", &subject), ("from", "2026-12-01")], "2").await;
    assert_eq!(
        actions(&records),
        [
            "order.close",
            "order.respond",
            "order.return",
            "order.respond",
            "order.issue"
        ]
    );
    assert!(records.iter().all(|r| !r.to_string().contains("13812345678")));
    // Everyone's trail on the day of issue holds the issue, with the supervisor's roles.
    let day = trail(&app, &jiancha, &[("from", "2026-12-02"), ("to", "2026-12-02")], "100").await;
    let issued = day
        .iter()
        .find(|r| r["action"] == "order.issue")
        .expect("the issue on its day");
    assert_eq!(issued["roles"], "supervisor");
    assert_eq!(issued["subject"], subject.as_str());
}

#[tokio::test]
async fn an_order_names_a_subject_that_exists_a_department_it_concerns_and_a_day_ahead_or_nothing_is_written() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T07:30");
    let (citizen, _) = app.citizen("sv-b", 1).await;
    let submitted = app.submitted_application(&citizen).await;
    let jiancha = app.demo_token("jiancha").await;
    let cases = [
        (json!({ "applicationNo": submitted }), "SCJG", "2026-12-09", "deptCode"),
        (json!({ "applicationNo": submitted }), "XXXX", "2026-12-09", "deptCode"),
        (
            json!({ "feedbackNo": "FK20261202ABCDEFGH" }),
            "RSJ",
            "2026-12-09",
            "subject",
        ),
        (
            json!({ "evaluationId": format!("A{submitted}") }),
            "RSJ",
            "2026-12-09",
            "subject",
        ),
        (
            json!({ "applicationNo": submitted, "feedbackNo": "FK20261202ABCDEFGH" }),
            "RSJ",
            "2026-12-09",
            "subject",
        ),
        (json!({ "applicationNo": submitted }), "RSJ", "2026-12-01", "dueDate"),
        (json!({ "applicationNo": submitted }), "RSJ", "2027-03-03", "dueDate"),
        (json!({ "applicationNo": submitted }), "RSJ", "12/09/2026", "dueDate"),
    ];
    for (subject, dept, due, field) in cases {
        let (status, body) = issue(
            &app,
            &jiancha,
            json!({ "subject": subject, "deptCode": dept, "instruction": "核实", "dueDate": due }),
        )
        .await;
        assert_eq!(
            (status, code(&body)),
            (400, "VALIDATION_FAILED"),
            "{subject} {dept} {due}: {body}"
        );
        assert!(
            body["error"]["details"]["fields"].get(field).is_some(),
            "{field} named: {body}"
        );
    }
    assert!(ids(&app, "supervision-orders", &jiancha, &[]).await.is_empty());
    let today = trail(&app, &jiancha, &[], "100").await;
    assert!(!actions(&today).contains(&"order.issue"));
}

#[tokio::test]
async fn an_order_sent_twice_with_one_key_is_issued_once() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let (citizen, _) = app.citizen("sv-c", 1).await;
    let submitted = app.submitted_application(&citizen).await;
    let jiancha = app.demo_token("jiancha").await;
    let body = json!({ "subject": { "applicationNo": submitted }, "deptCode": "RSJ",
                       "instruction": "请核实", "dueDate": "2026-12-09" });
    let send = |body: Value| {
        let req = event("supervision-order-issue").bearer(&jiancha).json(&body);
        app.invoke("supervision", req)
    };
    let (s1, first) = read(send(body.clone()).await);
    let (s2, again) = read(send(body.clone()).await);
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(first["id"], again["id"]);
    let mut other = body;
    other["instruction"] = json!("另一件事");
    let (status, refused) = read(send(other).await);
    assert_eq!((status, code(&refused)), (422, "IDEMPOTENCY_KEY_REUSED"));
    assert_eq!(ids(&app, "supervision-orders", &jiancha, &[]).await.len(), 1);
}

#[tokio::test]
async fn the_trail_spans_a_year_for_one_member_or_subject_and_a_month_for_everyone() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T10:00");
    let jiancha = app.demo_token("jiancha").await;
    let read_trail = |query: Vec<(&'static str, String)>| {
        let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let req = event("supervision-audit").bearer(&jiancha).query(&q);
        app.invoke("supervision", req)
    };
    let cases = [
        (vec![("from", "2026-11-01".to_owned())], 400),
        (vec![("from", "2026-11-02".to_owned())], 200),
        (vec![("from", "2026-12-03".to_owned())], 400),
        (
            vec![
                ("subject", "order:DB20261202ABCDEFGH".into()),
                ("from", "2025-12-02".into()),
            ],
            200,
        ),
        (
            vec![
                ("subject", "order:DB20261202ABCDEFGH".into()),
                ("from", "2025-12-01".into()),
            ],
            400,
        ),
        (vec![("subject", "nothing".into())], 400),
        (vec![("actor", "jiancha".into())], 400),
    ];
    for (query, want) in cases {
        let (status, body) = read(read_trail(query.clone()).await);
        assert_eq!(status, want, "{query:?}: {body}");
    }
}
