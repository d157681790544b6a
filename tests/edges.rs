//! Arithmetic at the edges of time: every date, time and number that arrives from outside is
//! checked against what the code can represent, and refused with 400 `VALIDATION_FAILED`
//! naming the field; none reaches a panic or a 500.

use fingertip_tests::wechat::{Account, read_text};
use fingertip_tests::{EventExt, code, event, fields, read, spawn_app};
use serde_json::json;

const OUT_OF_RANGE: [&str; 5] = ["9999-12-31", "0001-01-01", "2100-01-01", "1899-12-31", "-2026-01-01"];

#[tokio::test]
async fn dates_no_day_can_be_computed_for_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("edges", 1).await;
    app.set_time("2026-12-02T08:00");
    let before = app.dump().await;
    for date in OUT_OF_RANGE {
        let slots = event("booking-slots").query(&[("date", date), ("item", "RSJ-0001")]);
        let (status, body) = read(app.invoke("booking", slots).await);
        assert_eq!(
            (status, fields(&body)),
            (400, vec!["date".to_owned()]),
            "{date}: {body}"
        );
        for (name, other) in [("from", "2026-01-01"), ("to", "2099-12-31")] {
            let stats =
                event("evaluation-stats").query(&[(name, date), (if name == "from" { "to" } else { "from" }, other)]);
            let (status, body) = read(app.invoke("evaluation", stats).await);
            assert_eq!(
                (status, code(&body)),
                (400, "VALIDATION_FAILED"),
                "{name}={date}: {body}"
            );
            assert_eq!(fields(&body), vec![name.to_owned()], "{name}={date}");
        }
    }
    for slot in [
        "spb-center.99991231.0930.C",
        "spb-center.21000101.0930.C",
        "spb-center.00010101.0930.C",
    ] {
        let book = event("booking-create")
            .bearer(&token)
            .json(&json!({ "slotId": slot, "itemCode": "RSJ-0001" }));
        let (status, body) = read(app.invoke("booking", book).await);
        assert_eq!(
            (status, fields(&body)),
            (400, vec!["slotId".to_owned()]),
            "{slot}: {body}"
        );
    }
    let birth = event("submission-create")
        .bearer(&token)
        .json(&json!({ "packageCode": "YJS-001", "form": { "birthDate": "9999-12-31" } }));
    let (status, body) = read(app.invoke("submission", birth).await);
    assert_eq!(status, 400, "{body}");
    assert!(fields(&body).contains(&"form.birthDate".to_owned()), "{body}");
    app.assert_unchanged(&before).await;
}

#[tokio::test]
async fn the_last_representable_day_is_answered_and_simply_not_bookable() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T08:00");
    let slots = event("booking-slots").query(&[("date", "2099-12-31"), ("item", "RSJ-0001")]);
    let (status, body) = read(app.invoke("booking", slots).await);
    assert_eq!(status, 200, "{body}");
    assert!(
        body["items"].as_array().unwrap().iter().all(|s| s["bookable"] == false),
        "{body}"
    );
    // A range ending at the last month a request may name.
    for query in [
        vec![("from", "2099-01-01"), ("to", "2099-12-31")],
        vec![("to", "2099-12-31")],
        vec![("from", "2099-12-01"), ("to", "2099-12-31"), ("groupBy", "dept")],
    ] {
        let (status, body) = read(app.invoke("evaluation", event("evaluation-stats").query(&query)).await);
        assert_eq!(status, 200, "{query:?}: {body}");
        assert_eq!(body["to"], "2099-12", "{body}");
    }
}

#[tokio::test]
async fn the_callbacks_freshness_check_refuses_any_timestamp_without_overflowing() {
    let app = spawn_app().await;
    let before = app.dump().await;
    let min = i64::MIN.to_string();
    let max = i64::MAX.to_string();
    for timestamp in [
        min.as_str(),
        max.as_str(),
        "-1",
        "0",
        "99999999999999999999",
        "+1",
        "1e9",
    ] {
        let push = app.push(Account::Official, "<xml/>", false);
        let mut q: Vec<(String, String)> = lambda_http::RequestExt::query_string_parameters_ref(&push)
            .map(|q| q.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
            .unwrap_or_default();
        q.retain(|(k, _)| k != "timestamp");
        q.push(("timestamp".into(), timestamp.into()));
        let pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, body) = read_text(app.invoke("wechat-callback", push.query(&pairs)).await);
        assert!(matches!(status, 400 | 401), "timestamp {timestamp}: {status} {body}");
        let verify = event("wechat-callback-oa-verify").query(&[
            ("signature", "0".repeat(40).as_str()),
            ("timestamp", timestamp),
            ("nonce", "n"),
            ("echostr", "e"),
        ]);
        let (status, body) = read_text(app.invoke("wechat-callback", verify).await);
        assert!(matches!(status, 400 | 401), "URL check at {timestamp}: {status} {body}");
    }
    app.assert_unchanged(&before).await;
}
