//! The client of the AWS Parameters and Secrets Lambda extension.
//!
//! The extension is a process beside the function, serving plain HTTP on localhost; it
//! answers only during invocations (not in INIT), authenticates callers by the sandbox's
//! session token in `X-Aws-Parameters-Secrets-Token`, and answers with the body of Secrets
//! Manager's `GetSecretValue` or SSM's `GetParameter`, caching each for its TTL. The HTTP/1
//! client is hyper's, which lambda_runtime already carries: no TLS, no new crate.

use super::{Kind, Reference, SecretsError};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use model::config::{ConfigError, Env};
use std::time::Duration;

/// A secret's value is at most 64 KB; anything longer is not the extension's answer.
const MAX_ANSWER_BYTES: usize = 96 * 1024;
/// The extension answers from its cache in microseconds and from the AWS API in tens of
/// milliseconds; a second means it is not there.
const TIMEOUT: Duration = Duration::from_secs(2);

pub(super) struct Extension {
    base: String,
    token: String,
    http: Client<HttpConnector, Empty<Bytes>>,
}

impl std::fmt::Debug for Extension {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extension")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Extension {
    pub(super) fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let base = match env.optional("SECRETS_EXTENSION_ENDPOINT") {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let port = env.parsed_or("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", 2773u16)?;
                format!("http://localhost:{port}")
            }
        };
        if !base.starts_with("http://") {
            return Err(ConfigError::new(
                "SECRETS_EXTENSION_ENDPOINT",
                "must be an http:// URL (the extension serves plain HTTP on localhost)",
            ));
        }
        Ok(Self {
            base,
            token: env.required("AWS_SESSION_TOKEN")?.to_owned(),
            http: Client::builder(TokioExecutor::new()).build_http(),
        })
    }

    /// The current value of `r`.
    pub(super) async fn get(&self, r: &Reference) -> Result<String, SecretsError> {
        let query = form_urlencoded::Serializer::new(String::new());
        let url = match r.kind {
            Kind::SecretsManager => format!(
                "{}/secretsmanager/get?{}",
                self.base,
                { query }.append_pair("secretId", &r.id).finish()
            ),
            Kind::ParameterStore => format!(
                "{}/systemsmanager/parameters/get?{}",
                self.base,
                { query }
                    .append_pair("name", &r.id)
                    .append_pair("withDecryption", "true")
                    .finish()
            ),
        };
        let unreachable = |source: super::BoxError| SecretsError::Unreachable {
            setting: r.setting.clone(),
            source,
        };
        let request = http::Request::get(url)
            .header("X-Aws-Parameters-Secrets-Token", &self.token)
            .body(Empty::new())
            .map_err(|e| unreachable(e.into()))?;
        let response = tokio::time::timeout(TIMEOUT, self.http.request(request))
            .await
            .map_err(|e| unreachable(e.into()))?
            .map_err(|e| unreachable(e.into()))?;
        let status = response.status().as_u16();
        let body = tokio::time::timeout(TIMEOUT, Limited::new(response.into_body(), MAX_ANSWER_BYTES).collect())
            .await
            .map_err(|e| unreachable(e.into()))?
            .map_err(unreachable)?
            .to_bytes();
        if status != 200 {
            return Err(SecretsError::Refused {
                setting: r.setting.clone(),
                status,
            });
        }
        value_of(r, &body)
    }
}

/// The text value in the extension's answer for `r`.
fn value_of(r: &Reference, body: &[u8]) -> Result<String, SecretsError> {
    let malformed = || SecretsError::Malformed {
        setting: r.setting.clone(),
    };
    let answer: serde_json::Value = serde_json::from_slice(body).map_err(|_| malformed())?;
    let value = match r.kind {
        Kind::SecretsManager => answer.get("SecretString"),
        Kind::ParameterStore => answer.get("Parameter").and_then(|p| p.get("Value")),
    };
    value.and_then(|v| v.as_str()).map(str::to_owned).ok_or_else(malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(kind: Kind) -> Reference {
        Reference {
            setting: "CURSOR_KEY".into(),
            kind,
            id: "fingertip/cursor-key".into(),
        }
    }

    #[test]
    fn a_secret_is_the_secret_string_of_get_secret_value() {
        let body = br#"{"ARN":"arn:aws:secretsmanager:cn-north-1:1:secret:x","SecretString":"s3cret","VersionStages":["AWSCURRENT"]}"#;
        assert_eq!(value_of(&reference(Kind::SecretsManager), body).unwrap(), "s3cret");
    }

    #[test]
    fn a_parameter_is_the_value_of_get_parameter() {
        let body = br#"{"Parameter":{"Name":"/x","Type":"String","Value":"k1=abc","Version":3}}"#;
        assert_eq!(value_of(&reference(Kind::ParameterStore), body).unwrap(), "k1=abc");
    }

    #[test]
    fn a_binary_secret_is_refused_without_quoting_it() {
        let err = value_of(&reference(Kind::SecretsManager), br#"{"SecretBinary":"AAAA"}"#).unwrap_err();
        assert!(!err.to_string().contains("AAAA"));
        assert!(err.to_string().contains("CURSOR_KEY"));
    }
}
