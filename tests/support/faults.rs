//! A fault-injecting proxy in front of the local DynamoDB-compatible server: while switched
//! on, a share of requests is throttled (400 `ThrottlingException`), fails (500
//! `InternalServerError`), is delayed past the store's attempt timeout, or loses its
//! connection before or after reaching the server (the last is the nasty one: the write
//! happened, the answer never came).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug)]
pub struct FaultProxy {
    pub endpoint: String,
    upstream: String,
    /// Faults per thousand requests; 0 passes everything through.
    per_mille: AtomicU32,
    /// How long a delayed request waits before going on.
    pub delay: Duration,
    seed: AtomicU64,
    counts: Mutex<BTreeMap<&'static str, u32>>,
    client: reqwest::Client,
}

#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("dropped by the fault proxy")
    }
}

impl std::error::Error for Dropped {}

const FAULTS: [&str; 5] = ["throttle", "http500", "delay", "drop_before", "drop_after"];

impl FaultProxy {
    /// Starts a proxy to `upstream`, passing everything through until [`Self::set_rate`].
    pub async fn start(upstream: &str, delay: Duration) -> Arc<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let proxy = Arc::new(Self {
            endpoint: format!("http://{}", listener.local_addr().expect("bound")),
            upstream: upstream.trim_end_matches('/').to_owned(),
            per_mille: AtomicU32::new(0),
            delay,
            seed: AtomicU64::new(0x9e37_79b9_7f4a_7c15),
            counts: Mutex::new(BTreeMap::new()),
            client: reqwest::Client::new(),
        });
        let served = proxy.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let proxy = served.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let proxy = proxy.clone();
                        async move { proxy.answer(req).await }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        proxy
    }

    /// Faults per thousand requests from now on.
    pub fn set_rate(&self, per_mille: u32) {
        self.per_mille.store(per_mille, Ordering::SeqCst);
    }

    /// How many of each fault were injected.
    pub fn counts(&self) -> BTreeMap<&'static str, u32> {
        self.counts.lock().expect("counts").clone()
    }

    /// A fault for this request, or none: a small xorshift, so runs differ only by timing.
    fn pick(&self) -> Option<&'static str> {
        let mut x = self.seed.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.seed.store(x, Ordering::Relaxed);
        if (x % 1000) as u32 >= self.per_mille.load(Ordering::SeqCst) {
            return None;
        }
        let fault = FAULTS[((x >> 20) % FAULTS.len() as u64) as usize];
        *self.counts.lock().expect("counts").entry(fault).or_default() += 1;
        Some(fault)
    }

    async fn answer(
        &self,
        req: hyper::Request<hyper::body::Incoming>,
    ) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
        let fault = self.pick();
        let error = |status: u16, kind: &str| {
            let body = format!(r#"{{"__type":"com.amazonaws.dynamodb.v20120810#{kind}","message":"injected"}}"#);
            hyper::Response::builder()
                .status(status)
                .header("content-type", "application/x-amz-json-1.0")
                .header("x-amzn-errortype", kind)
                .body(Full::new(Bytes::from(body)))
                .expect("a static response")
        };
        match fault {
            Some("throttle") => return Ok(error(400, "ThrottlingException")),
            Some("http500") => return Ok(error(500, "InternalServerError")),
            Some("drop_before") => return Err(Dropped),
            Some("delay") => tokio::time::sleep(self.delay).await,
            _ => {}
        }
        let (parts, body) = req.into_parts();
        let body = body.collect().await.map_err(|_| Dropped)?.to_bytes();
        let mut forward = self
            .client
            .request(parts.method, format!("{}{}", self.upstream, parts.uri))
            .body(body);
        for (name, value) in &parts.headers {
            if name != "host" && name != "content-length" {
                forward = forward.header(name, value);
            }
        }
        let response = forward.send().await.map_err(|_| Dropped)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(|_| Dropped)?;
        if fault == Some("drop_after") {
            return Err(Dropped);
        }
        let mut out = hyper::Response::builder().status(status);
        for (name, value) in &headers {
            if name != "content-length" && name != "transfer-encoding" {
                out = out.header(name, value);
            }
        }
        Ok(out.body(Full::new(bytes)).expect("a forwarded response"))
    }
}
