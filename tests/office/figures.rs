//! The supervisors' figures: equal to a brute-force recount of random histories driven
//! through the routes, and read in as many round trips for twenty cases as for twenty
//! thousand.

use fingertip_tests::{EventExt, TestApp, event, read, spawn_app};
use model::WorkCalendar;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use store::count::counting;

/// The days the histories happen on, in order (Shanghai; 12-05 and 12-06 are a weekend).
const DAYS: [&str; 6] = [
    "2026-12-01",
    "2026-12-02",
    "2026-12-03",
    "2026-12-04",
    "2026-12-07",
    "2026-12-10",
];

/// (item, its department, instant, promised working days)
const ITEMS: [(&str, &str, bool, u32); 4] = [
    ("RSJ-0001", "RSJ", false, 5),
    ("SCJG-0001", "SCJG", false, 1),
    ("SWJ-0002", "SWJ", true, 0),
    ("YBJ-0002", "YBJ", true, 0),
];

/// A deterministic stream of numbers: enough randomness for a recount, and repeatable.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        usize::try_from((self.0 >> 33) % n as u64).unwrap_or(0)
    }
}

/// The figures a recount expects: (day, unit, metric) → count.
#[derive(Default)]
struct Ledger(BTreeMap<(String, String, String), i64>);

impl Ledger {
    fn count(&mut self, day: &str, unit: &str, metric: &str) {
        *self.0.entry((day.into(), unit.into(), metric.into())).or_default() += 1;
    }

    fn total(&self, unit: Option<&str>, metric: &str) -> i64 {
        self.0
            .iter()
            .filter(|((_, u, m), _)| m == metric && unit.is_none_or(|x| x == u))
            .map(|(_, n)| n)
            .sum()
    }
}

async fn submit(app: &TestApp, token: &str, item: &str) -> String {
    let materials: Vec<Value> = if item == "RSJ-0001" {
        vec![
            json!({ "code": "M-ID", "objectKey": app.upload(token, "id.jpg").await }),
            json!({ "code": "M-PHOTO", "objectKey": app.upload(token, "photo.jpg").await }),
        ]
    } else {
        vec![]
    };
    let body = json!({ "itemCode": item, "form": { "applicantName": "张三", "phone": "13812345678" }, "materials": materials });
    let req = event("submission-create")
        .bearer(token)
        .without_idempotency()
        .json(&body);
    let (status, created) = read(app.invoke("submission", req).await);
    assert_eq!(status, 201, "{item}: {created}");
    created["applicationNo"].as_str().unwrap().to_owned()
}

async fn act(app: &TestApp, dept: &str, no: &str, version: u64, body: Value) {
    let staff = app.demo_token(&dept.to_lowercase()).await;
    let mut body = body;
    body["version"] = json!(version);
    let req = event("submission-transition")
        .bearer(&staff)
        .path_param("no", no)
        .json(&body);
    let (status, answer) = read(app.invoke("submission", req).await);
    assert_eq!(status, 200, "{body}: {answer}");
}

/// A return's category as staff give it, or none (counted as `unspecified`).
const REASONS: [Option<&str>; 4] = [
    None,
    Some("materials_incomplete"),
    Some("not_in_scope"),
    Some("duplicate"),
];

/// One application's life: the steps it takes, each on a later day than the one before.
fn history(rng: &mut Lcg, instant: bool) -> Vec<&'static str> {
    let paths: &[&[&str]] = if instant {
        &[
            &["submit"],
            &["submit", "complete"],
            &["submit", "reject"],
            &["submit", "withdraw"],
        ]
    } else {
        &[
            &["submit"],
            &["submit", "reject"],
            &["submit", "request_correction"],
            &["submit", "accept"],
            &["submit", "accept", "deny"],
            &["submit", "accept", "approve", "complete"],
            &["submit", "accept", "complete"],
            &["submit", "accept", "request_correction"],
            &["submit", "request_correction", "withdraw"],
        ]
    };
    paths[rng.next(paths.len())].to_vec()
}

#[tokio::test]
async fn the_overview_and_the_trends_equal_a_brute_force_recount_of_random_histories() {
    let app = spawn_app().await;
    let calendar = WorkCalendar::shipped();
    let mut rng = Lcg(20261203);
    let mut ledger = Ledger::default();
    // Each application's steps, placed on days: (day index, application index, step).
    let mut lives = Vec::new();
    let mut steps = Vec::new();
    for i in 0..24 {
        let item = ITEMS[rng.next(ITEMS.len())];
        let path = history(&mut rng, item.2);
        let mut day = rng.next(2);
        for (k, step) in path.iter().enumerate() {
            if k > 0 {
                day = (day + 1 + rng.next(2)).min(DAYS.len() - 1);
            }
            steps.push((day, i, *step));
        }
        lives.push(item);
    }
    // Two lives left waiting on purpose: accepted on 12-01 with one working day (overdue by
    // 12-10), and accepted on 12-07 with five (due 12-14: near due on 12-10).
    for (item, accepted_on) in [(ITEMS[1], 0), (ITEMS[0], 4)] {
        let i = lives.len();
        lives.push(item);
        steps.extend([(accepted_on, i, "submit"), (accepted_on, i, "accept")]);
    }
    // And one withdrawn while a correction is asked for (退件 of the third kind).
    let i = lives.len();
    lives.push(ITEMS[1]);
    steps.extend([(1, i, "submit"), (2, i, "request_correction"), (3, i, "withdraw")]);
    steps.sort_by_key(|(day, i, _)| (*day, *i));
    let mut numbers: BTreeMap<usize, (String, u64, Option<String>)> = BTreeMap::new();
    let mut last: BTreeMap<usize, &str> = BTreeMap::new();
    let mut submitted_on: BTreeMap<usize, &str> = BTreeMap::new();
    for (day, i, step) in steps {
        let date = DAYS[day];
        app.set_time(&format!("{date}T10:00"));
        let (item, dept, instant, promised) = lives[i];
        let last_before = last.insert(i, step);
        let code = format!("fig-{i}");
        if step == "submit" {
            // Bound once, at submission; a later day's step signs in again.
            let (token, _) = app.citizen(&code, u32::try_from(i).unwrap() + 1).await;
            let no = submit(&app, &token, item).await;
            numbers.insert(i, (no, 1, None));
            submitted_on.insert(i, date);
            ledger.count(date, dept, "received");
            continue;
        }
        let (token, _) = app.login(&code).await;
        let (no, version, due) = numbers.get(&i).cloned().unwrap();
        match step {
            "withdraw" => {
                let req = event("submission-withdraw").bearer(&token).path_param("no", &no);
                assert_eq!(read(app.invoke("submission", req).await).0, 200);
                if last_before == Some("request_correction") {
                    ledger.count(date, dept, "withdrawnAfterCorrection");
                }
            }
            "accept" => {
                act(&app, dept, &no, version, json!({ "action": "accept" })).await;
                let d: jiff::civil::Date = date.parse().unwrap();
                let due = calendar.add_working_days(d, promised).to_string();
                numbers.insert(i, (no.clone(), version + 1, Some(due)));
                ledger.count(date, dept, "accepted");
                continue;
            }
            "reject" | "request_correction" => {
                let mut body = json!({ "action": step, "note": "材料不全" });
                if step == "request_correction" {
                    body["correctionItems"] = json!(["补充身份证反面"]);
                }
                let reason = REASONS[rng.next(REASONS.len())];
                if let Some(code) = reason {
                    body["reasonCode"] = json!(code);
                }
                act(&app, dept, &no, version, body).await;
                let flow = if step == "reject" { "rejected" } else { "corrections" };
                ledger.count(date, dept, flow);
                ledger.count(date, dept, &format!("{flow}:{}", reason.unwrap_or("unspecified")));
            }
            "deny" | "approve" => {
                let verdict = if step == "deny" { "deny" } else { "approve" };
                let mut body = json!({ "action": "decide", "decision": verdict, "basis": "《行政许可法》第三十八条" });
                if step == "deny" {
                    body["reason"] = json!("不符合法定条件");
                }
                act(&app, dept, &no, version, body).await;
                if step == "deny" {
                    ledger.count(date, dept, "denied");
                }
            }
            "complete" => {
                act(&app, dept, &no, version, json!({ "action": "complete" })).await;
                ledger.count(date, dept, "completed");
                if instant {
                    // 即办: accepted and completed at once, on time.
                    ledger.count(date, dept, "accepted");
                    ledger.count(date, dept, "onTheSpot");
                    ledger.count(date, dept, "completedOnTime");
                } else if due.as_deref().is_some_and(|d| date <= d) {
                    ledger.count(date, dept, "completedOnTime");
                }
            }
            other => unreachable!("{other}"),
        }
        numbers.insert(i, (no, version + 1, due));
    }
    // 咨询投诉 about two departments, one of them answered.
    app.set_time("2026-12-10T11:00");
    let (citizen, _) = app.citizen("fig-feedback", 99).await;
    for (dept, reply) in [("RSJ", true), ("SWJ", false), ("RSJ", false)] {
        let req = event("feedback-create")
            .bearer(&citizen)
            .without_idempotency()
            .json(&json!({
                "kind": "complaint", "content": "办事慢", "about": { "deptCode": dept }
            }));
        let (status, filed) = read(app.invoke("feedback", req).await);
        assert_eq!(status, 201, "{filed}");
        ledger.count("2026-12-10", dept, "feedbackReceived");
        if reply {
            let staff = app.demo_token(&dept.to_lowercase()).await;
            let req = event("feedback-transition")
                .bearer(&staff)
                .path_param("no", filed["feedbackNo"].as_str().unwrap())
                .json(&json!({ "action": "reply", "note": "已处理" }));
            assert_eq!(read(app.invoke("feedback", req).await).0, 200);
            ledger.count("2026-12-10", dept, "feedbackReplied");
        }
    }

    let jiancha = app.demo_token("jiancha").await;
    let overview = |query: Vec<(&'static str, &'static str)>| {
        let req = event("supervision-overview").bearer(&jiancha).query(&query);
        app.invoke("supervision", req)
    };
    let (status, all) = read(overview(vec![("from", "2026-11-30"), ("to", "2026-12-11")]).await);
    assert_eq!(status, 200, "{all}");
    let metrics = [
        "received",
        "accepted",
        "onTheSpot",
        "completed",
        "completedOnTime",
        "rejected",
        "corrections",
        "denied",
        "withdrawnAfterCorrection",
        "feedbackReceived",
        "feedbackReplied",
    ];
    for m in metrics {
        assert_eq!(all["district"][m], ledger.total(None, m), "{m}: {all}");
        for (_, dept, _, _) in ITEMS {
            let row = all["units"].as_array().unwrap().iter().find(|r| r["unit"] == dept);
            let got = row.map_or(0, |r| r[m].as_i64().unwrap());
            assert_eq!(got, ledger.total(Some(dept), m), "{dept} {m}");
        }
    }
    // 退件 by reason: every category listed, each count the recount's.
    assert_eq!(all["reasons"].as_array().unwrap().len(), 8);
    for flow in ["rejected", "corrections"] {
        for r in all["reasons"].as_array().unwrap() {
            let code = r["code"].as_str().unwrap();
            let metric = format!("{flow}:{code}");
            let got = &all["district"]["returnsByReason"][flow][code];
            assert_eq!(got, ledger.total(None, &metric), "{metric}");
            for (_, dept, _, _) in ITEMS {
                let row = all["units"].as_array().unwrap().iter().find(|r| r["unit"] == dept);
                let got = row.map_or(0, |r| r["returnsByReason"][flow][code].as_i64().unwrap());
                assert_eq!(got, ledger.total(Some(dept), &metric), "{dept} {metric}");
            }
        }
    }
    assert!(ledger.total(None, "completedOnTime") > 0 && ledger.total(None, "rejected") > 0);
    assert!(
        ledger.total(None, "withdrawnAfterCorrection") > 0,
        "the histories withdraw after a correction"
    );
    assert!(ledger.total(None, "rejected:unspecified") + ledger.total(None, "corrections:unspecified") > 0);
    // One department alone, and one day per point.
    let (_, rsj) = read(overview(vec![("from", "2026-11-30"), ("to", "2026-12-11"), ("dept", "RSJ")]).await);
    assert_eq!(rsj["units"].as_array().unwrap().len(), 1);
    assert_eq!(rsj["district"]["received"], ledger.total(Some("RSJ"), "received"));
    for (metric, dept) in [
        ("received", None),
        ("accepted", Some("RSJ")),
        ("completed", None),
        ("corrections:materials_incomplete", None),
    ] {
        let mut q = vec![("metric", metric), ("from", "2026-11-30"), ("to", "2026-12-11")];
        q.extend(dept.map(|d| ("dept", d)));
        let req = event("supervision-trends").bearer(&jiancha).query(&q);
        let (status, trend) = read(app.invoke("supervision", req).await);
        assert_eq!(status, 200, "{trend}");
        let points = trend["points"].as_array().unwrap();
        assert_eq!(points.len(), 12);
        for p in points {
            let day = p["date"].as_str().unwrap();
            let want: i64 = ledger
                .0
                .iter()
                .filter(|((d, u, m), _)| d == day && m == metric && dept.is_none_or(|x| x == u))
                .map(|(_, n)| n)
                .sum();
            assert_eq!(p["value"], want, "{metric} {dept:?} {day}");
        }
    }

    // The day's stocks, recorded by the sweep: the district's equal what the sweep found.
    let report = app.deadline_sweeper.sweep().await.expect("the sweep runs");
    let (_, now) = read(overview(vec![("from", "2026-12-10"), ("to", "2026-12-10")]).await);
    assert_eq!(now["asOf"], "2026-12-10");
    assert_eq!(now["district"]["overdue"], report.overdue);
    assert_eq!(now["district"]["nearDue"], report.near_due);
    assert_eq!(now["district"]["acceptanceOverdue"], report.acceptance_overdue);
    assert_eq!(now["district"]["feedbackOpen"], 2);
    let rsj_row = now["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == "RSJ")
        .cloned()
        .unwrap();
    assert_eq!(rsj_row["feedbackOpen"], 1);
    // Recounted: the applications still submitted on 12-10 whose five working days to
    // decide on acceptance ended before it (行政许可法 §32).
    let sweep_day = jiff::civil::date(2026, 12, 10);
    let late = last
        .iter()
        .filter(|(_, step)| **step == "submit")
        .filter(|(i, _)| {
            let on: jiff::civil::Date = submitted_on[*i].parse().unwrap();
            calendar.add_working_days(on, model::figures::ACCEPTANCE_DAYS) < sweep_day
        })
        .count();
    assert_eq!(now["district"]["acceptanceOverdue"], late as i64);
    assert!(
        late > 0 && report.overdue > 0 && report.near_due > 0,
        "the histories leave cases late: {report:?}"
    );
}

#[tokio::test]
async fn the_overview_reads_as_many_round_trips_for_twenty_thousand_cases_as_for_twenty() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T10:00");
    for i in 0..20 {
        let (token, _) = app.citizen(&format!("twenty-{i}"), i + 1).await;
        submit(&app, &token, "SCJG-0001").await;
    }
    let jiancha = app.demo_token("jiancha").await;
    let read_overview = || async {
        let req = event("supervision-overview")
            .bearer(&jiancha)
            .query(&[("from", "2026-12-01"), ("to", "2026-12-02")]);
        let (resp, n) = counting(app.invoke("supervision", req)).await;
        (read(resp).1, n)
    };
    // The first request of the supervisor in the function's instance also checks the
    // directory (api::staff); the counts compared are of the requests after it.
    read_overview().await;
    let (twenty, few) = read_overview().await;
    assert_eq!(twenty["district"]["received"], 20);

    // Twenty thousand more cases, as the store holds them, with the figures they count.
    let table = &app.tables["ApplicationsTable"];
    let mut batch = Vec::new();
    for i in 0..20_000u32 {
        let item = std::collections::HashMap::from([
            ("pk".to_owned(), store::s(format!("A#SQ20261202{i:08}"))),
            ("sk".to_owned(), store::s("CASE#SCJG-0001")),
            ("dept".to_owned(), store::s("SCJG")),
            ("status".to_owned(), store::s("submitted")),
            (
                "queueKey".to_owned(),
                store::s(format!("submitted#2026-12-02T10:00:00+08:00#SQ20261202{i:08}")),
            ),
        ]);
        batch.push(
            aws_sdk_dynamodb::types::WriteRequest::builder()
                .put_request(
                    aws_sdk_dynamodb::types::PutRequest::builder()
                        .set_item(Some(item))
                        .build()
                        .unwrap(),
                )
                .build(),
        );
        if batch.len() == 25 {
            app.dynamo
                .batch_write_item()
                .request_items(table, std::mem::take(&mut batch))
                .send()
                .await
                .expect("seeding cases");
        }
    }
    let counts = BTreeMap::from([("received", 20_000)]);
    let day = jiff::civil::date(2026, 12, 2);
    let add = store::figures::counted(&app.tables["SupervisionTable"], day, "SCJG", &counts).unwrap();
    app.dynamo
        .transact_write_items()
        .transact_items(add)
        .send()
        .await
        .expect("their figures");

    let (many, more) = read_overview().await;
    assert_eq!(many["district"]["received"], 20_020);
    assert_eq!(few, more, "round trips with 20 cases and with 20,020");
    assert_eq!(
        few, 2,
        "one Query of the month's figures and one of its 好差评 counters"
    );
}
