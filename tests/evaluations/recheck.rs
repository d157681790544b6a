//! 复核: a department's ruling that a 差评 was invalid waits in the supervisors' queue and
//! counts until upheld; overturned, the 差评 goes back to the department's workflow.

use super::{rate_visit, recheck, stats, step};
use fingertip_tests::{EventExt, code, event, fields, read, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_ruling_waits_for_review_counts_meanwhile_and_an_overturn_sends_it_back() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("recheck", 81).await;
    let booking = app.checked_in_visit(&token, "1030").await;
    let (_, review) = rate_visit(&app, &token, &booking, &json!({ "rating": 1, "tags": ["态度恶劣"] })).await;
    let id = review["id"].as_str().unwrap().to_owned();
    let staff = app.staff_token("RSJ", None).await;
    let supervisor = app.demo_token("jiancha").await;
    let queue = || async {
        let (status, body) = read(
            app.invoke("evaluation", event("evaluation-rulings").bearer(&supervisor))
                .await,
        );
        assert_eq!(status, 200, "{body}");
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(queue().await.is_empty());
    assert_eq!(step(&app, &staff, &id, "verify", None).await.0, 200);
    assert_eq!(
        step(&app, &staff, &id, "invalidate", Some("经核查系恶意差评")).await.0,
        200
    );
    assert_eq!(queue().await, std::slice::from_ref(&id));
    // While it waits, the department can do nothing more with it, and it still counts.
    assert_eq!(step(&app, &staff, &id, "rectify", Some("已整改")).await.0, 409);
    assert_eq!(stats(&app, &[("dept", "RSJ")]).await["count"], 1);

    // Bad input names the field and changes nothing.
    for (body, field) in [
        (json!({ "decision": "approve", "note": "同意" }), "decision"),
        (json!({ "decision": "uphold" }), "note"),
        (json!({ "decision": "uphold", "note": "  " }), "note"),
    ] {
        let before = app.dump().await;
        let req = event("evaluation-ruling-review")
            .bearer(&supervisor)
            .path_param("id", &id)
            .json(&body);
        let (status, answer) = read(app.invoke("evaluation", req).await);
        assert_eq!((status, code(&answer)), (400, "VALIDATION_FAILED"), "{answer}");
        assert_eq!(fields(&answer), [field]);
        app.assert_unchanged(&before).await;
    }

    let (status, back) = recheck(&app, &id, "overturn", Some("录像显示确有态度问题，退回整改")).await;
    assert_eq!((status, back["status"].as_str()), (200, Some("rectifying")), "{back}");
    assert!(queue().await.is_empty());
    let (status, body) = recheck(&app, &id, "uphold", Some("再审")).await;
    assert_eq!(
        (status, code(&body)),
        (409, "INVALID_TRANSITION"),
        "reviewed once per ruling"
    );
    assert_eq!(
        step(&app, &staff, &id, "rectify", Some("已约谈窗口人员并整改")).await.0,
        200
    );
    let figures = stats(&app, &[("dept", "RSJ")]).await;
    assert_eq!(
        (figures["count"].as_i64(), figures["rectifiedRate"].as_f64()),
        (Some(1), Some(1.0))
    );
    assert!(
        app.actions_of("jiancha")
            .await
            .contains(&"evaluation.review_overturn".to_owned())
    );
}
