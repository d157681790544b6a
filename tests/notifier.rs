//! The notifier: the outbox's stream sent as WeChat messages, once each, through token
//! refreshes, outages and refusals.

use fingertip_tests::wechat::{Account, event_xml};
use fingertip_tests::{Options, TestApp, spawn_app, spawn_app_with};
use model::CitizenId;
use notifier::stream::{Change, StreamEvent, StreamRecord};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use store::outbox::{Kind, Notification, Outbox};

/// Queues an evaluation invitation for `citizen`; its outbox id.
async fn queue(app: &TestApp, citizen: &str, n: u32) -> String {
    let note = Notification {
        kind: Kind::EvaluationInvitation,
        citizen: citizen.parse().unwrap(),
        cause: format!("A-test-{n}"),
        source: format!("test:{n}"),
        page: "pages/evaluation/new".into(),
        data: BTreeMap::from([("subjectName", "社会保障卡申领".to_owned())]),
    };
    Outbox::new(app.dynamo.clone(), app.tables["OutboxTable"].clone())
        .notify(&note, app.clock.now())
        .await
        .unwrap();
    note.id()
}

/// Lets the citizen receive `n` messages of a mini-program template.
async fn consent(app: &TestApp, citizen: &str, template: &str, n: u32) {
    let subs = store::subscriptions::Subscriptions::new(app.dynamo.clone(), app.tables["CitizensTable"].clone());
    let id: CitizenId = citizen.parse().unwrap();
    for _ in 0..n {
        assert!(subs.grant(&id, template).await.unwrap());
    }
}

fn stream_of(ids: &[String]) -> StreamEvent {
    StreamEvent {
        records: ids
            .iter()
            .enumerate()
            .map(|(i, id)| StreamRecord {
                event_name: "INSERT".into(),
                dynamodb: Change {
                    keys: json!({ "id": { "S": id } }).as_object().unwrap().clone(),
                    sequence_number: format!("{:024}", i + 1),
                },
            })
            .collect(),
    }
}

fn sends_to(app: &TestApp, path: &str) -> usize {
    app.sandbox.messages().iter().filter(|m| m["path"] == path).count()
}

#[tokio::test]
async fn a_booking_confirmation_goes_once_as_the_subscribe_message_the_citizen_accepted() {
    let app = spawn_app().await;
    let (token, citizen) = app.citizen("alice", 1).await;
    // The citizen accepts the template in the mini-program's pop-up; WeChat pushes the choice.
    let popup = json!({ "FromUserName": app.sandbox.openid_for("alice"), "CreateTime": app.clock.now().as_second(),
        "MsgType": "event", "Event": "subscribe_msg_popup_event",
        "List": { "TemplateId": "LocalMpBookingConfirmed", "SubscribeStatusString": "accept" } });
    assert_eq!(
        app.send_push(app.push(Account::MiniProgram, &popup.to_string(), true))
            .await
            .0,
        200
    );
    let visit = app.checked_in_visit(&token, "1000").await;
    app.notify().await;

    let sent = app.sandbox.sent();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let message = &sent[0]["message"];
    assert_eq!(sent[0]["api"], "subscribe");
    assert_eq!(message["touser"], app.sandbox.openid_for("alice"));
    assert_eq!(message["template_id"], "LocalMpBookingConfirmed");
    assert_eq!(message["page"], format!("pages/booking/detail?id={visit}"));
    assert_eq!(message["data"]["time3"]["value"], "2026-12-02 10:00");
    let record = &app.outbox().await[&format!("booking-confirmed#{visit}")];
    assert_eq!(
        (record["status"].as_str(), record["channel"].as_str()),
        (Some("sent"), Some("mp"))
    );
    let subs = store::subscriptions::Subscriptions::new(app.dynamo.clone(), app.tables["CitizensTable"].clone());
    let left = subs
        .recipient(&citizen.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .consents;
    assert_eq!(
        left.get("LocalMpBookingConfirmed"),
        Some(&0),
        "the one-time subscription is used up"
    );

    // Lambda redelivers a whole batch after a crash: nothing is sent twice.
    let ids: Vec<String> = app.outbox().await.keys().cloned().collect();
    let again = notifier::handle(&app.notifier, stream_of(&ids)).await;
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(app.sandbox.sent().len(), 1);

    // WeChat reports the delivery; the record says so.
    let msgid = record["msgid"].as_str().unwrap();
    let report = event_xml(
        &app.sandbox.openid_for("alice"),
        "subscribe_msg_sent_event",
        app.clock.now().as_second(),
        &format!(
            "<SubscribeMsgSentEvent><List><TemplateId><![CDATA[LocalMpBookingConfirmed]]></TemplateId>\
          <MsgID><![CDATA[{msgid}]]></MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List></SubscribeMsgSentEvent>"
        ),
    );
    assert_eq!(
        app.send_push(app.push(Account::MiniProgram, &report, false)).await.0,
        200
    );
    assert_eq!(
        app.outbox().await[&format!("booking-confirmed#{visit}")]["delivery"],
        "success"
    );
}

#[tokio::test]
async fn without_a_consent_a_follower_gets_a_template_message_and_anyone_else_a_recorded_failure() {
    let app = spawn_app().await;
    let (_, alice) = app.login("alice").await;
    let (_, bob) = app.login("bob").await;
    let follower = app.sandbox.oa_openid_for("alice");
    let subscribe = event_xml(&follower, "subscribe", app.clock.now().as_second(), "");
    assert_eq!(
        app.send_push(app.push(Account::Official, &subscribe, false)).await.0,
        200
    );
    let to_alice = queue(&app, &alice, 1).await;
    let to_bob = queue(&app, &bob, 2).await;
    app.notify().await;

    let sent = app.sandbox.sent();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(sent[0]["api"], "template");
    assert_eq!(sent[0]["message"]["touser"], follower);
    assert_eq!(sent[0]["message"]["miniprogram"]["pagepath"], "pages/evaluation/new");
    assert_eq!(sent[0]["message"]["data"]["keyword1"]["value"], "社会保障卡申领");
    let outbox = app.outbox().await;
    assert_eq!(outbox[&to_alice]["channel"], "oa");

    // The official account reports how the template message fared.
    let msgid = outbox[&to_alice]["msgid"].as_str().unwrap().to_owned();
    let finished = event_xml(
        &follower,
        "TEMPLATESENDJOBFINISH",
        app.clock.now().as_second() + 1,
        &format!("<MsgID>{msgid}</MsgID><Status><![CDATA[failed:user block]]></Status>"),
    );
    assert_eq!(
        app.send_push(app.push(Account::Official, &finished, true)).await,
        (200, "success".into())
    );
    assert_eq!(app.outbox().await[&to_alice]["delivery"], "failed:user block");
    assert_eq!(outbox[&to_bob]["status"], "failed");
    assert!(
        outbox[&to_bob]["reason"].as_str().unwrap().starts_with("no channel"),
        "{}",
        outbox[&to_bob]
    );
}

#[tokio::test]
async fn ten_cold_notifiers_at_once_on_an_empty_token_cache_make_one_token_call() {
    let app = spawn_app().await;
    let (_, citizen) = app.login("alice").await;
    consent(&app, &citizen, "LocalMpEvaluationInvitation", 10).await;
    let mut ids = Vec::new();
    for n in 0..10 {
        ids.push(queue(&app, &citizen, n).await);
    }
    let mut cold = Vec::new();
    for _ in 0..10 {
        cold.push(notifier::App::from_env(&app.env_of("notifier")).await.unwrap());
    }
    let runs = cold
        .iter()
        .zip(&ids)
        .map(|(n, id)| notifier::handle(n, stream_of(std::slice::from_ref(id))));
    let answers = futures::future::join_all(runs).await;
    assert!(answers.iter().all(|a| a.batch_item_failures.is_empty()), "{answers:?}");
    assert_eq!(app.sandbox.sent().len(), 10);
    assert_eq!(app.sandbox.token_calls().len(), 1, "{:?}", app.sandbox.token_calls());
}

#[tokio::test]
async fn a_token_invalidated_mid_run_is_dropped_refreshed_once_and_the_send_retried() {
    let app = spawn_app().await;
    let (_, citizen) = app.login("alice").await;
    consent(&app, &citizen, "LocalMpEvaluationInvitation", 2).await;
    queue(&app, &citizen, 1).await;
    app.notify().await;
    app.sandbox.invalidate_tokens();
    queue(&app, &citizen, 2).await;
    app.notify().await;
    assert_eq!(app.sandbox.sent().len(), 2);
    let calls = app.sandbox.token_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[1]["forceRefresh"], true,
        "the refused token is replaced, not fetched again"
    );
}

#[tokio::test]
async fn a_wechat_outage_delays_messages_and_loses_or_repeats_none() {
    let app = spawn_app().await;
    let (_, citizen) = app.login("alice").await;
    consent(&app, &citizen, "LocalMpEvaluationInvitation", 5).await;
    // First a couple of dropped connections, which the in-process retries ride out.
    app.sandbox
        .add_fault(fault(json!({ "scope": "send", "kind": "drop", "count": 2 })));
    let first = queue(&app, &citizen, 0).await;
    app.notify().await;
    assert_eq!(app.outbox().await[&first]["status"], "sent");

    // Then an outage: every call fails until it ends.
    app.sandbox
        .add_fault(fault(json!({ "scope": "all", "kind": "http500" })));
    let mut ids = Vec::new();
    for n in 1..5 {
        ids.push(queue(&app, &citizen, n).await);
    }
    assert!(!app.notify_rounds(2).await, "nothing can be sent during the outage");
    let outbox = app.outbox().await;
    for id in &ids {
        assert_eq!(outbox[id]["status"], "pending", "{}", outbox[id]);
        assert!(outbox[id]["lastError"].as_str().unwrap().contains("500"));
    }
    app.sandbox.clear_faults();
    app.notify().await;
    let outbox = app.outbox().await;
    assert!(outbox.values().all(|r| r["status"] == "sent"), "{outbox:#?}");
    let mut sent: Vec<Value> = app.sandbox.sent().iter().map(|s| s["msgid"].clone()).collect();
    sent.dedup();
    assert_eq!(sent.len(), 5, "each record sent exactly once");
}

fn fault(v: Value) -> fingertip_cli::sandbox::Fault {
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn a_refusal_ends_failed_with_its_reason_and_is_not_retried() {
    let app = spawn_app().await;
    let (_, citizen) = app.login("alice").await;
    consent(&app, &citizen, "LocalMpEvaluationInvitation", 1).await;
    app.sandbox.refuse(&app.sandbox.openid_for("alice"));
    let id = queue(&app, &citizen, 1).await;
    app.notify().await;
    let record = &app.outbox().await[&id];
    assert_eq!(record["status"], "failed");
    assert!(record["reason"].as_str().unwrap().starts_with("43101"), "{record}");
    assert_eq!(sends_to(&app, "/cgi-bin/message/subscribe/send"), 1);
}

#[tokio::test]
async fn a_record_that_keeps_failing_ends_failed_after_the_attempt_limit_so_none_stays_open() {
    let app = spawn_app_with(Options {
        seed_catalog: false,
        overrides: vec![("NOTIFIER_MAX_ATTEMPTS", "2".into())],
        ..Options::default()
    })
    .await;
    let (_, citizen) = app.login("alice").await;
    consent(&app, &citizen, "LocalMpEvaluationInvitation", 1).await;
    app.sandbox.add_fault(fault(json!({ "scope": "send", "kind": "busy" })));
    let id = queue(&app, &citizen, 1).await;
    assert!(app.notify_rounds(5).await, "given up on, not redelivered for ever");
    let record = &app.outbox().await[&id];
    assert_eq!(record["status"], "failed");
    assert!(
        record["reason"]
            .as_str()
            .unwrap()
            .starts_with("gave up after 2 attempts"),
        "{record}"
    );
}
