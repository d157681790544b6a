//! The `booking-sweeper` Lambda, run by an EventBridge schedule.

use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use model::config::Env;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let app: &'static booking_sweeper::App =
        Box::leak(Box::new(booking_sweeper::App::from_env(&Env::from_process()).await?));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| async move {
        api::telemetry::event("schedule", &event.context, app.sweep()).await
    }))
    .await
}
