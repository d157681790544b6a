//! One moto server per test binary (`tools/moto-server.py`: moto, one request at a time).
//!
//! moto runs under `sh` that waits on its standard input: the test binary holds the other
//! end of that pipe for its whole life, and when the binary exits, for whatever reason, the
//! pipe closes, `read` returns and the shell stops moto. No server outlives its tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static SERVER: OnceLock<(String, Option<Child>)> = OnceLock::new();

/// The endpoint of the server, started on first use.
pub fn endpoint() -> String {
    SERVER.get_or_init(start).0.clone()
}

fn start() -> (String, Option<Child>) {
    if let Ok(url) = std::env::var("FINGERTIP_TEST_DYNAMODB") {
        return (url, None);
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join(".venv/bin/python");
    let server = root.join("tools/moto-server.py");
    assert!(
        python.exists(),
        "{} is missing: run `make venv` (make test does it)",
        python.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .unwrap()
        .port();
    let script = format!(
        "'{}' '{}' -H 127.0.0.1 -p {port} >/dev/null 2>&1 & pid=$!; echo started; read _; kill $pid",
        python.display(),
        server.display()
    );
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("moto starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("moto's shell answers");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto did not start on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    (format!("http://127.0.0.1:{port}"), Some(child))
}
