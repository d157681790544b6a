//! The test harness: a real DynamoDB-compatible server, the WeChat sandbox and the functions'
//! own handlers, wired the way the local stack wires them.
//!
//! [`spawn_app`] gives each test its own tables (a random prefix on one shared server), its
//! own sandbox on a free port, and the `App` of each function built from its `template.yaml`
//! environment. The server is moto, started once per test binary on a free port and stopped
//! when the binary exits; set `FINGERTIP_TEST_DYNAMODB` to use one already running.

mod dump;
pub mod faults;
mod flows;
mod moto;
pub mod openapi;
pub mod people;
mod request;
pub mod samples;
pub mod trail;
pub mod wechat;
pub mod world;

pub use request::{EventExt, code, event, event_json, event_text, fields, read};

use fingertip_cli::functions::Functions;
use fingertip_cli::local::Stack;
use fingertip_cli::sandbox::Sandbox;
use fingertip_cli::template::Template;
use lambda_http::Request;

use api::auth::{Principal, Signer};
use api::http::Response;
use model::config::Env;
use model::staff::{Member, StaffRole, WindowId};
use model::time::Clock;
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

pub use moto::endpoint as dynamodb_endpoint;

pub static TEMPLATE: LazyLock<Template> =
    LazyLock::new(|| Template::load(&fingertip_cli::template::default_path()).expect("template.yaml parses"));

/// The smallest file the upload checks take for a JPEG: its signature, then anything.
pub const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0 a photo";

/// One test's stack. Its functions (`app.booking`, `app.notifier`, …) are the registry's
/// (`fingertip_cli::functions`), built as the local stack builds them.
pub struct TestApp {
    pub functions: Functions,
    /// The outbox table's stream, read from its start on first use (see `wechat::notify`).
    outbox: tokio::sync::Mutex<Option<fingertip_cli::streams::OutboxStream>>,
    pub s3: aws_sdk_s3::Client,
    /// The clock the booking functions read; tests set it.
    pub clock: Clock,
    pub sandbox: Arc<Sandbox>,
    pub stack: Stack,
    pub dynamo: store::Client,
    /// Local table name by logical id.
    pub tables: BTreeMap<String, String>,
    pub signer: Signer,
    /// The fault proxy between the functions and the store, when asked for.
    pub faults: Option<Arc<faults::FaultProxy>>,
}

/// Options for [`spawn_app_with`].
#[derive(Default)]
pub struct Options {
    /// Settings that win over the template's (e.g. `WECHAT_TIMEOUT_MS`).
    pub overrides: Vec<(&'static str, String)>,
    pub seed_catalog: bool,
    /// Put the functions' DynamoDB traffic through a fault proxy (see `faults`), delaying
    /// requests by this much when it delays them.
    pub store_faults: Option<std::time::Duration>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options {
        seed_catalog: true,
        ..Options::default()
    })
    .await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    // Warnings and errors go to the test's captured output, so a failing test shows causes.
    let _ =
        tracing::subscriber::set_global_default(api::telemetry::subscriber("warn", api::telemetry::TestWriter::new()));
    let endpoint = moto::endpoint();
    let prefix = format!("{}-", store::random_id("t"));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let sandbox_url = format!("http://{}", listener.local_addr().expect("bound"));
    // The sandbox answers as the secrets extension from the test binary's moto.
    let demo = Stack {
        dynamodb_endpoint: endpoint.clone(),
        ..Stack::from_process()
    };
    let sandbox = Sandbox::new(&demo);
    tokio::spawn(fingertip_cli::sandbox::serve(listener, sandbox.clone()));

    let mut overrides: BTreeMap<String, String> = BTreeMap::new();
    // moto serialises every request, so a hundred concurrent transactions queue for seconds;
    // timeouts sized for DynamoDB would turn that queue into 503s.
    overrides.insert("DYNAMODB_ATTEMPT_TIMEOUT_MS".into(), "15000".into());
    overrides.insert("DYNAMODB_TIMEOUT_MS".into(), "30000".into());
    for (k, v) in options.overrides {
        overrides.insert(k.to_owned(), v);
    }
    let proxy = match options.store_faults {
        Some(delay) => Some(faults::FaultProxy::start(&endpoint, delay).await),
        None => None,
    };
    let stack = Stack {
        dynamodb_endpoint: proxy.as_ref().map_or(endpoint.clone(), |p| p.endpoint.clone()),
        wechat_base: sandbox_url,
        table_prefix: prefix.clone(),
        overrides,
        secrets: fingertip_cli::local::Secrets::Given,
    };
    let env_of = |binary: &str| {
        stack
            .function_env(&TEMPLATE, TEMPLATE.function(binary).expect("function"))
            .expect("env")
    };

    // The harness's own client talks to the store directly, past any fault proxy.
    let dynamo = store::connect(&env_of("catalog").with("AWS_ENDPOINT_URL_DYNAMODB", endpoint.clone())).await;
    fingertip_cli::tables::create_all(&dynamo, &TEMPLATE, &prefix)
        .await
        .expect("tables");
    let tables = fingertip_cli::tables::local_names(&TEMPLATE, &prefix);
    let s3 = fingertip_cli::tables::local_s3(&store::sdk_config(&env_of("submission")).await, &endpoint);
    fingertip_cli::tables::create_buckets(&s3, &TEMPLATE, &stack)
        .await
        .expect("buckets");
    let catalog = fingertip_cli::seed::parse(fingertip_cli::seed::DEMO_CATALOG).expect("demo catalog");
    if options.seed_catalog {
        let store = store::catalog::CatalogStore::new(dynamo.clone(), tables["CatalogTable"].clone());
        fingertip_cli::seed::seed(&store, &catalog).await.expect("seed");
    }
    // The demo staff directory, as `make run` seeds it.
    let directory =
        fingertip_cli::seed::demo_directory(&catalog, &model::time::rfc3339(start_time())).expect("directory");
    let staff = store::staff::StaffStore::new(dynamo.clone(), tables["StaffTable"].clone());
    fingertip_cli::seed::seed_staff(&staff, &directory)
        .await
        .expect("seed staff");
    let auth_env = env_of("auth");
    let clock = Clock::fixed(start_time());
    TestApp {
        functions: Functions::build(&TEMPLATE, &stack, &clock)
            .await
            .expect("the functions"),
        outbox: tokio::sync::Mutex::new(None),
        s3,
        clock,
        signer: Signer::from_env(&auth_env).expect("signer"),
        sandbox,
        stack,
        dynamo,
        tables,
        faults: proxy,
    }
}

/// When a test's clock starts: now, or `FINGERTIP_TEST_NOW` (a Shanghai wall-clock time,
/// `2026-12-31T23:59`), which `make test` sets to awkward instants to prove no test depends
/// on the hour it runs at.
fn start_time() -> jiff::Timestamp {
    match std::env::var("FINGERTIP_TEST_NOW") {
        Ok(local) => {
            let dt: jiff::civil::DateTime = local
                .parse()
                .unwrap_or_else(|e| panic!("FINGERTIP_TEST_NOW={local}: {e}"));
            model::time::SHANGHAI.to_timestamp(dt).expect("a representable instant")
        }
        Err(_) => jiff::Timestamp::now(),
    }
}

impl std::ops::Deref for TestApp {
    type Target = Functions;
    fn deref(&self) -> &Functions {
        &self.functions
    }
}

impl TestApp {
    /// The environment `binary` runs with in this stack.
    pub fn env_of(&self, binary: &str) -> Env {
        self.stack
            .function_env(&TEMPLATE, TEMPLATE.function(binary).expect("function"))
            .expect("env")
    }

    /// Runs the HTTP handler of `binary` on a request, as its Lambda would.
    pub async fn invoke(&self, binary: &str, req: Request) -> Response {
        self.functions
            .invoke(binary, req)
            .await
            .unwrap_or_else(|| panic!("no HTTP handler for {binary}"))
    }

    /// Runs a request through the function the template routes it to.
    pub async fn route(&self, req: Request) -> Response {
        let route = api::http::route_key(&req);
        let binary = TEMPLATE
            .routes()
            .into_iter()
            .find(|(r, _)| r.key() == route)
            .unwrap_or_else(|| panic!("{route} is not in template.yaml"))
            .1;
        self.invoke(&binary, req).await
    }

    /// A token for a principal, signed with the stack's key.
    pub fn token(&self, who: &Principal) -> String {
        self.signer.issue(who).expect("token").token
    }

    /// Logs a citizen in through the sandbox with `code`; returns (token, citizen id).
    pub async fn login(&self, code: &str) -> (String, String) {
        let req = event("auth-login").json(&serde_json::json!({ "code": code }));
        let resp = auth::handle(&self.auth, req).await;
        let (status, body) = read(resp);
        assert_eq!(status, 200, "login with {code}: {body}");
        (
            body["token"].as_str().unwrap().to_owned(),
            body["citizen"]["id"].as_str().unwrap().to_owned(),
        )
    }

    /// A citizen with a bound identity: logs in with `code` and binds a valid ID number
    /// made from `n`. Returns (token, citizen id).
    pub async fn citizen(&self, code: &str, n: u32) -> (String, String) {
        let (token, id) = self.login(code).await;
        let body = serde_json::json!({ "realName": "测试", "idNumber": id_number(n), "phone": "13800000000" });
        let (status, reply) = read(auth::handle(&self.auth, event("auth-identity").bearer(&token).json(&body)).await);
        assert_eq!(status, 200, "binding {code}: {reply}");
        (token, id)
    }

    /// Uploads a small file as material through a presigned PUT; returns its object key.
    pub async fn upload(&self, token: &str, file_name: &str) -> String {
        let body = serde_json::json!({ "fileName": file_name, "contentType": "image/jpeg", "size": JPEG.len() });
        let (status, reply) = read(
            self.invoke("submission", event("submission-upload").bearer(token).json(&body))
                .await,
        );
        assert_eq!(status, 201, "presigning {file_name}: {reply}");
        let mut put = reqwest::Client::new()
            .put(reply["uploadUrl"].as_str().unwrap())
            .body(JPEG.to_vec());
        for (k, v) in reply["headers"].as_object().unwrap() {
            put = put.header(k.as_str(), v.as_str().unwrap());
        }
        let resp = put.send().await.expect("the PUT reaches the local S3");
        assert!(resp.status().is_success(), "PUT {file_name}: {}", resp.status());
        reply["objectKey"].as_str().unwrap().to_owned()
    }

    /// A token for an approver of a department who, given a hall, also works its windows:
    /// enrolled in the directory first (once per department and hall), as an admin would.
    pub async fn staff_token(&self, dept: &str, hall: Option<&str>) -> String {
        let mut roles = vec![StaffRole::Approver];
        let (mut halls, mut windows) = (Vec::new(), Vec::new());
        if let Some(h) = hall {
            roles.push(StaffRole::Window);
            let hall: model::HallId = h.parse().expect("hall");
            let catalog = fingertip_cli::seed::parse(fingertip_cli::seed::DEMO_CATALOG).expect("demo catalog");
            let found = catalog.halls.iter().find(|x| x.hall_id == hall).expect("a demo hall");
            windows = found
                .windows
                .iter()
                .map(|w| WindowId::new(&hall, &w.code).expect("window"))
                .collect();
            halls.push(hall);
        }
        self.enrol(
            &format!("test-{dept}-{}", hall.unwrap_or("none")),
            roles,
            Some(dept),
            halls,
            windows,
        )
        .await
    }

    /// Enrols a member (once: the id is derived from `user`) and mints their token.
    pub async fn enrol(
        &self,
        user: &str,
        roles: Vec<StaffRole>,
        dept: Option<&str>,
        halls: Vec<model::HallId>,
        windows: Vec<WindowId>,
    ) -> String {
        let mut m = Member {
            id: model::StaffId::derived(user),
            wecom_user_id: user.parse().expect("a WeCom user id"),
            name: "测试人员".into(),
            roles,
            dept_code: dept.map(|d| d.parse().expect("dept")),
            hall_ids: halls,
            window_ids: windows,
            disabled: false,
            version: 1,
            created_at: model::time::rfc3339(self.clock.now()),
            updated_at: model::time::rfc3339(self.clock.now()),
        };
        m.check().expect("a consistent entry");
        let store = store::staff::StaffStore::new(self.dynamo.clone(), self.tables["StaffTable"].clone());
        let _ = store
            .write(&m, None, None, None, self.clock.now())
            .await
            .expect("enrol");
        let current = store.get(&m.id).await.expect("read").expect("enrolled");
        self.token(&Principal::Staff(api::auth::Staff::of(&current)))
    }

    /// The token a demo directory member (`rsj`, `chuangkou`, `jiancha`, …) signs in with,
    /// minted from the entry as it stands.
    pub async fn demo_token(&self, user: &str) -> String {
        let store = store::staff::StaffStore::new(self.dynamo.clone(), self.tables["StaffTable"].clone());
        let m = store
            .by_wecom(&user.parse().expect("a WeCom user id"))
            .await
            .expect("read")
            .unwrap_or_else(|| panic!("{user} is not in the demo directory"));
        self.token(&Principal::Staff(api::auth::Staff::of(&m)))
    }

    /// Signs a member of staff in through the sandbox's WeCom (`wecom-<userid>`); their token.
    pub async fn sign_in(&self, user: &str) -> String {
        let req = event("auth-staff-sign-in").json(&serde_json::json!({ "code": format!("wecom-{user}") }));
        let (status, body) = read(auth::handle(&self.auth, req).await);
        assert_eq!(status, 200, "signing {user} in: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Sets the clock to a Shanghai wall-clock time, `2026-12-02 08:00`.
    pub fn set_time(&self, local: &str) {
        let dt: jiff::civil::DateTime = local.parse().expect("a local date-time");
        self.clock
            .set(model::time::SHANGHAI.to_timestamp(dt).expect("in range"));
    }
}

/// A valid resident ID number, different for each `n` (GB 11643 check character).
pub fn id_number(n: u32) -> String {
    let body = format!("110105{}{:03}", 19800101 + (n / 1000) * 10000, n % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}
