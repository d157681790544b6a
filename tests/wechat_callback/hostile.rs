//! Hostile or broken pushes: refused with a 4xx, without a crash and without a write.

use fingertip_tests::wechat::{read_text, text_xml};
use fingertip_tests::{EventExt, event, spawn_app};
use wechat::crypto::signature;

#[tokio::test]
async fn hostile_or_broken_pushes_are_refused_with_a_4xx_and_write_nothing() {
    let app = spawn_app().await;
    let alice = app.sandbox.oa_openid_for("alice");
    let now = app.clock.now().as_second();
    let text = text_xml(&alice, "你好", 1, now);
    let before = app.dump().await;

    let token = app.stack.setting("WECHAT_OA_TOKEN").unwrap();
    let ts = now.to_string();
    let signed = |body: &str, encrypted: Option<&str>| {
        let mut q = vec![
            ("signature".to_owned(), signature(&[&token, &ts, "n1"])),
            ("timestamp".to_owned(), ts.clone()),
            ("nonce".to_owned(), "n1".to_owned()),
        ];
        if let Some(e) = encrypted {
            q.push(("encrypt_type".into(), "aes".into()));
            q.push(("msg_signature".into(), signature(&[&token, &ts, "n1", e])));
        }
        let pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        event("wechat-callback-oa-subscribe")
            .query(&pairs)
            .raw_body("text/xml", body.to_owned())
    };
    let sealed = |encrypted: &str| format!("<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>");
    let other_appid = wechat::crypto::MessageCrypto::new(
        &app.stack.setting("WECHAT_OA_ENCODING_AES_KEY").unwrap(),
        "wx0000000000000000",
    )
    .unwrap()
    .encrypt(&text, [1; 16]);
    let random_blocks = base64_of(&[7u8; 64]);
    let cases: Vec<(&str, lambda_http::Request, u16)> = vec![
        (
            "a bad signature",
            signed(&text, None).query(&[("signature", "ab"), ("timestamp", &ts), ("nonce", "n1")]),
            401,
        ),
        (
            "a stale timestamp",
            {
                let old = (now - 3600).to_string();
                signed(&text, None).query(&[
                    ("signature", &signature(&[&token, &old, "n1"])),
                    ("timestamp", &old),
                    ("nonce", "n1"),
                ])
            },
            401,
        ),
        (
            "safe mode without msg_signature",
            signed(&sealed(&other_appid), None).query(&[
                ("signature", &signature(&[&token, &ts, "n1"])),
                ("timestamp", &ts),
                ("nonce", "n1"),
                ("encrypt_type", "aes"),
            ]),
            400,
        ),
        (
            "a bad msg_signature",
            signed(&sealed(&other_appid), Some("not what was sent")),
            401,
        ),
        (
            "another account's message",
            signed(&sealed(&other_appid), Some(&other_appid)),
            400,
        ),
        (
            "bad padding",
            signed(&sealed(&random_blocks), Some(&random_blocks)),
            400,
        ),
        ("a truncated body", signed(&text[..text.len() / 2], None), 400),
        ("an empty body", signed("", None), 400),
        (
            "a huge body",
            signed(&format!("<xml><Content>{}</Content></xml>", "啊".repeat(40_000)), None),
            413,
        ),
        (
            "a doctype",
            signed(&format!("<!DOCTYPE xml [<!ENTITY a \"b\">]>{text}"), None),
            400,
        ),
        (
            "an entity",
            signed(&text.replace("<![CDATA[你好]]>", "&xxe;"), None),
            400,
        ),
        (
            "JSON at the official account",
            signed(r#"{"FromUserName":"x","CreateTime":1}"#, None),
            400,
        ),
        ("no sender", signed("<xml><CreateTime>1</CreateTime></xml>", None), 400),
    ];
    for (what, req, expected) in cases {
        let (status, body) = read_text(app.invoke("wechat-callback", req).await);
        assert_eq!(status, expected, "{what}: {body}");
    }
    app.assert_unchanged(&before).await;
}

fn base64_of(bytes: &[u8]) -> String {
    base64_simd::STANDARD.encode_to_string(bytes)
}
