//! Logging: one flat JSON object per line, as CloudWatch Logs Insights reads it, with the
//! invocation's fields (the request ids, the trace, the function, the route or event kind,
//! a cold start) on every line and personal data scrubbed on the way out.

mod flat;

use std::io::Write;
use tracing_subscriber::EnvFilter;
pub use tracing_subscriber::fmt::{MakeWriter, TestWriter};

/// Installs the JSON subscriber on stdout. The level comes from `AWS_LAMBDA_LOG_LEVEL`
/// (Lambda's advanced logging controls) or `RUST_LOG`, default `info`.
pub fn init() {
    let filter = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_owned())
        .to_lowercase();
    let _ = tracing::subscriber::set_global_default(subscriber(&filter, Scrubbed));
    // A panic's message goes through the log (scrubbed, with the request's span) rather
    // than to stderr as written.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(panic = %model::mask::scrub(&info.to_string()), at = %at, "panicked");
    }));
}

/// The JSON subscriber writing to `writer`: every span's fields on every line, one flat
/// object per event. Tests give it a buffer to read what would be logged.
pub fn subscriber<W>(filter: &str, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .fmt_fields(tracing_subscriber::fmt::format::JsonFields::new())
        .event_format(flat::Flat)
        .with_env_filter(EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(writer)
        .finish()
}

/// Writes each log line to stdout after masking anything shaped like an ID number or phone.
#[derive(Clone, Copy)]
pub struct Scrubbed;

pub struct ScrubbedLine(Vec<u8>);

impl Write for ScrubbedLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for ScrubbedLine {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let _ = std::io::stdout().lock().write_all(model::mask::scrub(&text).as_bytes());
    }
}

impl<'a> MakeWriter<'a> for Scrubbed {
    type Writer = ScrubbedLine;
    fn make_writer(&'a self) -> Self::Writer {
        ScrubbedLine(Vec::with_capacity(256))
    }
}

/// Whether this invocation is the instance's first (Lambda's cold start): `true` once.
pub fn cold_start() -> bool {
    static WARM: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    !WARM.swap(true, std::sync::atomic::Ordering::Relaxed)
}

/// The function's name as Lambda gives it (`AWS_LAMBDA_FUNCTION_NAME`); `local` elsewhere.
pub fn function_name() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_else(|_| "local".to_owned()))
}

/// The span of one invocation of a scheduled or stream function: the kind of event and
/// Lambda's ids, on every line it logs (as `http::serve` does for a request).
pub fn invocation(kind: &'static str, ctx: &lambda_http::lambda_runtime::Context) -> tracing::Span {
    tracing::info_span!(
        "invocation",
        function = function_name(),
        eventKind = kind,
        lambdaRequestId = %ctx.request_id,
        traceId = ctx.xray_trace_id.as_deref().unwrap_or(""),
        coldStart = cold_start(),
    )
}

/// Runs one scheduled or stream invocation: in its span, its calls traced as part of it (as
/// `http::serve` does for a request), its failure the runtime's error.
pub async fn event<R, E: std::fmt::Display>(
    kind: &'static str,
    ctx: &lambda_http::lambda_runtime::Context,
    work: impl Future<Output = Result<R, E>>,
) -> Result<R, lambda_http::Error> {
    use tracing::Instrument;
    // Boxed: a sweep's future is already deep (the SDK's own futures nest), and the layers
    // here would otherwise take the compiler past its query depth limit.
    let work = Box::pin(work).instrument(invocation(kind, ctx));
    store::xray::traced(ctx.xray_trace_id.clone(), work)
        .await
        .map_err(|e| lambda_http::Error::from(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map(|mut l| l.extend_from_slice(buf)).ok();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Lines {
        type Writer = Lines;
        fn make_writer(&'a self) -> Lines {
            self.clone()
        }
    }

    #[test]
    fn a_scheduled_runs_lines_carry_its_event_kind_and_lambdas_ids_at_the_top_level() {
        let lines = Lines::default();
        let mut ctx = lambda_http::lambda_runtime::Context::default();
        ctx.request_id = "run-1".into();
        ctx.xray_trace_id = Some("Root=1-2-3".into());
        tracing::subscriber::with_default(subscriber("info", lines.clone()), || {
            let _in = invocation("schedule", &ctx).entered();
            tracing::info!(alerts = 3u64, "swept");
        });
        let text = String::from_utf8(lines.0.lock().map(|l| l.clone()).unwrap_or_default()).unwrap_or_default();
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or_default();
        assert_eq!(line["message"], "swept");
        assert_eq!(line["alerts"], 3);
        assert_eq!(line["eventKind"], "schedule");
        assert_eq!(line["lambdaRequestId"], "run-1");
        assert_eq!(line["traceId"], "Root=1-2-3");
        assert_eq!(line["level"], "INFO");
        assert!(line["coldStart"].is_boolean());
    }

    #[tokio::test]
    async fn an_event_gives_its_works_answer_and_names_its_failure() {
        let ctx = lambda_http::lambda_runtime::Context::default();
        let said = event("schedule", &ctx, async { Ok::<_, String>(6) }).await.unwrap();
        assert_eq!(said, 6);
        let failed = event("schedule", &ctx, async { Err::<(), _>("the sweep failed") })
            .await
            .unwrap_err();
        assert_eq!(failed.to_string(), "the sweep failed");
    }
}
