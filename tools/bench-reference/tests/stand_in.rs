//! The bench's stand-in Runtime API (fingertip-cli's `bench::runtime`) against the real
//! `lambda_runtime` client: the hello-world binary, started as Lambda starts it, asks for an
//! event, answers it, and keeps answering a warm stream of them.

use fingertip_cli::bench::process::{self, Subject, status_of};

fn hello() -> Subject {
    let event = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../events/catalog-halls.json")).unwrap();
    Subject {
        name: "bench-hello".into(),
        binary: env!("CARGO_BIN_EXE_bench-hello").into(),
        env: vec![],
        event: event.into(),
        log: std::env::temp_dir().join(format!("stand-in-{}.log", std::process::id())),
    }
}

#[tokio::test]
async fn a_cold_start_asks_for_its_event_before_it_answers_it() {
    let (cold, answer) = process::cold(&hello()).await.expect("a cold start");
    assert_eq!(status_of(&answer), Some(200), "{}", String::from_utf8_lossy(&answer));
    assert!(cold.init_ms > 0.0 && cold.init_ms <= cold.first_ms, "{cold:?}");
}

#[tokio::test]
async fn a_warm_process_answers_every_event_and_reports_its_peak_memory() {
    let (warm, answers) = process::warm(&hello(), 50).await.expect("a warm run");
    assert_eq!(answers.len(), 50);
    assert!(answers.iter().all(|a| status_of(a) == Some(200)));
    assert!(warm.peak_rss_kb > 0 && warm.per_second > 0.0, "{warm:?}");
}
