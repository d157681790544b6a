//! The `supervision` Lambda: config and clients built once, then the runtime loop.

use lambda_http::{Error, service_fn};
use model::config::Env;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let app: &'static supervision::App = Box::leak(Box::new(supervision::App::from_env(&Env::from_process()).await?));
    lambda_http::run(service_fn(move |req| async move {
        Ok::<_, Error>(supervision::handle(app, req).await)
    }))
    .await
}
