//! The `notifier` Lambda, fed by the outbox table's DynamoDB Stream.

use api::secrets::Live;
use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use model::config::Env;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let live = Live::start(
        Env::from_process(),
        |env| async move { notifier::App::from_env(&env).await },
    )
    .await?;
    let live: &'static _ = Box::leak(Box::new(live));
    // Without its settings the batch fails as a whole, and the stream retries it.
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<notifier::StreamEvent>| async move {
            let (payload, context) = event.into_parts();
            live.event("outbox_stream", &context, |app| async move {
                Ok::<_, std::convert::Infallible>(notifier::handle(&app, payload).await)
            })
            .await
        },
    ))
    .await
}
