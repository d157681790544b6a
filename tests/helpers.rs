//! 帮办员 (重大项目帮办制): a supervisor gives an enterprise's major project a helper on
//! staff, who is told through WeCom of every step of each application the enterprise makes
//! from then on, and may read those applications.

use fingertip_tests::{EventExt, TestApp, code, event, fields, read, spawn_app};
use serde_json::{Value, json};

const CODE: &str = "91500106MA60A1B2CK";

/// The WeCom texts the sandbox sent to `user`.
fn told(app: &TestApp, user: &str) -> Vec<String> {
    app.sandbox
        .sent()
        .into_iter()
        .filter(|s| s["api"] == "wecom" && s["message"]["touser"] == user)
        .map(|s| s["message"]["text"]["content"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn assign(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let req = event("auth-enterprise-helper")
        .bearer(token)
        .path_param("code", CODE)
        .json(&body);
    read(app.invoke("auth", req).await)
}

#[tokio::test]
async fn the_helper_is_told_of_every_step_and_may_read_the_application() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    app.register_enterprise(CODE, 71).await;
    let (rep, _) = app.verified_citizen("helped-rep", 71).await;
    // 公积金中心's approver helps with the project; the application is 市场监管's.
    let helper = model::StaffId::derived("gjj").to_string();
    let jiancha = app.demo_token("jiancha").await;
    let (status, body) = assign(
        &app,
        &jiancha,
        json!({ "staffId": helper, "project": "西永智能制造产业园项目" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["helper"]["name"], "住房公积金沙坪坝分中心审批员");

    let (status, created) = app.apply_for_enterprise(&rep, Some(CODE)).await;
    assert_eq!(status, 201, "{created}");
    let no = created["applicationNo"].as_str().unwrap().to_owned();
    let scjg = app.demo_token("scjg").await;
    for (action, version) in [("accept", 1), ("complete", 2)] {
        let (status, body) = app
            .transition(&scjg, &no, json!({ "action": action, "version": version }))
            .await;
        assert_eq!(status, 200, "{action}: {body}");
    }
    app.notify().await;
    let texts = told(&app, "gjj");
    assert_eq!(texts.len(), 3, "submitted, accepted, completed: {texts:?}");
    assert!(
        texts
            .iter()
            .all(|t| t.contains(&no) && t.contains("重庆示例科技有限公司"))
    );
    // One each, in whatever order the stream delivers them.
    for step in ["：已提交，", "：已受理，", "：已办结，"] {
        assert_eq!(texts.iter().filter(|t| t.contains(step)).count(), 1, "{step} {texts:?}");
    }

    // The helper reads it; another department's approver does not.
    let gjj = app.demo_token("gjj").await;
    let get = |token: &str| event("progress-get").bearer(token).path_param("no", &no);
    assert_eq!(read(app.invoke("progress", get(&gjj)).await).0, 200);
    let zjw = app.demo_token("zjw").await;
    assert_eq!(read(app.invoke("progress", get(&zjw)).await).0, 404);
    // Following is reading: its documents, yes; deciding its cases, no.
    let receipt = event("progress-receipt").bearer(&gjj).path_param("no", &no);
    assert_eq!(read(app.invoke("progress", receipt).await).0, 200);
    let (status, _) = app
        .transition(&gjj, &no, json!({ "action": "accept", "version": 3 }))
        .await;
    assert_eq!(status, 404, "a helper is no approver of the case");
}

#[tokio::test]
async fn an_enterprise_without_a_helper_tells_no_staff() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T09:00");
    app.register_enterprise(CODE, 72).await;
    let (rep, _) = app.verified_citizen("unhelped-rep", 72).await;
    assert_eq!(app.apply_for_enterprise(&rep, Some(CODE)).await.0, 201);
    let helper_notes = app
        .outbox()
        .await
        .into_values()
        .filter(|n| n["kind"] == "helper_update")
        .count();
    assert_eq!(helper_notes, 0);
}

#[tokio::test]
async fn only_a_supervisor_assigns_a_helper_who_is_on_staff() {
    let app = spawn_app().await;
    app.register_enterprise(CODE, 73).await;
    let (citizen, _) = app.verified_citizen("helper-citizen", 73).await;
    let approver = app.demo_token("scjg").await;
    let helper = model::StaffId::derived("gjj").to_string();
    for token in [&citizen, &approver] {
        let (status, _) = assign(&app, token, json!({ "staffId": helper, "project": "项目" })).await;
        assert_eq!(status, 403);
    }
    let jiancha = app.demo_token("jiancha").await;
    let before = app.dump().await;
    let (status, body) = assign(
        &app,
        &jiancha,
        json!({ "staffId": "s0000000000000000", "project": "项目" }),
    )
    .await;
    assert_eq!((status, fields(&body)), (400, vec!["staffId".to_owned()]), "{body}");
    let (status, body) = assign(&app, &jiancha, json!({ "staffId": helper, "project": "" })).await;
    assert_eq!((status, fields(&body)), (400, vec!["project".to_owned()]), "{body}");
    app.assert_unchanged(&before).await;
    let other = event("auth-enterprise-helper")
        .bearer(&jiancha)
        .path_param("code", "91350100M000100Y43")
        .json(&json!({ "staffId": helper, "project": "项目" }));
    let (status, body) = read(app.invoke("auth", other).await);
    assert_eq!((status, code(&body)), (404, "NOT_FOUND"));
}
