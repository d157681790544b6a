//! The `catalog` Lambda: config and clients built once, then the runtime loop.

use lambda_http::{Error, service_fn};
use model::config::Env;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let app: &'static catalog::App = Box::leak(Box::new(catalog::App::from_env(&Env::from_process()).await?));
    lambda_http::run(service_fn(move |req| async move {
        Ok::<_, Error>(catalog::handle(app, req).await)
    }))
    .await
}
