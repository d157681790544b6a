use super::*;
use model::config::Env;
use std::net::UdpSocket;
use std::time::Duration;

const SAMPLED: &str = "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1";

fn listener() -> (UdpSocket, Daemon) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let daemon = Daemon::at(socket.local_addr().unwrap()).unwrap();
    (socket, daemon)
}

fn received(socket: &UdpSocket) -> Value {
    let mut buf = [0u8; 65536];
    let n = socket.recv(&mut buf).unwrap();
    let text = std::str::from_utf8(&buf[..n]).unwrap();
    let (header, doc) = text.split_once('\n').unwrap();
    assert_eq!(header, r#"{"format":"json","version":1}"#);
    serde_json::from_str(doc).unwrap()
}

#[tokio::test]
async fn a_call_in_a_sampled_invocation_is_a_subsegment_of_its_segment() {
    let (socket, daemon) = listener();
    let start = SystemTime::now();
    traced(Some(SAMPLED.into()), async {
        Call::remote(
            "POST",
            "https://api.weixin.qq.com/cgi-bin/message/send?access_token=SECRET",
            start,
        )
        .answered(Some(200))
        .end(&daemon);
    })
    .await;
    let doc = received(&socket);
    assert_eq!(doc["type"], "subsegment");
    assert_eq!(doc["trace_id"], "1-67891233-abcdef012345678912345678");
    assert_eq!(doc["parent_id"], "53995c3f42cd8ad8");
    assert_eq!(doc["id"].as_str().unwrap().len(), 16);
    assert_eq!(doc["name"], "api.weixin.qq.com");
    assert_eq!(doc["http"]["response"]["status"], 200);
    assert_eq!(
        (doc["fault"].as_bool(), doc["error"].as_bool()),
        (Some(false), Some(false))
    );
    assert!(doc["end_time"].as_f64() >= doc["start_time"].as_f64());
    assert!(
        !doc.to_string().contains("SECRET"),
        "the query, with its token, is never sent"
    );
}

#[tokio::test]
async fn a_call_without_an_answer_is_a_fault_and_a_refusal_an_error() {
    let (socket, daemon) = listener();
    traced(Some(SAMPLED.into()), async {
        Call::remote("GET", "https://api.weixin.qq.com/sns/jscode2session", SystemTime::now())
            .answered(None)
            .end(&daemon);
        Call::remote("GET", "https://api.weixin.qq.com/sns/jscode2session", SystemTime::now())
            .answered(Some(429))
            .end(&daemon);
    })
    .await;
    assert_eq!(received(&socket)["fault"], true);
    let throttled = received(&socket);
    assert_eq!(
        (throttled["throttle"].as_bool(), throttled["error"].as_bool()),
        (Some(true), Some(true))
    );
}

#[tokio::test]
async fn nothing_is_sent_for_an_invocation_x_ray_did_not_sample() {
    let (socket, daemon) = listener();
    socket.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    traced(Some(SAMPLED.replace("Sampled=1", "Sampled=0")), async {
        Call::remote("GET", "https://api.weixin.qq.com/x", SystemTime::now())
            .answered(Some(200))
            .end(&daemon);
    })
    .await;
    assert!(socket.recv(&mut [0u8; 16]).is_err());
}

#[test]
fn the_daemon_address_lambda_gives_is_read_in_either_form() {
    let env = |v: &str| Env::from_pairs([("AWS_XRAY_DAEMON_ADDRESS", v)]);
    assert!(Daemon::from_env(&env("169.254.79.129:2000")).is_some());
    assert!(Daemon::from_env(&env("tcp:127.0.0.1:2000 udp:127.0.0.1:2001")).is_some());
    assert!(Daemon::from_env(&Env::default()).is_none());
}
