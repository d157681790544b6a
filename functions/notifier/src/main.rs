//! The `notifier` Lambda, fed by the outbox table's DynamoDB Stream.

use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use model::config::Env;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let app: &'static notifier::App = Box::leak(Box::new(notifier::App::from_env(&Env::from_process()).await?));
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<notifier::StreamEvent>| async move {
            let (payload, context) = event.into_parts();
            let work = async { Ok::<_, std::convert::Infallible>(notifier::handle(app, payload).await) };
            api::telemetry::event("outbox_stream", &context, work).await
        },
    ))
    .await
}
