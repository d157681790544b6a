//! Booking rules against the real local store: identity, the booking window and lead time,
//! one booking per person, item and day, the cancel deadline, no-show bans and their expiry,
//! reminders, and who may see or touch a booking.

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use serde_json::{Value, json};

const DAY: &str = "2026-12-02T08:15";

async fn book(app: &TestApp, token: &str, slot: &str, item: &str) -> (u16, Value) {
    let mut req = event("booking-create")
        .bearer(token)
        .json(&json!({ "slotId": slot, "itemCode": item }));
    req.headers_mut().remove("idempotency-key");
    read(booking::handle(&app.booking, req).await)
}

#[tokio::test]
async fn booking_needs_a_real_name_identity() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let (token, _) = app.login("anonymous").await;
    let (status, body) = book(&app, &token, "spb-center.20261202.1000.C", "RSJ-0001").await;
    assert_eq!((status, code(&body)), (403, "IDENTITY_REQUIRED"));
}

#[tokio::test]
async fn slots_outside_the_window_or_the_grid_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let (token, _) = app.citizen("rules", 1).await;
    let before = app.dump().await;
    for (slot, item, status, expected, field) in [
        (
            "spb-center.20261202.0830.C",
            "RSJ-0001",
            400,
            "VALIDATION_FAILED",
            Some("slotId"),
        ), // before opening
        (
            "spb-center.20261202.0900.C",
            "RSJ-0001",
            422,
            "OUTSIDE_BOOKING_WINDOW",
            None,
        ), // inside the lead hour
        (
            "spb-center.20261201.1000.C",
            "RSJ-0001",
            422,
            "OUTSIDE_BOOKING_WINDOW",
            None,
        ), // yesterday
        (
            "spb-center.20261214.1000.C",
            "RSJ-0001",
            422,
            "OUTSIDE_BOOKING_WINDOW",
            None,
        ), // 8th working day
        (
            "spb-center.20261206.1000.C",
            "RSJ-0001",
            400,
            "VALIDATION_FAILED",
            Some("slotId"),
        ), // Sunday
        (
            "spb-center.20261202.1000.D",
            "RSJ-0001",
            400,
            "VALIDATION_FAILED",
            Some("itemCode"),
        ), // 户政 window
        (
            "spb-center.20261202.1000.A",
            "SCJG-0001",
            400,
            "VALIDATION_FAILED",
            Some("itemCode"),
        ), // not bookable
        (
            "spb-center.20261202.1000.C",
            "NOPE-0001",
            400,
            "VALIDATION_FAILED",
            Some("itemCode"),
        ),
        (
            "no-such-hall.20261202.1000.C",
            "RSJ-0001",
            400,
            "VALIDATION_FAILED",
            Some("slotId"),
        ),
        (
            "spb-center.2026-12-02.1000.C",
            "RSJ-0001",
            400,
            "VALIDATION_FAILED",
            Some("slotId"),
        ),
    ] {
        let (got, body) = book(&app, &token, slot, item).await;
        assert_eq!((got, code(&body)), (status, expected), "{slot} {item}: {body}");
        if let Some(f) = field {
            assert!(body["error"]["details"]["fields"][f].is_string(), "{slot}: {body}");
        }
    }
    // The 7th working day is still bookable.
    app.assert_unchanged(&before).await;
    assert_eq!(
        book(&app, &token, "spb-center.20261211.1000.C", "RSJ-0001").await.0,
        201
    );
}

#[tokio::test]
async fn one_person_books_an_item_once_a_day_even_from_two_accounts() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let (token, _) = app.citizen("dup", 7).await;
    assert_eq!(
        book(&app, &token, "spb-center.20261202.1000.C", "RSJ-0001").await.0,
        201
    );
    let (status, body) = book(&app, &token, "spb-center.20261202.1400.C", "RSJ-0001").await;
    assert_eq!((status, code(&body)), (409, "DUPLICATE_BOOKING"));
    assert_eq!(
        book(&app, &token, "spb-center.20261202.1400.C", "YBJ-0001").await.0,
        201,
        "another item is fine"
    );
    assert_eq!(
        book(&app, &token, "spb-center.20261203.1000.C", "RSJ-0001").await.0,
        201,
        "another day is fine"
    );
}

#[tokio::test]
async fn cancelling_closes_two_hours_before_the_slot() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let (token, _) = app.citizen("late", 2).await;
    let (_, b) = book(&app, &token, "spb-center.20261202.1100.C", "RSJ-0001").await;
    app.set_time("2026-12-02T09:01");
    let req = event("booking-cancel")
        .bearer(&token)
        .path_param("id", b["id"].as_str().unwrap());
    let (status, body) = read(booking::handle(&app.booking, req).await);
    assert_eq!((status, code(&body)), (422, "CANCEL_DEADLINE_PASSED"));
}

#[tokio::test]
async fn three_no_shows_ban_booking_for_thirty_days_and_the_ban_expires() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("noshow", 3).await;
    for day in ["2026-12-02", "2026-12-03", "2026-12-04"] {
        app.set_time(&format!("{day}T08:00"));
        let slot = format!("spb-center.{}.1000.C", day.replace('-', ""));
        assert_eq!(book(&app, &token, &slot, "RSJ-0001").await.0, 201);
        app.set_time(&format!("{day}T18:00"));
        let report = app.booking_sweeper.sweep().await.unwrap();
        assert_eq!(report.no_shows, 1, "{day}");
        // A second sweep changes nothing.
        assert_eq!(app.booking_sweeper.sweep().await.unwrap().no_shows, 0);
    }
    app.set_time("2026-12-07T08:00");
    let (status, body) = book(&app, &token, "spb-center.20261207.1000.C", "RSJ-0001").await;
    assert_eq!((status, code(&body)), (403, "BOOKING_RESTRICTED"), "{body}");
    assert!(
        body["error"]["details"]["until"]
            .as_str()
            .unwrap()
            .starts_with("2027-01-03")
    );
    app.set_time("2027-01-04T08:00");
    assert_eq!(
        book(&app, &token, "spb-center.20270104.1000.C", "RSJ-0001").await.0,
        201,
        "the ban has expired"
    );
}

#[tokio::test]
async fn the_day_before_a_booking_the_sweeper_records_one_reminder() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let (token, citizen) = app.citizen("remind", 4).await;
    let (_, b) = book(&app, &token, "spb-center.20261203.1000.C", "RSJ-0001").await;
    assert_eq!(app.booking_sweeper.sweep().await.unwrap().reminders, 1);
    assert_eq!(app.booking_sweeper.sweep().await.unwrap().reminders, 0, "once only");
    let outbox = app.tables["OutboxTable"].clone();
    let id = format!("booking-reminder#{}", b["id"].as_str().unwrap());
    let item = app
        .dynamo
        .get_item()
        .table_name(&outbox)
        .key("id", aws_sdk_dynamodb::types::AttributeValue::S(id))
        .send()
        .await
        .unwrap()
        .item
        .expect("the reminder is in the outbox");
    assert_eq!(item["kind"].as_s().unwrap(), "booking_reminder");
    assert_eq!(item["citizenId"].as_s().unwrap(), &citizen);
    assert_eq!(item["status"].as_s().unwrap(), "pending");
    assert!(item["data"].as_m().unwrap()["verificationCode"].as_s().is_ok());
    let confirmed = format!("booking-confirmed#{}", b["id"].as_str().unwrap());
    let confirmation = app
        .dynamo
        .get_item()
        .table_name(&outbox)
        .key("id", aws_sdk_dynamodb::types::AttributeValue::S(confirmed))
        .send()
        .await
        .unwrap();
    assert!(
        confirmation.item.is_some(),
        "the booking wrote its confirmation in the same transaction"
    );
}

#[tokio::test]
async fn another_citizens_booking_is_404_to_them_and_to_staff_of_another_hall() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let (alice, _) = app.citizen("owner", 5).await;
    let (bob, _) = app.citizen("other", 6).await;
    let (_, b) = book(&app, &alice, "spb-center.20261202.1000.C", "RSJ-0001").await;
    let id = b["id"].as_str().unwrap();
    for name in ["booking-get", "booking-cancel", "booking-reschedule"] {
        let (status, body) = read(booking::handle(&app.booking, event(name).bearer(&bob).path_param("id", id)).await);
        assert_eq!((status, code(&body)), (404, "NOT_FOUND"), "{name}");
    }
    let elsewhere = app.staff_token("RSJ", Some("spb-xiyong")).await;
    let (status, _) = read(
        hall::handle(
            &app.hall,
            event("hall-check-in-by-id").bearer(&elsewhere).path_param("id", id),
        )
        .await,
    );
    assert_eq!(status, 404, "another hall's booking looks like none");
    let no_hall = app.staff_token("RSJ", None).await;
    let (status, _) = read(
        hall::handle(
            &app.hall,
            event("hall-check-in-by-id").bearer(&no_hall).path_param("id", id),
        )
        .await,
    );
    assert_eq!(status, 403, "staff posted at no hall check no one in");
    let (status, _) = read(
        hall::handle(
            &app.hall,
            event("hall-check-in-by-id").bearer(&alice).path_param("id", id),
        )
        .await,
    );
    assert_eq!(status, 403, "citizens cannot check in");
    let (status, body) = read(
        booking::handle(
            &app.booking,
            event("booking-get").bearer(&alice).path_param("id", "not-an-id"),
        )
        .await,
    );
    assert_eq!((status, code(&body)), (400, "VALIDATION_FAILED"));
}

#[tokio::test]
async fn slots_show_remaining_seats_and_only_windows_serving_the_item() {
    let app = spawn_app().await;
    app.set_time(DAY);
    let (token, _) = app.citizen("slots", 8).await;
    book(&app, &token, "spb-center.20261202.1000.C", "RSJ-0001").await;
    let (status, body) = read(booking::handle(&app.booking, event("booking-slots")).await);
    assert_eq!(status, 200);
    let slots = body["items"].as_array().unwrap();
    assert!(
        slots.iter().all(|s| s["windowCode"] == "C"),
        "RSJ-0001 is served at window C only"
    );
    let ten = slots
        .iter()
        .find(|s| s["slotId"] == "spb-center.20261202.1000.C")
        .unwrap();
    assert_eq!(
        (ten["capacity"].as_u64(), ten["remaining"].as_u64()),
        (Some(5), Some(4))
    );
    let nine = slots
        .iter()
        .find(|s| s["slotId"] == "spb-center.20261202.0900.C")
        .unwrap();
    assert_eq!(nine["bookable"], false, "inside the lead hour");
    let (status, body) =
        read(booking::handle(&app.booking, event("booking-slots").query(&[("date", "2026-10-01")])).await);
    assert_eq!(
        (status, body["items"].as_array().unwrap().len()),
        (200, 0),
        "国庆: closed"
    );
    let (status, body) =
        read(booking::handle(&app.booking, event("booking-slots").query(&[("date", "tomorrow")])).await);
    assert_eq!((status, code(&body)), (400, "VALIDATION_FAILED"));
}
