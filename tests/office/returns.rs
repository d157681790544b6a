//! 退件 by reason: the category staff give when they refuse an application or ask for a
//! correction, kept on the case for the citizen to read and counted for the supervisors.

use fingertip_tests::{EventExt, event, read, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_category_that_is_not_one_or_given_to_an_acceptance_is_refused_with_nothing_written() {
    let app = spawn_app().await;
    let (citizen, _) = app.citizen("return-bad", 60).await;
    let no = app.submitted_application(&citizen).await;
    let rsj = app.demo_token("rsj").await;
    let before = app.dump().await;
    for body in [
        json!({ "action": "reject", "note": "重复", "reasonCode": "Duplicate", "version": 1 }),
        json!({ "action": "reject", "note": "重复", "reasonCode": 3, "version": 1 }),
        json!({ "action": "accept", "reasonCode": "duplicate", "version": 1 }),
    ] {
        let (status, reply) = app.transition(&rsj, &no, body.clone()).await;
        assert_eq!(status, 400, "{body}: {reply}");
        if body["reasonCode"].is_string() {
            let why = reply["error"]["details"]["fields"]["reasonCode"].as_str();
            assert!(why.is_some(), "the field is named: {reply}");
            assert!(!why.unwrap().contains("Duplicate"), "the value is not quoted back");
        }
    }
    assert_eq!(app.dump().await, before, "refused transitions write nothing");
}

#[tokio::test]
async fn a_refusal_keeps_its_category_on_the_case_and_the_overview_counts_it_there() {
    let app = spawn_app().await;
    // The day the sample overview's span ends.
    app.set_time("2026-12-02T10:00");
    let (citizen, _) = app.citizen("return-kept", 61).await;
    let no = app.submitted_application(&citizen).await;
    let rsj = app.demo_token("rsj").await;
    let body = json!({
        "action": "request_correction", "note": "身份证复印件不清晰", "version": 1,
        "correctionItems": ["重新上传身份证正反面"], "reasonCode": "materials_nonconforming",
    });
    let (status, v) = app.transition(&rsj, &no, body).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["subCases"][0]["returnReason"],
        json!({ "code": "materials_nonconforming", "label": "材料不符合法定形式" })
    );
    let req = event("progress-get").bearer(&citizen).path_param("no", &no);
    let (_, mine) = read(app.invoke("progress", req).await);
    assert_eq!(mine["subCases"][0]["returnReason"]["label"], "材料不符合法定形式");
    let req = event("progress-receipt").bearer(&citizen).path_param("no", &no);
    let (_, notice) = read(app.invoke("progress", req).await);
    assert_eq!(notice["title"], "一次性告知书", "{notice}");
    assert_eq!(notice["cases"][0]["reasonCategory"], "材料不符合法定形式");

    let jiancha = app.demo_token("jiancha").await;
    let req = event("supervision-overview").bearer(&jiancha);
    let (status, o) = read(app.invoke("supervision", req).await);
    assert_eq!(status, 200, "{o}");
    let rsj_row = o["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == "RSJ")
        .unwrap();
    assert_eq!(rsj_row["returnsByReason"]["corrections"]["materials_nonconforming"], 1);
    assert_eq!(rsj_row["returnsByReason"]["rejected"]["materials_nonconforming"], 0);
    assert_eq!(o["district"]["corrections"], 1);
    let label = o["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "unspecified");
    assert_eq!(label.unwrap()["label"], "未注明");
}
