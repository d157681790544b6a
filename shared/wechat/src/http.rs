//! The HTTP client every WeChat and WeCom call goes through: Mozilla's roots compiled in, the
//! timeouts, and an X-Ray subsegment per call (`store::xray`), named by the host and keeping
//! no query string, where secrets and access tokens travel.

use model::config::{ConfigError, Env};
use std::time::{Duration, SystemTime};

#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    daemon: Option<store::xray::Daemon>,
}

impl Http {
    pub(crate) fn get(&self, url: String) -> reqwest::RequestBuilder {
        self.client.get(url)
    }

    pub(crate) fn post(&self, url: String) -> reqwest::RequestBuilder {
        self.client.post(url)
    }

    /// Sends `request`, traced.
    pub(crate) async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, reqwest::Error> {
        let request = request.build()?;
        let call = store::xray::Call::remote(request.method().as_str(), request.url().as_str(), SystemTime::now());
        let answer = self.client.execute(request).await;
        if let Some(daemon) = &self.daemon {
            call.answered(answer.as_ref().ok().map(|r| r.status().as_u16()))
                .end(daemon);
        }
        answer
    }
}

/// The HTTP client and base URL every WeChat call uses: `WECHAT_API_BASE` and
/// `WECHAT_TIMEOUT_MS` (2000), the connection attempt capped at one second.
///
/// It trusts the compiled-in roots of [`store::tls`], not the system's store.
pub(crate) fn client(env: &Env) -> Result<(Http, String), ConfigError> {
    client_for(env, "WECHAT_API_BASE")
}

/// The same client for another base URL setting (`WECOM_API_BASE`).
pub(crate) fn client_for(env: &Env, base_var: &str) -> Result<(Http, String), ConfigError> {
    let base = env.required(base_var)?.trim_end_matches('/').to_owned();
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(ConfigError::new(base_var, "must be an http(s) URL"));
    }
    let timeout = Duration::from_millis(env.parsed_or("WECHAT_TIMEOUT_MS", 2000u64)?);
    let roots = store::tls::roots_der()
        .map(reqwest::Certificate::from_der)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConfigError::new("WECHAT_API_BASE", format!("root certificates: {e}")))?;
    let http = reqwest::Client::builder()
        .tls_certs_only(roots)
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_millis(1000)))
        .build()
        .map_err(|e| ConfigError::new("WECHAT_API_BASE", format!("HTTP client: {e}")))?;
    let http = Http {
        client: http,
        daemon: store::xray::Daemon::from_env(env),
    };
    Ok((http, base))
}
