//! The local stack's secrets, kept where a deployment keeps them: moto's Secrets Manager and
//! Parameter Store, spoken to in their JSON protocols.
//!
//! [`seed`] writes the demo value of every secret the template has a function read at run
//! time, under the stack's own names (`Stack::secret_id`); [`Vault::read`] is what the
//! sandbox's stand-in for the Parameters and Secrets extension asks; [`Vault::rotate`] is
//! what an operator's `put-secret-value` does, for tests and `fingertip-cli`.

use crate::local::{Stack, read_at_run_time};
use crate::template::{EnvValue, Template};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// moto's Secrets Manager and SSM at `endpoint`.
#[derive(Debug, Clone)]
pub struct Vault {
    endpoint: String,
    region: String,
    http: reqwest::Client,
}

/// Which store a name is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    SecretsManager,
    ParameterStore,
}

impl Vault {
    pub fn new(endpoint: &str, region: &str) -> Self {
        Self {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region: region.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// One JSON-protocol call: moto routes it by the service in the credential scope and by
    /// `X-Amz-Target`, and checks no signature.
    async fn call(&self, store: Store, action: &str, body: Value) -> Result<(u16, Value), String> {
        let (service, target) = match store {
            Store::SecretsManager => ("secretsmanager", format!("secretsmanager.{action}")),
            Store::ParameterStore => ("ssm", format!("AmazonSSM.{action}")),
        };
        let scope = format!(
            "AWS4-HMAC-SHA256 Credential=local/20260101/{}/{service}/aws4_request, SignedHeaders=host, Signature=0",
            self.region
        );
        let response = self
            .http
            .post(format!("{}/", self.endpoint))
            .header("authorization", scope)
            .header("x-amz-target", target)
            .header("content-type", "application/x-amz-json-1.1")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| format!("{service} {action}: {e}"))?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| format!("{service} {action}: {e}"))?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// Sets `name` to `value`: a new secret or parameter, or a new version of one.
    pub async fn rotate(&self, store: Store, name: &str, value: &str) -> Result<(), String> {
        let (status, answer) = match store {
            Store::SecretsManager => {
                let created = self
                    .call(store, "CreateSecret", json!({ "Name": name, "SecretString": value }))
                    .await?;
                if created.0 == 200 {
                    created
                } else {
                    self.call(
                        store,
                        "PutSecretValue",
                        json!({ "SecretId": name, "SecretString": value }),
                    )
                    .await?
                }
            }
            Store::ParameterStore => {
                self.call(
                    store,
                    "PutParameter",
                    json!({ "Name": name, "Value": value, "Type": "String", "Overwrite": true }),
                )
                .await?
            }
        };
        match status {
            200 => Ok(()),
            _ => Err(format!("setting {name}: {status} {}", answer["__type"])),
        }
    }

    /// What the extension would answer for `name`: the store's status and body.
    pub async fn read(&self, store: Store, name: &str) -> Result<(u16, Value), String> {
        match store {
            Store::SecretsManager => self.call(store, "GetSecretValue", json!({ "SecretId": name })).await,
            Store::ParameterStore => {
                self.call(store, "GetParameter", json!({ "Name": name, "WithDecryption": true }))
                    .await
            }
        }
    }
}

/// Every secret and parameter the template's functions read at run time, by the stack's
/// name for it: (store, setting whose demo value it holds).
pub fn referenced(template: &Template, stack: &Stack) -> Result<BTreeMap<String, (Store, String)>, String> {
    let mut all = BTreeMap::new();
    for f in &template.functions {
        for (name, value) in &f.env {
            let (Some((setting, parameter)), EnvValue::Ref(param)) = (read_at_run_time(name), value) else {
                continue;
            };
            let store = if parameter {
                Store::ParameterStore
            } else {
                Store::SecretsManager
            };
            all.insert(
                stack.read_id(template, name, param, parameter)?,
                (store, setting.to_owned()),
            );
        }
    }
    Ok(all)
}

/// Writes the demo value of every referenced secret and parameter; returns their names.
pub async fn seed(vault: &Vault, template: &Template, stack: &Stack) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for (name, (store, setting)) in referenced(template, stack)? {
        let value = stack
            .setting(&setting)
            .ok_or_else(|| format!("{setting}: no demo value"))?;
        vault.rotate(store, &name, &value).await?;
        names.push(name);
    }
    Ok(names)
}
