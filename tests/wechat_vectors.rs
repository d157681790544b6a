//! WeChat's message encryption against the published samples (the official docs, WeCom's
//! SDK sample, WxJava's and wechatpy's tests), kept in `tests/data/`.

use serde_json::Value;
use wechat::crypto::{MessageCrypto, signature, verify};

fn sample(name: &str) -> Value {
    let text = include_str!("data/wechat-published-vectors.json");
    let all: Value = serde_json::from_str(text).unwrap();
    all["samples"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("{name}"))
        .clone()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k}"))
}

/// The `Encrypt` element of a pushed body.
fn encrypt_of(body: &str) -> &str {
    let start = body.find("<Encrypt><![CDATA[").unwrap() + "<Encrypt><![CDATA[".len();
    let end = body[start..].find("]]></Encrypt>").unwrap();
    &body[start..start + end]
}

/// WeCom's documented sample account (its SDK's test values).
const WECOM_TOKEN: &str = "QDG6eK";
const WECOM_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const WECOM_ID: &str = "wx5823bf96d3bd56c7";
/// WxJava's `pamtest` account.
const PAMTEST_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const PAMTEST_APPID: &str = "wxb11529c136998cb6";

#[test]
fn plaintext_signatures_match_the_published_ones() {
    for name in ["wechatpy_plain_signature", "official_doc_get_verify"] {
        let v = sample(name);
        let parts = [s(&v, "token"), s(&v, "timestamp"), s(&v, "nonce")];
        assert_eq!(signature(&parts), s(&v, "signature"), "{name}");
        assert!(verify(s(&v, "signature"), &parts));
        assert!(!verify("0000000000000000000000000000000000000000", &parts));
    }
}

#[test]
fn the_official_accounts_compatible_mode_sample_verifies_and_decrypts() {
    let v = sample("official_account_sample_compat_mode");
    let encrypt = encrypt_of(s(&v, "body"));
    assert!(verify(
        s(&v, "msg_signature"),
        &[s(&v, "token"), s(&v, "timestamp"), s(&v, "nonce"), encrypt]
    ));
    let c = MessageCrypto::new(s(&v, "encoding_aes_key"), s(&v, "appid")).unwrap();
    assert_eq!(c.decrypt(encrypt).unwrap(), s(&v, "decrypted"));
}

#[test]
fn the_wecom_samples_verify_and_decrypt() {
    let c = MessageCrypto::new(WECOM_KEY, WECOM_ID).unwrap();
    let url = sample("wecom_sample_verifyurl");
    let echostr = s(&url, "echostr");
    assert!(verify(
        s(&url, "msg_signature"),
        &[WECOM_TOKEN, s(&url, "timestamp"), s(&url, "nonce"), echostr]
    ));
    assert_eq!(c.decrypt(echostr).unwrap(), s(&url, "decrypted"));
    let msg = sample("wecom_sample_decryptmsg");
    let encrypt = encrypt_of(s(&msg, "body"));
    assert!(verify(
        s(&msg, "msg_signature"),
        &[WECOM_TOKEN, s(&msg, "timestamp"), s(&msg, "nonce"), encrypt]
    ));
    assert_eq!(c.decrypt(encrypt).unwrap(), s(&msg, "decrypted"));
}

#[test]
fn encryption_gives_wxjavas_known_answer() {
    let v = sample("wxjava_aes_known_answer");
    let c = MessageCrypto::new(PAMTEST_KEY, PAMTEST_APPID).unwrap();
    let random: [u8; 16] = s(&v, "random16").as_bytes().try_into().unwrap();
    assert_eq!(c.encrypt(s(&v, "plaintext"), random), s(&v, "encrypt"));
    assert_eq!(c.decrypt(s(&v, "encrypt")).unwrap(), s(&v, "plaintext"));
}
