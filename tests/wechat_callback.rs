//! The WeChat push callback: URL verification, plaintext and safe mode, replies, once-only
//! handling, and hostile or broken pushes refused without a crash or a write.

use fingertip_tests::wechat::{Account, event_xml, text_xml};
use fingertip_tests::{EventExt, code, event, read, spawn_app};
use serde_json::json;
use wechat::message::Message;

#[path = "wechat_callback/hostile.rs"]
mod hostile;
#[path = "wechat_callback/replay.rs"]
mod replay;

#[tokio::test]
async fn the_url_is_verified_by_echoing_echostr_and_a_bad_or_stale_signature_is_refused() {
    let app = spawn_app().await;
    // The samples are signed at 2026-12-02 00:00 UTC.
    app.set_time("2026-12-02T08:00");
    for (sample, echostr) in [
        ("wechat-callback-oa-verify", "5837397520665436492"),
        ("wechat-callback-mp-verify", "8190923744152"),
    ] {
        let (status, body) = app.send_push(event(sample)).await;
        assert_eq!((status, body.as_str()), (200, echostr), "{sample}");
    }
    let forged = event("wechat-callback-oa-verify").query(&[
        ("signature", "0000000000000000000000000000000000000000"),
        ("timestamp", "1796169600"),
        ("nonce", "1320562132"),
        ("echostr", "x"),
    ]);
    let (status, body) = read(app.invoke("wechat-callback", forged).await);
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    assert_eq!(body["error"]["details"]["reason"], "bad_signature");

    app.set_time("2026-12-02T08:06");
    let (status, body) = read(app.invoke("wechat-callback", event("wechat-callback-oa-verify")).await);
    assert_eq!(
        (status, body["error"]["details"]["reason"].as_str()),
        (401, Some("stale_timestamp"))
    );
}

#[tokio::test]
async fn a_follower_is_welcomed_and_linked_to_their_mini_program_account_through_the_unionid() {
    let app = spawn_app().await;
    let openid = app.sandbox.oa_openid_for("alice");
    let now = app.clock.now().as_second();
    let (status, body) = app
        .send_push(app.push(Account::Official, &event_xml(&openid, "subscribe", now, ""), false))
        .await;
    assert_eq!(status, 200, "{body}");
    let reply = Message::from_xml(&body).unwrap();
    assert_eq!(reply.get("ToUserName"), Some(openid.as_str()));
    assert_eq!(reply.get("MsgType"), Some("text"));
    assert!(reply.get("Content").unwrap().contains("欢迎"));
    let stored = app
        .dump()
        .await
        .into_iter()
        .find(|l| l.contains(&format!("O#{openid}")))
        .expect("the follower");
    assert!(stored.contains(&app.sandbox.unionid_for("alice")), "{stored}");

    // Leaving is recorded, so the notifier stops using the official account.
    let (status, body) = app
        .send_push(app.push(
            Account::Official,
            &event_xml(&openid, "unsubscribe", now + 60, ""),
            true,
        ))
        .await;
    assert_eq!((status, body.as_str()), (200, "success"));
    let stored = app
        .dump()
        .await
        .into_iter()
        .find(|l| l.contains(&format!("U#{}", app.sandbox.unionid_for("alice"))));
    assert!(stored.expect("the unionid link").contains("Bool(false)"));
}

#[tokio::test]
async fn an_applicant_asking_by_number_gets_the_status_and_anyone_else_the_same_hint_in_a_sealed_reply() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("alice", 1).await;
    let no = app.submitted_application(&token).await;
    let alice = app.sandbox.oa_openid_for("alice");
    let mallory = app.sandbox.oa_openid_for("mallory");
    let now = app.clock.now().as_second();
    let ask = |from: &str, text: &str, id: u64| app.push(Account::Official, &text_xml(from, text, id, now), true);

    let (status, sealed) = app
        .send_push(ask(&alice, &format!("查询 {}", no.to_lowercase()), 1))
        .await;
    assert_eq!(status, 200, "{sealed}");
    let content = app
        .open_reply(Account::Official, &sealed)
        .get("Content")
        .unwrap()
        .to_owned();
    assert!(content.contains(&no) && content.contains("已提交"), "{content}");

    let (_, sealed) = app.send_push(ask(&mallory, &no, 2)).await;
    let theirs = app
        .open_reply(Account::Official, &sealed)
        .get("Content")
        .unwrap()
        .to_owned();
    assert!(!theirs.contains("已提交"), "{theirs}");
    let unknown = format!("SQ20261201{}", "ABCD2345");
    let (_, sealed) = app.send_push(ask(&mallory, &unknown, 3)).await;
    let none = app
        .open_reply(Account::Official, &sealed)
        .get("Content")
        .unwrap()
        .to_owned();
    assert_eq!(
        theirs.replace(&no, "N"),
        none.replace(&unknown, "N"),
        "the same words whether it exists or not"
    );

    let (_, sealed) = app.send_push(ask(&alice, "你好", 4)).await;
    let hint = app
        .open_reply(Account::Official, &sealed)
        .get("Content")
        .unwrap()
        .to_owned();
    assert!(hint.contains("申报编号"), "{hint}");
}

#[tokio::test]
async fn a_text_starting_with_complaint_opens_a_case_for_a_known_citizen_and_the_reply_gives_its_number() {
    let app = spawn_app().await;
    let (token, _) = app.login("carol").await;
    let carol = app.sandbox.oa_openid_for("carol");
    let stranger = app.sandbox.oa_openid_for("stranger");
    let now = app.clock.now().as_second();
    let say = |from: &str, text: &str, id: u64| app.push(Account::Official, &text_xml(from, text, id, now), true);
    let reply = |sealed: String| {
        app.open_reply(Account::Official, &sealed)
            .get("Content")
            .unwrap()
            .to_owned()
    };

    let (status, sealed) = app
        .send_push(say(&carol, "投诉：窗口让我跑了三次，电话13812345678", 11))
        .await;
    assert_eq!(status, 200, "{sealed}");
    let text = reply(sealed);
    assert!(text.contains("投诉已受理") && text.contains("编号 FK"), "{text}");
    let (_, mine) = read(app.invoke("feedback", event("feedback-mine").bearer(&token)).await);
    let case = &mine["items"][0];
    assert!(text.contains(case["feedbackNo"].as_str().unwrap()), "{mine}");
    assert_eq!(
        (case["kind"].as_str(), case["status"].as_str()),
        (Some("complaint"), Some("received"))
    );
    assert_eq!(case["content"], "窗口让我跑了三次，电话138****5678");
    let paidan = app.demo_token("paidan").await;
    let req = event("feedback-staff").bearer(&paidan).query(&[("status", "received")]);
    let (_, at_dispatch) = read(app.invoke("feedback", req).await);
    assert_eq!(at_dispatch["items"][0]["source"], "official_account");

    let (_, sealed) = app.send_push(say(&stranger, "咨询 社保卡怎么补办", 12)).await;
    assert!(
        reply(sealed).contains("请先在"),
        "a follower with no citizen account files nothing"
    );
    let (_, sealed) = app.send_push(say(&carol, "咨询", 13)).await;
    assert!(reply(sealed).contains("写明具体内容"));
    let (_, mine) = read(app.invoke("feedback", event("feedback-mine").bearer(&token)).await);
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_safe_mode_push_is_proved_by_its_msg_signature_and_a_url_check_always_by_its_signature() {
    use lambda_http::RequestExt;
    let app = spawn_app().await;
    let alice = app.sandbox.oa_openid_for("alice");
    let now = app.clock.now().as_second();
    // `msg_signature` signs the token, timestamp and nonce that `signature` signs, and the
    // ciphertext: with it checked, whatever `signature` says adds nothing.
    for (id, signature) in [(1, None), (2, Some("0000000000000000000000000000000000000000"))] {
        let sealed = app.push(Account::Official, &text_xml(&alice, "你好", id, now), true);
        let query = sealed.query_string_parameters();
        let mut pairs: Vec<(&str, &str)> = query.iter().filter(|(k, _)| *k != "signature").collect();
        pairs.extend(signature.map(|s| ("signature", s)));
        let (status, body) = app.send_push(sealed.clone().query(&pairs)).await;
        assert_eq!(status, 200, "signature {signature:?}: {body}");
        assert!(app.open_reply(Account::Official, &body).get("Content").is_some());
    }
    // A URL check has no body to carry another proof: claiming safe mode skips nothing.
    app.set_time("2026-12-02T08:00");
    let forged = event("wechat-callback-oa-verify").query(&[
        ("signature", "0000000000000000000000000000000000000000"),
        ("timestamp", "1796169600"),
        ("nonce", "1320562132"),
        ("echostr", "x"),
        ("encrypt_type", "aes"),
        ("msg_signature", "0000000000000000000000000000000000000000"),
    ]);
    let (status, body) = read(app.invoke("wechat-callback", forged).await);
    assert_eq!(
        (status, body["error"]["details"]["reason"].as_str()),
        (401, Some("bad_signature"))
    );
}

#[tokio::test]
async fn a_push_wechat_retries_is_handled_once_even_when_the_retries_race() {
    let app = spawn_app().await;
    let alice = app.sandbox.oa_openid_for("alice");
    let now = app.clock.now().as_second();
    let body = text_xml(&alice, "你好", 4242, now);
    let answers =
        futures::future::join_all((0..4).map(|_| app.send_push(app.push(Account::Official, &body, false)))).await;
    let replies = answers
        .iter()
        .filter(|(s, b)| *s == 200 && b.starts_with("<xml>"))
        .count();
    let successes = answers.iter().filter(|(s, b)| *s == 200 && b == "success").count();
    assert_eq!((replies, successes), (1, 3), "{answers:?}");

    // Events have no MsgId: sender, time and event name make them unique.
    let sub = event_xml(&alice, "subscribe", now, "");
    let first = app.send_push(app.push(Account::Official, &sub, false)).await;
    let again = app.send_push(app.push(Account::Official, &sub, false)).await;
    assert!(first.1.contains("欢迎"));
    assert_eq!(again, (200, "success".to_owned()));
}

#[tokio::test]
async fn mini_program_subscription_choices_in_json_or_xml_add_and_remove_consents() {
    let app = spawn_app().await;
    let (_, citizen) = app.login("carol").await;
    let openid = app.sandbox.openid_for("carol");
    let now = app.clock.now().as_second();
    let popup_one = json!({ "FromUserName": openid, "CreateTime": now.to_string(), "MsgType": "event",
        "Event": "subscribe_msg_popup_event", "List": { "TemplateId": "T1", "SubscribeStatusString": "accept" } });
    let popup_many = json!({ "FromUserName": openid, "CreateTime": now + 1, "MsgType": "event",
        "Event": "subscribe_msg_popup_event", "List": [
            { "TemplateId": "T1", "SubscribeStatusString": "accept" },
            { "TemplateId": "T2", "SubscribeStatusString": "reject" }] });
    let change = event_xml(
        &openid,
        "subscribe_msg_change_event",
        now + 2,
        "<SubscribeMsgChangeEvent><List><TemplateId><![CDATA[T1]]></TemplateId>\
         <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List></SubscribeMsgChangeEvent>",
    );
    let consents = || async {
        let subs = store::subscriptions::Subscriptions::new(app.dynamo.clone(), app.tables["CitizensTable"].clone());
        subs.recipient(&citizen.parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .consents
    };
    for (body, safe) in [(popup_one.to_string(), true), (popup_many.to_string(), false)] {
        assert_eq!(
            app.send_push(app.push(Account::MiniProgram, &body, safe)).await,
            (200, "success".into())
        );
    }
    assert_eq!(
        consents().await.get("T1"),
        Some(&2),
        "two acceptances, two messages allowed"
    );
    assert_eq!(consents().await.get("T2"), None);
    assert_eq!(
        app.send_push(app.push(Account::MiniProgram, &change, true)).await.0,
        200
    );
    assert_eq!(consents().await.get("T1"), None, "switched off in settings");
}
