//! No answer, log line or outgoing WeChat message holds a full ID number or mobile number.
//!
//! Two ways such a number gets out, each tried on every route it can reach: a client's own
//! value quoted back (in an error's details, as a field's value, a key it chose, a query or
//! a path), and free text that holds one (a remark, a reason, a note, a comment) shown to
//! the citizen, to staff or sent to WeChat. Free text is stored as written; only its ways
//! out are masked.

use fingertip_tests::wechat::{Account, event_xml};
use fingertip_tests::{EventExt, TestApp, event, spawn_app};
use lambda_http::{Request, RequestExt};
use serde_json::{Value, json};

/// Planted values, and the texts that must never come back.
const ID: &str = "11010519491231002X";
const ID_DIGITS: u64 = 440_524_188_001_010_014;
const PHONE: &str = "13812345678";
const PHONE_DIGITS: u64 = 13_912_345_678;

fn leaks(text: &str) -> Vec<&'static str> {
    let lower = text.to_ascii_lowercase();
    ["11010519491231002x", "440524188001010014", "13812345678", "13912345678"]
        .into_iter()
        .filter(|s| lower.contains(s))
        .collect()
}

fn text_of(resp: api::http::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    (status, String::from_utf8_lossy(resp.body().as_ref()).into_owned())
}

/// Every way a value can be planted in a JSON body built from `sample`.
fn planted_bodies(sample: &Value) -> Vec<(String, Value)> {
    let values = [
        ("the ID as text", json!(ID)),
        ("the ID as a number", json!(ID_DIGITS)),
        ("the phone as text", json!(PHONE)),
        ("the phone as a number", json!(PHONE_DIGITS)),
        ("the ID in a list", json!([ID_DIGITS, PHONE])),
        ("an object keyed by the ID", json!({ ID: PHONE_DIGITS, PHONE: ID })),
    ];
    let mut out = Vec::new();
    let Value::Object(fields) = sample else {
        return out;
    };
    for (name, original) in fields {
        for (what, value) in &values {
            let mut body = sample.clone();
            body[name] = value.clone();
            out.push((format!("{name} = {what}"), body));
        }
        if let Value::Object(inner) = original {
            let mut body = sample.clone();
            let mut keyed = inner.clone();
            keyed.insert(ID.into(), json!(PHONE_DIGITS));
            keyed.insert(PHONE.into(), json!({ "nested": ID }));
            body[name] = Value::Object(keyed);
            out.push((format!("{name} with keys the client chose"), body));
        }
    }
    let mut extra = sample.clone();
    extra[ID] = json!(PHONE);
    out.push(("an unknown field named by the ID".into(), extra));
    out
}

#[tokio::test]
async fn no_route_quotes_back_an_id_number_or_phone_planted_in_a_field_a_key_a_query_or_a_path() {
    let app = spawn_app().await;
    let (citizen, _) = app.sample_representative("planted", 1).await;
    let world = app.world(&citizen).await;
    let staff = app.staff_token("RSJ", Some("spb-center")).await;
    let samples = fingertip_tests::world::samples();
    let (mut tried, mut wrong) = (0, Vec::new());
    for route in fingertip_tests::world::json_routes() {
        let route = route.as_str();
        let base = || world.request(route, &samples[route], &citizen, &staff);
        let mut planted: Vec<(String, Request)> = Vec::new();
        if let Ok(sample) = serde_json::from_slice::<Value>(base().body().as_ref()) {
            for (what, body) in planted_bodies(&sample) {
                planted.push((what, base().json(&body)));
            }
        }
        let query: Vec<String> = base()
            .query_string_parameters_ref()
            .map(|q| q.iter().map(|(k, _)| k.to_owned()).collect())
            .unwrap_or_default();
        for name in query.iter().map(String::as_str).chain(["limit", "cursor", "status"]) {
            for value in [ID, PHONE] {
                planted.push((format!("?{name}={value}"), base().query(&[(name, value)])));
            }
        }
        for param in ["id", "no", "code", "hallId"] {
            if route.contains(&format!("{{{param}}}")) {
                for value in [ID, PHONE] {
                    planted.push((format!("{{{param}}} = {value}"), base().path_param(param, value)));
                }
            }
        }
        let mut keyed = base();
        keyed.headers_mut().insert("idempotency-key", PHONE.parse().unwrap());
        planted.push(("Idempotency-Key = the phone".into(), keyed));
        for (what, req) in planted {
            tried += 1;
            let (status, text) = text_of(app.route(req).await);
            if status >= 500 || !leaks(&text).is_empty() {
                wrong.push(format!("{route}: {what}: {status} {text}"));
            }
        }
    }
    assert!(tried > 300, "the plants ran ({tried} requests)");
    assert!(wrong.is_empty(), "{} of {tried}:\n{wrong:#?}", wrong.len());
}

/// Status and body of a request, failing the test on any leak or fault.
async fn clean(app: &TestApp, req: Request) -> (u16, Value) {
    let (status, text) = text_of(app.route(req).await);
    assert!(status < 500, "{status} {text}");
    assert!(leaks(&text).is_empty(), "an answer holds {:?}: {text}", leaks(&text));
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, body)
}

#[tokio::test]
async fn free_text_is_kept_as_written_and_shown_masked_to_the_citizen_to_staff_and_to_wechat() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("writes-numbers", 1).await;
    let staff = app.staff_token("RSJ", Some("spb-center")).await;
    // The citizen follows the official account, so outcomes reach them as template messages.
    let follower = app.sandbox.oa_openid_for("writes-numbers");
    let subscribe = event_xml(&follower, "subscribe", app.clock.now().as_second(), "");
    assert_eq!(
        app.send_push(app.push(Account::Official, &subscribe, false)).await.0,
        200
    );

    // A booking cancelled with a reason that holds a phone, as people write one.
    app.set_time("2026-12-02T08:00");
    let book = event("booking-create")
        .bearer(&token)
        .json(&json!({ "slotId": "spb-center.20261203.1000.C", "itemCode": "RSJ-0001" }));
    let (status, booking) = clean(&app, book).await;
    assert_eq!(status, 201, "{booking}");
    let id = booking["id"].as_str().unwrap();
    let cancel = event("booking-cancel")
        .bearer(&token)
        .path_param("id", id)
        .json(&json!({ "reason": "临时有事，请回电 138-1234-5678" }));
    let (status, cancelled) = clean(&app, cancel).await;
    assert_eq!(
        (status, cancelled["cancelReason"].as_str()),
        (200, Some("临时有事，请回电 138-****-5678"))
    );
    clean(&app, event("booking-get").bearer(&token).path_param("id", id)).await;
    clean(&app, event("booking-mine").bearer(&token)).await;

    // An application whose free-text fields hold an ID number and a phone.
    let id_file = app.upload(&token, "身份证.jpg").await;
    let photo = app.upload(&token, "照片.jpg").await;
    let mut submit = event("submission-create").bearer(&token).json(&json!({
        "itemCode": "RSJ-0001",
        "form": { "applicantName": "张三", "phone": PHONE, "address": format!("证件号{ID}"), "remark": "+86 139 1234 5678" },
        "materials": [{ "code": "M-ID", "objectKey": id_file }, { "code": "M-PHOTO", "objectKey": photo }],
    }));
    submit.headers_mut().remove("idempotency-key");
    let (status, created) = clean(&app, submit).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["form"]["address"], "证件号1101**********002X");
    let no = created["applicationNo"].as_str().unwrap().to_owned();

    // Staff write numbers into a correction notice and a completion note.
    let act = |body: Value| {
        event("submission-transition")
            .bearer(&staff)
            .path_param("no", &no)
            .json(&body)
    };
    clean(&app, act(json!({ "action": "accept", "version": 1 }))).await;
    let (_, corrected) = clean(
        &app,
        act(
            json!({ "action": "request_correction", "version": 2, "note": format!("已致电{PHONE}"),
                    "correctionItems": ["请补充１３８１２３４５６７８的说明"] }),
        ),
    )
    .await;
    assert_eq!(corrected["correction"]["items"][0], "请补充１３８****５６７８的说明");
    let resubmit = event("submission-correct")
        .bearer(&token)
        .path_param("no", &no)
        .json(&json!({ "form": { "remark": "已补充" } }));
    clean(&app, resubmit).await;
    clean(
        &app,
        act(json!({ "action": "complete", "version": 4, "note": format!("领卡人{ID}") })),
    )
    .await;
    for viewer in [&token, &staff] {
        let (_, v) = clean(&app, event("progress-get").bearer(viewer).path_param("no", &no)).await;
        assert!(
            v["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["note"] == "已致电138****5678"),
            "{v}"
        );
    }
    clean(&app, event("submission-queue").bearer(&staff)).await;

    // A 差评 whose comment and 追评 hold numbers; staff rule on it with a note that does too.
    let rate = event("evaluation-application")
        .bearer(&token)
        .path_param("no", &no)
        .json(&json!({
            "rating": 1, "tags": ["办理超时"], "comment": format!("联系我{PHONE}")
        }));
    let (status, review) = clean(&app, rate).await;
    assert_eq!((status, review["comment"].as_str()), (201, Some("联系我138****5678")));
    let review_id = review["id"].as_str().unwrap().to_owned();
    let follow = event("evaluation-follow-up")
        .bearer(&token)
        .path_param("id", &review_id)
        .json(&json!({ "comment": "身份证 110105 19491231 002X" }));
    clean(&app, follow).await;
    let rectify = |body: Value| {
        event("evaluation-rectify")
            .bearer(&staff)
            .path_param("id", &review_id)
            .json(&body)
    };
    clean(
        &app,
        rectify(json!({ "action": "verify", "note": format!("已回访{PHONE}") })),
    )
    .await;
    clean(
        &app,
        rectify(json!({ "action": "invalidate", "note": format!("系误评，已告知{PHONE}") })),
    )
    .await;
    let listing = event("evaluation-staff")
        .bearer(&staff)
        .query(&[("status", "pending_review")]);
    let (_, listed) = clean(&app, listing).await;
    assert!(listed.to_string().contains("138****5678"), "{listed}");
    // The supervisor's queue shows the ruling masked too, and the 复核 note is kept as written.
    let supervisor = app.demo_token("jiancha").await;
    let (_, queue) = clean(&app, event("evaluation-rulings").bearer(&supervisor)).await;
    assert!(queue.to_string().contains("系误评，已告知138****5678"), "{queue}");
    let uphold = event("evaluation-ruling-review")
        .bearer(&supervisor)
        .path_param("id", &review_id)
        .json(&json!({ "decision": "uphold", "note": format!("维持认定，已告知{PHONE}") }));
    clean(&app, uphold).await;

    // What went to WeChat, and what the store keeps.
    app.notify().await;
    let sent = serde_json::to_string(&app.sandbox.sent()).unwrap();
    assert!(
        sent.contains("维持认定，已告知138****5678"),
        "the outcome's note went out: {sent}"
    );
    assert!(leaks(&sent).is_empty(), "WeChat was sent {:?}", leaks(&sent));
    let stored = app.dump().await.join("\n");
    for written in [
        "请回电 138-1234-5678",
        "系误评，已告知13812345678",
        "维持认定，已告知13812345678",
        "证件号11010519491231002X",
    ] {
        assert!(stored.contains(written), "the store keeps {written} as written");
    }
}

#[tokio::test]
async fn public_answers_name_the_department_and_window_never_a_member_of_staff() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("public-figures", 1).await;
    let world = app.world(&token).await;
    let stats = event("evaluation-stats").query(&[("groupBy", "staff")]);
    let (status, text) = text_of(app.invoke("evaluation", stats).await);
    assert_eq!(status, 200, "{text}");
    assert!(!text.contains("staff-RSJ"), "a member's id in public figures: {text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    let group = &body["groups"][0];
    assert_eq!(
        (group["deptCode"].as_str(), group["windowCode"].as_str()),
        (Some("RSJ"), Some("C")),
        "{body}"
    );
    assert!(group.get("value").is_none(), "{body}");
    // The applicant's timeline likewise: the department that acted.
    let view = event("progress-get").bearer(&token).path_param("no", &world.completed);
    let (_, text) = text_of(app.invoke("progress", view).await);
    assert!(
        !text.contains("staff-RSJ") && text.contains("\"deptCode\":\"RSJ\""),
        "{text}"
    );
}
