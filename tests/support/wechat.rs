//! WeChat in the tests: pushes signed (and sealed) the way WeChat sends them, replies
//! opened the way WeChat reads them, and the outbox's stream run through the notifier.

use crate::{EventExt, TestApp, event};
use api::http::Response;
use lambda_http::Request;
use serde_json::Value;
use wechat::crypto::{MessageCrypto, signature, verify};
use wechat::message::Message;

/// Status and body text of a response.
pub fn read_text(resp: Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let body = String::from_utf8(resp.body().as_ref().to_vec()).expect("a UTF-8 body");
    (status, body)
}

/// A text message from `from`, as the official account pushes it.
pub fn text_xml(from: &str, content: &str, msg_id: u64, create_time: i64) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_fingertip01]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName>\
         <CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>\
         <Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )
}

/// An event from `from`, with extra elements inside `<xml>`.
pub fn event_xml(from: &str, event: &str, create_time: i64, extra: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_fingertip01]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName>\
         <CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>\
         <Event><![CDATA[{event}]]></Event>{extra}</xml>"
    )
}

/// Which callback a push goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    Official,
    MiniProgram,
}

impl Account {
    fn prefix(self) -> &'static str {
        match self {
            Account::Official => "WECHAT_OA",
            Account::MiniProgram => "WECHAT_MP",
        }
    }

    fn sample(self) -> &'static str {
        match self {
            Account::Official => "wechat-callback-oa-subscribe",
            Account::MiniProgram => "wechat-callback-mp-popup-safe",
        }
    }
}

impl TestApp {
    fn wechat_setting(&self, account: Account, suffix: &str) -> String {
        self.stack
            .setting(&format!("{}_{suffix}", account.prefix()))
            .expect("a demo WeChat setting")
    }

    pub fn crypto(&self, account: Account) -> MessageCrypto {
        MessageCrypto::new(
            &self.wechat_setting(account, "ENCODING_AES_KEY"),
            &self.wechat_setting(account, "APPID"),
        )
        .expect("the demo key")
    }

    /// A push signed now; in safe mode the body is sealed inside `Encrypt` first.
    pub fn push(&self, account: Account, body: &str, safe: bool) -> Request {
        let token = self.wechat_setting(account, "TOKEN");
        let timestamp = self.clock.now().as_second().to_string();
        let nonce = store::random_id("").chars().take(10).collect::<String>();
        let json = body.trim_start().starts_with('{');
        let content_type = if json { "application/json" } else { "text/xml" };
        let sig = signature(&[&token, &timestamp, &nonce]);
        if !safe {
            return event(account.sample())
                .query(&[("signature", &sig), ("timestamp", &timestamp), ("nonce", &nonce)])
                .raw_body(content_type, body.to_owned());
        }
        let encrypted = self.crypto(account).encrypt(body, *b"0123456789abcdef");
        let outer = if json {
            serde_json::json!({ "ToUserName": "gh_fingertip", "Encrypt": encrypted }).to_string()
        } else {
            format!(
                "<xml><ToUserName><![CDATA[gh_fingertip01]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
            )
        };
        let msg_sig = signature(&[&token, &timestamp, &nonce, &encrypted]);
        event(account.sample())
            .query(&[
                ("signature", &sig),
                ("timestamp", &timestamp),
                ("nonce", &nonce),
                ("encrypt_type", "aes"),
                ("msg_signature", &msg_sig),
            ])
            .raw_body(content_type, outer)
    }

    pub async fn send_push(&self, req: Request) -> (u16, String) {
        read_text(self.invoke("wechat-callback", req).await)
    }

    /// The reply inside a sealed answer, after checking its signature as WeChat would.
    pub fn open_reply(&self, account: Account, sealed: &str) -> Message<'static> {
        let outer = Message::from_xml(sealed).expect("a sealed reply is XML");
        let encrypted = outer.get("Encrypt").expect("Encrypt");
        let parts = [
            self.wechat_setting(account, "TOKEN"),
            outer.get("TimeStamp").expect("TimeStamp").to_owned(),
            outer.get("Nonce").expect("Nonce").to_owned(),
            encrypted.to_owned(),
        ];
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        assert!(
            verify(outer.get("MsgSignature").expect("MsgSignature"), &parts),
            "the reply's signature"
        );
        let inner = self.crypto(account).decrypt(encrypted).expect("the reply decrypts");
        Message::from_xml(&inner).expect("inner XML").into_owned()
    }

    /// Delivers the outbox stream to the notifier until nothing waits (at most `rounds`
    /// deliveries); whether it drained.
    pub async fn notify_rounds(&self, rounds: usize) -> bool {
        let mut guard = self.outbox.lock().await;
        if guard.is_none() {
            let sdk = store::sdk_config(&self.env_of("notifier")).await;
            let table = &self.tables["OutboxTable"];
            *guard = Some(
                fingertip_cli::streams::OutboxStream::open(&sdk, &self.stack.dynamodb_endpoint, table)
                    .await
                    .expect("the outbox stream"),
            );
        }
        guard
            .as_mut()
            .expect("opened")
            .drain(&self.notifier, rounds)
            .await
            .expect("stream")
    }

    /// Runs the notifier over everything the outbox holds; panics if records keep failing.
    pub async fn notify(&self) {
        assert!(self.notify_rounds(10).await, "the outbox did not drain");
    }

    /// Every outbox record, by id.
    pub async fn outbox(&self) -> std::collections::BTreeMap<String, Value> {
        let out = self
            .dynamo
            .scan()
            .table_name(&self.tables["OutboxTable"])
            .send()
            .await
            .expect("scan the outbox");
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(|item| {
                let v: Value = store::from_item(item, "an outbox record").expect("readable");
                (v["id"].as_str().unwrap_or_default().to_owned(), v)
            })
            .collect()
    }
}
