//! Verified identity (实名核验): face verification through the WeChat sandbox raises an
//! account from `claimed` to `verified`, takes a number back from an account that only
//! claimed it, and opens the items that require it; a refused claim gives nothing away.

use fingertip_tests::{EventExt, TestApp, code, event, fields, id_number, read, spawn_app};
use serde_json::{Value, json};

const NAME: &str = "王芳";

fn identity(n: u32, phone: &str) -> Value {
    json!({ "realName": NAME, "idNumber": id_number(n), "phone": phone })
}

async fn bind(app: &TestApp, token: &str, body: &Value) -> (u16, Value) {
    read(
        app.invoke("auth", event("auth-identity").bearer(token).json(body))
            .await,
    )
}

async fn verify(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    read(
        app.invoke("auth", event("auth-identity-verification").bearer(token).json(&body))
            .await,
    )
}

async fn me(app: &TestApp, token: &str) -> Value {
    read(app.invoke("auth", event("auth-me").bearer(token)).await).1
}

/// What WeChat would hand `code`'s user after matching their face to identity `n`.
fn face(app: &TestApp, code: &str, n: u32, outcome: &str) -> String {
    app.sandbox
        .face_result(code, NAME, &id_number(n), outcome)
        .expect("a sandbox outcome")
}

async fn identity_notices(app: &TestApp, citizen: &str) -> Vec<Value> {
    app.outbox()
        .await
        .into_values()
        .filter(|n| n["kind"] == "identity_change" && n["citizenId"] == citizen)
        .collect()
}

#[tokio::test]
async fn face_verification_raises_a_claimed_identity_to_verified_and_tells_the_citizen() {
    let app = spawn_app().await;
    let (token, id) = app.login("face-owner").await;
    assert_eq!(bind(&app, &token, &identity(1, "13812345678")).await.0, 200);
    assert_eq!(me(&app, &token).await["identityLevel"], "claimed");

    let (status, profile) = verify(
        &app,
        &token,
        json!({ "verifyResult": face(&app, "face-owner", 1, "pass") }),
    )
    .await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["identityLevel"], "verified");
    assert!(profile["identityVerifiedAt"].as_str().unwrap().ends_with("+08:00"));
    assert_eq!(profile["idNumber"], "1101**********".to_owned() + &id_number(1)[14..]);
    let notices = identity_notices(&app, &id).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["data"]["status"], "已认证");
    assert!(
        !notices[0].to_string().contains(&id_number(1)),
        "no ID number in a notice"
    );
    // The same result sent again (a retry) verifies nothing more and tells no one twice.
    let (status, again) = verify(
        &app,
        &token,
        json!({ "verifyResult": face(&app, "face-owner", 1, "pass") }),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["identityVerifiedAt"], profile["identityVerifiedAt"]);
    assert_eq!(identity_notices(&app, &id).await.len(), 1);

    // The typed binding sent again may change the phone; the level stays.
    let (status, again) = bind(&app, &token, &identity(1, "13698765432")).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (again["identityLevel"].as_str(), again["phone"].as_str()),
        (Some("verified"), Some("136****5432"))
    );
    // A verified name is what WeChat matched: a typed binding cannot change it.
    let other_name = json!({ "realName": "王芬", "idNumber": id_number(1), "phone": "13698765432" });
    assert_eq!(code(&bind(&app, &token, &other_name).await.1), "IDENTITY_ALREADY_BOUND");
}

#[tokio::test]
async fn a_face_verified_binding_takes_a_number_from_an_account_that_only_claimed_it() {
    let app = spawn_app().await;
    let (squatter, squatter_id) = app.login("face-squatter").await;
    let (owner, owner_id) = app.login("face-rightful").await;
    assert_eq!(bind(&app, &squatter, &identity(2, "13900000001")).await.0, 200);
    let (status, body) = bind(&app, &owner, &identity(2, "13900000002")).await;
    assert_eq!((status, code(&body)), (409, "IDENTITY_ALREADY_BOUND"));

    let mut claim = identity(2, "13900000002");
    claim["verifyResult"] = json!(face(&app, "face-rightful", 2, "pass"));
    let (status, profile) = verify(&app, &owner, claim).await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(
        (profile["identityLevel"].as_str(), profile["phone"].as_str()),
        (Some("verified"), Some("139****0002"))
    );

    let released = me(&app, &squatter).await;
    assert_eq!(released["realNameVerified"], false, "{released}");
    assert!(released.get("idNumber").is_none());
    let told = identity_notices(&app, &squatter_id).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["data"]["status"], "已解除");
    assert!(
        !told[0].to_string().contains(&owner_id),
        "the released account is not told who"
    );
    assert_eq!(identity_notices(&app, &owner_id).await.len(), 1);

    // The number is the owner's for good: neither a claim nor a verification takes it back.
    assert_eq!(bind(&app, &squatter, &identity(2, "13900000001")).await.0, 409);
    let mut back = identity(2, "13900000001");
    back["verifyResult"] = json!(face(&app, "face-squatter", 2, "pass"));
    let (status, body) = verify(&app, &squatter, back).await;
    assert_eq!((status, code(&body)), (409, "IDENTITY_ALREADY_BOUND"));
    // Booking needs an identity again.
    let req = event("booking-create")
        .bearer(&squatter)
        .json(&json!({ "slotId": "spb-center.20261202.1000.C", "itemCode": "RSJ-0001" }));
    assert_eq!(code(&read(app.invoke("booking", req).await).1), "IDENTITY_REQUIRED");
}

#[tokio::test]
async fn two_accounts_verifying_one_number_at_once_end_with_one_holder() {
    let app = spawn_app().await;
    let (a, _) = app.login("face-race-a").await;
    let (b, _) = app.login("face-race-b").await;
    let body = |code: &str| {
        let mut body = identity(3, "13800000003");
        body["verifyResult"] = json!(face(&app, code, 3, "pass"));
        body
    };
    let (ra, rb) = tokio::join!(
        verify(&app, &a, body("face-race-a")),
        verify(&app, &b, body("face-race-b"))
    );
    let mut statuses = [ra.0, rb.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{ra:?} {rb:?}");
    let levels = [me(&app, &a).await, me(&app, &b).await].map(|p| p["identityLevel"].clone());
    assert_eq!(levels.iter().filter(|l| *l == "verified").count(), 1, "{levels:?}");
}

#[tokio::test]
async fn a_result_that_does_not_vouch_for_this_account_and_identity_is_refused() {
    let app = spawn_app().await;
    let (token, id) = app.login("face-refused").await;
    assert_eq!(bind(&app, &token, &identity(4, "13800000004")).await.0, 200);
    let cases = [
        (face(&app, "someone-else", 4, "pass"), "mismatch"),
        (face(&app, "face-refused", 5, "pass"), "mismatch"),
        (face(&app, "face-refused", 4, "face_mismatch"), "failed"),
        (face(&app, "face-refused", 4, "cancelled"), "failed"),
        (face(&app, "face-refused", 4, "expired"), "expired"),
        ("not-a-result-wechat-issued".to_owned(), "unknown"),
    ];
    for (result, reason) in cases {
        let (status, body) = verify(&app, &token, json!({ "verifyResult": result })).await;
        assert_eq!(
            (status, code(&body)),
            (422, "FACE_VERIFICATION_FAILED"),
            "{reason}: {body}"
        );
        assert_eq!(body["error"]["details"]["reason"], reason);
        assert!(!body.to_string().contains(&id_number(4)));
    }
    assert_eq!(me(&app, &token).await["identityLevel"], "claimed");
    assert!(identity_notices(&app, &id).await.is_empty());
}

#[tokio::test]
async fn bad_input_is_named_and_writes_nothing() {
    let app = spawn_app().await;
    let (token, _) = app.login("face-bad-input").await;
    let (unbound, _) = app.login("face-unbound").await;
    assert_eq!(bind(&app, &token, &identity(6, "13800000006")).await.0, 200);
    let before = app.dump().await;
    let result = face(&app, "face-bad-input", 6, "pass");
    let cases = [
        (&token, json!({ "verifyResult": "" }), vec!["verifyResult"]),
        (&token, json!({ "verifyResult": "含中文" }), vec!["verifyResult"]),
        (
            &token,
            json!({ "verifyResult": "x".repeat(2000) }),
            vec!["verifyResult"],
        ),
        (
            &token,
            json!({ "verifyResult": result, "realName": NAME }),
            vec!["idNumber", "phone"],
        ),
        (
            &token,
            json!({ "verifyResult": result, "realName": NAME, "idNumber": "110105198001010010", "phone": "13800000006" }),
            vec!["idNumber"],
        ),
        (&unbound, json!({ "verifyResult": result }), vec!["idNumber"]),
    ];
    for (who, body, named) in cases {
        let (status, answer) = verify(&app, who, body).await;
        assert_eq!((status, code(&answer)), (400, "VALIDATION_FAILED"), "{answer}");
        assert_eq!(fields(&answer), named, "{answer}");
    }
    let (status, answer) = verify(&app, &token, json!({ "verifyResult": result, "selfie": "x" })).await;
    assert_eq!(status, 400, "{answer}");
    app.assert_unchanged(&before).await;
}

#[tokio::test]
async fn a_refused_claim_reads_the_same_whoever_holds_the_number() {
    let app = spawn_app().await;
    let (holder, _) = app.login("claim-holder").await;
    let (prober, _) = app.login("claim-prober").await;
    let (bound_elsewhere, _) = app.login("claim-bound").await;
    assert_eq!(bind(&app, &holder, &identity(7, "13800000007")).await.0, 200);
    assert_eq!(bind(&app, &bound_elsewhere, &identity(8, "13800000008")).await.0, 200);
    // Another account holds the number; this account holds another: one answer.
    let (s1, taken) = bind(&app, &prober, &identity(7, "13800000009")).await;
    let (s2, own_other) = bind(&app, &bound_elsewhere, &identity(9, "13800000008")).await;
    assert_eq!((s1, s2), (409, 409));
    assert_eq!(taken["error"]["message"], own_other["error"]["message"]);
    assert_eq!(taken["error"].get("details"), own_other["error"].get("details"));
    assert!(!taken.to_string().contains("其他账号"), "{taken}");
}

#[tokio::test]
async fn binding_attempts_are_limited_per_account_and_day() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T23:00");
    let (token, _) = app.login("claim-many").await;
    for n in 0..10 {
        let (status, body) = bind(&app, &token, &identity(100, &format!("1380000{:04}", n))).await;
        assert_eq!(status, 200, "attempt {n}: {body}");
    }
    let resp = app
        .invoke(
            "auth",
            event("auth-identity")
                .bearer(&token)
                .json(&identity(100, "13800000011")),
        )
        .await;
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let (status, body) = read(resp);
    assert_eq!((status, code(&body)), (429, "RATE_LIMITED"));
    assert_eq!(retry.as_deref(), Some("3600"), "until midnight in Beijing");
    let (status, _) = verify(
        &app,
        &token,
        json!({ "verifyResult": face(&app, "claim-many", 100, "pass") }),
    )
    .await;
    assert_eq!(status, 429, "face verification counts too");
    // Another account is not held back, and the next day the first may try again.
    let (other, _) = app.login("claim-other").await;
    assert_eq!(bind(&app, &other, &identity(101, "13800000012")).await.0, 200);
    app.set_time("2026-12-03T00:00");
    assert_eq!(bind(&app, &token, &identity(100, "13800000013")).await.0, 200);
}

#[tokio::test]
async fn items_that_move_money_or_rights_need_a_verified_identity() {
    let app = spawn_app().await;
    app.set_time("2026-12-01T09:00");
    let (_, item) = read(
        app.invoke("catalog", event("catalog-item").path_param("code", "BDC-0001"))
            .await,
    );
    assert_eq!(item["identityLevel"], "verified");
    let (_, package) = read(
        app.invoke("catalog", event("catalog-package").path_param("code", "YJS-003"))
            .await,
    );
    assert_eq!(package["identityLevel"], "verified");
    let (_, plain) = read(
        app.invoke("catalog", event("catalog-item").path_param("code", "RSJ-0001"))
            .await,
    );
    assert_eq!(plain["identityLevel"], "claimed");

    let (token, _) = app.login("face-buyer").await;
    assert_eq!(bind(&app, &token, &identity(10, "13800000010")).await.0, 200);
    let book = || {
        event("booking-create")
            .bearer(&token)
            .json(&json!({ "slotId": "spb-center.20261202.1000.B", "itemCode": "BDC-0001" }))
    };
    let (status, body) = read(app.invoke("booking", book()).await);
    assert_eq!((status, code(&body)), (403, "IDENTITY_REQUIRED"), "{body}");
    assert_eq!(body["error"]["details"]["required"], "verified");
    let apply = json!({ "packageCode": "YJS-003", "form": {}, "materials": [] });
    let (status, body) = read(
        app.invoke("submission", event("submission-create").bearer(&token).json(&apply))
            .await,
    );
    assert_eq!(
        (status, body["error"]["details"]["required"].as_str()),
        (403, Some("verified")),
        "{body}"
    );

    let (status, _) = verify(
        &app,
        &token,
        json!({ "verifyResult": face(&app, "face-buyer", 10, "pass") }),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = read(app.invoke("booking", book()).await);
    assert_eq!(status, 201, "{body}");
}
