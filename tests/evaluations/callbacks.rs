//! 回访率 in the published figures: the share of 差评 called back within the limit (1
//! working day), kept in the same transactions as the steps that change it.

use super::{rate_visit, recheck, stats, step};
use fingertip_tests::spawn_app;
use serde_json::json;

#[tokio::test]
async fn the_callback_rate_counts_calls_within_the_limit_and_forgets_invalid_ratings() {
    let app = spawn_app().await;
    let staff = app.staff_token("RSJ", None).await;
    let mut ids = Vec::new();
    for (n, slot) in [(71, "1030"), (72, "1100")] {
        let (token, _) = app.citizen(&format!("callback-{n}"), n).await;
        let booking = app.checked_in_visit(&token, slot).await;
        let (status, review) =
            rate_visit(&app, &token, &booking, &json!({ "rating": 2, "tags": ["等候时间长"] })).await;
        assert_eq!(status, 201, "{review}");
        ids.push(review["id"].as_str().unwrap().to_owned());
    }
    let rsj = || stats(&app, &[("dept", "RSJ"), ("from", "2026-12-01"), ("to", "2026-12-31")]);
    assert_eq!(rsj().await["callbackRate"], 0.0, "no one called back yet");

    // The first is called back the same day, the second two days late (due 12-03).
    assert_eq!(step(&app, &staff, &ids[0], "verify", None).await.0, 200);
    app.set_time("2026-12-07T10:00");
    assert_eq!(step(&app, &staff, &ids[1], "verify", None).await.0, 200);
    let figures = rsj().await;
    assert_eq!(
        (figures["calledBack"].as_i64(), figures["callbackRate"].as_f64()),
        (Some(2), Some(0.5)),
        "{figures}"
    );

    // The one called back in time was a mistaken rating: it leaves every figure.
    assert_eq!(
        step(&app, &staff, &ids[0], "invalidate", Some("经核查系误评")).await.0,
        200
    );
    assert_eq!(
        rsj().await["calledBack"],
        2,
        "not until a supervisor upholds the ruling"
    );
    let (status, upheld) = recheck(&app, &ids[0], "uphold", Some("同意")).await;
    assert_eq!((status, upheld["status"].as_str()), (200, Some("invalid")), "{upheld}");
    let figures = rsj().await;
    assert_eq!(
        (figures["calledBack"].as_i64(), figures["callbackRate"].as_f64()),
        (Some(1), Some(0.0)),
        "{figures}"
    );
    assert_eq!(figures["byMonth"][0]["callbackRate"], 0.0);
}
