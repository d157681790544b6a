//! The `auth` Lambda: config and clients built once, then the runtime loop.
//! Settings read once: at cold start, or at the first invocation for a function that reads
//! secrets at run time (`api::secrets::Live`, which also rebuilds the `App` on a rotation).

use api::secrets::Live;
use lambda_http::{Error, service_fn};
use model::config::Env;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let live = Live::start(
        Env::from_process(),
        |env| async move { auth::App::from_env(&env).await },
    )
    .await?;
    let live: &'static _ = Box::leak(Box::new(live));
    lambda_http::run(service_fn(move |req| async move {
        Ok::<_, Error>(match live.current().await {
            Ok(app) => auth::handle(&app, req).await,
            Err(e) => api::http::unavailable(req, e).await,
        })
    }))
    .await
}
