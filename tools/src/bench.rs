//! Benchmarks the CLI runs for `make bench` (tools/bench/run.py drives them): the WeChat
//! callback's rate, and function binaries timed through a stand-in Lambda Runtime API.

pub mod callback;
pub mod process;
pub mod runtime;

use process::{Subject, status_of};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Cold starts (`cold` fresh processes, one event each), then (unless `warm` is 0) one warm
/// process answering `warm` events back to back; the figures as JSON, with the answers' statuses so the
/// caller can tell a measured failure from a measured success.
pub async fn measure(subject: &Subject, cold: usize, warm: usize) -> Result<Value, String> {
    let mut starts = Vec::with_capacity(cold);
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let mut first_answer = None;
    for _ in 0..cold {
        let (figures, answer) = process::cold(subject).await?;
        starts.push(figures);
        *statuses.entry(status_name(&answer)).or_default() += 1;
        first_answer.get_or_insert(answer);
    }
    let (warm, answers) = match warm {
        0 => (None, Vec::new()),
        n => process::warm(subject, n).await.map(|(w, a)| (Some(w), a))?,
    };
    let mut warm_statuses: BTreeMap<String, usize> = BTreeMap::new();
    for answer in &answers {
        *warm_statuses.entry(status_name(answer)).or_default() += 1;
    }
    let first = first_answer.map(|a| String::from_utf8_lossy(&a).chars().take(300).collect::<String>());
    Ok(json!({
        "function": subject.name,
        "cold": starts,
        "coldStatuses": statuses,
        "firstAnswer": first,
        "warm": warm,
        "warmStatuses": warm_statuses,
    }))
}

/// An HTTP answer by its status; anything else (a sweeper's report, a batch answer) is "ok".
fn status_name(answer: &[u8]) -> String {
    status_of(answer).map_or_else(|| "ok".to_owned(), |s| s.to_string())
}
