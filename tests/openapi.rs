//! `docs/openapi.yaml` stays true to the code: the same routes as template.yaml, and what the
//! handlers answer fits the documented schemas, for successes and errors alike.

use fingertip_tests::openapi::{SPEC, operations, response_schema, violations};
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
    let driven = samples::drive_every_sample(&app).await;
    // `FINGERTIP_OPENAPI_EXAMPLES=<file>` keeps each route's first exchange there, for
    // tools/openapi-examples.py to make the document's examples of.
    if let Ok(path) = std::env::var("FINGERTIP_OPENAPI_EXAMPLES") {
        let mut seen = serde_json::Map::new();
        for d in &driven {
            if let Some(route) = &d.route {
                seen.entry(route.clone()).or_insert(serde_json::json!({
                    "status": d.status, "request": d.request, "response": d.body,
                }));
            }
        }
        std::fs::write(&path, serde_json::to_string_pretty(&seen).unwrap()).unwrap();
    }
    for driven in driven {
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

/// The examples in `content` (a request body's or a response's), each checked against its
/// schema where it is JSON: how many there are.
fn checked_examples(what: &str, content: &serde_json::Value) -> usize {
    let mut n = 0;
    for (kind, media) in content.as_object().into_iter().flatten() {
        let Some(example) = media.get("example") else {
            continue;
        };
        n += 1;
        if kind == "application/json" {
            let problems = violations(&media["schema"], example);
            assert!(problems.is_empty(), "{what}'s example: {problems:#?}");
        }
    }
    n
}

#[test]
fn every_operation_is_tagged_summarised_and_shown_by_examples_that_fit_its_schemas() {
    // The examples come from real exchanges (tools/openapi-examples.py); this keeps them true.
    let tags: Vec<&str> = SPEC["tags"]
        .as_array()
        .expect("the document lists its tags")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for (method, path) in operations() {
        let what = format!("{method} {path}");
        let op = &SPEC["paths"][&path][method.to_lowercase()];
        let own = op["tags"].as_array().cloned().unwrap_or_default();
        assert!(
            !own.is_empty() && own.iter().all(|t| t.as_str().is_some_and(|t| tags.contains(&t))),
            "{what}: tagged with a listed tag"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.trim().is_empty()),
            "{what}: summarised"
        );
        let mut examples = checked_examples(&format!("{what} request"), &op["requestBody"]["content"]);
        for (status, response) in op["responses"].as_object().into_iter().flatten() {
            examples += checked_examples(&format!("{what} {status}"), &response["content"]);
        }
        assert!(examples > 0, "{what}: shown by an example");
    }
}

#[test]
fn the_console_the_document_and_the_api_name_the_same_return_categories_in_the_same_words() {
    use model::application::ReturnReason;
    let api: Vec<(&str, &str)> = ReturnReason::ALL.iter().map(|r| (r.code(), r.label())).collect();
    // console/src/lib/returns.ts lists them as `{ code: '…', label: '…' }`, in order.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../console/src/lib/returns.ts");
    let ts = std::fs::read_to_string(path).expect("the console's return categories");
    let console: Vec<(&str, &str)> = ts
        .split("{ code: '")
        .skip(1)
        .filter_map(|rest| {
            let (code, rest) = rest.split_once("', label: '")?;
            Some((code, rest.split_once('\'')?.0))
        })
        .collect();
    assert_eq!(console, api, "console/src/lib/returns.ts");
    let body = &SPEC["paths"]["/v1/staff/applications/{no}/transitions"]["post"]["requestBody"];
    let documented: Vec<&str> = body["content"]["application/json"]["schema"]["properties"]["reasonCode"]["enum"]
        .as_array()
        .expect("reasonCode's enum")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(
        documented,
        api.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        "docs/openapi.yaml"
    );
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
