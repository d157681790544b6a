//! The `notifier` Lambda, fed by the outbox table's DynamoDB Stream.

use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use model::config::Env;
use tracing::Instrument;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let app: &'static notifier::App = Box::leak(Box::new(notifier::App::from_env(&Env::from_process()).await?));
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<notifier::StreamEvent>| async move {
            let span = api::telemetry::invocation("outbox_stream", &event.context);
            Ok::<_, Error>(notifier::handle(app, event.payload).instrument(span).await)
        },
    ))
    .await
}
