//! Booking under concurrency, against the real local store: seats never oversold, cancels
//! and reschedules keeping counters equal to bookings, idempotent creation, unique queue
//! numbers.

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use futures::future::join_all;
use serde_json::{Value, json};
use std::collections::HashSet;

/// 2026-12-02 is a Wednesday, a working day; window C of spb-center seats 5 per slot.
const DAY: &str = "2026-12-02T08:00";
const SLOT: &str = "spb-center.20261202.1000.C";
const OTHER: &str = "spb-center.20261202.1030.C";

async fn book(app: &TestApp, token: &str, slot: &str, item: &str) -> (u16, Value) {
    let req = event("booking-create")
        .bearer(token)
        .json(&json!({ "slotId": slot, "itemCode": item }));
    let mut req = req;
    req.headers_mut().remove("idempotency-key");
    read(booking::handle(&app.booking, req).await)
}

/// Seats taken per slot, as the counters say.
async fn taken(app: &TestApp, slot: &str) -> u32 {
    let (_, body) = read(
        booking::handle(
            &app.booking,
            event("booking-slots").query(&[("date", "2026-12-02"), ("item", "RSJ-0001")]),
        )
        .await,
    );
    let s = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slotId"] == slot)
        .expect("the slot is listed");
    s["capacity"].as_u64().unwrap() as u32 - s["remaining"].as_u64().unwrap() as u32
}

/// Bookings in a slot with status `booked`, as the bookings say.
async fn booked_in(app: &TestApp, tokens: &[String], slot: &str) -> u32 {
    let mut n = 0;
    for t in tokens {
        let (_, body) = read(
            booking::handle(
                &app.booking,
                event("booking-mine").bearer(t).query(&[("status", "booked")]),
            )
            .await,
        );
        n += body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["slotId"] == slot)
            .count() as u32;
    }
    n
}

async fn citizens(app: &TestApp, prefix: &str, count: u32) -> Vec<String> {
    let mut tokens = Vec::new();
    for i in 0..count {
        tokens.push(app.citizen(&format!("{prefix}-{i}"), i + 1).await.0);
    }
    tokens
}

#[tokio::test]
async fn a_hundred_citizens_racing_for_five_seats_get_exactly_five_bookings() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let tokens = citizens(&app, "race", 100).await;
    let results = join_all(tokens.iter().map(|t| book(&app, t, SLOT, "RSJ-0001"))).await;
    let created = results.iter().filter(|(s, _)| *s == 201).count();
    let full = results
        .iter()
        .filter(|(s, b)| *s == 409 && code(b) == "SLOT_FULL")
        .count();
    assert_eq!(created, 5, "{:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
    assert_eq!(full, 95);
    assert!(results.iter().all(|(s, _)| *s < 500));
    assert_eq!(booked_in(&app, &tokens, SLOT).await, 5);
    assert_eq!(taken(&app, SLOT).await, 5);
}

#[tokio::test]
async fn concurrent_cancels_and_reschedules_keep_seats_equal_to_bookings() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let tokens = citizens(&app, "move", 8).await;
    let mut ids = Vec::new();
    for t in &tokens[..5] {
        let (status, b) = book(&app, t, SLOT, "RSJ-0001").await;
        assert_eq!(status, 201);
        ids.push(b["id"].as_str().unwrap().to_owned());
    }
    // Three more citizens fill three seats of the other slot.
    for t in &tokens[5..] {
        assert_eq!(book(&app, t, OTHER, "RSJ-0001").await.0, 201);
    }
    // Everyone at SLOT tries to move to OTHER (2 seats left) while also cancelling twice.
    let mut work = Vec::new();
    for (t, id) in tokens.iter().zip(&ids) {
        let move_req = event("booking-reschedule")
            .bearer(t)
            .path_param("id", id)
            .json(&json!({ "slotId": OTHER }));
        let cancel = || {
            event("booking-cancel")
                .bearer(t)
                .path_param("id", id)
                .json(&json!({ "reason": "改期" }))
        };
        work.push(booking::handle(&app.booking, move_req));
        work.push(booking::handle(&app.booking, cancel()));
        work.push(booking::handle(&app.booking, cancel()));
    }
    let answers: Vec<(u16, Value)> = join_all(work.into_iter().map(|f| async { read(f.await) })).await;
    assert!(answers.iter().all(|(s, _)| *s < 500), "{answers:?}");
    assert_eq!(taken(&app, SLOT).await, booked_in(&app, &tokens, SLOT).await);
    assert_eq!(taken(&app, OTHER).await, booked_in(&app, &tokens, OTHER).await);
    assert!(taken(&app, OTHER).await <= 5);
}

#[tokio::test]
async fn a_double_cancel_frees_one_seat() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let tokens = citizens(&app, "twice", 2).await;
    let (_, b) = book(&app, &tokens[0], SLOT, "RSJ-0001").await;
    book(&app, &tokens[1], SLOT, "RSJ-0001").await;
    let id = b["id"].as_str().unwrap();
    for _ in 0..3 {
        let req = event("booking-cancel").bearer(&tokens[0]).path_param("id", id);
        let (status, body) = read(booking::handle(&app.booking, req).await);
        assert_eq!((status, body["status"].as_str()), (200, Some("cancelled")));
    }
    assert_eq!(taken(&app, SLOT).await, 1);
}

#[tokio::test]
async fn twenty_concurrent_requests_with_one_idempotency_key_make_one_booking() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let (token, _) = app.citizen("idem", 1).await;
    let req = || event("booking-create").bearer(&token); // carries Idempotency-Key
    let results = join_all((0..20).map(|_| async { read(booking::handle(&app.booking, req()).await) })).await;
    let ids: HashSet<&str> = results.iter().map(|(_, b)| b["id"].as_str().unwrap_or("")).collect();
    assert!(results.iter().all(|(s, _)| *s == 201), "{results:?}");
    assert_eq!(ids.len(), 1);
    assert_eq!(taken(&app, SLOT).await, 1);
    let other = req().json(&json!({ "slotId": OTHER, "itemCode": "RSJ-0001" }));
    let (status, body) = read(booking::handle(&app.booking, other).await);
    assert_eq!((status, code(&body)), (422, "IDEMPOTENCY_KEY_REUSED"));
}

#[tokio::test]
async fn concurrent_check_ins_get_unique_queue_numbers_with_the_window_prefix() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let tokens = citizens(&app, "queue", 10).await;
    let mut ids = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let slot = format!("spb-center.20261202.{}.C", ["1000", "1030", "1100"][i % 3]);
        let (status, b) = book(&app, t, &slot, "RSJ-0001").await;
        assert_eq!(status, 201, "{b}");
        ids.push(b["id"].as_str().unwrap().to_owned());
    }
    app.set_time("2026-12-02T09:50");
    let staff = app.staff_token("RSJ", Some("spb-center")).await;
    let results = join_all(ids.iter().map(|id| async {
        read(
            hall::handle(
                &app.hall,
                event("hall-check-in-by-id").bearer(&staff).path_param("id", id),
            )
            .await,
        )
    }))
    .await;
    let numbers: HashSet<String> = results
        .iter()
        .map(|(_, b)| b["queueNumber"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        results
            .iter()
            .all(|(s, b)| *s == 200 && b["status"] == "checked_in" && b["priority"] == true)
    );
    assert_eq!(numbers.len(), 10);
    assert!(
        numbers.iter().all(|n| n.starts_with('C') && n.len() == 4),
        "{numbers:?}"
    );
    // Checking in again answers with the same number.
    let again = read(
        hall::handle(
            &app.hall,
            event("hall-check-in-by-id").bearer(&staff).path_param("id", &ids[0]),
        )
        .await,
    );
    assert_eq!(again.1["queueNumber"], results[0].1["queueNumber"]);
}
