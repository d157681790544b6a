//! A function's `App` kept in step with its secrets.
//!
//! The extension answers only during invocations, so a function that reads secrets builds its
//! `App` at its first invocation, from the values read then; one without references builds it
//! at cold start as before, and a bad setting still stops the start. After that the values are
//! read again once they are `max_age` old, and the `App` is built anew only when one of them
//! changed: a rotated JWT key, a new WeChat AppSecret. Should the extension fail, or a new
//! value not be usable, the function goes on with what it had and tries again shortly: a
//! rotation is never an outage.

use super::{Secrets, SecretsError};
use model::config::{ConfigError, Env};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How soon a failed read or build is tried again.
const RETRY: Duration = Duration::from_secs(10);

/// Why there is no `App` to serve with: only before the first successful build.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("the function's secrets could not be read")]
    Secrets(#[from] SecretsError),
    #[error("the function's settings are not usable")]
    Config(#[from] ConfigError),
}

struct State<T> {
    app: Arc<T>,
    values: Vec<String>,
    next_read: Instant,
}

/// The current `App`, built by `build` from the settings with the secrets' values.
pub struct Live<T, B> {
    base: Env,
    build: B,
    source: Source<T>,
}

enum Source<T> {
    /// No secrets: the `App` built at cold start, for good.
    Fixed(Arc<T>),
    Read {
        secrets: Box<Secrets>,
        // Lambda runs one invocation at a time per sandbox; the lock matters to the local
        // gateway, where concurrent requests wait for one read instead of each reading.
        state: tokio::sync::Mutex<Option<State<T>>>,
    },
}

impl<T, B, F> Live<T, B>
where
    B: Fn(Env) -> F,
    F: Future<Output = Result<T, ConfigError>>,
{
    /// Reads which settings are secrets; builds the `App` now when none is.
    pub async fn start(env: Env, build: B) -> Result<Self, ConfigError> {
        let source = match Secrets::from_env(&env)? {
            Some(secrets) => Source::Read {
                secrets: Box::new(secrets),
                state: tokio::sync::Mutex::new(None),
            },
            None => Source::Fixed(Arc::new(build(env.clone()).await?)),
        };
        Ok(Self {
            base: env,
            build,
            source,
        })
    }

    /// The `App` to serve this invocation with.
    pub async fn current(&self) -> Result<Arc<T>, LiveError> {
        let (secrets, state) = match &self.source {
            Source::Fixed(app) => return Ok(app.clone()),
            Source::Read { secrets, state } => (secrets, state),
        };
        let mut state = state.lock().await;
        let now = Instant::now();
        let stale = match state.as_ref() {
            Some(s) if now < s.next_read => return Ok(s.app.clone()),
            Some(s) => Some(s.app.clone()),
            None => None,
        };
        let values = match secrets.fetch().await {
            Ok(values) => values,
            Err(e) => return keep(&mut *state, stale, LiveError::Secrets(e)),
        };
        let next_read = now.checked_add(secrets.max_age()).unwrap_or_else(far_future);
        if let Some(s) = state.as_mut().filter(|s| s.values == values) {
            s.next_read = next_read;
            return Ok(s.app.clone());
        }
        let app = match (self.build)(secrets.apply(&self.base, &values)).await {
            Ok(app) => Arc::new(app),
            Err(e) => return keep(&mut *state, stale, LiveError::Config(e)),
        };
        if stale.is_some() {
            tracing::info!("secrets changed: the function's settings were built anew");
        }
        *state = Some(State {
            app: app.clone(),
            values,
            next_read,
        });
        Ok(app)
    }
}

impl<T, B, F> Live<T, B>
where
    B: Fn(Env) -> F,
    F: Future<Output = Result<T, ConfigError>>,
{
    /// One scheduled or stream invocation: its span (`kind`, Lambda's ids), its trace (the
    /// calls `work` makes are subsegments of it) and the `App` of the moment.
    pub async fn event<W, Fut, R, E>(
        &self,
        kind: &'static str,
        ctx: &lambda_http::lambda_runtime::Context,
        work: W,
    ) -> Result<R, lambda_http::Error>
    where
        W: FnOnce(Arc<T>) -> Fut,
        Fut: Future<Output = Result<R, E>>,
        E: std::fmt::Display,
    {
        use tracing::Instrument;
        let span = crate::telemetry::invocation(kind, ctx);
        let run = async {
            let app = self.current().await.map_err(|e| crate::error::chain(&e))?;
            // Boxed: a sweep's future is already deep (the SDK's own futures nest), and the
            // layers here would otherwise take the compiler past its query depth limit.
            Box::pin(work(app)).await.map_err(|e| e.to_string())
        };
        store::xray::traced(ctx.xray_trace_id.clone(), run.instrument(span))
            .await
            .map_err(lambda_http::Error::from)
    }
}

/// After a failed read or build: the `App` there was, tried again in [`RETRY`]; or the error,
/// when there was none.
fn keep<T>(state: &mut Option<State<T>>, stale: Option<Arc<T>>, err: LiveError) -> Result<Arc<T>, LiveError> {
    let cause = crate::error::chain(&err);
    match (state.as_mut(), stale) {
        (Some(s), Some(app)) => {
            tracing::error!(cause = %cause, "secrets could not be refreshed; serving with the values read before");
            s.next_read = Instant::now().checked_add(RETRY).unwrap_or_else(far_future);
            Ok(app)
        }
        _ => Err(err),
    }
}

fn far_future() -> Instant {
    // About thirty years: `Instant` has no maximum, and this never comes.
    Instant::now()
        .checked_add(Duration::from_secs(1 << 30))
        .unwrap_or_else(Instant::now)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn built(env: Env) -> Result<String, ConfigError> {
        env.required("GREETING").map(str::to_owned)
    }

    #[tokio::test]
    async fn an_event_runs_its_work_on_the_current_app_and_names_its_failure() {
        let live = Live::start(Env::from_pairs([("GREETING", "ni hao")]), built)
            .await
            .unwrap();
        let ctx = lambda_http::lambda_runtime::Context::default();
        let said = live
            .event("schedule", &ctx, |app| async move { Ok::<_, String>(app.len()) })
            .await
            .unwrap();
        assert_eq!(said, 6);
        let failed = live
            .event("schedule", &ctx, |_| async { Err::<(), _>("the sweep failed") })
            .await
            .unwrap_err();
        assert_eq!(failed.to_string(), "the sweep failed");
    }

    #[tokio::test]
    async fn a_function_without_secrets_stops_at_cold_start_on_a_bad_setting() {
        let err = Live::start(Env::default(), built).await.err().map(|e| e.name);
        assert_eq!(err.as_deref(), Some("GREETING"));
    }
}
