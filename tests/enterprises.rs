//! 法人: an enterprise registered at a window, its face-verified representative, the agents
//! they authorize, and applications, bookings and ratings made for the enterprise, which
//! all its members see in its list. 企业开办 is a package a founder applies for.

use fingertip_tests::{EventExt, TestApp, code, event, fields, id_number, read, spawn_app};
use serde_json::{Value, json};

const CODE: &str = "91500106MA60A1B2CK";

async fn call(app: &TestApp, binary: &str, req: lambda_http::Request) -> (u16, Value) {
    read(app.invoke(binary, req).await)
}

async fn mine(app: &TestApp, token: &str) -> (u16, Value) {
    call(app, "auth", event("auth-enterprise-mine").bearer(token)).await
}

/// The representative (person 31) and an agent (person 32) authorized until `until`.
async fn enterprise_with_agent(app: &TestApp, until: &str) -> (String, String, String) {
    app.register_enterprise(CODE, 31).await;
    let (rep, _) = app.verified_citizen("ent-rep", 31).await;
    let (agent, _) = app.verified_citizen("ent-agent", 32).await;
    let agent_id = app.authorize_agent(&rep, CODE, 32, until).await;
    (rep, agent, agent_id)
}

#[tokio::test]
async fn a_window_registers_an_enterprise_and_its_verified_representative_acts_for_it() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    app.register_enterprise(CODE, 31).await;
    let (rep, _) = app.verified_citizen("ent-rep", 31).await;

    let (status, list) = mine(&app, &rep).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["items"][0]["creditCode"], CODE);
    assert_eq!(list["items"][0]["role"], "representative");
    assert_eq!(list["items"][0]["active"], true);

    let (status, one) = call(
        &app,
        "auth",
        event("auth-enterprise-get").bearer(&rep).path_param("code", CODE),
    )
    .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["members"].as_array().unwrap().len(), 1);
    assert_eq!(one["members"][0]["name"], "测*", "members see each other masked");

    // The same licence again is refused.
    let clerk = app.demo_token("chuangkou").await;
    let again = json!({ "creditCode": CODE, "name": "另一个名字有限公司",
                        "representative": { "realName": "李四", "idNumber": id_number(33) } });
    let (status, body) = call(
        &app,
        "auth",
        event("auth-enterprise-register").bearer(&clerk).json(&again),
    )
    .await;
    assert_eq!((status, code(&body)), (409, "ENTERPRISE_EXISTS"));
}

#[tokio::test]
async fn a_bad_registration_names_its_fields_and_writes_nothing() {
    let app = spawn_app().await;
    let clerk = app.demo_token("chuangkou").await;
    let before = app.dump().await;
    let cases = [
        // The check character of CODE changed.
        (
            json!({ "creditCode": "91500106MA60A1B2CL", "name": "重庆示例科技有限公司",
                 "representative": { "realName": "张三", "idNumber": id_number(1) } }),
            "creditCode",
        ),
        // 0 is no registration authority.
        (
            json!({ "creditCode": "01500106MA60A1B2CK", "name": "重庆示例科技有限公司",
                 "representative": { "realName": "张三", "idNumber": id_number(1) } }),
            "creditCode",
        ),
        (
            json!({ "creditCode": CODE, "name": "某",
                 "representative": { "realName": "张三", "idNumber": id_number(1) } }),
            "name",
        ),
        (
            json!({ "creditCode": CODE, "name": "重庆示例科技有限公司",
                 "representative": { "realName": "张三", "idNumber": "110105198001010011" } }),
            "representative_idNumber",
        ),
    ];
    for (body, field) in cases {
        let (status, reply) = call(
            &app,
            "auth",
            event("auth-enterprise-register").bearer(&clerk).json(&body),
        )
        .await;
        assert_eq!(status, 400, "{reply}");
        assert_eq!(fields(&reply), [field], "{reply}");
        assert!(!reply.to_string().contains("110105198001010011"), "never quoted back");
    }
    app.assert_unchanged(&before).await;

    // A citizen, and an approver without a window, may not register one.
    let (citizen, _) = app.citizen("ent-nobody", 40).await;
    let approver = app.demo_token("scjg").await;
    for token in [citizen, approver] {
        let body = json!({ "creditCode": CODE, "name": "重庆示例科技有限公司",
                           "representative": { "realName": "张三", "idNumber": id_number(1) } });
        let (status, _) = call(
            &app,
            "auth",
            event("auth-enterprise-register").bearer(&token).json(&body),
        )
        .await;
        assert_eq!(status, 403);
    }
}

#[tokio::test]
async fn a_number_only_claimed_opens_no_enterprise() {
    let app = spawn_app().await;
    app.register_enterprise(CODE, 31).await;
    // Anyone may type the representative's number; that is no way in.
    let (squatter, _) = app.citizen("ent-squatter", 31).await;
    let (status, body) = mine(&app, &squatter).await;
    assert_eq!((status, code(&body)), (403, "IDENTITY_REQUIRED"));
    assert_eq!(body["error"]["details"]["required"], "verified");
    let (status, _) = app.apply_for_enterprise(&squatter, Some(CODE)).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_revoked_or_run_out_agent_can_no_longer_act() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let (rep, agent, agent_id) = enterprise_with_agent(&app, "2027-01-31").await;
    let revoke = || {
        event("auth-enterprise-agent-revoke")
            .bearer(&rep)
            .path_param("code", CODE)
            .path_param("agentId", &agent_id)
    };
    let (status, revoked) = call(&app, "auth", revoke()).await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(revoked["active"], false);
    // Revoking again answers the same.
    assert_eq!(call(&app, "auth", revoke()).await.0, 200);
    let (status, body) = app.apply_for_enterprise(&agent, Some(CODE)).await;
    assert_eq!((status, code(&body)), (403, "ENTERPRISE_NOT_AUTHORIZED"));

    // Authorized again through today only: today they act, tomorrow not.
    app.authorize_agent(&rep, CODE, 32, "2026-12-02").await;
    assert_eq!(app.apply_for_enterprise(&agent, Some(CODE)).await.0, 201);
    app.set_time("2026-12-03T00:01");
    let (status, body) = app.apply_for_enterprise(&agent, Some(CODE)).await;
    assert_eq!((status, code(&body)), (403, "ENTERPRISE_NOT_AUTHORIZED"));
    let (_, list) = mine(&app, &agent).await;
    assert_eq!(list["items"][0]["active"], false);
}

#[tokio::test]
async fn only_the_representative_authorizes_and_within_a_year() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let (rep, agent, _) = enterprise_with_agent(&app, "2027-01-31").await;
    let grant = |token: &str, n: u32, until: &str| {
        event("auth-enterprise-agent-grant")
            .bearer(token)
            .path_param("code", CODE)
            .json(&json!({ "realName": "测试", "idNumber": id_number(n), "until": until }))
    };
    let (status, body) = call(&app, "auth", grant(&agent, 35, "2027-01-31")).await;
    assert_eq!((status, code(&body)), (403, "ENTERPRISE_NOT_AUTHORIZED"));
    let (status, body) = call(&app, "auth", grant(&rep, 31, "2027-01-31")).await;
    assert_eq!((status, code(&body)), (409, "AGENT_CONFLICT"));
    for until in ["2026-12-01", "2027-12-04", "下个月"] {
        let (status, body) = call(&app, "auth", grant(&rep, 35, until)).await;
        assert_eq!(
            (status, fields(&body)),
            (400, vec!["until".to_owned()]),
            "{until}: {body}"
        );
    }
    let unknown = event("auth-enterprise-agent-revoke")
        .bearer(&rep)
        .path_param("code", CODE)
        .path_param("agentId", &"0".repeat(64));
    assert_eq!(call(&app, "auth", unknown).await.0, 404);
}

#[tokio::test]
async fn a_founder_applies_for_enterprise_opening_as_one_package() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    let (founder, _) = app.citizen("ent-founder", 36).await;
    let form = json!({
        "proposedName": "重庆新开科技有限公司", "enterpriseType": "有限责任公司",
        "registeredCapital": 100, "address": "沙坪坝区大学城中路1号", "business": "软件开发",
        "phone": "13800000000",
    });
    let send = |body: Value| {
        let mut req = event("submission-create").bearer(&founder).json(&body);
        req.headers_mut().remove("idempotency-key");
        req
    };
    let (status, created) = call(
        &app,
        "submission",
        send(json!({ "packageCode": "YJS-006", "form": form, "materials": [] })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let depts: Vec<&str> = created["subCases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["deptCode"].as_str().unwrap())
        .collect();
    assert_eq!(depts, ["SCJG", "GAFJ", "SWJ", "RSJ"]);
    // An enterprise-to-be has no credit code to apply under.
    let body = json!({ "packageCode": "YJS-006", "form": form, "materials": [], "enterprise": CODE });
    let (status, body) = call(&app, "submission", send(body)).await;
    assert_eq!((status, fields(&body)), (400, vec!["enterprise".to_owned()]));
}
