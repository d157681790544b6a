//! No personal data in logs: what the handlers log, captured before any scrubbing, never
//! holds a full ID number or phone; the scrubbing writer catches what slips through.

use fingertip_tests::{EventExt, Options, event, read, spawn_app_with};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber_writer::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

mod tracing_subscriber_writer {
    pub use api::telemetry::MakeWriter;
}

#[tokio::test]
async fn binding_an_identity_logs_the_request_id_but_no_id_number_or_phone() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(api::telemetry::subscriber("debug", capture.clone()));
    let app = spawn_app_with(Options::default()).await;
    let (token, _) = app.login("logs-citizen").await;
    let body = serde_json::json!({ "realName": "赵六", "idNumber": "11010519491231002X", "phone": "13812345678" });
    let (status, _) = read(auth::handle(&app.auth, event("auth-identity").bearer(&token).json(&body)).await);
    assert_eq!(status, 200);
    let bad = serde_json::json!({ "realName": "赵六", "idNumber": "110105194912310021", "phone": "13812345678" });
    let (status, _) = read(auth::handle(&app.auth, event("auth-identity").bearer(&token).json(&bad)).await);
    assert_eq!(status, 400);

    let logged = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("identity bound"), "the handler logged: {logged}");
    assert!(
        logged.contains("1101**********002X"),
        "the masked form is what is logged"
    );
    assert!(
        logged.contains("Jq3m9gxyoAMEVgw="),
        "the request id is on the request's lines"
    );
    for secret in ["11010519491231002X", "110105194912310021", "13812345678", "赵六"] {
        assert!(!logged.contains(secret), "{secret} reached the log:\n{logged}");
    }
}
