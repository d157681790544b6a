//! Replay: a signed query carries only the push it came with, and an account in safe mode
//! takes sealed pushes only.

use fingertip_tests::wechat::{Account, event_xml, text_xml};
use fingertip_tests::{EventExt, event, read, spawn_app};
use wechat::crypto::signature;

/// The query of a request, as pairs.
fn query_of(req: &lambda_http::Request) -> Vec<(String, String)> {
    lambda_http::RequestExt::query_string_parameters_ref(req)
        .map(|q| q.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
        .unwrap_or_default()
}

/// A push to the official account with this signed query and this body.
fn with_query(query: &[(String, String)], body: &str) -> lambda_http::Request {
    let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    event("wechat-callback-oa-subscribe")
        .query(&pairs)
        .raw_body("text/xml", body.to_owned())
}

#[tokio::test]
async fn a_signed_query_carries_only_the_push_it_came_with() {
    let app = spawn_app().await;
    let alice = app.sandbox.oa_openid_for("alice");
    let mallory = app.sandbox.oa_openid_for("mallory");
    let now = app.clock.now().as_second();
    let welcome = event_xml(&alice, "subscribe", now, "");
    let first = app.push(Account::Official, &welcome, false);
    let query = query_of(&first);
    assert!(app.send_push(first).await.1.contains("欢迎"));

    // Whoever saw the signed URL posts another body with it: a subscribe for someone else,
    // a message with its own MsgId. Refused, and nothing is recorded.
    let before = app.dump().await;
    for forged in [
        event_xml(&mallory, "subscribe", now, ""),
        text_xml(&mallory, "SQ20261202ABCD2345", 777, now),
    ] {
        let (status, body) = read(app.invoke("wechat-callback", with_query(&query, &forged)).await);
        assert_eq!(
            (status, body["error"]["details"]["reason"].as_str()),
            (401, Some("replayed")),
            "{body}"
        );
    }
    app.assert_unchanged(&before).await;
    // WeChat's own retry of the push, on the same query, is answered as handled.
    assert_eq!(
        app.send_push(with_query(&query, &welcome)).await,
        (200, "success".to_owned())
    );

    // The URL check's signed query proves the check again, and nothing else.
    let token = app.stack.setting("WECHAT_OA_TOKEN").unwrap();
    let ts = now.to_string();
    let check = [
        ("signature".to_owned(), signature(&[&token, &ts, "url-check"])),
        ("timestamp".to_owned(), ts.clone()),
        ("nonce".to_owned(), "url-check".to_owned()),
        ("echostr".to_owned(), "42".to_owned()),
    ];
    let pairs: Vec<(&str, &str)> = check.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    for _ in 0..2 {
        let verify = event("wechat-callback-oa-verify").query(&pairs);
        assert_eq!(app.send_push(verify).await, (200, "42".to_owned()));
    }
    let (status, body) = read(
        app.invoke(
            "wechat-callback",
            with_query(&check, &event_xml(&mallory, "subscribe", now, "")),
        )
        .await,
    );
    assert_eq!(
        (status, body["error"]["details"]["reason"].as_str()),
        (401, Some("replayed"))
    );
}

#[tokio::test]
async fn an_account_in_safe_mode_refuses_plaintext_pushes_and_answers_sealed_ones() {
    let app = fingertip_tests::spawn_app_with(fingertip_tests::Options {
        overrides: vec![("WECHAT_OA_MESSAGE_MODE", "safe".into())],
        seed_catalog: true,
        ..Default::default()
    })
    .await;
    let alice = app.sandbox.oa_openid_for("alice");
    let welcome = event_xml(&alice, "subscribe", app.clock.now().as_second(), "");
    let before = app.dump().await;
    let (status, body) = read(
        app.invoke("wechat-callback", app.push(Account::Official, &welcome, false))
            .await,
    );
    assert_eq!(
        (status, body["error"]["details"]["reason"].as_str()),
        (401, Some("plaintext_refused")),
        "{body}"
    );
    app.assert_unchanged(&before).await;
    let (status, sealed) = app.send_push(app.push(Account::Official, &welcome, true)).await;
    assert_eq!(status, 200, "{sealed}");
    let reply = app.open_reply(Account::Official, &sealed);
    assert!(reply.get("Content").unwrap_or_default().contains("欢迎"));
}
