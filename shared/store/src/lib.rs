//! DynamoDB access: the client, built once per cold start, and one module per table.
//!
//! Each table module documents its key schema and every access pattern next to the code
//! that uses it. Invariants are held by condition expressions and transactions in the store,
//! never by reading and then writing. The store has errors of its own ([`StoreError`]);
//! the API turns them into its answers at one boundary.

pub mod alerts;
pub mod applications;
pub mod audit;
pub mod batch;
pub mod bookings;
pub mod catalog;
pub mod citizens;
pub mod count;
pub mod delivery;
pub mod enterprises;
pub mod error;
pub mod evaluations;
pub mod feedback;
pub mod figures;
pub mod idempotency;
mod listing;
pub mod orders;
pub mod outbox;
pub mod page;
pub mod staff;
pub mod subscriptions;
pub mod tls;
pub mod tx;
pub mod wechat;
pub mod xray;

pub use error::StoreError;
pub use page::Cursor;

use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use model::config::Env;
use std::time::Duration;

pub use aws_sdk_dynamodb::Client;
pub use aws_sdk_dynamodb::types::AttributeValue;
/// One item of a transaction (an audit record, built by a trail, for the action's own write).
pub use aws_sdk_dynamodb::types::TransactWriteItem;

pub type Item = std::collections::HashMap<String, AttributeValue>;

/// Builds the DynamoDB client from the environment: `AWS_REGION`, credentials from the
/// environment when given (as Lambda gives them), and `AWS_ENDPOINT_URL_DYNAMODB` to point
/// at a local server. Timeouts (`DYNAMODB_ATTEMPT_TIMEOUT_MS`, 2 s, and `DYNAMODB_TIMEOUT_MS`,
/// 5 s, over at most 3 attempts) keep a stalled store inside the Lambda's own time limit.
pub async fn connect(env: &Env) -> Client {
    dynamodb(&sdk_config(env).await, env)
}

/// The DynamoDB client from settings already loaded, for a function that builds other AWS
/// clients too and should load the settings once.
pub fn dynamodb(shared: &aws_config::SdkConfig, env: &Env) -> Client {
    let mut config = aws_sdk_dynamodb::config::Builder::from(shared).interceptor(count::RoundTrips);
    if let Some(calls) = xray::AwsCalls::from_env(env) {
        config = config.interceptor(calls);
    }
    if let Some(url) = env.optional("AWS_ENDPOINT_URL_DYNAMODB") {
        config = config.endpoint_url(url);
    }
    Client::from_conf(config.build())
}

/// The AWS settings every client of a function shares: region, credentials, timeouts and
/// retries, read from the environment once.
pub async fn sdk_config(env: &Env) -> aws_config::SdkConfig {
    // A malformed value falls back to the default: the store's timeouts are not worth
    // failing a cold start over.
    let attempt = env.parsed_or("DYNAMODB_ATTEMPT_TIMEOUT_MS", 2000u64).unwrap_or(2000);
    let total = env.parsed_or("DYNAMODB_TIMEOUT_MS", 5000u64).unwrap_or(5000);
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_millis(1000))
                .operation_attempt_timeout(Duration::from_millis(attempt))
                .operation_timeout(Duration::from_millis(total))
                .build(),
        )
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3))
        // The compiled-in roots: no scan of the system's certificate store at cold start.
        .http_client(tls::sdk_http_client());
    if let Some(region) = env.optional("AWS_REGION") {
        loader = loader.region(Region::new(region.to_owned()));
    }
    if let (Some(key), Some(secret)) = (env.optional("AWS_ACCESS_KEY_ID"), env.optional("AWS_SECRET_ACCESS_KEY")) {
        let token = env.optional("AWS_SESSION_TOKEN").map(str::to_owned);
        loader = loader.credentials_provider(Credentials::new(key, secret, token, None, "environment"));
    }
    loader.load().await
}

/// Turns an SDK failure into the API's error: throttling, timeouts, dropped connections,
/// server errors (whatever their body says) and garbled answers are 503 (the client may
/// retry), anything else is a 500.
pub fn sdk_error<E>(step: &'static str, err: SdkError<E, aws_sdk_dynamodb::config::http::HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let transient = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        SdkError::ResponseError(_) => true,
        SdkError::ServiceError(e) if e.raw().status().is_server_error() || e.raw().status().as_u16() == 429 => true,
        // An error answer without an error code is a garbled response (the store's errors
        // always name themselves), as when a timed-out attempt leaves a connection half used.
        SdkError::ServiceError(e) if e.err().code().is_none() => true,
        SdkError::ServiceError(e) => matches!(
            e.err().code(),
            Some(
                "ThrottlingException"
                    | "ProvisionedThroughputExceededException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
                    | "ServiceUnavailable"
                    | "TransactionInProgressException"
            )
        ),
        _ => false,
    };
    if transient {
        StoreError::unavailable(step, err)
    } else if let SdkError::ServiceError(e) = &err {
        // The status tells an operator what the error's code (if any) may not.
        let context = format!("{step} (HTTP {})", e.raw().status().as_u16());
        StoreError::fault(context, err)
    } else {
        StoreError::fault(step, err)
    }
}

/// Which items of a cancelled transaction failed their condition, in order; `None` when
/// the failure was not a cancellation.
pub(crate) fn failed_conditions<R>(
    err: &SdkError<aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError, R>,
) -> Option<Vec<bool>> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    match err {
        SdkError::ServiceError(se) => match se.err() {
            TransactWriteItemsError::TransactionCanceledException(tc) => Some(
                tc.cancellation_reasons()
                    .iter()
                    .map(|r| r.code() == Some("ConditionalCheckFailed"))
                    .collect(),
            ),
            _ => None,
        },
        _ => None,
    }
}

/// A conditional write's answer: `true` if it was written, `false` if its condition refused
/// it; any other failure is the store's, named by `what`.
pub(crate) fn conditional<T, E>(
    result: Result<T, SdkError<E, aws_sdk_dynamodb::config::http::HttpResponse>>,
    what: &'static str,
) -> Result<bool, StoreError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => Ok(false),
        Err(e) => Err(sdk_error(what, e)),
    }
}

/// The error code of a service error, for matching condition failures.
pub fn error_code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(e) => e.err().code(),
        _ => None,
    }
}

/// Reads several items, from one or more tables, in one `BatchGetItem` (retrying any keys
/// DynamoDB hands back unprocessed). Answers in the order asked; `None` for a missing item.
pub(crate) async fn get_many(
    client: &Client,
    wanted: &[(&str, Item)],
    what: &'static str,
) -> Result<Vec<Option<Item>>, StoreError> {
    use aws_sdk_dynamodb::types::KeysAndAttributes;
    let mut requests: std::collections::HashMap<String, KeysAndAttributes> = std::collections::HashMap::new();
    for (table, key) in wanted {
        let entry = requests.remove(*table).map(|k| k.keys().to_vec()).unwrap_or_default();
        let mut keys = entry;
        keys.push(key.clone());
        let ka = KeysAndAttributes::builder()
            .set_keys(Some(keys))
            .consistent_read(true)
            .build()
            .map_err(|e| StoreError::fault(what, e))?;
        requests.insert((*table).to_owned(), ka);
    }
    let mut found: Vec<(String, Item)> = Vec::new();
    for attempt in 0..5u32 {
        let out = client
            .batch_get_item()
            .set_request_items(Some(requests))
            .send()
            .await
            .map_err(|e| sdk_error(what, e))?;
        for (table, items) in out.responses.unwrap_or_default() {
            found.extend(items.into_iter().map(|i| (table.clone(), i)));
        }
        requests = out.unprocessed_keys.unwrap_or_default();
        if requests.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20 << attempt)).await;
    }
    if !requests.is_empty() {
        return Err(StoreError::Unavailable {
            what: what.into(),
            source: None,
        });
    }
    Ok(wanted
        .iter()
        .map(|(table, key)| {
            found
                .iter()
                .find(|(t, item)| t == table && key.iter().all(|(k, v)| item.get(k) == Some(v)))
                .map(|(_, item)| item.clone())
        })
        .collect())
}

/// A random id with a prefix: 16 bytes from the system RNG, hex.
pub fn random_id(prefix: &str) -> String {
    format!("{prefix}{}", model::random::hex(&model::random::bytes::<16>()))
}

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// Maps a stored item to its type, as an internal error when the stored shape is wrong.
pub fn from_item<T: serde::de::DeserializeOwned>(item: Item, what: &'static str) -> Result<T, StoreError> {
    serde_dynamo::from_item(item).map_err(|e| StoreError::fault(what, e))
}

/// Maps a value to an item and adds its key attributes.
pub fn to_item<T: serde::Serialize>(value: &T, keys: &[(&str, String)]) -> Result<Item, StoreError> {
    // Free text goes to the store as written; everywhere else it serialises masked.
    let mut item: Item =
        model::mask::storing(|| serde_dynamo::to_item(value)).map_err(|e| StoreError::fault("mapping an item", e))?;
    for (name, v) in keys {
        item.insert((*name).to_owned(), s(v.clone()));
    }
    Ok(item)
}
