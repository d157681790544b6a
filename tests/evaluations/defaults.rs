//! The province's default: a completed matter left unrated for the period (15 days here)
//! gets the default rating (4, 满意), marked as a default and reported apart from the
//! citizens' own ratings; after that the citizen's rating is too late.

use super::stats;
use fingertip_tests::{EventExt, code, event, read, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_matter_unrated_for_the_period_gets_the_default_once_and_apart() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("defaults", 91).await;
    app.set_time("2026-12-01T10:00");
    let rated = app.completed_application(&token).await;
    let unrated = app.completed_application(&token).await;
    let rate = |no: &str| {
        event("evaluation-application")
            .bearer(&token)
            .path_param("no", no)
            .json(&json!({ "rating": 5, "indicators": { "整体满意度": 5 } }))
    };
    assert_eq!(read(app.invoke("evaluation", rate(&rated)).await).0, 201);

    // The day before the period ends nothing is given; on its last day, the one unrated.
    app.set_time("2026-12-15T10:00");
    assert_eq!(app.evaluation_sweeper.sweep().await.unwrap().defaults, 0);
    app.set_time("2026-12-16T10:00");
    assert_eq!(app.evaluation_sweeper.sweep().await.unwrap().defaults, 1);
    assert_eq!(app.evaluation_sweeper.sweep().await.unwrap().defaults, 0, "once only");

    let figures = stats(&app, &[("dept", "RSJ"), ("from", "2026-12-01"), ("to", "2026-12-31")]).await;
    assert_eq!(
        (figures["count"].as_i64(), figures["defaulted"].as_i64()),
        (Some(1), Some(1)),
        "the default is counted apart from the citizens' ratings: {figures}"
    );
    assert_eq!(figures["satisfactionRate"], 1.0);

    let (status, body) = read(app.invoke("evaluation", rate(&unrated)).await);
    assert_eq!((status, code(&body)), (409, "ALREADY_EVALUATED"), "the period is over");
}
