//! Chaos: a thousand mixed requests, eight at a time, while the store throttles, fails,
//! stalls past its timeout and drops connections (before and after writing). Clients get a
//! success, their business answer, or 503 `SERVICE_UNAVAILABLE` with `Retry-After`; never a
//! 500. Afterwards every invariant holds, read straight from the store: seats taken equal
//! live bookings, guards equal live bookings, every booking has its confirmation in the
//! outbox, every application its timeline, every review is counted exactly once.

use fingertip_tests::{EventExt, Options, TestApp, event, spawn_app_with};
use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

const SLOTS: [&str; 4] = [
    "spb-center.20261202.1000.C",
    "spb-center.20261202.1030.C",
    "spb-center.20261202.1100.C",
    "spb-center.20261202.1130.C",
];
const CITIZENS: u32 = 10;
const REQUESTS: u64 = 1000;

fn s<'a>(item: &'a BTreeMap<String, Value>, key: &str) -> &'a str {
    item.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Every item of a table, as JSON.
async fn scan(app: &TestApp, logical: &str) -> Vec<BTreeMap<String, Value>> {
    let mut all = Vec::new();
    let mut start = None;
    loop {
        let out = app
            .dynamo
            .scan()
            .table_name(&app.tables[logical])
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("scan");
        for item in out.items.unwrap_or_default() {
            all.push(store::from_item(item, "an item").expect("readable"));
        }
        start = out.last_evaluated_key;
        if start.is_none() {
            return all;
        }
    }
}

struct Run {
    tokens: Vec<String>,
    completed: Vec<String>,
    uploads: Mutex<Vec<Vec<String>>>,
    bookings: Mutex<Vec<Vec<String>>>,
    statuses: Mutex<BTreeMap<u16, u32>>,
    wrong: Mutex<Vec<String>>,
}

async fn step(app: &TestApp, run: &Run, i: u64) {
    let r = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 7;
    let c = (r % CITIZENS as u64) as usize;
    let token = &run.tokens[c];
    let slot = SLOTS[((r >> 8) % SLOTS.len() as u64) as usize];
    let held = run.bookings.lock().unwrap()[c].last().cloned();
    let (binary, req) = match ((r >> 16) % 7, held) {
        (0 | 1, _) | (2 | 3, None) => {
            let req = event("booking-create")
                .bearer(token)
                .json(&json!({ "slotId": slot, "itemCode": "RSJ-0001" }));
            ("book", req)
        }
        (2, Some(id)) => ("cancel", event("booking-cancel").bearer(token).path_param("id", &id)),
        (3, Some(id)) => {
            let req = event("booking-reschedule").bearer(token).path_param("id", &id);
            ("reschedule", req.json(&json!({ "slotId": slot })))
        }
        (4, _) => {
            let no = &run.completed[c];
            let req = event("evaluation-application").bearer(token).path_param("no", no);
            let rating = 1 + (r >> 24) % 5;
            let tags: Vec<&str> = model::evaluation::tags(rating as u8).iter().take(1).copied().collect();
            ("rate", req.json(&json!({ "rating": rating, "indicators": { "整体满意度": rating }, "tags": tags, "comment": "chaos" })))
        }
        (5, _) => {
            let files = run.uploads.lock().unwrap()[c].split_off(0);
            if files.len() < 2 {
                return;
            }
            let body = json!({
                "itemCode": "RSJ-0001",
                "form": { "applicantName": "张三", "phone": "13812345678" },
                "materials": [{ "code": "M-ID", "objectKey": files[0] }, { "code": "M-PHOTO", "objectKey": files[1] }],
            });
            let mut req = event("submission-create").bearer(token).json(&body);
            req.headers_mut()
                .insert("idempotency-key", format!("chaos-{i}").parse().unwrap());
            ("submit", req)
        }
        _ => ("mine", event("booking-mine").bearer(token).query(&[("limit", "50")])),
    };
    let function = match binary {
        "rate" => "evaluation",
        "submit" => "submission",
        _ => "booking",
    };
    let resp = app.invoke(function, req).await;
    let status = resp.status().as_u16();
    let retry_after = resp.headers().contains_key("retry-after");
    let body: Value = serde_json::from_slice(resp.body().as_ref()).unwrap_or(Value::Null);
    *run.statuses.lock().unwrap().entry(status).or_default() += 1;
    if status >= 500 && (status != 503 || !retry_after || body["error"]["code"] != "SERVICE_UNAVAILABLE") {
        run.wrong.lock().unwrap().push(format!("{binary}: {status} {body}"));
    }
    if binary == "book" && status == 201 {
        run.bookings.lock().unwrap()[c].push(body["id"].as_str().unwrap().to_owned());
    }
    if binary == "reschedule"
        && status == 200
        && let Some(id) = body["id"].as_str()
    {
        run.bookings.lock().unwrap()[c].push(id.to_owned());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_store_faults_clients_get_answers_or_503_and_every_invariant_holds() {
    let app = spawn_app_with(Options {
        seed_catalog: true,
        store_faults: Some(Duration::from_millis(2500)),
        overrides: vec![
            ("DYNAMODB_ATTEMPT_TIMEOUT_MS", "1500".into()),
            ("DYNAMODB_TIMEOUT_MS", "6000".into()),
        ],
    })
    .await;
    app.set_time("2026-12-02T08:00");
    let mut tokens = Vec::new();
    let mut completed = Vec::new();
    let mut uploads = Vec::new();
    for n in 0..CITIZENS {
        let (token, _) = app.citizen(&format!("chaos-{n}"), 60 + n).await;
        completed.push(app.completed_application(&token).await);
        uploads.push(vec![
            app.upload(&token, "a.jpg").await,
            app.upload(&token, "b.jpg").await,
        ]);
        tokens.push(token);
    }
    let run = Run {
        tokens,
        completed,
        uploads: Mutex::new(uploads),
        bookings: Mutex::new(vec![Vec::new(); CITIZENS as usize]),
        statuses: Mutex::new(BTreeMap::new()),
        wrong: Mutex::new(Vec::new()),
    };
    let proxy = app.faults.as_ref().expect("the fault proxy");
    proxy.set_rate(120);
    futures::stream::iter(0..REQUESTS)
        .map(|i| step(&app, &run, i))
        .buffer_unordered(8)
        .collect::<Vec<()>>()
        .await;
    proxy.set_rate(0);
    let statuses = run.statuses.lock().unwrap().clone();
    println!("faults injected: {:?}\nanswers: {statuses:?}", proxy.counts());
    assert!(
        proxy.counts().values().sum::<u32>() > 100,
        "faults were injected: {:?}",
        proxy.counts()
    );
    let wrong = run.wrong.lock().unwrap().clone();
    assert!(
        wrong.is_empty(),
        "{} answers broke the contract: {wrong:#?}",
        wrong.len()
    );

    // The invariants, from the store itself.
    let bookings = scan(&app, "BookingsTable").await;
    let live: Vec<&BTreeMap<String, Value>> = bookings
        .iter()
        .filter(|b| s(b, "sk") == "BOOKING" && matches!(s(b, "status"), "booked" | "checked_in"))
        .collect();
    for counter in bookings.iter().filter(|b| s(b, "pk").starts_with("SLOT#")) {
        let (hall, date) = s(counter, "pk")["SLOT#".len()..].split_once('#').unwrap();
        let (hhmm, window) = s(counter, "sk").split_once('#').unwrap();
        let slot = format!("{hall}.{}.{hhmm}.{window}", date.replace('-', ""));
        let taken = counter["taken"].as_u64().unwrap_or(0);
        let in_slot = live.iter().filter(|b| s(b, "slotId") == slot).count() as u64;
        assert_eq!(taken, in_slot, "{slot}: seats taken against live bookings");
    }
    let guards = bookings.iter().filter(|b| s(b, "pk").starts_with("GUARD#")).count();
    assert_eq!(guards, live.len(), "one guard per live booking");
    let outbox = scan(&app, "OutboxTable").await;
    for b in bookings.iter().filter(|b| s(b, "sk") == "BOOKING") {
        let id = &s(b, "pk")["B#".len()..];
        assert!(
            outbox.iter().any(|o| s(o, "id") == format!("booking-confirmed#{id}")),
            "booking {id} has its confirmation"
        );
    }
    let applications = scan(&app, "ApplicationsTable").await;
    for a in applications.iter().filter(|a| s(a, "sk") == "APP") {
        let pk = s(a, "pk");
        let entries = applications
            .iter()
            .filter(|t| s(t, "pk") == pk && s(t, "sk").starts_with("T#"))
            .count();
        assert!(
            entries as u64 >= a["version"].as_u64().unwrap(),
            "{pk}: a timeline entry per version"
        );
    }
    let evaluations = scan(&app, "EvaluationsTable").await;
    let reviews = evaluations.iter().filter(|e| s(e, "sk") == "REVIEW").count() as u64;
    let counted: u64 = evaluations
        .iter()
        .filter(|e| s(e, "pk").starts_with("G#all#"))
        .map(|e| e["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(counted, reviews, "every review counted once");
    assert!(
        statuses.get(&201).copied().unwrap_or(0) > 20,
        "work got done: {statuses:?}"
    );
}
