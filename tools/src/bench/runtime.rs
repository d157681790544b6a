//! A minimal stand-in for the Lambda Runtime API on loopback, for timing function binaries.
//!
//! Lambda starts a function's `bootstrap` with `AWS_LAMBDA_RUNTIME_API` naming an HTTP
//! endpoint; the runtime long-polls `GET /2018-06-01/runtime/invocation/next` for an event and
//! posts the answer to `.../invocation/{id}/response`. Serving those two requests here lets a
//! benchmark see the moments that make a cold start: when the process first asks for work
//! (its init is done) and when it posts its first answer. Nothing else of Lambda is imitated.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::{Mutex, mpsc};

/// What the function did, and when.
#[derive(Debug)]
pub enum Seen {
    /// It asked for the next event.
    Next(Instant),
    /// It answered an event.
    Response(Instant, Bytes),
    /// It reported an error (an invocation's or its init's).
    Error(Instant, Bytes),
}

/// One stand-in endpoint; each benchmarked process gets a fresh one.
pub struct Runtime {
    pub addr: std::net::SocketAddr,
    events: mpsc::UnboundedSender<Bytes>,
    pub seen: mpsc::UnboundedReceiver<Seen>,
}

struct Inner {
    events: Mutex<mpsc::UnboundedReceiver<Bytes>>,
    seen: mpsc::UnboundedSender<Seen>,
    function: String,
}

impl Runtime {
    /// Listens on a free loopback port; `function` names the ARN the events carry.
    pub async fn start(function: &str) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let (seen_tx, seen_rx) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            events: Mutex::new(events_rx),
            seen: seen_tx,
            function: function.to_owned(),
        });
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let inner = inner.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| serve(inner.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self {
            addr,
            events: events_tx,
            seen: seen_rx,
        })
    }

    /// Queues an event for the next `invocation/next`.
    pub fn invoke(&self, event: Bytes) {
        let _ = self.events.send(event);
    }
}

async fn serve(inner: Arc<Inner>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let now = Instant::now();
    let path = req.uri().path().to_owned();
    if req.method() == Method::GET && path == "/2018-06-01/runtime/invocation/next" {
        let _ = inner.seen.send(Seen::Next(now));
        // Long poll, as Lambda does: the answer waits until there is an event. A process
        // killed meanwhile drops the connection, and with it this future.
        let event = inner.events.lock().await.recv().await;
        let Some(event) = event else {
            return Ok(status(StatusCode::GONE));
        };
        let id = next_id();
        let deadline = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() + 30_000)
            .unwrap_or_default();
        let arn = format!("arn:aws:lambda:ap-northeast-1:123456789012:function:{}", inner.function);
        // Sampled, so the figures include what tracing costs (a subsegment per call); Lambda
        // samples fewer (one request a second and 5% of the rest, by default).
        let trace = format!("Root=1-{:08x}-{:024x};Parent={:016x};Sampled=1", 0x6900_0000u32, id, id);
        let resp = Response::builder()
            .header("content-type", "application/json")
            .header("lambda-runtime-aws-request-id", format!("bench-{id}"))
            .header("lambda-runtime-deadline-ms", deadline.to_string())
            .header("lambda-runtime-invoked-function-arn", arn)
            .header("lambda-runtime-trace-id", trace)
            .body(Full::new(event))
            .expect("static headers");
        return Ok(resp);
    }
    let body = req.into_body().collect().await?.to_bytes();
    let at = Instant::now();
    if path.ends_with("/response") {
        let _ = inner.seen.send(Seen::Response(at, body));
    } else if path.ends_with("/error") {
        let _ = inner.seen.send(Seen::Error(at, body));
    } else {
        return Ok(status(StatusCode::NOT_FOUND));
    }
    Ok(status(StatusCode::ACCEPTED))
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from_static(b"{}")));
    *resp.status_mut() = code;
    resp
}

fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
