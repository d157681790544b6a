//! The `deadline-sweeper` Lambda, run by an EventBridge schedule.

use api::secrets::Live;
use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use model::config::Env;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let live = Live::start(Env::from_process(), |env| async move {
        deadline_sweeper::App::from_env(&env).await
    })
    .await?;
    let live: &'static _ = Box::leak(Box::new(live));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| async move {
        live.event("schedule", &event.context, |app| async move { app.sweep().await })
            .await
    }))
    .await
}
