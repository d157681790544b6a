//! The WeChat callback's rate (verify, decrypt, parse, reply) on one core, over messages
//! that the wechatpy side of the comparison reads from the same file.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use wechat::crypto::{MessageCrypto, signature};

/// One signed safe-mode push: its query and its body, as WeChat sends them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sample {
    pub query: BTreeMap<String, String>,
    pub body: String,
}

/// `n` distinct text messages to the official account, sealed and signed at `now`.
pub fn callback_samples(token: &str, key: &str, appid: &str, n: usize, now: i64) -> Vec<Sample> {
    let crypto = MessageCrypto::new(key, appid).expect("the demo EncodingAESKey");
    (0..n)
        .map(|i| {
            let inner = format!(
                "<xml><ToUserName><![CDATA[gh_fingertip01]]></ToUserName><FromUserName><![CDATA[oBenchUser{i:06}]]></FromUserName>\
                 <CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>\
                 <Content><![CDATA[请问申报 SQ20261201K7QX3M2P 办得怎样了 {i}]]></Content><MsgId>{}</MsgId></xml>",
                24_000_000_000_000u64 + i as u64
            );
            let mut random = [0u8; 16];
            random[..8].copy_from_slice(&(i as u64).to_be_bytes());
            let encrypted = crypto.encrypt(&inner, random);
            let ts = now.to_string();
            let nonce = format!("{}", 100_000_000 + i);
            let query = BTreeMap::from([
                ("signature".to_owned(), signature(&[token, &ts, &nonce])),
                ("timestamp".to_owned(), ts.clone()),
                ("nonce".to_owned(), nonce.clone()),
                ("openid".to_owned(), format!("oBenchUser{i:06}")),
                ("encrypt_type".to_owned(), "aes".to_owned()),
                ("msg_signature".to_owned(), signature(&[token, &ts, &nonce, &encrypted])),
            ]);
            let body = format!(
                "<xml><ToUserName><![CDATA[gh_fingertip01]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
            );
            Sample { query, body }
        })
        .collect()
}

/// The samples as API Gateway would hand them to the Lambda.
pub fn requests(samples: &[Sample]) -> Vec<lambda_http::Request> {
    samples
        .iter()
        .map(|s| {
            let event = serde_json::json!({
                "version": "2.0",
                "routeKey": "POST /v1/wechat/official-account",
                "rawPath": "/v1/wechat/official-account",
                "rawQueryString": s.query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"),
                "queryStringParameters": s.query,
                "headers": { "content-type": "text/xml", "host": "api.fingertip.example" },
                "requestContext": {
                    "routeKey": "POST /v1/wechat/official-account",
                    "http": { "method": "POST", "path": "/v1/wechat/official-account", "sourceIp": "101.226.103.62" },
                    "requestId": "bench",
                },
                "body": s.body,
                "isBase64Encoded": false,
            });
            lambda_http::request::from_str(&event.to_string()).expect("a well-formed API Gateway event")
        })
        .collect()
}

/// How long one measuring window lasts, here and in tools/bench/callback_wechatpy.py.
const WINDOW: Duration = Duration::from_millis(100);

/// A run's rate over its whole length, and in its fastest window. On a shared machine
/// other work only ever slows a run down, so the fastest window is the truest figure of
/// what the code itself can do (as Python's `timeit` takes the fastest repeat); the whole
/// run's rate shows what the neighbours left.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub sustained: f64,
    pub best: f64,
}

/// Messages handled per second on this thread, over at least `min` of work.
pub fn callback_rate(
    app: &wechat_callback::App,
    oa: &wechat_callback::Account,
    requests: &[lambda_http::Request],
    min: Duration,
) -> Rates {
    let started = Instant::now();
    let (mut done, mut best) = (0u64, 0f64);
    let (mut window, mut in_window) = (started, 0u64);
    while started.elapsed() < min {
        for req in requests {
            let reply = wechat_callback::read_and_reply(app, oa, req, "收到").expect("a valid sample");
            std::hint::black_box(reply);
            done += 1;
            in_window += 1;
            // A clock read costs about 1% of a message here, so the window is checked every
            // sixteenth: it overshoots 100 ms by well under a millisecond.
            if in_window % 16 == 0 {
                let now = Instant::now();
                if now - window >= WINDOW {
                    best = best.max(in_window as f64 / (now - window).as_secs_f64());
                    (window, in_window) = (now, 0);
                }
            }
        }
    }
    Rates {
        sustained: done as f64 / started.elapsed().as_secs_f64(),
        best,
    }
}
