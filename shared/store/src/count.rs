//! Counting DynamoDB round trips. Every client carries [`RoundTrips`], which adds one for
//! each request it sends (retries included) to the counter of the task that is [`counting`],
//! so a benchmark or a test can see what one route costs, and parallel tests don't mix.

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

tokio::task_local! {
    static SENT: Arc<AtomicU64>;
}

#[derive(Debug)]
pub struct RoundTrips;

impl Intercept for RoundTrips {
    fn name(&self) -> &'static str {
        "RoundTrips"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let _ = SENT.try_with(|n| n.fetch_add(1, Ordering::Relaxed));
        Ok(())
    }
}

/// Runs `work` and returns its output with the DynamoDB requests it sent.
pub async fn counting<F: Future>(work: F) -> (F::Output, u64) {
    let sent = Arc::new(AtomicU64::new(0));
    let out = SENT.scope(sent.clone(), work).await;
    (out, sent.load(Ordering::Relaxed))
}
