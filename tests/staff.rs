//! Staff identity: sign-in through the sandbox's WeCom, the directory behind every staff
//! token, and the audit trail each staff act leaves.

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use serde_json::{Value, json};

async fn me(app: &TestApp, token: &str) -> (u16, Value) {
    read(app.invoke("auth", event("auth-staff-me").bearer(token)).await)
}

async fn queue(app: &TestApp, token: &str) -> (u16, Value) {
    read(app.invoke("submission", event("submission-queue").bearer(token)).await)
}

async fn sign_in_with(app: &TestApp, code: &str) -> (u16, Value) {
    read(
        app.invoke("auth", event("auth-staff-sign-in").json(&json!({ "code": code })))
            .await,
    )
}

/// The admin's update of the entry `id`, with `change` merged over the entry as read.
async fn update(app: &TestApp, id: &str, change: Value) -> (u16, Value) {
    let admin = app.demo_token("admin").await;
    let store = store::staff::StaffStore::new(app.dynamo.clone(), app.tables["StaffTable"].clone());
    let member = store.get(&id.parse().unwrap()).await.unwrap().unwrap();
    let mut entry = serde_json::to_value(&member).unwrap();
    for k in ["id", "version", "createdAt", "updatedAt"] {
        entry.as_object_mut().unwrap().remove(k);
    }
    if entry["deptCode"].is_null() {
        entry.as_object_mut().unwrap().remove("deptCode");
    }
    for (k, v) in change.as_object().unwrap() {
        entry[k] = v.clone();
    }
    let req = event("auth-admin-staff-update")
        .bearer(&admin)
        .path_param("id", id)
        .json(&entry);
    read(app.invoke("auth", req).await)
}

/// The audit records of one member, oldest first: (action, subject).
async fn audit_of(app: &TestApp, staff_id: &str) -> Vec<(String, String)> {
    app.trail_of(staff_id)
        .await
        .into_iter()
        .map(|e| (e.action, e.subject))
        .collect()
}

#[tokio::test]
async fn a_member_signs_in_through_wecom_with_their_roles_and_scope_for_one_shift_at_most() {
    let app = spawn_app().await;
    let (status, body) = sign_in_with(&app, "wecom-chuangkou").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["staff"]["roles"], json!(["window"]));
    assert_eq!(body["staff"]["hallIds"], json!(["spb-center"]));
    assert!(body["staff"]["windowIds"].as_array().unwrap().len() >= 2);
    let expires: jiff::Timestamp = body["expiresAt"].as_str().unwrap().parse().unwrap();
    let shift = expires.duration_since(jiff::Timestamp::now());
    assert!(shift <= jiff::SignedDuration::from_hours(8), "{shift:?}");
    let (status, me) = me(&app, body["token"].as_str().unwrap()).await;
    assert_eq!((status, &me["id"]), (200, &body["staff"]["id"]));
}

#[tokio::test]
async fn anyone_the_directory_does_not_hold_gets_the_same_403_and_a_bad_code_a_401() {
    let app = spawn_app().await;
    for code_ in ["wecom-nobody", "outsider-visitor"] {
        let (status, body) = sign_in_with(&app, code_).await;
        assert_eq!((status, code(&body)), (403, "STAFF_NOT_ENROLLED"), "{code_}");
    }
    let (status, body) = sign_in_with(&app, "not-a-wecom-code").await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    assert_eq!(body["error"]["details"]["wecomErrcode"], 40029);
    let (status, body) = sign_in_with(&app, "").await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_FAILED"));
}

#[tokio::test]
async fn the_wecom_access_token_is_fetched_once_for_every_sign_in() {
    let app = spawn_app().await;
    for user in ["rsj", "scjg", "jiancha"] {
        app.sign_in(user).await;
    }
    let wecom_calls = app
        .sandbox
        .token_calls()
        .iter()
        .filter(|c| c["appid"].as_str().unwrap().starts_with("wecom:"))
        .count();
    assert_eq!(wecom_calls, 1);
}

#[tokio::test]
async fn wecom_failing_for_now_is_a_503_and_a_refused_token_is_fetched_again() {
    let app = spawn_app().await;
    app.sandbox
        .add_fault(serde_json::from_value(json!({ "scope": "token", "kind": "busy", "count": 1 })).unwrap());
    let (status, body) = sign_in_with(&app, "wecom-rsj").await;
    assert_eq!((status, code(&body)), (503, "SERVICE_UNAVAILABLE"));
    app.sign_in("rsj").await;
    app.sandbox.invalidate_tokens();
    app.sign_in("rsj").await;
}

#[tokio::test]
async fn a_disabled_members_tokens_stop_working_within_five_minutes_and_they_cannot_sign_in() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let token = app.sign_in("rsj").await;
    assert_eq!(queue(&app, &token).await.0, 200);
    let id = me(&app, &token).await.1["id"].as_str().unwrap().to_owned();

    let (status, body) = update(&app, &id, json!({ "disabled": true })).await;
    assert_eq!(status, 200, "{body}");
    // The directory's own route reads the entry: at once.
    assert_eq!(me(&app, &token).await.0, 401);
    // Other functions remember the directory's answer for at most four minutes.
    app.set_time("2026-12-02T09:05");
    let (status, body) = queue(&app, &token).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    let (status, body) = sign_in_with(&app, "wecom-rsj").await;
    assert_eq!((status, code(&body)), (403, "STAFF_NOT_ENROLLED"));
}

#[tokio::test]
async fn changing_a_members_roles_retires_their_old_tokens_and_the_next_sign_in_carries_the_new_ones() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let old = app.sign_in("scjg").await;
    assert_eq!(queue(&app, &old).await.0, 200);
    let id = me(&app, &old).await.1["id"].as_str().unwrap().to_owned();
    let (status, body) = update(&app, &id, json!({ "roles": ["supervisor"], "deptCode": null })).await;
    assert_eq!(status, 200, "{body}");
    app.set_time("2026-12-02T09:05");
    assert_eq!(queue(&app, &old).await.0, 401);
    let new = app.sign_in("scjg").await;
    assert_eq!(me(&app, &new).await.1["roles"], json!(["supervisor"]));
    assert_eq!(queue(&app, &new).await.0, 403, "a supervisor has no department queue");
}

#[tokio::test]
async fn an_entry_whose_scope_the_catalog_lacks_is_400_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.demo_token("admin").await;
    let list = || async {
        let (_, body) = read(
            app.invoke(
                "auth",
                event("auth-admin-staff-list").bearer(&admin).query(&[("limit", "100")]),
            )
            .await,
        );
        body["items"].as_array().unwrap().len()
    };
    let before = list().await;
    let cases = [
        (
            json!({ "roles": ["window"], "hallIds": ["spb-center"], "windowIds": ["spb-center.Z"] }),
            "windowIds",
        ),
        (
            json!({ "roles": ["window"], "hallIds": ["spb-nowhere"], "windowIds": ["spb-nowhere.A"] }),
            "hallIds",
        ),
        (json!({ "roles": ["approver"], "deptCode": "NOPE" }), "deptCode"),
        (json!({ "roles": ["approver"] }), "deptCode"),
        (
            json!({ "roles": ["window"], "hallIds": ["spb-center"], "windowIds": ["spb-xiyong.A"] }),
            "windowIds",
        ),
        (json!({ "roles": ["overlord"] }), "roles[0]"),
    ];
    for (scope, field) in cases {
        let mut body = json!({ "wecomUserId": "newcomer", "name": "新同事" });
        for (k, v) in scope.as_object().unwrap() {
            body[k] = v.clone();
        }
        let req = event("auth-admin-staff-create").bearer(&admin).json(&body);
        let mut req = req;
        req.headers_mut().remove("idempotency-key");
        let (status, answer) = read(app.invoke("auth", req).await);
        assert_eq!((status, code(&answer)), (400, "VALIDATION_FAILED"), "{body}");
        assert!(
            answer["error"]["details"]["fields"][field].is_string(),
            "{field}: {answer}"
        );
    }
    assert_eq!(list().await, before);
    // A WeCom account already enrolled.
    let mut req = event("auth-admin-staff-create")
        .bearer(&admin)
        .json(&json!({ "wecomUserId": "rsj", "name": "重复", "roles": ["supervisor"] }));
    req.headers_mut().remove("idempotency-key");
    let (status, answer) = read(app.invoke("auth", req).await);
    assert_eq!((status, code(&answer)), (409, "WECOM_ACCOUNT_TAKEN"));
    assert_eq!(list().await, before);
}

#[tokio::test]
async fn every_staff_act_leaves_an_audit_record_and_a_refused_act_leaves_none() {
    let app = spawn_app().await;
    let (citizen, _) = app.citizen("audit-citizen", 7).await;
    let no = app.submitted_application(&citizen).await;
    // Records sort by time: each act a minute after the last.
    app.set_time("2026-12-02T09:00");
    let rsj = app.sign_in("rsj").await;
    app.set_time("2026-12-02T09:01");
    let rsj_id = me(&app, &rsj).await.1["id"].as_str().unwrap().to_owned();

    // A stale version is refused: no record.
    let stale = event("submission-transition")
        .bearer(&rsj)
        .path_param("no", &no)
        .json(&json!({ "action": "accept", "version": 99 }));
    assert_eq!(read(app.invoke("submission", stale).await).0, 409);
    let accept = event("submission-transition")
        .bearer(&rsj)
        .path_param("no", &no)
        .json(&json!({ "action": "accept", "version": 1 }));
    let (status, body) = read(app.invoke("submission", accept).await);
    assert_eq!(status, 200, "{body}");

    let records = audit_of(&app, &rsj_id).await;
    assert_eq!(
        records,
        vec![
            ("staff.sign_in".to_owned(), format!("staff:{rsj_id}")),
            ("application.accept".to_owned(), format!("application:{no}")),
        ]
    );

    let (_, body) = update(
        &app,
        &model::StaffId::derived("wjw").to_string(),
        json!({ "name": "卫健委审批员" }),
    )
    .await;
    assert_eq!(body["version"], 2);
    let admin_id = model::StaffId::derived("admin").to_string();
    assert!(audit_of(&app, &admin_id).await.contains(&(
        "staff.update".to_owned(),
        format!("staff:{}", model::StaffId::derived("wjw"))
    )));
}
