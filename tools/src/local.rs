//! The local stack's settings: demo values for what a deployment keeps in Secrets Manager and
//! SSM, and each function's environment built from its `template.yaml` entry.
//!
//! A function reads a secret at run time when its template names it (`NAME_SECRET_ID`,
//! `NAME_PARAMETER`, see `api::secrets`). With [`Secrets::Extension`] (`make run`) the stack
//! does the same: the demo values are kept in moto's Secrets Manager and Parameter Store
//! (`crate::secrets`) and the sandbox answers as the extension does, so a rotation there
//! reaches the running gateway's functions as it would deployed ones. With
//! [`Secrets::Given`] (the tests, `cargo lambda watch`, the benchmarks) each function is given
//! the demo value itself, as `NAME`.
//!
//! Every value here is for a developer's machine only. The keys are published in this file
//! and protect nothing; a deployment takes its own from SSM and Secrets Manager.

use crate::template::{EnvValue, FunctionDef, Template};
use model::config::Env;
use std::collections::BTreeMap;

pub const DYNAMODB_ENDPOINT: &str = "http://127.0.0.1:8000";
pub const API_ADDR: &str = "127.0.0.1:3000";
pub const SANDBOX_ADDR: &str = "127.0.0.1:3001";
pub const TABLE_PREFIX: &str = "fingertip-local-";
pub const REGION: &str = "ap-northeast-1";

/// Demo values of the settings a deployment resolves from SSM, Secrets Manager or its
/// parameters, by environment variable name. The process environment overrides each.
pub const DEMO: &[(&str, &str)] = &[
    ("JWT_ISSUER", "fingertip"),
    ("JWT_AUDIENCE", "fingertip-api"),
    (
        "JWT_SIGNING_KEY",
        "local-1=MC4CAQAwBQYDK2VwBCIEIOCucmsM5MFyQfEJ68uNNbNVbx7VZAi6GDW7RPVzT7oc",
    ),
    ("JWT_VERIFY_KEYS", "local-1=mJMpf7Is9E-QPMhME5dsomeK_VQy1PVWQ_P30Q4-PS4"),
    ("CURSOR_KEY", "local-demo-cursor-key-not-for-production-use"),
    (
        "IDENTITY_HASH_KEY",
        "local-demo-identity-hash-key-not-for-production-use",
    ),
    ("WECHAT_MP_APPID", "wx5f0d2a7c9e1b3d46"),
    ("WECHAT_MP_SECRET", "local-demo-mp-secret"),
    ("WECHAT_MP_TOKEN", "fingertipmp"),
    (
        "WECHAT_MP_ENCODING_AES_KEY",
        "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
    ),
    ("WECHAT_OA_APPID", "wxb11529c136998cb6"),
    ("WECHAT_OA_SECRET", "local-demo-oa-secret"),
    ("WECHAT_OA_TOKEN", "pamtest"),
    (
        "WECHAT_OA_ENCODING_AES_KEY",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    ),
    // Compatible mode locally, so a plaintext push typed with curl is answered; a deployment
    // takes the template's default, safe mode, which refuses plaintext pushes.
    ("WECHAT_OA_MESSAGE_MODE", "compatible"),
    ("WECHAT_MP_MESSAGE_MODE", "compatible"),
    ("WECHAT_TEMPLATES", include_str!("../data/wechat-templates.json")),
    ("WECOM_CORPID", "ww5a1c3e7b9d2f4680"),
    ("WECOM_AGENTID", "1000002"),
    ("WECOM_SECRET", "local-demo-wecom-secret"),
];

/// Optional settings a function reads with a default, which the template leaves out: set
/// in the environment (or by a test), they reach every function.
pub const TUNING: &[&str] = &[
    "WECHAT_TIMEOUT_MS",
    "WECHAT_TIMESTAMP_WINDOW_S",
    "NOTIFIER_MAX_ATTEMPTS",
    "NOTIFIER_CONCURRENCY",
    "DYNAMODB_ATTEMPT_TIMEOUT_MS",
    "DYNAMODB_TIMEOUT_MS",
    "JWT_TTL_SECONDS",
    "STAFF_TOKEN_TTL_SECONDS",
    "STAFF_RECHECK_SECONDS",
    "UPLOADS_PER_DAY",
    "RUST_LOG",
    "AWS_XRAY_DAEMON_ADDRESS",
];

/// How the local functions get the settings a deployment reads at run time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Secrets {
    /// Each function is given the value as `NAME`.
    #[default]
    Given,
    /// Each function reads it as in Lambda, through this stand-in for the Parameters and
    /// Secrets extension (the sandbox), from moto.
    Extension(String),
}

/// Where the local functions find their dependencies.
#[derive(Debug, Clone)]
pub struct Stack {
    pub dynamodb_endpoint: String,
    pub wechat_base: String,
    pub table_prefix: String,
    /// Settings that win over everything else (the process environment, or a test's).
    pub overrides: BTreeMap<String, String>,
    pub secrets: Secrets,
}

/// A setting the template has a function read at run time: `NAME_SECRET_ID` or
/// `NAME_PARAMETER`, as (NAME, whether it is a parameter).
pub fn read_at_run_time(name: &str) -> Option<(&str, bool)> {
    name.strip_suffix("_SECRET_ID")
        .map(|n| (n, false))
        .or_else(|| name.strip_suffix("_PARAMETER").map(|n| (n, true)))
}

impl Stack {
    /// The defaults `make run` uses, with the process environment's settings on top.
    pub fn from_process() -> Self {
        let overrides: BTreeMap<String, String> = std::env::vars().collect();
        Stack {
            dynamodb_endpoint: overrides
                .get("AWS_ENDPOINT_URL_DYNAMODB")
                .cloned()
                .unwrap_or(DYNAMODB_ENDPOINT.into()),
            wechat_base: overrides
                .get("WECHAT_API_BASE")
                .cloned()
                .unwrap_or(format!("http://{SANDBOX_ADDR}")),
            table_prefix: overrides
                .get("FINGERTIP_TABLE_PREFIX")
                .cloned()
                .unwrap_or(TABLE_PREFIX.into()),
            overrides,
            secrets: Secrets::Given,
        }
    }

    /// The stack's name for what a function's setting `name` (`…_SECRET_ID`, `…_PARAMETER`)
    /// reads: the template's default for parameter `param`, made the stack's own.
    pub fn read_id(&self, template: &Template, name: &str, param: &str, parameter: bool) -> Result<String, String> {
        let deployed = template
            .parameters
            .get(param)
            .cloned()
            .flatten()
            .ok_or_else(|| format!("{name}: parameter {param} has no default"))?;
        Ok(self.secret_id(&deployed, parameter))
    }

    /// The local name of a secret or parameter a deployment names `deployed`: one per stack,
    /// so tests sharing a moto server never read each other's (and may rotate their own).
    pub fn secret_id(&self, deployed: &str, parameter: bool) -> String {
        if parameter {
            format!("/{}{}", self.table_prefix, deployed.trim_start_matches('/'))
        } else {
            format!("{}{deployed}", self.table_prefix)
        }
    }

    /// The local name of a bucket: S3 names are lowercase.
    pub fn bucket_name(&self, logical_id: &str) -> String {
        format!("{}{logical_id}", self.table_prefix).to_lowercase()
    }

    /// A demo setting, unless overridden.
    pub fn setting(&self, name: &str) -> Option<String> {
        self.overrides
            .get(name)
            .cloned()
            .or_else(|| DEMO.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
    }

    /// The environment a function gets locally: its template variables resolved against the
    /// local tables, the sandbox and the demo secrets, plus the AWS settings the SDK reads.
    pub fn function_env(&self, template: &Template, function: &FunctionDef) -> Result<Env, String> {
        let mut env = Env::from_pairs([
            ("AWS_REGION", self.setting("AWS_REGION").unwrap_or(REGION.into())),
            (
                "AWS_ACCESS_KEY_ID",
                self.setting("AWS_ACCESS_KEY_ID").unwrap_or("local".into()),
            ),
            (
                "AWS_SECRET_ACCESS_KEY",
                self.setting("AWS_SECRET_ACCESS_KEY").unwrap_or("local".into()),
            ),
            ("AWS_ENDPOINT_URL_DYNAMODB", self.dynamodb_endpoint.clone()),
            // moto serves S3 on the same port as DynamoDB.
            ("AWS_ENDPOINT_URL_S3", self.dynamodb_endpoint.clone()),
        ]);
        for (name, value) in &function.env {
            if let (Some((setting, parameter)), EnvValue::Ref(param)) = (read_at_run_time(name), value) {
                match &self.secrets {
                    Secrets::Given => {
                        let given = self
                            .setting(setting)
                            .ok_or_else(|| format!("{setting}: no local value for a secret"))?;
                        env = env.with(setting, given);
                    }
                    Secrets::Extension(endpoint) => {
                        env = env
                            .with(name, self.read_id(template, name, param, parameter)?)
                            .with("SECRETS_EXTENSION_ENDPOINT", endpoint.clone())
                            // The extension's credential in Lambda; the sandbox only asks
                            // that there is one.
                            .with("AWS_SESSION_TOKEN", "local");
                    }
                }
                continue;
            }
            let resolved = match self.overrides.get(name) {
                Some(v) => v.clone(),
                None => self.resolve(template, name, value)?,
            };
            env = env.with(name, resolved);
        }
        for name in TUNING {
            if let Some(v) = self.overrides.get(*name) {
                env = env.with(name, v.clone());
            }
        }
        Ok(env)
    }

    fn resolve(&self, template: &Template, name: &str, value: &EnvValue) -> Result<String, String> {
        match value {
            EnvValue::Literal(s) => Ok(s.clone()),
            EnvValue::Ref(target) if template.tables.iter().any(|t| &t.logical_id == target) => {
                Ok(format!("{}{target}", self.table_prefix))
            }
            EnvValue::Ref(target) if template.buckets.contains(target) => Ok(self.bucket_name(target)),
            // The sandbox stands in for WeCom's host too.
            EnvValue::Ref(_) if name == "WECHAT_API_BASE" || name == "WECOM_API_BASE" => Ok(self.wechat_base.clone()),
            EnvValue::Ref(param) => self
                .setting(name)
                .or_else(|| template.parameters.get(param).cloned().flatten())
                .ok_or_else(|| format!("{name}: parameter {param} has no local value")),
        }
    }
}
