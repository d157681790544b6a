//! DynamoDB access: the client, built once per cold start, and one module per table.
//!
//! Each table module documents its key schema and every access pattern next to the code
//! that uses it. Invariants are held by condition expressions and transactions in the store,
//! never by reading and then writing.

pub mod catalog;
pub mod citizens;

use crate::config::Env;
use crate::error::ApiError;
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use std::time::Duration;

pub use aws_sdk_dynamodb::Client;
pub use aws_sdk_dynamodb::types::AttributeValue;

pub type Item = std::collections::HashMap<String, AttributeValue>;

/// Builds the DynamoDB client from the environment: `AWS_REGION`, credentials from the
/// environment when given (as Lambda gives them), and `AWS_ENDPOINT_URL_DYNAMODB` to point
/// at a local server. Timeouts keep a stalled store inside the Lambda's own time limit.
pub async fn connect(env: &Env) -> Client {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_millis(1000))
                .operation_attempt_timeout(Duration::from_millis(2000))
                .operation_timeout(Duration::from_millis(5000))
                .build(),
        )
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3));
    if let Some(region) = env.optional("AWS_REGION") {
        loader = loader.region(Region::new(region.to_owned()));
    }
    if let (Some(key), Some(secret)) = (
        env.optional("AWS_ACCESS_KEY_ID"),
        env.optional("AWS_SECRET_ACCESS_KEY"),
    ) {
        let token = env.optional("AWS_SESSION_TOKEN").map(str::to_owned);
        loader =
            loader.credentials_provider(Credentials::new(key, secret, token, None, "environment"));
    }
    let shared = loader.load().await;
    let mut config = aws_sdk_dynamodb::config::Builder::from(&shared);
    if let Some(url) = env.optional("AWS_ENDPOINT_URL_DYNAMODB") {
        config = config.endpoint_url(url);
    }
    Client::from_conf(config.build())
}

/// Turns an SDK failure into the API's error: throttling, timeouts, dropped connections and
/// server errors are 503 (the client may retry), anything else is a 500.
pub fn sdk_error<E, R>(step: &'static str, err: SdkError<E, R>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let transient = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        SdkError::ResponseError(_) => true,
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
        ApiError::unavailable(step, err)
    } else {
        ApiError::internal(step, err)
    }
}

/// The error code of a service error, for matching condition failures.
pub fn error_code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(e) => e.err().code(),
        _ => None,
    }
}

/// A random id with a prefix: 16 bytes from the system RNG, hex.
pub fn random_id(prefix: &str) -> String {
    use aws_lc_rs::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system RNG works");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// Maps a stored item to its type, as an internal error when the stored shape is wrong.
pub fn from_item<T: serde::de::DeserializeOwned>(
    item: Item,
    what: &'static str,
) -> Result<T, ApiError> {
    serde_dynamo::from_item(item).map_err(|e| ApiError::internal(what, e))
}

/// Maps a value to an item and adds its key attributes.
pub fn to_item<T: serde::Serialize>(value: &T, keys: &[(&str, String)]) -> Result<Item, ApiError> {
    let mut item: Item =
        serde_dynamo::to_item(value).map_err(|e| ApiError::internal("mapping an item", e))?;
    for (name, v) in keys {
        item.insert((*name).to_owned(), s(v.clone()));
    }
    Ok(item)
}
