//! The authorization matrix: every route of template.yaml × every kind of caller → the
//! status it gets. Built from the template's route list, so a route added without a row
//! fails here. Another citizen's resources are 404 (never 403, never data).
//!
//! Staff act by role and scope (API.md, "Staff identity"): window staff and hall managers at
//! their halls (check-in, walk-ins, the board; window staff alone call and finish numbers,
//! scan materials and take applications in), approvers for their department (queues,
//! transitions, reviews, the application view, the 督办 orders to it), supervisors read any
//! application and every 咨询投诉 desk, decide extensions, issue, return and close 督办
//! orders, review departments' rulings that a 差评 was invalid (复核) and read the audit
//! trail, the dispatcher holds the dispatch desk, admins keep the directory and nothing else. A resource outside a caller's scope is 404, as another
//! citizen's is; a route the caller's roles have no business with is 403. The callers are
//! the demo directory's members (`make run` seeds them) and the same roles at the other hall.
//! The WeChat callbacks answer to WeChat's signature, not to tokens.
//!
//! 法人: an enterprise's members are citizens whose rights come from their standing with it.
//! Its face-verified representative and a current agent read it, only the representative
//! authorizes and revokes agents, a revoked agent reads nothing of it, and windows register
//! enterprises. Acting for one in an application or a booking is held by tests/enterprises.rs.
//!
//! 代办: a station's agent (月台村's `daiban`) prepares applications at their station's window
//! and uploads the scans; the citizen answers their own consent requests (another's is 404,
//! tests/proxy.rs).
//!
//! `ok` means the caller got past authorization: a 2xx, or the route's own business answer
//! (a 409 for a seat already taken, a 422 outside a window): anything but 401, 403 or 404.

use fingertip_tests::{EventExt, TEMPLATE, event, spawn_app};
use model::staff::{StaffRole, WindowId};
use std::collections::BTreeMap;

const CALLERS: [&str; 16] = [
    "anonymous",
    "citizen A",
    "citizen B",
    "window",
    "window, other hall",
    "approver",
    "approver, other dept",
    "hall manager",
    "hall manager, other hall",
    "supervisor",
    "dispatcher",
    "admin",
    "representative",
    "agent",
    "agent, revoked",
    "station agent",
];

/// Expected statuses, in the order of `CALLERS`. The world is citizen A's, in 人社局 (RSJ)
/// at spb-center.
const MATRIX: &[(&str, &str)] = &[
    (
        "POST /v1/auth/wechat",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "GET /v1/me",
        "401 ok ok 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "PUT /v1/me/identity",
        "401 ok ok 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "POST /v1/me/identity/verification",
        "401 ok ok 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "GET /v1/me/enterprises",
        "401 403 403 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "GET /v1/enterprises/{code}",
        "401 403 403 403 403 403 403 403 403 403 403 403 ok ok 403 403",
    ),
    (
        "POST /v1/enterprises/{code}/agents",
        "401 403 403 403 403 403 403 403 403 403 403 403 ok 403 403 403",
    ),
    (
        "DELETE /v1/enterprises/{code}/agents/{agentId}",
        "401 403 403 403 403 403 403 403 403 403 403 403 ok 403 403 403",
    ),
    (
        "PUT /v1/office/enterprises/{code}/helper",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "POST /v1/office/enterprises",
        "401 403 403 ok ok 403 403 403 403 403 403 403 403 403 403 403",
    ),
    (
        "GET /v1/me/consents",
        "401 ok ok 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "POST /v1/me/consents/{id}",
        "401 ok ok 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "POST /v1/staff/auth/wecom",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "GET /v1/staff/me",
        "401 403 403 ok ok ok ok ok ok ok ok ok 403 403 403 ok",
    ),
    (
        "GET /v1/admin/staff",
        "401 403 403 403 403 403 403 403 403 403 403 ok 403 403 403 403",
    ),
    (
        "POST /v1/admin/staff",
        "401 403 403 403 403 403 403 403 403 403 403 ok 403 403 403 403",
    ),
    (
        "PUT /v1/admin/staff/{id}",
        "401 403 403 403 403 403 403 403 403 403 403 ok 403 403 403 403",
    ),
    (
        "GET /v1/catalog/items",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "GET /v1/catalog/items/{code}",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "GET /v1/catalog/packages",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "GET /v1/catalog/packages/{code}",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    ("GET /v1/halls", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"),
    (
        "GET /v1/halls/{hallId}",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "GET /v1/halls/{hallId}/slots",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "POST /v1/bookings",
        "401 ok ok 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "GET /v1/me/bookings",
        "401 ok ok 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "GET /v1/bookings/{id}",
        "401 ok 404 403 403 403 403 403 403 403 403 403 404 404 404 403",
    ),
    (
        "POST /v1/bookings/{id}/cancel",
        "401 ok 404 403 403 403 403 403 403 403 403 403 404 404 404 403",
    ),
    (
        "POST /v1/bookings/{id}/reschedule",
        "401 ok 404 403 403 403 403 403 403 403 403 403 404 404 404 403",
    ),
    (
        "POST /v1/staff/bookings/{id}/check-in",
        "401 403 403 ok 404 403 403 ok 404 403 403 403 403 403 403 403",
    ),
    (
        "GET /v1/staff/halls/{hallId}/day",
        "401 403 403 ok 403 403 403 ok 403 ok 403 403 403 403 403 403",
    ),
    (
        "POST /v1/staff/halls/{hallId}/check-in",
        "401 403 403 ok 403 403 403 ok 403 403 403 403 403 403 403 403",
    ),
    (
        "POST /v1/staff/halls/{hallId}/walk-ins",
        "401 403 403 ok 403 403 403 ok 403 403 403 403 403 403 403 403",
    ),
    (
        "POST /v1/staff/windows/{windowId}/call-next",
        "401 403 403 ok 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    (
        "POST /v1/staff/queue/{ticketId}/finish",
        "401 403 403 ok 404 403 403 403 403 403 403 403 403 403 403 403",
    ),
    (
        "POST /v1/uploads",
        "401 ok ok ok ok 403 403 403 403 403 403 403 ok ok ok ok",
    ),
    (
        "POST /v1/applications",
        "401 ok ok ok ok 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "POST /v1/applications/{no}/corrections",
        "401 ok 404 403 403 403 403 403 403 403 403 403 404 404 404 403",
    ),
    (
        "POST /v1/applications/{no}/withdraw",
        "401 ok 404 403 403 403 403 403 403 403 403 403 404 404 404 403",
    ),
    (
        "GET /v1/staff/applications",
        "401 403 403 403 403 ok ok 403 403 403 403 403 403 403 403 403",
    ),
    (
        "POST /v1/staff/applications/{no}/transitions",
        "401 403 403 403 403 ok 404 403 403 403 403 403 403 403 403 403",
    ),
    (
        "GET /v1/applications/{no}",
        "401 ok 404 404 404 ok 404 404 404 ok 404 404 404 404 404 404",
    ),
    (
        "GET /v1/applications/{no}/receipt",
        "401 ok 404 404 404 ok 404 404 404 ok 404 404 404 404 404 404",
    ),
    (
        "POST /v1/staff/applications/{no}/delivery",
        "401 403 403 404 404 ok 404 403 403 403 403 403 403 403 403 403",
    ),
    (
        "GET /v1/staff/applications/{no}/materials/{objectKey}",
        "401 403 403 403 403 ok 404 403 403 403 403 403 403 403 403 403",
    ),
    (
        "GET /v1/staff/applications/{no}/applicant",
        "401 403 403 403 403 ok 404 403 403 403 403 403 403 403 403 403",
    ),
    (
        "GET /v1/me/applications",
        "401 ok ok 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    ("GET /v1/progress", "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok"),
    (
        "POST /v1/applications/{no}/evaluation",
        "401 ok 404 403 403 403 403 403 403 403 403 403 404 404 404 403",
    ),
    (
        "POST /v1/bookings/{id}/evaluation",
        "401 ok 404 403 403 403 403 403 403 403 403 403 404 404 404 403",
    ),
    (
        "POST /v1/evaluations/{id}/follow-up",
        "401 ok 404 403 403 403 403 403 403 403 403 403 404 404 404 403",
    ),
    (
        "GET /v1/stats/evaluations",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "GET /v1/staff/evaluations",
        "401 403 403 403 403 ok ok 403 403 403 403 403 403 403 403 403",
    ),
    (
        "POST /v1/staff/evaluations/{id}/rectification",
        "401 403 403 403 403 ok 404 403 403 403 403 403 403 403 403 403",
    ),
    (
        "GET /v1/supervision/evaluations",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "POST /v1/supervision/evaluations/{id}/review",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "POST /v1/feedback",
        "401 ok ok 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "GET /v1/me/feedback",
        "401 ok ok 403 403 403 403 403 403 403 403 403 ok ok ok 403",
    ),
    (
        "GET /v1/feedback/{no}",
        "401 ok 404 403 403 403 403 403 403 403 403 403 404 404 404 403",
    ),
    (
        "POST /v1/feedback/{no}/rating",
        "401 ok 404 403 403 403 403 403 403 403 403 403 404 404 404 403",
    ),
    (
        "GET /v1/staff/feedback",
        "401 403 403 403 403 ok ok ok ok ok ok 403 403 403 403 403",
    ),
    (
        "GET /v1/staff/feedback/{no}",
        "401 403 403 404 404 ok 404 404 404 ok 404 404 403 403 403 404",
    ),
    (
        "POST /v1/staff/feedback/{no}/transitions",
        "401 403 403 404 404 ok 404 404 404 403 404 404 403 403 403 404",
    ),
    (
        "POST /v1/supervision/feedback/{no}/extension",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "POST /v1/supervision/orders",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "GET /v1/supervision/orders",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "POST /v1/supervision/orders/{id}/close",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "POST /v1/supervision/orders/{id}/return",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "GET /v1/staff/supervision-orders",
        "401 403 403 403 403 ok ok 403 403 403 403 403 403 403 403 403",
    ),
    (
        "POST /v1/staff/supervision-orders/{id}/response",
        "401 403 403 403 403 ok 404 403 403 403 403 403 403 403 403 403",
    ),
    (
        "GET /v1/supervision/overview",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "GET /v1/supervision/trends",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "GET /v1/supervision/alerts",
        "401 403 403 403 403 ok ok ok ok ok ok 403 403 403 403 403",
    ),
    (
        "POST /v1/staff/alerts/{id}/acknowledge",
        "401 403 403 403 403 ok 404 404 404 ok 404 403 403 403 403 403",
    ),
    (
        "GET /v1/supervision/audit",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "GET /v1/supervision/feedback/{no}/complainant",
        "401 403 403 403 403 403 403 403 403 ok 403 403 403 403 403 403",
    ),
    (
        "GET /v1/wechat/official-account",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "POST /v1/wechat/official-account",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "GET /v1/wechat/mini-program",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
    (
        "POST /v1/wechat/mini-program",
        "ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok ok",
    ),
];

fn class(status: u16) -> String {
    if matches!(status, 401 | 403 | 404) {
        status.to_string()
    } else {
        "ok".into()
    }
}

#[tokio::test]
async fn every_route_answers_every_kind_of_caller_as_the_matrix_says() {
    let app = spawn_app().await;
    let (a, _) = app.citizen("matrix-a", 1).await;
    let (b, _) = app.citizen("matrix-b", 2).await;
    let w = app.world(&a).await;
    let xiyong: model::HallId = "spb-xiyong".parse().unwrap();
    let window_elsewhere = app
        .enrol(
            "matrix-window-xiyong",
            vec![StaffRole::Window],
            None,
            vec![xiyong.clone()],
            vec![WindowId::new(&xiyong, "A").unwrap()],
        )
        .await;
    let manager_elsewhere = app
        .enrol(
            "matrix-dating-xiyong",
            vec![StaffRole::HallManager],
            None,
            vec![xiyong],
            vec![],
        )
        .await;
    // An enterprise of three members: its face-verified representative, an agent, and an
    // agent revoked. The samples name its code; the revoked agent is the one a path names.
    let enterprise = "91500106MA60A1B2CK";
    app.register_enterprise(enterprise, 50).await;
    let (rep, _) = app.verified_citizen("matrix-rep", 50).await;
    let (agent, _) = app.verified_citizen("matrix-agent", 51).await;
    let (revoked, _) = app.verified_citizen("matrix-revoked", 52).await;
    app.authorize_agent(&rep, enterprise, 51, "2027-06-30").await;
    let revoked_id = app.authorize_agent(&rep, enterprise, 52, "2027-06-30").await;
    let revoke = event("auth-enterprise-agent-revoke")
        .bearer(&rep)
        .path_param("code", enterprise)
        .path_param("agentId", &revoked_id);
    assert_eq!(app.invoke("auth", revoke).await.status(), 200);
    let tokens: [Option<String>; 16] = [
        None,
        Some(a.clone()),
        Some(b),
        Some(app.demo_token("chuangkou").await),
        Some(window_elsewhere),
        Some(app.demo_token("rsj").await),
        Some(app.demo_token("scjg").await),
        Some(app.demo_token("dating").await),
        Some(manager_elsewhere),
        Some(app.demo_token("jiancha").await),
        Some(app.demo_token("paidan").await),
        Some(app.demo_token("admin").await),
        Some(rep),
        Some(agent),
        Some(revoked),
        Some(app.demo_token("daiban").await),
    ];
    let samples = fingertip_tests::world::samples();
    let expected: BTreeMap<&str, &str> = MATRIX.iter().copied().collect();
    let mut routes: Vec<String> = TEMPLATE.routes().iter().map(|(r, _)| r.key()).collect();
    routes.sort();
    routes.dedup();
    let mut listed: Vec<&str> = expected.keys().copied().collect();
    listed.sort();
    assert_eq!(
        listed,
        routes.iter().map(String::as_str).collect::<Vec<_>>(),
        "one row per route of template.yaml"
    );

    let mut actual = BTreeMap::new();
    let mut wrong = Vec::new();
    for route in &routes {
        let sample = &samples[route];
        let want: Vec<&str> = expected[route.as_str()].split(' ').collect();
        // Those refused first, then those let through: a caller let through may change what
        // the next one finds (a cancel, a check-in).
        let mut order: Vec<usize> = (0..CALLERS.len()).collect();
        order.sort_by_key(|&i| want[i] == "ok");
        let mut got = vec![String::new(); CALLERS.len()];
        for i in order {
            app.set_time("2026-12-02T09:50");
            let req = w.point(route, event(sample));
            let req = if route.contains("{agentId}") {
                req.path_param("agentId", &revoked_id)
            } else {
                req
            };
            if route.starts_with("POST /v1/wechat") || route.starts_with("GET /v1/wechat") {
                // Signed pushes at the sample's own time; callers' tokens mean nothing there.
                app.set_time("2026-12-02T08:00");
            }
            let req = match &tokens[i] {
                Some(t) => req.bearer(t),
                None => req.without_auth(),
            };
            let resp = app.route(req).await;
            got[i] = class(resp.status().as_u16());
            if got[i] != want[i] {
                let body = String::from_utf8_lossy(resp.body().as_ref()).into_owned();
                wrong.push(format!(
                    "{route} as {}: {} (expected {}) {body}",
                    CALLERS[i], got[i], want[i]
                ));
            }
        }
        actual.insert(route.clone(), got.join(" "));
    }
    assert!(
        wrong.is_empty(),
        "{wrong:#?}\nthe whole matrix as it stands:\n{actual:#?}"
    );
}
