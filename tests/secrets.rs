//! Secrets read at run time: each function reads its keys through the Parameters and Secrets
//! extension (here the sandbox, answering from moto's Secrets Manager and Parameter Store)
//! where it first uses them, and a rotation reaches running functions without a restart or a
//! deploy: OPERATIONS.md's JWT key rotation, step by step.

use api::auth::generate_key_pair;
use base64_simd::URL_SAFE_NO_PAD;
use fingertip_cli::local::{Secrets, Stack};
use fingertip_cli::secrets::{Store, Vault};
use fingertip_tests::{EventExt, TestApp, code, event, read, spawn_app};
use model::config::Env;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;

/// How old a value may get in these tests; the template's is 60 s.
const MAX_AGE: Duration = Duration::from_secs(1);

/// The test's stack as `make run` has it: functions that read their secrets at run time.
struct Stage {
    app: TestApp,
    stack: Stack,
    vault: Vault,
}

async fn stage() -> Stage {
    let app = spawn_app().await;
    let stack = Stack {
        secrets: Secrets::Extension(app.stack.wechat_base.clone()),
        ..app.stack.clone()
    };
    let vault = Vault::new(&fingertip_tests::dynamodb_endpoint(), fingertip_cli::local::REGION);
    fingertip_cli::secrets::seed(&vault, &fingertip_tests::TEMPLATE, &stack)
        .await
        .expect("secrets seeded");
    Stage { app, stack, vault }
}

impl Stage {
    fn env_of(&self, binary: &str) -> Env {
        let t = &fingertip_tests::TEMPLATE;
        self.stack
            .function_env(t, t.function(binary).expect("function"))
            .expect("env")
            .with("SECRETS_MAX_AGE_SECONDS", MAX_AGE.as_secs().to_string())
    }

    /// The auth function as its `main` starts it: its secrets not read yet.
    async fn auth(&self) -> auth::App {
        auth::App::from_env(&self.env_of("auth")).await.expect("auth starts")
    }

    async fn booking(&self) -> booking::App {
        booking::App::from_env(&self.env_of("booking"))
            .await
            .expect("booking starts")
    }

    /// Sets a secret (or parameter) the way `aws secretsmanager put-secret-value` does.
    async fn put(&self, store: Store, deployed: &str, value: &str) {
        let name = self.stack.secret_id(deployed, store == Store::ParameterStore);
        self.vault.rotate(store, &name, value).await.expect("rotated");
    }
}

/// The key id a token was signed with.
fn kid(token: &str) -> String {
    let header = token.split('.').next().unwrap();
    let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode_to_vec(header).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

/// A citizen's token from the running auth function.
async fn login(auth: &auth::App, code: &str) -> String {
    let req = event("auth-login").json(&serde_json::json!({ "code": code }));
    let (status, body) = read(auth::handle(auth, req).await);
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

/// What the running booking function answers a token with.
async fn my_bookings(booking: &booking::App, token: &str) -> u16 {
    read(booking::handle(booking, event("booking-mine").bearer(token)).await).0
}

/// Past the functions' max age, so their next invocation reads again.
async fn after_max_age() {
    tokio::time::sleep(MAX_AGE + Duration::from_millis(200)).await;
}

#[tokio::test]
async fn a_function_reads_its_secrets_at_run_time_and_its_configuration_holds_none() {
    let stage = stage().await;
    let env = stage.env_of("auth");
    for name in ["JWT_SIGNING_KEY", "JWT_VERIFY_KEYS", "WECHAT_MP_SECRET", "CURSOR_KEY"] {
        assert!(env.optional(name).is_none(), "{name} is in the configuration");
    }
    assert!(env.optional("JWT_SIGNING_KEY_SECRET_ID").is_some());
    let auth = stage.auth().await;
    let token = login(&auth, "secrets-1").await;
    assert_eq!(kid(&token), "local-1");
    assert_eq!(my_bookings(&stage.booking().await, &token).await, 200);
}

#[tokio::test]
async fn a_jwt_key_rotation_takes_effect_without_a_restart_and_old_tokens_live_until_retired() {
    let stage = stage().await;
    let (auth, booking) = (stage.auth().await, stage.booking().await);
    let old_token = login(&auth, "rotation-1").await;
    assert_eq!(my_bookings(&booking, &old_token).await, 200);
    let old_public = stage.app.env_of("auth").required("JWT_VERIFY_KEYS").unwrap().to_owned();
    let (new_private, new_public) = generate_key_pair("rotated-2").unwrap();

    // Step 1: publish the new public key beside the old one, and let it reach every verifier.
    stage
        .put(
            Store::ParameterStore,
            "/fingertip/jwt-verify-keys",
            &format!("{old_public},{new_public}"),
        )
        .await;
    after_max_age().await;
    assert_eq!(my_bookings(&booking, &old_token).await, 200);
    // Step 2: sign with the new key. The running auth function picks it up unrestarted.
    stage
        .put(Store::SecretsManager, "fingertip/jwt-signing-key", &new_private)
        .await;
    after_max_age().await;
    let new_token = login(&auth, "rotation-1").await;
    assert_eq!(kid(&new_token), "rotated-2");
    assert_eq!(my_bookings(&booking, &new_token).await, 200);
    assert_eq!(
        my_bookings(&booking, &old_token).await,
        200,
        "old tokens live until the key is retired"
    );

    // Step 3, once the old tokens have expired: retire the old key.
    stage
        .put(Store::ParameterStore, "/fingertip/jwt-verify-keys", &new_public)
        .await;
    after_max_age().await;
    assert_eq!(my_bookings(&booking, &old_token).await, 401);
    assert_eq!(my_bookings(&booking, &new_token).await, 200);
}

#[tokio::test]
async fn an_unusable_new_value_is_not_an_outage_the_function_goes_on_with_the_last_good_one() {
    let stage = stage().await;
    let auth = stage.auth().await;
    assert_eq!(kid(&login(&auth, "broken-1").await), "local-1");
    stage
        .put(Store::SecretsManager, "fingertip/jwt-signing-key", "not-a-key")
        .await;
    after_max_age().await;
    assert_eq!(kid(&login(&auth, "broken-1").await), "local-1");
}

#[tokio::test]
async fn without_its_secrets_a_function_answers_503_where_it_needs_them_and_serves_once_they_can_be_read() {
    let stage = stage().await;
    // Nothing listens here: the extension is not (yet) up.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let env = stage
        .env_of("booking")
        .with("SECRETS_EXTENSION_ENDPOINT", format!("http://{closed}"));
    let booking = booking::App::from_env(&env).await.expect("starts without reading");
    let (token, _) = stage.app.login("secrets-503").await;
    let (status, body) = read(booking::handle(&booking, event("booking-mine").bearer(&token)).await);
    assert_eq!((status, code(&body)), (503, "SERVICE_UNAVAILABLE"));
    assert!(!body.to_string().contains("secret"), "{body}");
    // A request that needs no secret (the public slots) is served all the same.
    let (status, body) = read(booking::handle(&booking, event("booking-slots")).await);
    assert_eq!(status, 200, "{body}");

    // The extension comes up (here: that port now leads to the sandbox); the next invocation
    // reads and serves.
    let listener = tokio::net::TcpListener::bind(closed).await.unwrap();
    let sandbox = stage.app.stack.wechat_base.trim_start_matches("http://").to_owned();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let sandbox = sandbox.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(sandbox).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    assert_eq!(my_bookings(&booking, &token).await, 200);
}

/// A relay from a local port to `to`: it sets `sent` once a request has come through it and,
/// when `after` is given, holds each connection until that is set (or 1.5 s pass, short of
/// the extension client's 2 s timeout, noting in `waited_out` that it never was).
async fn relay(
    to: String,
    sent: Option<Arc<watch::Sender<bool>>>,
    after: Option<(watch::Receiver<bool>, Arc<AtomicBool>)>,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let (to, sent, mut after) = (to.clone(), sent.clone(), after.clone());
            tokio::spawn(async move {
                if let Some((ready, waited_out)) = after.as_mut() {
                    let held = tokio::time::timeout(Duration::from_millis(1500), ready.wait_for(|s| *s)).await;
                    waited_out.store(held.is_err(), Ordering::SeqCst);
                }
                let mut first = vec![0; 4096];
                let Ok(n) = inbound.read(&mut first).await else { return };
                let Ok(mut outbound) = tokio::net::TcpStream::connect(&to).await else {
                    return;
                };
                let _ = outbound.write_all(&first[..n]).await;
                if let Some(sent) = sent {
                    sent.send_replace(true);
                }
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    endpoint
}

/// A `submission` instance as Lambda starts it, its store and extension behind relays: the
/// extension answers the first read only once a request has gone to the store, so read one
/// after the other, the keys would wait for a directory read that itself waits for them.
/// The flag says the extension's relay gave up waiting.
async fn cold_submission(stage: &Stage) -> (submission::App, Arc<AtomicBool>) {
    let env = stage.env_of("submission");
    let (sent, store_reached) = watch::channel(false);
    let store = env
        .required("AWS_ENDPOINT_URL_DYNAMODB")
        .unwrap()
        .trim_start_matches("http://")
        .to_owned();
    let sandbox = stage.app.stack.wechat_base.trim_start_matches("http://").to_owned();
    let waited_out = Arc::new(AtomicBool::new(false));
    let env = env
        .with(
            "AWS_ENDPOINT_URL_DYNAMODB",
            relay(store, Some(Arc::new(sent)), None).await,
        )
        .with(
            "SECRETS_EXTENSION_ENDPOINT",
            relay(sandbox, None, Some((store_reached, waited_out.clone()))).await,
        );
    (submission::App::from_env(&env).await.expect("starts"), waited_out)
}

#[tokio::test]
async fn a_new_instances_first_staff_request_reads_the_directory_while_the_keys_are_read() {
    let stage = stage().await;
    let token = stage.app.staff_token("RSJ", None).await;
    let queue = |token: &str| event("submission-queue").bearer(token);
    // The same member's claims under a key of the same id that no verifier holds.
    let forged = {
        let (other_key, _) = generate_key_pair("local-1").unwrap();
        let signer = api::auth::Signer::from_env(&stage.app.env_of("auth").with("JWT_SIGNING_KEY", other_key)).unwrap();
        let id = api::auth::Verifier::claimed_staff(&queue(&token)).expect("a staff token's member");
        let directory = store::staff::StaffStore::new(stage.app.dynamo.clone(), stage.app.tables["StaffTable"].clone());
        let member = directory.get(&id).await.unwrap().expect("enrolled");
        signer
            .issue(&api::auth::Principal::Staff(api::auth::Staff::of(&member)))
            .unwrap()
            .token
    };

    let (submission, waited_out) = cold_submission(&stage).await;
    let (status, body) = read(submission::handle(&submission, queue(&token)).await);
    assert_eq!(status, 200, "{body}");
    assert!(
        !waited_out.load(Ordering::SeqCst),
        "the keys were read only after the directory"
    );

    let (submission, waited_out) = cold_submission(&stage).await;
    let (status, _) = read(submission::handle(&submission, queue(&forged)).await);
    assert_eq!(
        status, 401,
        "the member a forged token claims is read ahead, and not admitted"
    );
    assert!(
        !waited_out.load(Ordering::SeqCst),
        "the keys were read only after the directory"
    );
    let (status, _) = read(submission::handle(&submission, queue(&token)).await);
    assert_eq!(status, 200, "the member's own token, in the same instance");
}
