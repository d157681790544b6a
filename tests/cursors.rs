//! A list cursor is valid only for the list, the caller and the filter that issued it: from
//! any other, or altered, it is a 400 naming `cursor`, before the store is asked. (Real
//! DynamoDB answers a start key outside a query's key condition with a ValidationException;
//! a cursor must never carry one there.)

use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use lambda_http::Request;
use serde_json::json;

/// The `nextCursor` of the first page (one item) of `req`.
async fn first_cursor(app: &TestApp, req: Request) -> String {
    let (status, body) = read(app.route(req).await);
    assert_eq!(status, 200, "{body}");
    body["nextCursor"]
        .as_str()
        .unwrap_or_else(|| panic!("a second page: {body}"))
        .to_owned()
}

/// Asks for the next page with `cursor` under `query`; the status.
async fn next_page(app: &TestApp, req: Request, query: &[(&str, &str)], cursor: &str) -> u16 {
    let mut pairs = query.to_vec();
    pairs.push(("limit", "1"));
    pairs.push(("cursor", cursor));
    let (status, body) = read(app.route(req.query(&pairs)).await);
    if status == 400 {
        assert_eq!(code(&body), "VALIDATION_FAILED");
        assert!(body["error"]["details"]["fields"]["cursor"].is_string(), "{body}");
    }
    status
}

/// Another list's request, and its query, that must refuse a cursor.
type Probe = (Request, Vec<(&'static str, &'static str)>);
/// A list's first page, its own query, and the probes its cursor must fail.
type Case = (Request, &'static [(&'static str, &'static str)], Vec<Probe>);

/// Every way of altering a cursor that keeps it well formed base64url.
fn altered(cursor: &str) -> Vec<String> {
    let (payload, tag) = cursor.split_once('.').unwrap();
    let flip = |s: &str| {
        let mut c: Vec<char> = s.chars().collect();
        c[0] = if c[0] == 'A' { 'B' } else { 'A' };
        c.into_iter().collect::<String>()
    };
    vec![
        format!("{}.{tag}", flip(payload)),
        format!("{payload}.{}", flip(tag)),
        payload.to_owned(),
        format!("{payload}.{tag}{tag}"),
    ]
}

#[tokio::test]
async fn a_cursor_opens_only_the_list_caller_and_filter_that_issued_it() {
    let app = spawn_app().await;
    let (alice, _) = app.citizen("cursor-alice", 1).await;
    let (bob, _) = app.citizen("cursor-bob", 2).await;
    let rsj = app.staff_token("RSJ", Some("spb-center")).await;
    let scjg = app.staff_token("SCJG", None).await;
    for _ in 0..2 {
        let no = app.completed_application(&alice).await;
        let rate = event("evaluation-application")
            .bearer(&alice)
            .path_param("no", &no)
            .json(&json!({ "rating": 2, "tags": ["等候时间长"] }));
        assert_eq!(read(app.invoke("evaluation", rate).await).0, 201);
    }
    app.submitted_application(&bob).await;
    app.set_time("2026-12-02T08:00");
    for day in ["20261203", "20261204"] {
        let mut book = event("booking-create")
            .bearer(&alice)
            .json(&json!({ "slotId": format!("spb-center.{day}.1000.C"), "itemCode": "RSJ-0001" }));
        book.headers_mut().remove("idempotency-key");
        assert_eq!(read(app.invoke("booking", book).await).0, 201);
    }

    // (list, its own query, requests that must refuse its cursor)
    let catalog = || event("catalog-items").query(&[]);
    let mine = |t: &str| event("progress-mine").bearer(t).query(&[]);
    let queue = |t: &str| event("submission-queue").bearer(t).query(&[]);
    let bookings = |t: &str| event("booking-mine").bearer(t).query(&[]);
    let reviews = |t: &str| event("evaluation-staff").bearer(t).query(&[]);
    let cases: Vec<Case> = vec![
        (
            catalog().query(&[("dept", "RSJ"), ("limit", "1")]),
            &[("dept", "RSJ")],
            vec![
                (catalog(), vec![("dept", "SCJG")]),
                (catalog(), vec![]),
                (catalog(), vec![("dept", "RSJ"), ("q", "社会")]),
            ],
        ),
        (
            mine(&alice).query(&[("limit", "1")]),
            &[],
            vec![
                (mine(&alice), vec![("status", "completed")]),
                (mine(&bob), vec![]),
                (bookings(&alice), vec![]),
            ],
        ),
        (
            queue(&rsj).query(&[("limit", "1")]),
            &[],
            vec![
                (queue(&rsj), vec![("status", "submitted")]),
                (queue(&rsj), vec![("overdue", "true")]),
                (queue(&scjg), vec![]),
                (reviews(&rsj), vec![]),
            ],
        ),
        (
            bookings(&alice).query(&[("limit", "1")]),
            &[],
            vec![
                (bookings(&alice), vec![("status", "booked")]),
                (bookings(&bob), vec![]),
                (mine(&alice), vec![]),
            ],
        ),
        (
            reviews(&rsj).query(&[("limit", "1")]),
            &[],
            vec![
                (reviews(&rsj), vec![("status", "pending_verification")]),
                (reviews(&scjg), vec![]),
            ],
        ),
    ];
    let before = app.dump().await;
    for (first, own, probes) in cases {
        let route = api::http::route_key(&first);
        let cursor = first_cursor(&app, first).await;
        for (req, query) in probes {
            let target = api::http::route_key(&req);
            assert_eq!(
                next_page(&app, req, &query, &cursor).await,
                400,
                "{route}'s cursor on {target} {query:?}"
            );
        }
        for bad in altered(&cursor) {
            let req = event_of(&route, &alice, &rsj);
            assert_eq!(next_page(&app, req, own, &bad).await, 400, "{route}: {bad}");
        }
        let req = event_of(&route, &alice, &rsj);
        assert_eq!(next_page(&app, req, own, &cursor).await, 200, "{route}: its own cursor");
    }
    app.assert_unchanged(&before).await;
}

/// The list `route` as the caller who asked for its first page.
fn event_of(route: &str, citizen: &str, staff: &str) -> Request {
    let (name, token) = match route {
        "GET /v1/catalog/items" => ("catalog-items", None),
        "GET /v1/me/applications" => ("progress-mine", Some(citizen)),
        "GET /v1/staff/applications" => ("submission-queue", Some(staff)),
        "GET /v1/me/bookings" => ("booking-mine", Some(citizen)),
        "GET /v1/staff/evaluations" => ("evaluation-staff", Some(staff)),
        other => panic!("no list {other}"),
    };
    let req = event(name).query(&[]);
    match token {
        Some(t) => req.bearer(t),
        None => req,
    }
}
