//! The `notifier` Lambda, fed by the outbox table's DynamoDB Stream.

use api::secrets::Live;
use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use model::config::Env;
use tracing::Instrument;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let live = Live::start(
        Env::from_process(),
        |env| async move { notifier::App::from_env(&env).await },
    )
    .await?;
    let live: &'static _ = Box::leak(Box::new(live));
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<notifier::StreamEvent>| async move {
            let span = api::telemetry::invocation("outbox_stream", &event.context);
            async {
                // Without its settings the batch fails as a whole, and the stream retries it.
                let app = live.current().await.map_err(|e| Error::from(api::error::chain(&e)))?;
                Ok::<_, Error>(notifier::handle(&app, event.payload).await)
            }
            .instrument(span)
            .await
        },
    ))
    .await
}
