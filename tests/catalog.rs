//! The catalog read from the real local store: listing, filters, paging, lookups and 404s.

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use serde_json::Value;

async fn get(app: &TestApp, req: lambda_http::Request) -> (u16, Value) {
    read(catalog::handle(&app.catalog, req).await)
}

fn codes(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn paging_through_items_returns_each_once_in_code_order() {
    let app = spawn_app().await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut q = vec![("limit", "7")];
        if let Some(c) = &cursor {
            q.push(("cursor", c.as_str()));
        }
        let (status, body) = get(&app, event("catalog-items").query(&q)).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["items"].as_array().unwrap().len() <= 7);
        seen.extend(codes(&body));
        match body["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let catalog = fingertip_cli::seed::parse(fingertip_cli::seed::DEMO_CATALOG).unwrap();
    let mut expected: Vec<String> = catalog.items.iter().map(|i| i.code.to_string()).collect();
    expected.sort();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn items_filter_by_department_and_by_text() {
    let app = spawn_app().await;
    let (_, body) = get(
        &app,
        event("catalog-items").query(&[("dept", "GAFJ"), ("limit", "100")]),
    )
    .await;
    let items = body["items"].as_array().unwrap();
    assert!(items.len() >= 4);
    assert!(
        items
            .iter()
            .all(|i| i["deptCode"] == "GAFJ" && i["deptName"].is_string())
    );
    let (_, body) = get(&app, event("catalog-items").query(&[("q", "公积金"), ("limit", "2")])).await;
    assert_eq!(codes(&body), ["GJJ-0001", "GJJ-0002"]);
    let cursor = body["nextCursor"].as_str().expect("a third match remains").to_owned();
    let (_, body) = get(
        &app,
        event("catalog-items").query(&[("q", "公积金"), ("limit", "2"), ("cursor", &cursor)]),
    )
    .await;
    assert_eq!(codes(&body), ["GJJ-0003"]);
    assert!(body["nextCursor"].is_null());
    let (status, body) = get(&app, event("catalog-items").query(&[("dept", "NOSUCH")])).await;
    assert_eq!((status, body["items"].as_array().unwrap().len()), (200, 0));
}

#[tokio::test]
async fn business_start_up_is_a_one_day_zero_material_online_item() {
    let app = spawn_app().await;
    let (status, item) = get(&app, event("catalog-item")).await;
    assert_eq!(status, 200);
    assert_eq!(item["code"], "SCJG-0001");
    assert_eq!(item["kind"], "committed");
    assert_eq!(item["promisedDays"], 1);
    assert_eq!(item["onlineLevel"], "full-online");
    assert_eq!(item["materials"].as_array().unwrap().len(), 0);
    for field in ["deptName", "legalDays", "maxVisits", "bookable", "hallIds"] {
        assert!(!item[field].is_null(), "{field}");
    }
}

#[tokio::test]
async fn packages_and_halls_are_listed_and_found() {
    let app = spawn_app().await;
    let (_, body) = get(&app, event("catalog-packages")).await;
    assert!(body["items"].as_array().unwrap().len() >= 3);
    let (status, pkg) = get(&app, event("catalog-package")).await;
    assert_eq!(status, 200);
    assert!(pkg["itemCodes"].as_array().unwrap().len() >= 2 && pkg["form"].is_array());
    let (_, halls) = get(&app, event("catalog-halls")).await;
    assert_eq!(halls["items"].as_array().unwrap().len(), 5);
    let (status, hall) = get(&app, event("catalog-hall")).await;
    assert_eq!(status, 200);
    assert!(
        hall["windows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["comprehensive"] == true)
    );
    assert!(hall["openingHours"].is_array());
}

#[tokio::test]
async fn unknown_codes_are_404_and_malformed_ones_400_naming_the_parameter() {
    let app = spawn_app().await;
    for (name, param, value) in [
        ("catalog-item", "code", "NOPE-0001"),
        ("catalog-package", "code", "YJS-999"),
        ("catalog-hall", "hallId", "no-such-hall"),
    ] {
        let (status, body) = get(&app, event(name).path_param(param, value)).await;
        assert_eq!((status, code(&body)), (404, "NOT_FOUND"), "{name}");
    }
    for (name, param, value) in [("catalog-item", "code", "scjg#1"), ("catalog-hall", "hallId", "../x")] {
        let (status, body) = get(&app, event(name).path_param(param, value)).await;
        assert_eq!((status, code(&body)), (400, "VALIDATION_FAILED"), "{name}");
        assert!(body["error"]["details"]["fields"][param].is_string());
    }
}

#[tokio::test]
async fn bad_list_parameters_are_400_naming_the_parameter() {
    let app = spawn_app().await;
    for (param, value) in [
        ("limit", "0"),
        ("limit", "101"),
        ("limit", "-1"),
        ("limit", "ten"),
        ("cursor", "not-a-cursor"),
        ("cursor", "eyJhZnRlciI6IiMjIyJ9"),
        ("dept", "sc jg"),
        ("q", "\u{202e}abc"),
    ] {
        let (status, body) = get(&app, event("catalog-items").query(&[(param, value)])).await;
        assert_eq!((status, code(&body)), (400, "VALIDATION_FAILED"), "{param}={value}");
        assert!(body["error"]["details"]["fields"][param].is_string(), "{param}: {body}");
    }
    let (status, _) = get(&app, event("catalog-items").query(&[("dept", "SCJG"), ("dept", "RSJ")])).await;
    assert_eq!(status, 400, "a repeated parameter is refused");
}

#[tokio::test]
async fn catalog_answers_may_be_cached_briefly() {
    let app = spawn_app().await;
    let resp = catalog::handle(&app.catalog, event("catalog-halls")).await;
    assert_eq!(resp.headers()["cache-control"], "public, max-age=300");
    assert!(resp.headers().contains_key("x-request-id"));
}
