//! The notifier: sends what the outbox holds as WeChat messages, fed by the outbox table's
//! DynamoDB Stream.
//!
//! For each new record: take it (`pending` → `sending`), pick a channel (a mini-program
//! subscribe message if the citizen accepted that template and has a use of it left, else
//! an official-account template message if they follow the account), send, and record
//! `sent` or `failed` with the reason. Passing failures are retried here with backoff, then
//! handed back to the stream as batch-item failures; after `NOTIFIER_MAX_ATTEMPTS` takes the
//! record ends `failed` so none stays open for ever. See `send` for one record's path.

mod helper;
mod send;
pub mod stream;
pub mod templates;

pub use stream::{BatchResponse, ItemFailure, StreamEvent};

use api::secrets::Setting;
use model::config::{ConfigError, Env};
use model::time::Clock;
use store::delivery::Deliveries;
use store::staff::StaffStore;
use store::subscriptions::Subscriptions;
use store::wechat::WechatStore;
use templates::Templates;
use wechat::server::Api;
use wechat::token::Tokens;
use wechat::wecom::Wecom;

#[derive(Debug)]
pub struct App {
    deliveries: Deliveries,
    /// The staff directory and WeCom: a 帮办员 is told of their enterprises' steps.
    staff: StaffStore,
    wecom: Wecom,
    subscriptions: Subscriptions,
    wechat: WechatStore,
    api: Api,
    mp: Tokens,
    mp_appid: String,
    mp_state: String,
    /// The official account, when one is configured: its tokens and appid.
    oa: Option<Tokens>,
    /// A parameter, read where a message is first sent.
    templates: Setting<Templates>,
    clock: Clock,
    max_attempts: u32,
    concurrency: usize,
}

impl App {
    /// Reads `OUTBOX_TABLE`, `CITIZENS_TABLE`, `WECHAT_TABLE`, the WeChat API settings
    /// (`WECHAT_API_BASE`, `WECHAT_MP_APPID`, `WECHAT_MP_SECRET`, and optionally
    /// `WECHAT_OA_APPID` with `WECHAT_OA_SECRET`), `STAFF_TABLE` and the WeCom settings (a
    /// 帮办员's messages), `WECHAT_TEMPLATES`, `WECHAT_MP_STATE`
    /// (`formal`), `NOTIFIER_MAX_ATTEMPTS` (8) and `NOTIFIER_CONCURRENCY` (8).
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let templates = Setting::from_env(env, "WECHAT_TEMPLATES", |text| {
            Templates::parse(text).map_err(|e| ConfigError::new("WECHAT_TEMPLATES", e))
        })?;
        let mp_state = env.optional("WECHAT_MP_STATE").unwrap_or("formal").to_owned();
        if !["formal", "trial", "developer"].contains(&mp_state.as_str()) {
            return Err(ConfigError::new(
                "WECHAT_MP_STATE",
                "must be formal, trial or developer",
            ));
        }
        let api = Api::from_env(env)?;
        let client = store::connect(env).await;
        let wechat = WechatStore::new(client.clone(), env.required("WECHAT_TABLE")?);
        let mp_appid = env.required("WECHAT_MP_APPID")?.to_owned();
        let mp = Tokens::new(
            api.clone(),
            wechat.clone(),
            &mp_appid,
            wechat::secret(env, "WECHAT_MP_SECRET")?,
        );
        let oa = match (
            env.optional("WECHAT_OA_APPID"),
            wechat::optional_secret(env, "WECHAT_OA_SECRET")?,
        ) {
            (Some(appid), Some(secret)) => Some(Tokens::new(api.clone(), wechat.clone(), appid, secret)),
            _ => None,
        };
        Ok(Self {
            staff: StaffStore::new(client.clone(), env.required("STAFF_TABLE")?),
            wecom: Wecom::from_env(env, wechat.clone())?,
            deliveries: Deliveries::new(client.clone(), env.required("OUTBOX_TABLE")?),
            subscriptions: Subscriptions::new(client, env.required("CITIZENS_TABLE")?),
            wechat,
            api,
            mp,
            mp_appid,
            mp_state,
            oa,
            templates,
            clock: Clock::system(),
            max_attempts: env.parsed_or("NOTIFIER_MAX_ATTEMPTS", 8)?,
            concurrency: env.parsed_or("NOTIFIER_CONCURRENCY", 8usize)?.max(1),
        })
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

/// Handles one stream batch; what could not be finished is reported for redelivery.
pub async fn handle(app: &App, event: StreamEvent) -> BatchResponse {
    // Chunks of futures joined, rather than a stream combinator over a closure: the
    // latter's borrow of `app` defeats the compiler's `Send` proof for spawned callers.
    let mut done = Vec::with_capacity(event.records.len());
    for chunk in event.records.chunks(app.concurrency) {
        let mut sends = Vec::with_capacity(chunk.len());
        for record in chunk {
            sends.push(send::one(app, record));
        }
        done.extend(futures_util::future::join_all(sends).await);
    }
    let batch_item_failures = event
        .records
        .iter()
        .zip(done)
        .filter(|(_, finished)| !finished)
        .map(|(r, _)| ItemFailure {
            item_identifier: r.dynamodb.sequence_number.clone(),
        })
        .collect();
    BatchResponse { batch_item_failures }
}
