//! Timing one function binary the way Lambda runs it: cold starts (a fresh process per
//! event) and a warm run (one process, events back to back), through [`Runtime`].

use super::runtime::{Runtime, Seen};
use bytes::Bytes;
use serde::Serialize;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Longer than any sane cold start or invocation; a function that takes this long is broken.
const PATIENCE: Duration = Duration::from_secs(30);

/// A binary to measure, with the environment it gets and the event it answers.
pub struct Subject {
    pub name: String,
    pub binary: PathBuf,
    pub env: Vec<(String, String)>,
    pub event: Bytes,
    /// Where the process's stdout and stderr (its JSON logs) go.
    pub log: PathBuf,
}

/// One cold start: process start → first `invocation/next`, and → first answer posted.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Cold {
    pub init_ms: f64,
    pub first_ms: f64,
}

/// A warm run's figures.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warm {
    pub invocations: usize,
    pub per_second: f64,
    /// VmHWM after the run: the process's peak resident memory, init included.
    pub peak_rss_kb: u64,
}

impl Subject {
    fn spawn(&self, runtime: &Runtime) -> Result<Child, String> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|e| format!("{}: {e}", self.log.display()))?;
        let mut cmd = Command::new(&self.binary);
        // Lambda's environment: its own variables and the function's, nothing of ours.
        cmd.env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("LANG", "en_US.UTF-8")
            .env("TZ", ":UTC")
            .env("AWS_LAMBDA_RUNTIME_API", runtime.addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", &self.name)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{}", self.name))
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
            .env("_HANDLER", "bootstrap")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log);
        cmd.spawn().map_err(|e| format!("{}: {e}", self.binary.display()))
    }
}

/// The next thing the process did, or why it did nothing.
async fn next(runtime: &mut Runtime, name: &str) -> Result<Seen, String> {
    match tokio::time::timeout(PATIENCE, runtime.seen.recv()).await {
        Ok(Some(Seen::Error(_, body))) => Err(format!("{name} reported an error: {}", String::from_utf8_lossy(&body))),
        Ok(Some(seen)) => Ok(seen),
        Ok(None) => Err(format!("{name}: the runtime stand-in stopped")),
        Err(_) => Err(format!("{name}: nothing within {PATIENCE:?} (see its log)")),
    }
}

/// Waits for the answer to the event in flight, skipping the polls around it.
async fn answer(runtime: &mut Runtime, name: &str) -> Result<(Instant, Bytes), String> {
    loop {
        if let Seen::Response(at, body) = next(runtime, name).await? {
            return Ok((at, body));
        }
    }
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// One cold start and its first answer.
pub async fn cold(subject: &Subject) -> Result<(Cold, Bytes), String> {
    let mut runtime = Runtime::start(&subject.name).await.map_err(|e| e.to_string())?;
    // The event is waiting before the process exists, as when Lambda starts an instance
    // for a request it already holds.
    runtime.invoke(subject.event.clone());
    let started = Instant::now();
    let child = subject.spawn(&runtime)?;
    let outcome = async {
        let Seen::Next(asked) = next(&mut runtime, &subject.name).await? else {
            return Err(format!("{}: answered before asking", subject.name));
        };
        let (answered, body) = answer(&mut runtime, &subject.name).await?;
        Ok((
            Cold {
                init_ms: ms(asked - started),
                first_ms: ms(answered - started),
            },
            body,
        ))
    }
    .await;
    stop(child);
    outcome
}

/// One process: a first event, then `n` more back to back; the rate and the peak memory.
pub async fn warm(subject: &Subject, n: usize) -> Result<(Warm, Vec<Bytes>), String> {
    let mut runtime = Runtime::start(&subject.name).await.map_err(|e| e.to_string())?;
    runtime.invoke(subject.event.clone());
    let child = subject.spawn(&runtime)?;
    let outcome = async {
        answer(&mut runtime, &subject.name).await?;
        let mut answers = Vec::with_capacity(n);
        let started = Instant::now();
        for _ in 0..n {
            runtime.invoke(subject.event.clone());
            answers.push(answer(&mut runtime, &subject.name).await?.1);
        }
        let elapsed = started.elapsed();
        let peak_rss_kb = peak_rss_kb(child.id()).ok_or("no /proc status for the process")?;
        Ok((
            Warm {
                invocations: n,
                per_second: n as f64 / elapsed.as_secs_f64(),
                peak_rss_kb,
            },
            answers,
        ))
    }
    .await;
    stop(child);
    outcome
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `VmHWM` line of /proc/PID/status (Linux), in kB.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The HTTP status of an answer in API Gateway's shape, if it has one.
pub fn status_of(answer: &[u8]) -> Option<u16> {
    let value: serde_json::Value = serde_json::from_slice(answer).ok()?;
    value.get("statusCode")?.as_u64().map(|s| s as u16)
}
