//! DynamoDB round trips per route, counted by the SDK interceptor (`shared::store::count`)
//! and held at the figures below: each is the fewest its access pattern allows, or the
//! reason it is more is written beside it. Counts, not times: deterministic, so asserted.

use fingertip_tests::{EventExt, TestApp, event, read, spawn_app};
use shared::store::count::counting;

/// (route, measured, what the access pattern needs)
fn expected() -> Vec<(&'static str, u64, &'static str)> {
    vec![
        ("POST /v1/auth/wechat", 1, "one upsert (the id derives from the openid)"),
        ("GET /v1/me", 1, "one GetItem"),
        (
            "PUT /v1/me/identity",
            2,
            "one transaction, then the profile is read back",
        ),
        ("GET /v1/catalog/items", 1, "one Query"),
        ("GET /v1/catalog/items/{code}", 1, "one GetItem"),
        (
            "GET /v1/halls/{hallId}/slots",
            2,
            "hall (BatchGet) and the day's counters (Query), in parallel",
        ),
        (
            "POST /v1/bookings",
            2,
            "citizen+hall+item in one BatchGet, one transaction",
        ),
        ("GET /v1/me/bookings", 1, "one Query"),
        ("GET /v1/bookings/{id}", 1, "one GetItem"),
        (
            "POST /v1/bookings/{id}/reschedule",
            3,
            "booking, new hall+item (BatchGet), one transaction",
        ),
        (
            "POST /v1/staff/bookings/{id}/check-in",
            3,
            "booking, queue counter, booking update",
        ),
        ("POST /v1/bookings/{id}/cancel", 2, "booking, one transaction"),
    ]
}

async fn measure(app: &TestApp, route: &str, token: &str, staff: &str, booking: &str) -> (u16, u64) {
    let (resp, n) = counting(async {
        match route {
            "POST /v1/auth/wechat" => auth::handle(&app.auth, event("auth-login")).await,
            "GET /v1/me" => auth::handle(&app.auth, event("auth-me").bearer(token)).await,
            "PUT /v1/me/identity" => {
                let body = serde_json::json!({"realName": "测试", "idNumber": fingertip_tests::id_number(1), "phone": "13900000000"});
                auth::handle(&app.auth, event("auth-identity").bearer(token).json(&body)).await
            }
            "GET /v1/catalog/items" => catalog::handle(&app.catalog, event("catalog-items")).await,
            "GET /v1/catalog/items/{code}" => catalog::handle(&app.catalog, event("catalog-item")).await,
            "GET /v1/halls/{hallId}/slots" => booking::handle(&app.booking, event("booking-slots")).await,
            "POST /v1/bookings" => booking::handle(&app.booking, event("booking-create").bearer(token)).await,
            "GET /v1/me/bookings" => booking::handle(&app.booking, event("booking-mine").bearer(token)).await,
            "GET /v1/bookings/{id}" => {
                booking::handle(&app.booking, event("booking-get").bearer(token).path_param("id", booking)).await
            }
            "POST /v1/bookings/{id}/reschedule" => {
                booking::handle(&app.booking, event("booking-reschedule").bearer(token).path_param("id", booking)).await
            }
            "POST /v1/staff/bookings/{id}/check-in" => {
                booking::handle(&app.booking, event("booking-check-in").bearer(staff).path_param("id", booking)).await
            }
            other => panic!("no measurement for {other}"),
        }
    })
    .await;
    (read(resp).0, n)
}

async fn measure_cancel(app: &TestApp, token: &str, id: &str) -> shared::http::Response {
    booking::handle(&app.booking, event("booking-cancel").bearer(token).path_param("id", id)).await
}

#[tokio::test]
async fn every_route_makes_the_fewest_round_trips_its_access_pattern_allows() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T08:00");
    let (token, _) = app.login("0a3Xk1ll2Yq6Ye4ZbZnl2Bv8Ja3Xk1lQ").await; // the sample login's code
    let staff = app.staff_token("RSJ", Some("spb-center"));
    let mut booking = String::new();
    let mut table = vec!["| route | round trips | why |".to_owned(), "|---|---|---|".to_owned()];
    let mut wrong = Vec::new();
    for (route, want, why) in expected() {
        let (status, got) = if route == "POST /v1/bookings/{id}/cancel" {
            let mut second = event("booking-create").bearer(&token).json(&serde_json::json!({
                "slotId": "spb-center.20261202.1000.C", "itemCode": "YBJ-0001"
            }));
            second.headers_mut().remove("idempotency-key");
            let (_, b) = read(booking::handle(&app.booking, second).await);
            let (resp, n) = counting(measure_cancel(&app, &token, b["id"].as_str().unwrap())).await;
            (read(resp).0, n)
        } else {
            measure(&app, route, &token, &staff, &booking).await
        };
        if route == "POST /v1/bookings" {
            let (_, mine) = read(booking::handle(&app.booking, event("booking-mine").bearer(&token)).await);
            booking = mine["items"][0]["id"].as_str().unwrap().to_owned();
        }
        assert!((200..300).contains(&status), "{route}: {status}");
        table.push(format!("| `{route}` | {got} | {why} |"));
        if got != want {
            wrong.push(format!("{route}: {got}, expected {want}"));
        }
    }
    // Applications: the owner's progress view is one Query.
    let mut body = serde_json::json!({
        "itemCode": "RSJ-0001",
        "form": { "applicantName": "张三", "phone": "13812345678" },
        "materials": [],
    });
    for code in ["M-ID", "M-PHOTO"] {
        let key = app.upload(&token, "材料.jpg").await;
        body["materials"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({ "code": code, "objectKey": key }));
    }
    let mut submit = event("submission-create").bearer(&token).json(&body);
    submit.headers_mut().remove("idempotency-key");
    let (resp, n) = counting(app.invoke("submission", submit)).await;
    let (status, created) = read(resp);
    assert_eq!(status, 201, "{created}");
    let no = created["applicationNo"].as_str().unwrap().to_owned();
    let rsj = app.staff_token("RSJ", None);
    let accept = event("submission-transition")
        .bearer(&rsj)
        .path_param("no", &no)
        .json(&serde_json::json!({ "action": "accept", "version": 1 }));
    let apps: Vec<(&str, lambda_http::Request, &str, u64, &str)> = vec![
        (
            "GET /v1/applications/{no}",
            event("progress-get").bearer(&token).path_param("no", &no),
            "progress",
            1,
            "one Query: application, cases and timeline share a partition",
        ),
        (
            "GET /v1/me/applications",
            event("progress-mine").bearer(&token),
            "progress",
            1,
            "one Query",
        ),
        (
            "POST /v1/staff/applications/{no}/transitions",
            accept,
            "submission",
            2,
            "one Query to read, one transaction",
        ),
        (
            "GET /v1/progress",
            event("progress-lookup").query(&[("applicationNo", no.as_str()), ("phoneLast4", "0000")]),
            "progress",
            3,
            "two rate-limit counters, one GetItem",
        ),
    ];
    table.push(format!(
        "| `POST /v1/applications` | {n} | citizen+item (BatchGet), the uploads (BatchGet), one transaction |"
    ));
    if n != 3 {
        wrong.push(format!("POST /v1/applications: {n}, expected 3"));
    }
    for (route, req, binary, want, why) in apps {
        let (resp, got) = counting(app.invoke(binary, req)).await;
        let status = resp.status().as_u16();
        assert!(
            (200..300).contains(&status) || route == "GET /v1/progress",
            "{route}: {status}"
        );
        table.push(format!("| `{route}` | {got} | {why} |"));
        if got != want {
            wrong.push(format!("{route}: {got}, expected {want}"));
        }
    }
    // Evaluations: a completed application, and the visit booked above (checked in).
    let done = app.completed_application(&token).await;
    let id = format!("A{done}");
    let evals: Vec<(&str, lambda_http::Request, u64, &str)> = vec![
        (
            "POST /v1/applications/{no}/evaluation",
            event("evaluation-application").bearer(&token).path_param("no", &done),
            2,
            "one Query (application and timeline), one transaction with the counters",
        ),
        (
            "POST /v1/evaluations/{id}/follow-up",
            event("evaluation-follow-up").bearer(&token).path_param("id", &id),
            2,
            "owner check (GetItem), one conditional update",
        ),
        (
            "GET /v1/stats/evaluations",
            event("evaluation-stats"),
            13,
            "one BatchGet of the months' counters; grouped, one Query per month (the sample asks a year by item: 12)",
        ),
        (
            "GET /v1/staff/evaluations",
            event("evaluation-staff").bearer(&rsj),
            1,
            "one Query",
        ),
    ];
    for (route, req, want, why) in evals {
        let (resp, got) = counting(app.invoke("evaluation", req)).await;
        let status = resp.status().as_u16();
        assert!((200..300).contains(&status), "{route}: {status}");
        table.push(format!("| `{route}` | {got} | {why} |"));
        if got != want {
            wrong.push(format!("{route}: {got}, expected {want}"));
        }
    }
    println!("{}", table.join("\n"));
    assert!(wrong.is_empty(), "{wrong:#?}");
}
