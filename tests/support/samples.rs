//! Every sample event of `events/`, driven through its handler in a day's order with real
//! ids filled in: the events suite checks each succeeds, the round-trip suite counts what
//! each costs the store.

use crate::{EventExt, TestApp, event, read};
use store::count::counting;

/// One sample driven: its answer's status and the DynamoDB requests it sent.
#[derive(Debug, Clone)]
pub struct Driven {
    pub name: &'static str,
    /// The route it asked for; `None` for a schedule or a stream batch.
    pub route: Option<String>,
    pub status: u16,
    /// The answer, where it is JSON (not for the WeChat callback's XML and text).
    pub body: Option<serde_json::Value>,
    /// The request's JSON body, as sent.
    pub request: Option<serde_json::Value>,
    pub round_trips: u64,
}

impl Driven {
    fn scheduled(name: &'static str, round_trips: u64) -> Self {
        Self {
            name,
            route: None,
            status: 200,
            body: None,
            request: None,
            round_trips,
        }
    }
}

pub fn names() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .map(|n| n.trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    names
}

/// The function an event is for: the longest function name its file name starts with.
pub fn function_of(name: &str) -> String {
    let mut binaries: Vec<&str> = fingertip_cli::functions::ALL.iter().map(|(b, _)| *b).collect();
    binaries.sort_by_key(|b| std::cmp::Reverse(b.len()));
    binaries
        .into_iter()
        .find(|b| name.starts_with(b))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{name} names no function"))
}

/// The samples in the order a citizen's day uses them (`events/day.txt`): each one's ids come
/// from those before.
pub fn order() -> Vec<&'static str> {
    include_str!("../../events/day.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// Drives every sample of [`order`] through `app` on the booking samples' day, asserting each
/// answers 2xx, and returns what each cost.
pub async fn drive_every_sample(app: &TestApp) -> Vec<Driven> {
    // The booking samples name 2026-12-02 (a Wednesday) slots; it is that morning.
    app.set_time("2026-12-02T08:00");
    let (token, _) = app.login("events-citizen").await;
    let staff = app.staff_token("RSJ", Some("spb-center")).await;
    let rsj = app.staff_token("RSJ", None).await;
    let admin = app.demo_token("admin").await;
    let mut apps = Samples::default();
    let mut booked = String::new();
    let mut to_cancel = String::new();
    let mut called = String::new();
    let mut case = String::new();
    let mut order_id = String::new();
    let mut alert_id = String::new();
    let mut agent_id = String::new();
    let mut consent_id = String::new();
    let daiban = app.demo_token("daiban").await;
    let jiancha = app.demo_token("jiancha").await;
    let mut driven = Vec::new();
    for name in order() {
        let binary = function_of(name);
        if name == "booking-slots" {
            // auth-identity has bound the citizen; the samples with a booking id in the path
            // get bookings made for them.
            (booked, to_cancel) = bookings_for_samples(app, &token).await;
        }
        if name == "submission-create" {
            apps = applications_for_samples(app, &token).await;
        }
        if name == "submission-correct" {
            // The correction sample needs a case waiting for one.
            let req = event("submission-transition").bearer(&rsj).path_param("no", &apps.first).json(&serde_json::json!({
                "action": "request_correction", "note": "照片不清晰", "correctionItems": ["近期免冠证件照"], "version": 2
            }));
            assert_eq!(read(app.invoke("submission", req).await).0, 200);
        }
        if name == "evaluation-application" {
            // A completed application and a checked-in visit to rate.
            let staff = app.staff_token("RSJ", None).await;
            // apps.first was accepted, corrected, resubmitted and approved by the samples
            // before: version 5.
            for (action, version) in [("complete", 5)] {
                let req = event("submission-transition")
                    .bearer(&staff)
                    .path_param("no", &apps.first);
                let (status, body) = read(
                    app.invoke(
                        "submission",
                        req.json(&serde_json::json!({ "action": action, "version": version })),
                    )
                    .await,
                );
                assert_eq!(status, 200, "{action}: {body}");
            }
        }
        if name == "feedback-rating" {
            // The citizen rates a reply: the department answers first.
            let req = event("feedback-transition")
                .bearer(&rsj)
                .path_param("no", &case)
                .json(&serde_json::json!({
                    "action": "reply", "note": "已核实，窗口已补发一次性告知书并致歉"
                }));
            assert_eq!(read(app.invoke("feedback", req).await).0, 200);
        }
        if name == "evaluation-rulings" {
            // The department rules the visit's 差评 invalid: it waits for the supervisor.
            let req = event("evaluation-rectify")
                .bearer(&rsj)
                .path_param("id", &format!("B{booked}"))
                .json(&serde_json::json!({ "action": "invalidate", "note": "经核查系误评" }));
            assert_eq!(read(app.invoke("evaluation", req).await).0, 200);
        }
        if name == "supervision-order-close" {
            // The department answers again what the supervisor returned, then it is closed.
            let req = event("supervision-order-respond")
                .bearer(&rsj)
                .path_param("id", &order_id)
                .json(&serde_json::json!({ "note": "已修订一次性告知清单并公示" }));
            assert_eq!(read(app.invoke("supervision", req).await).0, 200);
        }
        if name == "supervision-alerts" {
            // An alert as the daily sweep raises one: the first application, late.
            let alert = model::alert::Alert::raise(
                model::alert::AlertKind::Overdue,
                &format!("{}.RSJ-0001", apps.first),
                format!("application:{}", apps.first),
                "RSJ".into(),
                app.clock.now(),
            );
            let alerts = store::alerts::AlertStore::new(app.dynamo.clone(), app.tables["SupervisionTable"].clone());
            assert_eq!(alerts.raise(&alert).await.unwrap(), store::alerts::Written::Done);
            alert_id = alert.id;
        }
        if binary == "evaluation-sweeper" {
            let (done, n) = counting(app.evaluation_sweeper.sweep()).await;
            done.expect("the sweep runs");
            driven.push(Driven::scheduled(name, n));
            continue;
        }
        if binary == "deadline-sweeper" {
            let (done, n) = counting(app.deadline_sweeper.sweep()).await;
            done.expect("the sweep runs");
            driven.push(Driven::scheduled(name, n));
            continue;
        }
        if binary == "notifier" {
            let stream: notifier::StreamEvent =
                serde_json::from_str(&crate::event_text(name)).expect("a DynamoDB stream event");
            let (answer, n) = counting(notifier::handle(&app.notifier, stream)).await;
            assert!(answer.batch_item_failures.is_empty(), "{name}: {answer:?}");
            driven.push(Driven::scheduled(name, n));
            continue;
        }
        if binary == "booking-sweeper" {
            let scheduled = crate::event_json(name);
            assert_eq!(scheduled["detail-type"], "Scheduled Event");
            let (done, n) = counting(app.booking_sweeper.sweep()).await;
            done.expect("the sweep runs");
            driven.push(Driven::scheduled(name, n));
            continue;
        }
        let req = event(name);
        let route = api::http::route_key(&req);
        assert!(
            crate::TEMPLATE
                .routes()
                .iter()
                .any(|(r, b)| r.key() == route && *b == binary),
            "{name}: {route} is not a route of {binary} in template.yaml"
        );
        let req = match name {
            "hall-check-in" => {
                let get = event("booking-get").bearer(&token).path_param("id", &booked);
                let (_, b) = read(app.invoke("booking", get).await);
                let code = b["verificationCode"].as_str().expect("a booking's code").to_owned();
                req.bearer(&staff)
                    .json(&serde_json::json!({ "verificationCode": code }))
            }
            "hall-check-in-by-id" => req.bearer(&staff).path_param("id", &booked),
            "auth-identity-verification" => {
                // What WeChat hands the mini-program after the face of the identity the
                // auth-identity sample bound was matched.
                let result = app
                    .sandbox
                    .face_result("events-citizen", "张三", "11010519491231002X", "pass")
                    .expect("a known outcome");
                req.bearer(&token).json(&serde_json::json!({ "verifyResult": result }))
            }
            "hall-walk-in" | "hall-call-next" | "hall-day" => req.bearer(&staff),
            // The window registers the citizen's enterprise from its licence.
            "auth-enterprise-register" => req.bearer(&staff),
            "auth-enterprise-get" | "auth-enterprise-agent-grant" => req.bearer(&token),
            "auth-enterprise-agent-revoke" => req.bearer(&token).path_param("agentId", &agent_id),
            // A supervisor gives the enterprise's project a 帮办员.
            "auth-enterprise-helper" => req.bearer(&jiancha),
            "hall-finish" => req.bearer(&staff).path_param("ticketId", &called),
            "booking-cancel" => req.bearer(&token).path_param("id", &to_cancel),
            "booking-get" | "booking-reschedule" => req.bearer(&token).path_param("id", &booked),
            "submission-create" => req.bearer(&token).json(&apps.body),
            "submission-intake" => {
                // The window scans the materials of the person in front of it.
                let mut body: serde_json::Value =
                    serde_json::from_str(crate::event_json(name)["body"].as_str().unwrap()).unwrap();
                for m in body["materials"].as_array_mut().unwrap() {
                    m["objectKey"] = serde_json::Value::String(app.upload(&staff, "扫描件.jpg").await);
                }
                req.bearer(&staff).json(&body)
            }
            "submission-proxy" => {
                // 月台村's agent scans the villager's ID card for a 代办.
                let mut body: serde_json::Value =
                    serde_json::from_str(crate::event_json(name)["body"].as_str().unwrap()).unwrap();
                body["materials"][0]["objectKey"] = serde_json::Value::String(app.upload(&daiban, "身份证.jpg").await);
                req.bearer(&daiban).json(&body)
            }
            "submission-consent-answer" => req.bearer(&token).path_param("id", &consent_id),
            "submission-transition" => req.bearer(&rsj).path_param("no", &apps.first),
            "submission-correct" => req
                .bearer(&token)
                .path_param("no", &apps.first)
                .json(&serde_json::json!({
                    "materials": [{ "code": "M-PHOTO", "objectKey": app.upload(&token, "新照片.jpg").await }]
                })),
            "submission-withdraw" => req.bearer(&token).path_param("no", &apps.second),
            "submission-decide" | "submission-applicant" | "submission-delivery" => {
                req.bearer(&rsj).path_param("no", &apps.first)
            }
            "submission-material" => req
                .bearer(&rsj)
                .path_param("no", &apps.first)
                .path_param("objectKey", apps.body["materials"][0]["objectKey"].as_str().unwrap()),
            "progress-receipt" => req.bearer(&token).path_param("no", &apps.first),
            "progress-get" => req.bearer(&token).path_param("no", &apps.first),
            "progress-lookup" => req.query(&[("applicationNo", apps.first.as_str()), ("phoneLast4", "5678")]),
            "evaluation-application" => req.bearer(&token).path_param("no", &apps.first),
            "evaluation-visit" => req.bearer(&token).path_param("id", &booked),
            "evaluation-follow-up" => req.bearer(&token).path_param("id", &format!("B{booked}")),
            "evaluation-rectify" => req.bearer(&rsj).path_param("id", &format!("B{booked}")),
            "evaluation-ruling-review" => req.bearer(&jiancha).path_param("id", &format!("B{booked}")),
            "feedback-get" | "feedback-rating" => req.bearer(&token).path_param("no", &case),
            "feedback-staff-get" | "feedback-transition" => req.bearer(&rsj).path_param("no", &case),
            "feedback-extension" | "feedback-complainant" => req.bearer(&jiancha).path_param("no", &case),
            "supervision-order-issue" => {
                let mut body: serde_json::Value =
                    serde_json::from_str(crate::event_json(name)["body"].as_str().unwrap()).unwrap();
                body["subject"] = serde_json::json!({ "feedbackNo": case });
                req.bearer(&jiancha).json(&body)
            }
            "supervision-order-return" | "supervision-order-close" => req.bearer(&jiancha).path_param("id", &order_id),
            "supervision-order-respond" => req.bearer(&rsj).path_param("id", &order_id),
            "supervision-alert-acknowledge" => req.bearer(&rsj).path_param("id", &alert_id),
            "supervision-audit" => req
                .bearer(&jiancha)
                .query(&[("subject", format!("order:{order_id}").as_str())]),
            // Any other sample is sent with its caller's token: the admin's on an admin route,
            // the supervisor's on a supervision route, the department's on a staff route, the
            // citizen's elsewhere (as `make
            // invoke-all` sends it).
            _ if req.headers().contains_key("authorization") && route.contains("/v1/admin/") => req.bearer(&admin),
            _ if req.headers().contains_key("authorization") && route.contains("/v1/supervision/") => {
                req.bearer(&jiancha)
            }
            _ if req.headers().contains_key("authorization") && route.contains("/staff/") => req.bearer(&rsj),
            _ if req.headers().contains_key("authorization") => req.bearer(&token),
            _ => req,
        };
        let request = match req.body() {
            lambda_http::Body::Text(t) => serde_json::from_str(t).ok(),
            lambda_http::Body::Binary(b) => serde_json::from_slice(b).ok(),
            _ => None,
        };
        let (resp, round_trips) = counting(app.invoke(&binary, req)).await;
        // The WeChat callback answers in WeChat's words (echostr, `success`, XML), not JSON.
        let (status, text, body) = if binary == "wechat-callback" {
            let (status, text) = crate::wechat::read_text(resp);
            (status, text, None)
        } else {
            let (status, body) = read(resp);
            (status, body.to_string(), Some(body))
        };
        assert!((200..300).contains(&status), "{name}: {status} {text}");
        if name == "feedback-create" {
            case = body
                .as_ref()
                .and_then(|b| b["feedbackNo"].as_str())
                .unwrap_or_default()
                .to_owned();
        }
        if name == "supervision-order-issue" {
            order_id = body
                .as_ref()
                .and_then(|b| b["id"].as_str())
                .unwrap_or_default()
                .to_owned();
        }
        if name == "submission-proxy" {
            consent_id = body
                .as_ref()
                .and_then(|b| b["consentId"].as_str())
                .unwrap_or_default()
                .to_owned();
        }
        if name == "auth-enterprise-agent-grant" {
            agent_id = body
                .as_ref()
                .and_then(|b| b["agentId"].as_str())
                .unwrap_or_default()
                .to_owned();
        }
        if name == "hall-call-next" {
            called = body
                .as_ref()
                .and_then(|b| b["ticketId"].as_str())
                .unwrap_or_default()
                .to_owned();
        }
        driven.push(Driven {
            name,
            route: Some(route),
            status,
            body,
            request,
            round_trips,
        });
    }
    driven
}

/// Two applications for the samples that name one: `first` is accepted and corrected,
/// `second` withdrawn; `body` is the create sample's body with real uploads in it.
#[derive(Default)]
struct Samples {
    first: String,
    second: String,
    body: serde_json::Value,
}

async fn applications_for_samples(app: &TestApp, token: &str) -> Samples {
    let sample = crate::event_json("submission-create");
    let mut body: serde_json::Value = serde_json::from_str(sample["body"].as_str().unwrap()).unwrap();
    for m in body["materials"].as_array_mut().unwrap() {
        m["objectKey"] = serde_json::Value::String(app.upload(token, "材料.jpg").await);
    }
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let mut req = event("submission-create").bearer(token).json(&body);
        req.headers_mut().remove("idempotency-key");
        let (status, created) = read(app.invoke("submission", req).await);
        assert_eq!(status, 201, "{created}");
        numbers.push(created["applicationNo"].as_str().unwrap().to_owned());
    }
    Samples {
        first: numbers.remove(0),
        second: numbers.remove(0),
        body,
    }
}

async fn bookings_for_samples(app: &TestApp, token: &str) -> (String, String) {
    let mut first = event("booking-create").bearer(token).json(&serde_json::json!({
        "slotId": "spb-center.20261202.1100.C", "itemCode": "RSJ-0003"
    }));
    first.headers_mut().remove("idempotency-key");
    let (status, created) = read(app.invoke("booking", first).await);
    assert_eq!(status, 201, "{created}");
    let mut second = event("booking-create").bearer(token).json(&serde_json::json!({
        "slotId": "spb-center.20261202.1000.C", "itemCode": "YBJ-0001"
    }));
    second.headers_mut().remove("idempotency-key");
    let (status, other) = read(app.invoke("booking", second).await);
    assert_eq!(status, 201, "{other}");
    (
        created["id"].as_str().unwrap().to_owned(),
        other["id"].as_str().unwrap().to_owned(),
    )
}
