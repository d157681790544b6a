//! The hall against the real local store: check-in by the visitor's code, walk-in numbers,
//! windows calling numbers (booked first, each lane in order, never one number twice, even
//! 50 calls at once), finishing visits, the visitor's WeChat notice, and the audit trail.

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use futures::future::join_all;
use model::staff::{StaffRole, WindowId};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

/// 2026-12-02 is a Wednesday, a working day; the hall opens at 09:00.
const DAY: &str = "2026-12-02T08:00";

/// A window clerk of spb-center posted at the given windows only.
async fn clerk(app: &TestApp, user: &str, windows: &[&str]) -> String {
    let hall: model::HallId = "spb-center".parse().unwrap();
    let windows = windows.iter().map(|w| WindowId::new(&hall, w).unwrap()).collect();
    app.enrol(user, vec![StaffRole::Window], None, vec![hall], windows)
        .await
}

/// A citizen `n` with a booking of `item` at `time` on the day at window C; the booking.
async fn booked(app: &TestApp, n: u32, time: &str, item: &str) -> (String, Value) {
    let (token, _) = app.citizen(&format!("hall-citizen-{n}"), n).await;
    let mut req = event("booking-create")
        .bearer(&token)
        .json(&json!({ "slotId": format!("spb-center.20261202.{time}.C"), "itemCode": item }));
    req.headers_mut().remove("idempotency-key");
    let (status, b) = read(app.invoke("booking", req).await);
    assert_eq!(status, 201, "{b}");
    (token, b)
}

async fn check_in(app: &TestApp, staff: &str, code: &str) -> (u16, Value) {
    let req = event("hall-check-in")
        .bearer(staff)
        .json(&json!({ "verificationCode": code }));
    read(app.invoke("hall", req).await)
}

async fn walk_in(app: &TestApp, staff: &str, item: &str) -> Value {
    let mut req = event("hall-walk-in").bearer(staff).json(&json!({ "itemCode": item }));
    req.headers_mut().remove("idempotency-key");
    let (status, t) = read(app.invoke("hall", req).await);
    assert_eq!(status, 201, "{t}");
    t
}

async fn call(app: &TestApp, staff: &str, window: &str) -> (u16, Value) {
    let req = event("hall-call-next")
        .bearer(staff)
        .path_param("windowId", &format!("spb-center.{window}"));
    let resp = app.invoke("hall", req).await;
    if resp.status() == 204 {
        return (204, Value::Null);
    }
    read(resp)
}

async fn finish(app: &TestApp, staff: &str, ticket: &str, body: Value) -> (u16, Value) {
    let req = event("hall-finish")
        .bearer(staff)
        .path_param("ticketId", ticket)
        .json(&body);
    read(app.invoke("hall", req).await)
}

async fn booking_of(app: &TestApp, token: &str, id: &str) -> Value {
    let req = event("booking-get").bearer(token).path_param("id", id);
    read(app.invoke("booking", req).await).1
}

async fn board(app: &TestApp, staff: &str) -> Value {
    let req = event("hall-day").bearer(staff).query(&[("date", "2026-12-02")]);
    let (status, day) = read(app.invoke("hall", req).await);
    assert_eq!(status, 200, "{day}");
    day
}

#[tokio::test]
async fn a_visitor_is_checked_in_by_the_code_they_show_and_a_wrong_code_changes_nothing() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let (token, b) = booked(&app, 1, "1000", "RSJ-0001").await;
    let right = b["verificationCode"].as_str().unwrap().to_owned();
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    let staff = app.demo_token("chuangkou").await;

    let before = app.dump().await;
    let (status, body) = check_in(&app, &staff, &wrong).await;
    assert_eq!((status, code(&body)), (422, "WRONG_VERIFICATION_CODE"));
    assert_eq!(app.dump().await, before, "a wrong code writes nothing");
    let (status, body) = check_in(&app, &staff, "12ab56").await;
    assert_eq!(status, 400);
    assert!(body["error"]["details"]["fields"]["verificationCode"].is_string());

    let (status, first) = check_in(&app, &staff, &right).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["bookingId"], b["id"]);
    assert_eq!(first["status"], "checked_in");
    assert_eq!(first["queueNumber"], "C001");
    assert_eq!(first["ticketId"], "spb-center.20261202.C001");
    let (status, again) = check_in(&app, &staff, &right).await;
    assert_eq!(
        (status, &again["ticketId"]),
        (200, &first["ticketId"]),
        "a second check-in is the first"
    );
    let mine = booking_of(&app, &token, b["id"].as_str().unwrap()).await;
    assert_eq!(
        (mine["status"].as_str(), mine["queueNumber"].as_str()),
        (Some("checked_in"), Some("C001"))
    );

    // The code is the hall's and the day's: staff of another hall, and another day, find nothing.
    let xiyong: model::HallId = "spb-xiyong".parse().unwrap();
    let elsewhere = app
        .enrol("hall-xiyong", vec![StaffRole::HallManager], None, vec![xiyong], vec![])
        .await;
    let req = event("hall-check-in")
        .bearer(&elsewhere)
        .path_param("hallId", "spb-xiyong")
        .json(&json!({ "verificationCode": right }));
    assert_eq!(code(&read(app.invoke("hall", req).await).1), "WRONG_VERIFICATION_CODE");
}

#[tokio::test]
async fn windows_call_booked_visitors_first_then_walk_ins_each_in_order_and_204_when_nobody_waits() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let desk = app.demo_token("dating").await;
    let window_c = clerk(&app, "hall-c", &["C"]).await;
    let window_a = clerk(&app, "hall-a", &["A"]).await;
    let (_, b1) = booked(&app, 1, "1000", "RSJ-0001").await;
    let (_, b2) = booked(&app, 2, "1000", "YBJ-0001").await;

    let w1 = walk_in(&app, &desk, "RSJ-0001").await;
    app.set_time("2026-12-02T08:01");
    let c1 = check_in(&app, &desk, b1["verificationCode"].as_str().unwrap()).await.1;
    app.set_time("2026-12-02T08:02");
    let w2 = walk_in(&app, &desk, "RSJ-0003").await;
    app.set_time("2026-12-02T08:03");
    let c2 = check_in(&app, &desk, b2["verificationCode"].as_str().unwrap()).await.1;
    assert_eq!(w1["lane"], "walk_in");

    // Window A serves none of these items.
    assert_eq!(call(&app, &window_a, "A").await.0, 204);
    let mut order = Vec::new();
    loop {
        app.set_time("2026-12-02T09:00");
        let (status, t) = call(&app, &window_c, "C").await;
        if status == 204 {
            break;
        }
        assert_eq!(status, 200, "{t}");
        assert_eq!(t["windowId"], "spb-center.C");
        assert_eq!(t["status"], "called");
        order.push(t["ticketId"].as_str().unwrap().to_owned());
    }
    let expected: Vec<String> = [&c1, &c2, &w1, &w2]
        .iter()
        .map(|t| t["ticketId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        order, expected,
        "booked in check-in order, then walk-ins in issue order"
    );

    // A window a clerk is not posted at is not theirs to call.
    assert_eq!(call(&app, &window_a, "C").await.0, 403);
}

#[tokio::test]
async fn fifty_calls_at_once_across_windows_never_call_one_number_twice() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let desk = app.demo_token("dating").await;
    let mut issued: BTreeMap<String, &str> = BTreeMap::new();
    for (item, window) in [("SCJG-0001", "A"), ("BDC-0001", "B"), ("RSJ-0001", "C")] {
        for _ in 0..10 {
            let t = walk_in(&app, &desk, item).await;
            issued.insert(t["ticketId"].as_str().unwrap().to_owned(), window);
        }
    }
    let clerks = [
        ("A", clerk(&app, "hall-rush-a", &["A"]).await),
        ("B", clerk(&app, "hall-rush-b", &["B"]).await),
        ("C", clerk(&app, "hall-rush-c", &["C"]).await),
    ];
    app.set_time("2026-12-02T09:00");
    let calls = (0..50).map(|i| {
        let (window, token) = &clerks[i % 3];
        let app = &app;
        async move { (*window, call(app, token, window).await) }
    });
    let results = join_all(calls).await;

    let mut called = HashSet::new();
    for (window, (status, t)) in &results {
        match status {
            200 => {
                let id = t["ticketId"].as_str().unwrap().to_owned();
                assert_eq!(
                    issued[&id], *window,
                    "{id} was called by a window that does not serve it"
                );
                assert!(called.insert(id.clone()), "{id} was called twice");
            }
            204 => {}
            other => panic!("a call answered {other}: {t}"),
        }
    }
    assert_eq!(called.len(), 30, "every waiting number was called, each once");
    let day = board(&app, &desk).await;
    assert!(
        day["windows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["waiting"].as_array().unwrap().is_empty())
    );
    assert_eq!(day["counts"]["called"], 30);
}

#[tokio::test]
async fn finishing_a_served_visit_completes_its_booking_and_only_the_calling_window_may_finish_it() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let window_c = clerk(&app, "hall-finish-c", &["C"]).await;
    let window_a = clerk(&app, "hall-finish-a", &["A"]).await;
    let (token, b) = booked(&app, 1, "1000", "RSJ-0001").await;
    check_in(&app, &window_c, b["verificationCode"].as_str().unwrap()).await;
    let (_, t) = call(&app, &window_c, "C").await;
    let ticket = t["ticketId"].as_str().unwrap();

    let (status, body) = finish(&app, &window_a, ticket, json!({ "outcome": "served" })).await;
    assert_eq!(
        (status, code(&body)),
        (409, "ALREADY_CALLED"),
        "another window's number"
    );
    let (status, body) = finish(&app, &window_c, ticket, json!({ "outcome": "finished" })).await;
    assert_eq!(status, 400);
    assert!(body["error"]["details"]["fields"]["outcome"].is_string());

    let (status, done) = finish(
        &app,
        &window_c,
        ticket,
        json!({ "outcome": "served", "applicationNo": "SQ20261202ABCDEFGH" }),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        (done["status"].as_str(), done["applicationNo"].as_str()),
        (Some("served"), Some("SQ20261202ABCDEFGH"))
    );
    let visit = booking_of(&app, &token, b["id"].as_str().unwrap()).await;
    assert_eq!(visit["status"], "completed");
    let (status, body) = finish(&app, &window_c, ticket, json!({ "outcome": "served" })).await;
    assert_eq!((status, code(&body)), (409, "ALREADY_CALLED"), "finished already");
    let (status, _) = finish(
        &app,
        &window_c,
        "spb-center.20261202.C999",
        json!({ "outcome": "served" }),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_transferred_number_goes_back_in_its_place_for_the_other_windows_only() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let desk = app.demo_token("dating").await;
    let window_c = clerk(&app, "hall-transfer-c", &["C"]).await;
    let window_e = clerk(&app, "hall-transfer-e", &["E"]).await;
    // 婚姻登记 (MZJ-0001) is served at the comprehensive window C and at its own window E.
    let first = walk_in(&app, &desk, "MZJ-0001").await;
    app.set_time("2026-12-02T08:05");
    let second = walk_in(&app, &desk, "MZJ-0001").await;
    let (_, t) = call(&app, &window_c, "C").await;
    assert_eq!(t["ticketId"], first["ticketId"]);
    let (status, back) = finish(
        &app,
        &window_c,
        t["ticketId"].as_str().unwrap(),
        json!({ "outcome": "transferred" }),
    )
    .await;
    assert_eq!((status, back["status"].as_str()), (200, Some("waiting")), "{back}");

    let (_, next_at_c) = call(&app, &window_c, "C").await;
    assert_eq!(
        next_at_c["ticketId"], second["ticketId"],
        "C does not get back what it passed on"
    );
    assert_eq!(call(&app, &window_c, "C").await.0, 204);
    let (_, at_e) = call(&app, &window_e, "E").await;
    assert_eq!(at_e["ticketId"], first["ticketId"], "E gets it, in its old place");
}

#[tokio::test]
async fn booked_visitors_absent_when_called_count_as_no_shows_and_three_ban_booking() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let window_c = clerk(&app, "hall-absent-c", &["C"]).await;
    let (token, _) = app.citizen("hall-citizen-absent", 9).await;
    let mut ids = Vec::new();
    for item in ["RSJ-0001", "RSJ-0003", "YBJ-0001"] {
        let mut req = event("booking-create")
            .bearer(&token)
            .json(&json!({ "slotId": "spb-center.20261202.1000.C", "itemCode": item }));
        req.headers_mut().remove("idempotency-key");
        let (status, b) = read(app.invoke("booking", req).await);
        assert_eq!(status, 201, "{b}");
        check_in(&app, &window_c, b["verificationCode"].as_str().unwrap()).await;
        ids.push(b["id"].as_str().unwrap().to_owned());
    }
    for _ in 0..3 {
        let (_, t) = call(&app, &window_c, "C").await;
        let (status, _) = finish(
            &app,
            &window_c,
            t["ticketId"].as_str().unwrap(),
            json!({ "outcome": "absent" }),
        )
        .await;
        assert_eq!(status, 200);
    }
    for id in &ids {
        assert_eq!(booking_of(&app, &token, id).await["status"], "no_show");
    }
    let mut req = event("booking-create")
        .bearer(&token)
        .json(&json!({ "slotId": "spb-center.20261203.1000.C", "itemCode": "RSJ-0001" }));
    req.headers_mut().remove("idempotency-key");
    let (status, body) = read(app.invoke("booking", req).await);
    assert_eq!((status, code(&body)), (403, "BOOKING_RESTRICTED"), "{body}");
}

#[tokio::test]
async fn the_visitor_is_told_by_wechat_which_window_calls_their_number() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let window_c = clerk(&app, "hall-notice-c", &["C"]).await;
    let (_, b) = booked(&app, 1, "1000", "RSJ-0001").await;
    check_in(&app, &window_c, b["verificationCode"].as_str().unwrap()).await;
    let (_, t) = call(&app, &window_c, "C").await;
    let outbox = app.outbox().await;
    let notice = &outbox[&format!("number-called#{}.1", t["ticketId"].as_str().unwrap())];
    assert_eq!(notice["kind"], "number_called");
    assert_eq!(notice["data"]["queueNumber"], "C001");
    assert!(
        notice["data"]["windowName"].as_str().unwrap().contains("C号窗口"),
        "{notice}"
    );
    // A walk-in holds a paper ticket: no account, no notice.
    let desk = app.demo_token("dating").await;
    walk_in(&app, &desk, "RSJ-0001").await;
    let before = app.outbox().await.len();
    call(&app, &window_c, "C").await;
    assert_eq!(app.outbox().await.len(), before);
}

#[tokio::test]
async fn the_board_shows_the_day_by_session_without_naming_anyone_and_every_act_is_audited() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let clerk_token = app.demo_token("chuangkou").await;
    let (_, b) = booked(&app, 1, "1000", "RSJ-0001").await;
    booked(&app, 2, "1430", "RSJ-0001").await;
    check_in(&app, &clerk_token, b["verificationCode"].as_str().unwrap()).await;
    walk_in(&app, &clerk_token, "SCJG-0001").await;
    let (_, t) = call(&app, &clerk_token, "C").await;
    finish(
        &app,
        &clerk_token,
        t["ticketId"].as_str().unwrap(),
        json!({ "outcome": "served" }),
    )
    .await;

    let day = board(&app, &clerk_token).await;
    let sessions = day["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{day}");
    assert_eq!(sessions[0]["bookings"].as_array().unwrap().len(), 1);
    assert_eq!(sessions[1]["bookings"].as_array().unwrap().len(), 1);
    assert_eq!(day["counts"]["served"], 1);
    assert_eq!(day["counts"]["walk_in"], 1);
    let a = day["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["windowId"] == "spb-center.A")
        .unwrap();
    assert_eq!(a["waiting"].as_array().unwrap().len(), 1);
    let text = day.to_string();
    assert!(
        !text.contains("verificationCode") && !text.contains("citizenId"),
        "{text}"
    );

    let actions = app.actions_of("chuangkou").await;
    for act in ["booking.check_in", "queue.walk_in", "queue.call", "queue.served"] {
        assert!(
            actions.iter().any(|a| a == act),
            "{act} is not on the trail: {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_walk_in_sent_again_with_its_key_gets_the_same_number_and_another_body_is_refused() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let desk = app.demo_token("dating").await;
    let send = |item: &str| event("hall-walk-in").bearer(&desk).json(&json!({ "itemCode": item }));
    let (status, first) = read(app.invoke("hall", send("RSJ-0001")).await);
    assert_eq!(status, 201, "{first}");
    let (status, again) = read(app.invoke("hall", send("RSJ-0001")).await);
    assert_eq!(
        (status, &again["ticketId"]),
        (201, &first["ticketId"]),
        "the first answer again"
    );
    let (status, body) = read(app.invoke("hall", send("RSJ-0003")).await);
    assert_eq!((status, code(&body)), (422, "IDEMPOTENCY_KEY_REUSED"));
    let day = board(&app, &desk).await;
    assert_eq!(day["counts"]["walk_in"], 1, "one number issued: {day}");
}
