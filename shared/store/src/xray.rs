//! X-Ray subsegments for the calls an invocation makes: every DynamoDB and S3 request (the
//! [`AwsCalls`] interceptor on each SDK client) and every WeChat or WeCom request
//! ([`Call::remote`]), so a trace shows where a slow request spent its time.
//!
//! Lambda records each invocation's segment itself (`Tracing: Active`) and gives the function
//! its trace header (`Root=…;Parent=…;Sampled=1`). A subsegment is one JSON document sent over
//! UDP to the X-Ray daemon Lambda runs beside the function (`AWS_XRAY_DAEMON_ADDRESS`), the
//! daemon's documented protocol: no SDK, no exporter, no new crate. A send never waits and a
//! lost datagram loses a line of the trace, never a request. Nothing is sent outside Lambda
//! (no daemon address) or for an invocation X-Ray did not sample.

mod daemon;

pub use daemon::Daemon;

use aws_sdk_dynamodb::config::interceptors::{
    BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use serde_json::{Value, json};
use std::time::SystemTime;

tokio::task_local! {
    /// The trace header of the invocation the task serves (`api::http::serve` and the
    /// scheduled and stream runs set it from Lambda's context).
    static TRACE: Option<String>;
}

/// Runs `work` as part of the invocation traced by `header`.
pub async fn traced<F: Future>(header: Option<String>, work: F) -> F::Output {
    TRACE.scope(header, work).await
}

/// Where this call's subsegment belongs: (trace id, parent segment id), when sampled.
fn parent() -> Option<(String, String)> {
    let header = TRACE
        .try_with(Clone::clone)
        .ok()
        .flatten()
        // Outside a scope (a task of its own), the runtime's variable for the invocation.
        .or_else(|| std::env::var("_X_AMZN_TRACE_ID").ok())?;
    let field = |name: &str| {
        header
            .split(';')
            .find_map(|part| part.trim().strip_prefix(name)?.strip_prefix('='))
            .map(str::to_owned)
    };
    if field("Sampled").as_deref() != Some("1") {
        return None;
    }
    Some((field("Root")?, field("Parent")?))
}

/// One call, as its subsegment says it.
#[derive(Debug, Clone)]
pub struct Call {
    name: String,
    namespace: &'static str,
    start: SystemTime,
    detail: Value,
    status: Option<u16>,
    failed: bool,
}

impl Call {
    /// A call to a service outside AWS: named by its host; its URL is kept without the query,
    /// which carries secrets and access tokens.
    pub fn remote(method: &str, url: &str, start: SystemTime) -> Self {
        let bare = url.split(['?', '#']).next().unwrap_or_default();
        let host = bare
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or(bare);
        Call {
            name: host.to_owned(),
            namespace: "remote",
            start,
            detail: json!({ "http": { "request": { "method": method, "url": bare } } }),
            status: None,
            failed: false,
        }
    }

    /// The answer's status; `None` when there was none (a timeout, a refused connection).
    pub fn answered(mut self, status: Option<u16>) -> Self {
        self.status = status;
        self.failed = status.is_none();
        self
    }

    /// The subsegment document, or `None` when the invocation is not sampled.
    fn document(&self, end: SystemTime) -> Option<Value> {
        let (trace_id, parent_id) = parent()?;
        let seconds = |t: SystemTime| {
            t.duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64())
        };
        let mut doc = json!({
            "type": "subsegment",
            "id": daemon::segment_id(),
            "trace_id": trace_id,
            "parent_id": parent_id,
            "name": self.name,
            "namespace": self.namespace,
            "start_time": seconds(self.start),
            "end_time": seconds(end),
        });
        let fields = doc.as_object_mut()?;
        if let Some(detail) = self.detail.as_object() {
            for (k, v) in detail {
                fields.insert(k.clone(), v.clone());
            }
        }
        if let Some(status) = self.status {
            let http = fields.entry("http").or_insert_with(|| json!({}));
            if let Some(http) = http.as_object_mut() {
                http.insert("response".into(), json!({ "status": status }));
            }
            fields.insert("throttle".into(), json!(status == 429));
            fields.insert("error".into(), json!((400..500).contains(&status)));
        }
        let fault = self.failed || self.status.is_some_and(|s| s >= 500);
        fields.insert("fault".into(), json!(fault));
        Some(doc)
    }

    /// Sends the subsegment, ended now, to `daemon`.
    pub fn end(self, daemon: &Daemon) {
        if let Some(doc) = self.document(SystemTime::now()) {
            daemon.send(&doc);
        }
    }
}

/// When a request started, kept in the request's config bag until it ends.
#[derive(Debug, Clone)]
struct Started(SystemTime);

impl Storable for Started {
    type Storer = StoreReplace<Self>;
}

/// The interceptor every SDK client carries: one subsegment per operation, retries included
/// in its time, named by the service and the operation (`DynamoDB`, `TransactWriteItems`).
#[derive(Debug, Clone)]
pub struct AwsCalls {
    daemon: Daemon,
    region: String,
}

impl AwsCalls {
    /// The interceptor for a client of this function, when X-Ray has a daemon here.
    pub fn from_env(env: &model::config::Env) -> Option<Self> {
        Some(Self {
            daemon: Daemon::from_env(env)?,
            region: env.optional("AWS_REGION").unwrap_or_default().to_owned(),
        })
    }
}

impl Intercept for AwsCalls {
    fn name(&self) -> &'static str {
        "XrayAwsCalls"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(Started(SystemTime::now()));
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Started(start)) = cfg.load::<Started>().cloned() else {
            return Ok(());
        };
        let (service, operation) = cfg
            .load::<Metadata>()
            .map_or(("AWS", "unknown"), |m| (m.service(), m.name()));
        let response = context.response();
        let request_id = response.and_then(|r| {
            ["x-amzn-requestid", "x-amz-request-id"]
                .iter()
                .find_map(|h| r.headers().get(*h))
                .map(str::to_owned)
        });
        let call = Call {
            name: service.to_owned(),
            namespace: "aws",
            start,
            detail: json!({ "aws": { "operation": operation, "region": self.region, "request_id": request_id } }),
            status: response.map(|r| r.status().as_u16()),
            failed: response.is_none(),
        };
        call.end(&self.daemon);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
