//! Logging: one JSON object per line, as CloudWatch Logs Insights reads it, with the request
//! span's fields (the request id) on every line and personal data scrubbed on the way out.

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

/// The JSON subscriber writing to `writer`: the request span's fields on every line, one
/// flat object per event. Tests give it a buffer to read what would be logged.
pub fn subscriber<W>(filter: &str, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info")))
        .with_current_span(true)
        .with_span_list(false)
        .flatten_event(true)
        .with_target(false)
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
