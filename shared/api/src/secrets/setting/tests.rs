//! A setting read through an extension that counts its reads: a plain HTTP/1 server on a
//! local port answering as Secrets Manager's `GetSecretValue` does.

use super::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the extension answers: a value, or a status without one.
#[derive(Clone)]
enum Answer {
    Value(&'static str),
    Status(u16),
}

struct Fake {
    answer: Mutex<Answer>,
    reads: AtomicUsize,
    endpoint: String,
}

impl Fake {
    async fn start(answer: Answer) -> Arc<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = Arc::new(Fake {
            answer: Mutex::new(answer),
            reads: AtomicUsize::new(0),
            endpoint: format!("http://{}", listener.local_addr().unwrap()),
        });
        let serving = fake.clone();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let mut request = Vec::new();
                let mut buf = [0; 1024];
                while !request.ends_with(b"\r\n\r\n") {
                    match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                serving.reads.fetch_add(1, Ordering::SeqCst);
                let answer = serving.answer.lock().unwrap().clone();
                let (status, body) = match answer {
                    Answer::Value(v) => (200, serde_json::json!({ "SecretString": v }).to_string()),
                    Answer::Status(s) => (s, String::new()),
                };
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = conn.write_all(format!("{head}{body}").as_bytes()).await;
            }
        });
        fake
    }

    fn answer(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }

    fn env(&self, max_age: &str) -> Env {
        Env::from_pairs([
            ("GREETING_SECRET_ID", "fingertip/greeting"),
            ("SECRETS_EXTENSION_ENDPOINT", self.endpoint.as_str()),
            ("AWS_SESSION_TOKEN", "t"),
            ("SECRETS_MAX_AGE_SECONDS", max_age),
        ])
    }
}

/// A greeting must be short: a stand-in for a key that must have a shape.
fn greeting(text: &str) -> Result<String, ConfigError> {
    if text.len() > 10 {
        return Err(ConfigError::new("GREETING", "is too long"));
    }
    Ok(text.to_uppercase())
}

#[tokio::test]
async fn a_referenced_setting_is_read_at_its_first_use_and_not_again_within_its_max_age() {
    let fake = Fake::start(Answer::Value("ni hao")).await;
    let setting = Setting::from_env(&fake.env("60"), "GREETING", greeting).unwrap();
    assert_eq!(fake.reads(), 0, "nothing is read before the value is needed");
    assert_eq!(*setting.get().await.unwrap(), "NI HAO");
    assert_eq!(*setting.clone().get().await.unwrap(), "NI HAO");
    assert_eq!(fake.reads(), 1);
}

#[tokio::test]
async fn a_setting_is_ready_once_read_until_it_is_max_age_old_and_a_given_one_always() {
    let fake = Fake::start(Answer::Value("ni hao")).await;
    let fresh = Setting::from_env(&fake.env("60"), "GREETING", greeting).unwrap();
    assert!(!fresh.is_ready(), "a first use waits for the read");
    fresh.get().await.unwrap();
    assert!(fresh.is_ready());
    let aging = Setting::from_env(&fake.env("0"), "GREETING", greeting).unwrap();
    aging.get().await.unwrap();
    assert!(!aging.is_ready(), "a value past its age is read again");
    assert!(Setting::given(1).is_ready());
}

#[tokio::test]
async fn a_changed_value_is_used_once_the_old_one_is_max_age_old() {
    let fake = Fake::start(Answer::Value("ni hao")).await;
    let setting = Setting::from_env(&fake.env("0"), "GREETING", greeting).unwrap();
    assert_eq!(*setting.get().await.unwrap(), "NI HAO");
    fake.answer(Answer::Value("zao"));
    assert_eq!(*setting.get().await.unwrap(), "ZAO");
}

#[tokio::test]
async fn an_unreadable_or_unusable_new_value_leaves_the_last_good_one_in_use() {
    let fake = Fake::start(Answer::Value("ni hao")).await;
    let setting = Setting::from_env(&fake.env("0"), "GREETING", greeting).unwrap();
    assert_eq!(*setting.get().await.unwrap(), "NI HAO");
    fake.answer(Answer::Value("far too long a greeting"));
    assert_eq!(*setting.get().await.unwrap(), "NI HAO");
    // The failure holds off the next read for a while rather than retrying every request.
    fake.answer(Answer::Status(500));
    let reads = fake.reads();
    assert_eq!(*setting.get().await.unwrap(), "NI HAO");
    assert_eq!(fake.reads(), reads);
}

#[tokio::test]
async fn without_a_first_value_the_setting_is_unavailable_and_says_which_without_the_value() {
    let fake = Fake::start(Answer::Status(500)).await;
    let setting = Setting::from_env(&fake.env("60"), "GREETING", greeting).unwrap();
    let err = setting.get().await.unwrap_err();
    assert!(matches!(
        err,
        Unavailable::Secrets(SecretsError::Refused { status: 500, .. })
    ));
    assert!(crate::error::chain(&err).contains("GREETING"));
    fake.answer(Answer::Value("far too long a greeting"));
    let err = crate::error::chain(&setting.get().await.unwrap_err());
    assert!(err.contains("GREETING") && !err.contains("greeting"));
}

#[test]
fn a_given_value_is_parsed_at_cold_start() {
    let env = Env::from_pairs([("GREETING", "far too long a greeting")]);
    let err = Setting::from_env(&env, "GREETING", greeting).unwrap_err();
    assert_eq!(err.name, "GREETING");
    assert!(
        Setting::optional(&Env::default(), "GREETING", greeting)
            .unwrap()
            .is_none()
    );
    assert_eq!(
        Setting::from_env(&Env::default(), "GREETING", greeting)
            .unwrap_err()
            .name,
        "GREETING"
    );
}

#[test]
fn a_setting_given_both_directly_and_by_reference_is_refused() {
    let env = Env::from_pairs([("GREETING", "zao"), ("GREETING_SECRET_ID", "fingertip/greeting")]);
    assert_eq!(
        Setting::from_env(&env, "GREETING", greeting).unwrap_err().name,
        "GREETING"
    );
}

#[test]
fn a_reference_needs_the_session_token_the_extension_checks() {
    let env = Env::from_pairs([("GREETING_SECRET_ID", "fingertip/greeting")]);
    let err = Setting::from_env(&env, "GREETING", greeting).unwrap_err();
    assert_eq!(err.name, "AWS_SESSION_TOKEN");
}

#[test]
fn a_setting_never_shows_its_value() {
    let setting = Setting::given("s3cret".to_owned());
    assert!(!format!("{setting:?}").contains("s3cret"));
}
