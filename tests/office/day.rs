//! One morning at the hall, end to end through the routes of template.yaml, as the README's
//! walkthrough (`tools/demo-office.sh`) does it with curl: the window clerk signs in through
//! WeCom, checks a booked citizen in by code, calls the number and takes an application in;
//! the department's approver signs in, opens a material, accepts, decides, completes and
//! delivers; every step is on the audit trail.

use fingertip_tests::{EventExt, TestApp, event, id_number, read, spawn_app};
use serde_json::{Value, json};

async fn route(app: &TestApp, req: lambda_http::Request) -> (u16, Value) {
    read(app.route(req).await)
}

/// A member's actions, sorted: the test's clock stands still, so records of one instant are
/// in id order.
async fn actions_of(app: &TestApp, user: &str) -> Vec<String> {
    let mut actions = app.actions_of(user).await;
    actions.sort();
    actions
}

fn sorted<const N: usize>(actions: [&str; N]) -> Vec<String> {
    let mut v: Vec<String> = actions.iter().map(|a| (*a).to_owned()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn a_morning_at_the_hall_from_check_in_to_the_result_handed_out_is_all_on_the_audit_trail() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T08:00");
    let (citizen, _) = app.citizen("office-day-citizen", 60).await;
    let mut book = event("booking-create")
        .bearer(&citizen)
        .json(&json!({ "slotId": "spb-center.20261202.1000.C", "itemCode": "RSJ-0001" }));
    book.headers_mut().remove("idempotency-key");
    let (status, booking) = route(&app, book).await;
    assert_eq!(status, 201, "{booking}");

    // The window clerk's morning.
    app.set_time("2026-12-02T09:55");
    let clerk = app.sign_in("chuangkou").await;
    let check_in = event("hall-check-in")
        .bearer(&clerk)
        .json(&json!({ "verificationCode": booking["verificationCode"] }));
    let (status, ticket) = route(&app, check_in).await;
    assert_eq!(status, 200, "{ticket}");
    let (status, called) = route(&app, event("hall-call-next").bearer(&clerk)).await;
    assert_eq!((status, &called["ticketId"]), (200, &ticket["ticketId"]), "{called}");

    let id = app.upload(&clerk, "身份证扫描件.jpg").await;
    let photo = app.upload(&clerk, "照片.jpg").await;
    let mut intake = event("submission-intake").bearer(&clerk).json(&json!({
        "itemCode": "RSJ-0001", "channel": "window",
        "applicant": { "realName": "测试", "idNumber": id_number(60), "phone": "13800000000" },
        "form": { "applicantName": "测试", "phone": "13800000000" },
        "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-PHOTO", "objectKey": photo }],
    }));
    intake.headers_mut().remove("idempotency-key");
    let (status, application) = route(&app, intake).await;
    assert_eq!(status, 201, "{application}");
    let no = application["applicationNo"].as_str().unwrap().to_owned();
    let finish = event("hall-finish")
        .bearer(&clerk)
        .path_param("ticketId", ticket["ticketId"].as_str().unwrap())
        .json(&json!({ "outcome": "served", "applicationNo": no }));
    assert_eq!(route(&app, finish).await.0, 200);
    let (_, visit) = route(
        &app,
        event("booking-get")
            .bearer(&citizen)
            .path_param("id", booking["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(visit["status"], "completed");

    // The department's approver.
    let approver = app.sign_in("rsj").await;
    let open = event("submission-material")
        .bearer(&approver)
        .path_param("no", &no)
        .path_param("objectKey", &id);
    assert_eq!(route(&app, open).await.0, 200);
    let act = |body: Value| {
        event("submission-transition")
            .bearer(&approver)
            .path_param("no", &no)
            .json(&body)
    };
    assert_eq!(
        route(&app, act(json!({ "action": "accept", "version": 1 }))).await.0,
        200
    );
    let decide =
        json!({ "action": "decide", "decision": "approve", "basis": "《社会保险法》第五十八条", "version": 2 });
    assert_eq!(route(&app, act(decide)).await.0, 200);
    assert_eq!(
        route(&app, act(json!({ "action": "complete", "version": 3 }))).await.0,
        200
    );
    let deliver = event("submission-delivery")
        .bearer(&approver)
        .path_param("no", &no)
        .json(&json!({ "method": "window" }));
    let (status, done) = route(&app, deliver).await;
    assert_eq!(
        (status, done["delivered"]["method"].as_str()),
        (200, Some("window")),
        "{done}"
    );

    // The citizen's own account holds the case taken in at the window.
    let (_, mine) = route(&app, event("progress-mine").bearer(&citizen)).await;
    assert_eq!(mine["items"][0]["applicationNo"], no.as_str());
    let (_, receipt) = route(&app, event("progress-receipt").bearer(&citizen).path_param("no", &no)).await;
    assert_eq!(receipt["kind"], "acceptance_receipt");

    assert_eq!(
        actions_of(&app, "chuangkou").await,
        sorted([
            "staff.sign_in",
            "booking.check_in",
            "queue.call",
            "application.intake",
            "queue.served"
        ])
    );
    assert_eq!(
        actions_of(&app, "rsj").await,
        sorted([
            "staff.sign_in",
            "material.open",
            "application.accept",
            "application.decide",
            "application.complete",
            "application.deliver"
        ])
    );
}
