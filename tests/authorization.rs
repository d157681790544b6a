//! The authorization matrix: every route of template.yaml × every kind of caller → the
//! status it gets. Built from the template's route list, so a route added without a row
//! fails here. Another citizen's resources are 404 (never 403, never data).
//!
//! Staff are scoped to their department (applications, reviews) or their hall (check-in):
//! outside it a resource is 404 too. The admin role reads any application but does not act
//! as staff. The WeChat callbacks answer to WeChat's signature, not to tokens.
//!
//! `ok` means the caller got past authorization: a 2xx, or the route's own business answer
//! (a 409 for a seat already taken, a 422 outside a window): anything but 401, 403 or 404.

use fingertip_tests::{EventExt, TEMPLATE, TestApp, event, spawn_app};
use serde_json::json;
use shared::auth::{Principal, Staff};
use std::collections::BTreeMap;

const CALLERS: [&str; 7] = [
    "anonymous",
    "citizen A",
    "citizen B",
    "own dept",
    "other dept",
    "other hall",
    "admin",
];

/// Expected statuses, in the order of `CALLERS`.
const MATRIX: &[(&str, &str)] = &[
    ("POST /v1/auth/wechat", "ok ok ok ok ok ok ok"),
    ("GET /v1/me", "401 ok ok 403 403 403 403"),
    ("PUT /v1/me/identity", "401 ok ok 403 403 403 403"),
    ("GET /v1/catalog/items", "ok ok ok ok ok ok ok"),
    ("GET /v1/catalog/items/{code}", "ok ok ok ok ok ok ok"),
    ("GET /v1/catalog/packages", "ok ok ok ok ok ok ok"),
    ("GET /v1/catalog/packages/{code}", "ok ok ok ok ok ok ok"),
    ("GET /v1/halls", "ok ok ok ok ok ok ok"),
    ("GET /v1/halls/{hallId}", "ok ok ok ok ok ok ok"),
    ("GET /v1/halls/{hallId}/slots", "ok ok ok ok ok ok ok"),
    ("POST /v1/bookings", "401 ok ok 403 403 403 403"),
    ("GET /v1/me/bookings", "401 ok ok 403 403 403 403"),
    ("GET /v1/bookings/{id}", "401 ok 404 403 403 403 403"),
    ("POST /v1/bookings/{id}/cancel", "401 ok 404 403 403 403 403"),
    ("POST /v1/bookings/{id}/reschedule", "401 ok 404 403 403 403 403"),
    ("POST /v1/staff/bookings/{id}/check-in", "401 403 403 ok ok 404 403"),
    ("POST /v1/uploads", "401 ok ok 403 403 403 403"),
    ("POST /v1/applications", "401 ok ok 403 403 403 403"),
    ("POST /v1/applications/{no}/corrections", "401 ok 404 403 403 403 403"),
    ("POST /v1/applications/{no}/withdraw", "401 ok 404 403 403 403 403"),
    ("GET /v1/staff/applications", "401 403 403 ok ok ok 403"),
    (
        "POST /v1/staff/applications/{no}/transitions",
        "401 403 403 ok 404 ok 403",
    ),
    ("GET /v1/applications/{no}", "401 ok 404 ok 404 ok ok"),
    ("GET /v1/me/applications", "401 ok ok 403 403 403 403"),
    ("GET /v1/progress", "ok ok ok ok ok ok ok"),
    ("POST /v1/applications/{no}/evaluation", "401 ok 404 403 403 403 403"),
    ("POST /v1/bookings/{id}/evaluation", "401 ok 404 403 403 403 403"),
    ("POST /v1/evaluations/{id}/follow-up", "401 ok 404 403 403 403 403"),
    ("GET /v1/stats/evaluations", "ok ok ok ok ok ok ok"),
    ("GET /v1/staff/evaluations", "401 403 403 ok ok ok 403"),
    (
        "POST /v1/staff/evaluations/{id}/rectification",
        "401 403 403 ok 404 ok 403",
    ),
    ("GET /v1/wechat/official-account", "ok ok ok ok ok ok ok"),
    ("POST /v1/wechat/official-account", "ok ok ok ok ok ok ok"),
    ("GET /v1/wechat/mini-program", "ok ok ok ok ok ok ok"),
    ("POST /v1/wechat/mini-program", "ok ok ok ok ok ok ok"),
];

/// The sample event of each route.
fn samples() -> BTreeMap<String, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let mut by_route = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if let Some(route) = v["routeKey"].as_str() {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            by_route.entry(route.to_owned()).or_insert(name);
        }
    }
    by_route
}

fn class(status: u16) -> String {
    if matches!(status, 401 | 403 | 404) {
        status.to_string()
    } else {
        "ok".into()
    }
}

struct World {
    visit: String,
    submitted: String,
    completed: String,
}

async fn world(app: &TestApp, a: &str) -> World {
    let visit = app.checked_in_visit(a, "1000").await;
    let completed = app.completed_application(a).await;
    let submitted = app.submitted_application(a).await;
    // A 差评 of the visit, for the follow-up and rectification routes.
    let req = event("evaluation-visit")
        .bearer(a)
        .path_param("id", &visit)
        .json(&json!({
            "rating": 1, "indicators": { "整体满意度": 1 }, "tags": ["办理超时"], "comment": "排队太久"
        }));
    let (status, body) = fingertip_tests::read(app.invoke("evaluation", req).await);
    assert_eq!(status, 201, "{body}");
    World {
        visit,
        submitted,
        completed,
    }
}

#[tokio::test]
async fn every_route_answers_every_kind_of_caller_as_the_matrix_says() {
    let app = spawn_app().await;
    let (a, _) = app.citizen("matrix-a", 1).await;
    let (b, _) = app.citizen("matrix-b", 2).await;
    let w = world(&app, &a).await;
    let staff = |dept: &str, hall: &str| {
        app.token(&Principal::Staff(Staff {
            id: format!("s-{dept}-{hall}"),
            dept: dept.parse().unwrap(),
            hall: Some(hall.parse().unwrap()),
        }))
    };
    let tokens: [Option<String>; 7] = [
        None,
        Some(a.clone()),
        Some(b),
        Some(staff("RSJ", "spb-center")),
        Some(staff("SCJG", "spb-center")),
        Some(staff("RSJ", "spb-xiyong")),
        Some(app.token(&Principal::Admin { id: "admin-1".into() })),
    ];
    let samples = samples();
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
            let mut req = event(sample);
            req = match route.as_str() {
                r if r.contains("/bookings/{id}") => req.path_param("id", &w.visit),
                r if r.contains("/evaluations/{id}") => req.path_param("id", &format!("B{}", w.visit)),
                "POST /v1/applications/{no}/evaluation" => req.path_param("no", &w.completed),
                r if r.contains("{no}") => req.path_param("no", &w.submitted),
                "GET /v1/progress" => req.query(&[("applicationNo", &w.submitted), ("phoneLast4", "0000")]),
                _ => req,
            };
            if route.starts_with("POST /v1/wechat") || route.starts_with("GET /v1/wechat") {
                // Signed pushes at the sample's own time; callers' tokens mean nothing there.
                app.set_time("2026-12-02T08:00");
            }
            let has_auth = req.headers().contains_key("authorization");
            req = match (&tokens[i], has_auth) {
                (Some(t), _) => req.bearer(t),
                (None, _) => req.without_auth(),
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
