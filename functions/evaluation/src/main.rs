//! The `evaluation` Lambda: config and clients built once, then the runtime loop.

use lambda_http::{Error, service_fn};
use model::config::Env;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let app: &'static evaluation::App = Box::leak(Box::new(evaluation::App::from_env(&Env::from_process()).await?));
    lambda_http::run(service_fn(move |req| async move {
        Ok::<_, Error>(evaluation::handle(app, req).await)
    }))
    .await
}
