//! The citizen is told of every change to their bookings, as of other changes: a cancel, a
//! move (with the new time and code), and a ban after repeated no-shows. Each notice is
//! written with its change, once.

use fingertip_tests::{EventExt, TestApp, event, read, spawn_app};
use serde_json::{Value, json};

async fn book(app: &TestApp, token: &str, slot: &str) -> Value {
    let mut req = event("booking-create")
        .bearer(token)
        .json(&json!({ "slotId": slot, "itemCode": "RSJ-0001" }));
    req.headers_mut().remove("idempotency-key");
    let (status, body) = read(app.invoke("booking", req).await);
    assert_eq!(status, 201, "{body}");
    body
}

async fn notices(app: &TestApp, citizen: &str, kind: &str) -> Vec<Value> {
    let mut found: Vec<Value> = app
        .outbox()
        .await
        .into_values()
        .filter(|n| n["citizenId"] == citizen && n["kind"] == kind)
        .collect();
    found.sort_by_key(|n| n["createdAt"].as_str().unwrap_or_default().to_owned());
    found
}

#[tokio::test]
async fn a_cancelled_booking_is_told_once_without_its_code() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T08:00");
    let (token, citizen) = app.citizen("notice-cancel", 401).await;
    let b = book(&app, &token, "spb-center.20261203.1000.C").await;
    let cancel = || {
        event("booking-cancel")
            .bearer(&token)
            .path_param("id", b["id"].as_str().unwrap())
    };
    assert_eq!(read(app.invoke("booking", cancel()).await).0, 200);
    assert_eq!(
        read(app.invoke("booking", cancel()).await).0,
        200,
        "cancelling again answers as it is"
    );
    let told = notices(&app, &citizen, "booking_cancelled").await;
    assert_eq!(told.len(), 1, "{told:?}");
    let data = &told[0]["data"];
    assert_eq!(data["itemName"], "社会保障卡申领");
    assert_eq!(data["start"], "2026-12-03T10:00:00+08:00");
    assert!(
        data.get("verificationCode").is_none(),
        "a cancelled booking's code is no use"
    );
}

#[tokio::test]
async fn each_move_confirms_the_new_time_and_code_even_back_to_the_first_slot() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T08:00");
    let (token, citizen) = app.citizen("notice-move", 402).await;
    let b = book(&app, &token, "spb-center.20261203.1000.C").await;
    let id = b["id"].as_str().unwrap().to_owned();
    let mut codes = vec![b["verificationCode"].clone()];
    for slot in ["spb-center.20261204.1030.C", "spb-center.20261203.1000.C"] {
        let req = event("booking-reschedule")
            .bearer(&token)
            .path_param("id", &id)
            .json(&json!({ "slotId": slot }));
        let (status, moved) = read(app.invoke("booking", req).await);
        assert_eq!(status, 200, "{moved}");
        codes.push(moved["verificationCode"].clone());
    }
    let told = notices(&app, &citizen, "booking_confirmed").await;
    assert_eq!(told.len(), 3, "the booking's and one per move: {told:?}");
    let starts: Vec<&str> = told.iter().map(|n| n["data"]["start"].as_str().unwrap()).collect();
    assert!(starts.contains(&"2026-12-04T10:30:00+08:00"), "{starts:?}");
    let sent_codes: Vec<Value> = told.iter().map(|n| n["data"]["verificationCode"].clone()).collect();
    for c in &codes {
        assert!(sent_codes.contains(c), "every code the booking had was sent: {c}");
    }
}

#[tokio::test]
async fn a_ban_after_repeated_no_shows_is_told_once_with_its_end() {
    let app = spawn_app().await;
    let (token, citizen) = app.citizen("notice-ban", 403).await;
    for day in ["2026-12-02", "2026-12-03", "2026-12-04"] {
        app.set_time(&format!("{day}T08:00"));
        book(&app, &token, &format!("spb-center.{}.1000.C", day.replace('-', ""))).await;
        app.set_time(&format!("{day}T18:00"));
        app.booking_sweeper.sweep().await.unwrap();
        app.booking_sweeper.sweep().await.unwrap();
    }
    let told = notices(&app, &citizen, "booking_restricted").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0]["data"]["until"].as_str().unwrap().starts_with("2027-01-03"));
    assert!(told[0]["data"]["note"].as_str().unwrap().contains("3次未到"));
}
