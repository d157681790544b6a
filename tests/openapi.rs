//! `docs/openapi.yaml` stays true to the code: the same routes as template.yaml, and what the
//! handlers answer fits the documented schemas, for successes and errors alike.

use fingertip_tests::openapi::{operations, response_schema, violations};
use fingertip_tests::{EventExt, TEMPLATE, event, read, samples, spawn_app};

#[test]
fn the_document_has_exactly_the_routes_of_the_template() {
    let mut routes: Vec<(String, String)> = TEMPLATE.routes().into_iter().map(|(r, _)| (r.method, r.path)).collect();
    routes.sort();
    assert_eq!(operations(), routes);
}

#[tokio::test]
async fn every_sample_answer_and_common_errors_fit_their_documented_schemas() {
    let app = spawn_app().await;
    let (token, _) = app.login("openapi-citizen").await;
    let mut cases = Vec::new();
    for name in [
        "auth-login",
        "auth-identity",
        "auth-me",
        "catalog-items",
        "catalog-item",
        "catalog-packages",
        "catalog-package",
        "catalog-halls",
        "catalog-hall",
    ] {
        let req = event(name);
        let req = if req.headers().contains_key("authorization") {
            req.bearer(&token)
        } else {
            req
        };
        cases.push((name.to_owned(), req));
    }
    cases.push((
        "unknown item".into(),
        event("catalog-item").path_param("code", "NOPE-1"),
    ));
    cases.push(("statistics".into(), event("evaluation-stats")));
    cases.push((
        "staff reviews".into(),
        event("evaluation-staff").bearer(&app.staff_token("RSJ", None).await),
    ));
    cases.push(("bad limit".into(), event("catalog-items").query(&[("limit", "0")])));
    cases.push(("no token".into(), event("auth-me").without_auth()));
    cases.push((
        "bad identity".into(),
        event("auth-identity")
            .bearer(&token)
            .json(&serde_json::json!({"realName": 1})),
    ));
    for (what, req) in cases {
        let route = api::http::route_key(&req);
        let (method, path) = route.split_once(' ').unwrap();
        let resp = app.route(req).await;
        let (status, body) = read(resp);
        let schema = response_schema(method, path, status)
            .unwrap_or_else(|| panic!("{what}: {route} {status} is not documented"));
        let problems = violations(&schema, &body);
        assert!(problems.is_empty(), "{what}: {route} {status}: {problems:#?}");
    }
}

#[tokio::test]
async fn every_sample_events_answer_fits_its_documented_schema() {
    let app = spawn_app().await;
    for driven in samples::drive_every_sample(&app).await {
        let (Some(route), Some(body)) = (&driven.route, &driven.body) else {
            continue;
        };
        let (method, path) = route.split_once(' ').unwrap();
        let schema = response_schema(method, path, driven.status)
            .unwrap_or_else(|| panic!("{}: {route} {} is not documented", driven.name, driven.status));
        let problems = violations(&schema, body);
        assert!(
            problems.is_empty(),
            "{}: {route} {}: {problems:#?}",
            driven.name,
            driven.status
        );
    }
}

#[test]
fn the_schema_checker_catches_missing_undocumented_and_mistyped_fields() {
    let schema = response_schema("GET", "/v1/halls/{hallId}", 200).unwrap();
    let problems = violations(&schema, &serde_json::json!({ "hallId": 7, "extra": true }));
    assert!(
        problems.iter().any(|p| p.contains("\"name\" is a required property")),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| p.contains("'extra'")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("/hallId:")), "{problems:?}");
}

#[test]
fn the_schema_checker_holds_answers_to_formats_patterns_and_bounds() {
    let schema = response_schema("GET", "/v1/bookings/{id}", 200).unwrap();
    let problems = violations(
        &schema,
        &serde_json::json!({ "id": "not-a-booking-id", "verificationCode": "12a", "createdAt": "yesterday" }),
    );
    for field in ["/id:", "/verificationCode:", "/createdAt:"] {
        assert!(problems.iter().any(|p| p.starts_with(field)), "{field} {problems:#?}");
    }
}
