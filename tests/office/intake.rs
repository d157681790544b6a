//! Window intake (收件, 一窗受理): window staff submit for the person in front of them, with
//! the materials they scanned; the case is that person's (their account, or one opened for
//! them and adopted when they bind the same ID number through WeChat) and routes to the
//! department's approvers.

use fingertip_tests::{EventExt, TestApp, code, event, id_number, read, spawn_app};
use model::staff::{StaffRole, WindowId};
use serde_json::{Value, json};

/// The window intake of 社会保障卡申领 (RSJ-0001) for person `n`, by `staff`.
async fn take_in(app: &TestApp, staff: &str, item: &str, n: u32) -> (u16, Value) {
    let id = app.upload(staff, "身份证扫描件.jpg").await;
    let photo = app.upload(staff, "照片.jpg").await;
    let body = json!({
        "itemCode": item,
        "channel": "window",
        "applicant": { "realName": "王五", "idNumber": id_number(n), "phone": "13900001111" },
        "form": { "applicantName": "王五", "phone": "13900001111" },
        "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-PHOTO", "objectKey": photo }],
    });
    let mut req = event("submission-create").bearer(staff).json(&body);
    req.headers_mut().remove("idempotency-key");
    read(app.invoke("submission", req).await)
}

async fn my_applications(app: &TestApp, token: &str) -> Vec<String> {
    let (status, body) = read(app.invoke("progress", event("progress-mine").bearer(token)).await);
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["applicationNo"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_window_takes_in_an_application_for_a_person_without_an_account_and_it_reaches_the_approvers() {
    let app = spawn_app().await;
    let clerk = app.demo_token("chuangkou").await;
    let (status, created) = take_in(&app, &clerk, "RSJ-0001", 40).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["channel"], "window");
    assert_eq!(created["intakeWindowId"], "spb-center.C");
    assert_eq!(created["timeline"][0]["actor"], "window");
    let text = created.to_string();
    assert!(
        !text.contains(&id_number(40)) && !text.contains("13900001111"),
        "{text}"
    );
    let no = created["applicationNo"].as_str().unwrap();

    let approver = app.demo_token("rsj").await;
    let req = event("submission-queue")
        .bearer(&approver)
        .query(&[("status", "submitted")]);
    let (_, queue) = read(app.invoke("submission", req).await);
    assert!(
        queue.to_string().contains(no),
        "the case waits in 人社局's queue: {queue}"
    );

    assert!(
        app.actions_of("chuangkou")
            .await
            .iter()
            .any(|a| a == "application.intake"),
        "the intake is on the audit trail"
    );
}

#[tokio::test]
async fn a_person_with_an_account_finds_the_window_application_in_it() {
    let app = spawn_app().await;
    let (citizen, _) = app.citizen("intake-known", 41).await;
    let clerk = app.demo_token("chuangkou").await;
    let (status, created) = take_in(&app, &clerk, "RSJ-0001", 41).await;
    assert_eq!(status, 201, "{created}");
    let no = created["applicationNo"].as_str().unwrap().to_owned();
    assert_eq!(my_applications(&app, &citizen).await, vec![no]);
}

#[tokio::test]
async fn binding_the_id_number_later_adopts_the_account_the_window_opened() {
    let app = spawn_app().await;
    let clerk = app.demo_token("chuangkou").await;
    let (_, first) = take_in(&app, &clerk, "RSJ-0001", 42).await;
    // 婚姻登记 is done only in the hall: a window takes it in, the mini-program cannot.
    let (status, second) = take_in(&app, &clerk, "MZJ-0001", 42).await;
    assert_eq!(status, 201, "{second}");

    let (token, _) = app.login("intake-adopter").await;
    let bind = |t: &str| {
        event("auth-identity").bearer(t).json(&json!({
            "realName": "王五", "idNumber": id_number(42), "phone": "13900001111"
        }))
    };
    let (status, profile) = read(app.invoke("auth", bind(&token)).await);
    assert_eq!(status, 200, "{profile}");
    let mut mine = my_applications(&app, &token).await;
    mine.sort();
    let mut expected = vec![
        first["applicationNo"].as_str().unwrap().to_owned(),
        second["applicationNo"].as_str().unwrap().to_owned(),
    ];
    expected.sort();
    assert_eq!(mine, expected);
    // Binding again changes nothing; another WeChat account cannot take the number now.
    assert_eq!(read(app.invoke("auth", bind(&token)).await).0, 200);
    let (other, _) = app.login("intake-latecomer").await;
    let (status, body) = read(app.invoke("auth", bind(&other)).await);
    assert_eq!((status, code(&body)), (409, "IDENTITY_ALREADY_BOUND"));
}

#[tokio::test]
async fn only_window_staff_take_in_only_what_their_windows_serve_and_bad_input_writes_nothing() {
    let app = spawn_app().await;
    let hall: model::HallId = "spb-center".parse().unwrap();
    let window_a = app
        .enrol(
            "intake-a",
            vec![StaffRole::Window],
            None,
            vec![hall.clone()],
            vec![WindowId::new(&hall, "A").unwrap()],
        )
        .await;
    let (status, body) = take_in(&app, &window_a, "RSJ-0001", 43).await;
    assert_eq!(
        (status, code(&body)),
        (403, "FORBIDDEN"),
        "window A does not serve 人社局's items"
    );

    let clerk = app.demo_token("chuangkou").await;
    let scan = app.upload(&clerk, "扫描件.jpg").await;
    let photo = app.upload(&clerk, "照片.jpg").await;
    let good = json!({
        "itemCode": "RSJ-0001", "channel": "window",
        "applicant": { "realName": "王五", "idNumber": id_number(44), "phone": "13900001111" },
        "form": { "applicantName": "王五", "phone": "13900001111" },
        "materials": [{ "code": "M-ID", "objectKey": scan }, { "code": "M-PHOTO", "objectKey": photo }],
    });
    let send = |token: &str, body: &Value| {
        let mut req = event("submission-create").bearer(token).json(body);
        req.headers_mut().remove("idempotency-key");
        req
    };
    let (citizen, _) = app.citizen("intake-citizen", 45).await;
    let before = app.dump().await;
    let mut bad_id = good.clone();
    bad_id["applicant"]["idNumber"] = json!("110105198001010010");
    let (status, body) = read(app.invoke("submission", send(&clerk, &bad_id)).await);
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["details"]["fields"]["applicant.idNumber"].is_string(),
        "{body}"
    );
    assert!(
        !body.to_string().contains("110105198001010010"),
        "the value is never quoted back"
    );
    let mut no_channel = good.clone();
    no_channel.as_object_mut().unwrap().remove("channel");
    assert_eq!(read(app.invoke("submission", send(&clerk, &no_channel)).await).0, 400);
    let mut no_applicant = good.clone();
    no_applicant.as_object_mut().unwrap().remove("applicant");
    assert_eq!(read(app.invoke("submission", send(&clerk, &no_applicant)).await).0, 400);
    let approver = app.demo_token("rsj").await;
    assert_eq!(read(app.invoke("submission", send(&approver, &good)).await).0, 403);
    assert_eq!(read(app.invoke("submission", send(&citizen, &good)).await).0, 400);
    let after = app.dump().await;
    let written: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
    assert!(written.is_empty(), "refused intakes write nothing: {written:#?}");

    let (status, body) = read(app.invoke("submission", send(&clerk, &good)).await);
    assert_eq!(status, 201, "{body}");
}
