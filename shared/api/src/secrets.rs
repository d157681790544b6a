//! Secrets and parameters read at run time, never at deploy time.
//!
//! A setting named `NAME_SECRET_ID` (a Secrets Manager secret) or `NAME_PARAMETER` (an SSM
//! parameter) is fetched through the AWS Parameters and Secrets Lambda extension and given to
//! the function as `NAME`. Nothing secret sits in the function's configuration, where anyone
//! allowed `lambda:GetFunctionConfiguration` could read it, and [`Live`] reads the values
//! again once they are `SECRETS_MAX_AGE_SECONDS` old, so a rotation takes effect without a
//! deploy. A setting given directly as `NAME` (the local stack, tests) is used as it is.

mod extension;
mod live;

pub use live::{Live, LiveError};

use model::config::{ConfigError, Env};
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long a value read is used before it is read again, unless `SECRETS_MAX_AGE_SECONDS`
/// says otherwise. The extension caches for its own TTL (the template sets 60 s too), so a
/// rotation reaches every warm sandbox within about two minutes.
const DEFAULT_MAX_AGE_SECONDS: u64 = 60;

/// Where a referenced value is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SecretsManager,
    ParameterStore,
}

/// One setting read at run time: `setting` gets the value of `id` in `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub setting: String,
    pub kind: Kind,
    pub id: String,
}

/// Why values could not be read. It names the setting, never a value.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("the secrets extension could not be reached for {setting}")]
    Unreachable {
        setting: String,
        #[source]
        source: BoxError,
    },
    #[error("the secrets extension answered {status} for {setting}")]
    Refused { setting: String, status: u16 },
    #[error("the secrets extension's answer for {setting} holds no text value")]
    Malformed { setting: String },
}

/// The settings a function reads at run time and the extension it reads them from.
#[derive(Debug)]
pub struct Secrets {
    references: Vec<Reference>,
    extension: extension::Extension,
    max_age: Duration,
}

impl Secrets {
    /// The references in `env`, or `None` when it has none. Reads
    /// `SECRETS_EXTENSION_ENDPOINT` (default `http://localhost:2773`, or the extension's
    /// `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`), `AWS_SESSION_TOKEN` (the extension's
    /// credential) and `SECRETS_MAX_AGE_SECONDS` (60; 0 reads at every invocation).
    pub fn from_env(env: &Env) -> Result<Option<Self>, ConfigError> {
        let mut references = Vec::new();
        for (name, id) in env.iter() {
            let found = [
                ("_SECRET_ID", Kind::SecretsManager),
                ("_PARAMETER", Kind::ParameterStore),
            ]
            .into_iter()
            .find_map(|(suffix, kind)| name.strip_suffix(suffix).map(|setting| (setting, kind)));
            let Some((setting, kind)) = found else { continue };
            if id.trim().is_empty() {
                continue;
            }
            if env.optional(setting).is_some() {
                return Err(ConfigError::new(setting, format!("is set and also read from {name}")));
            }
            references.push(Reference {
                setting: setting.to_owned(),
                kind,
                id: id.trim().to_owned(),
            });
        }
        if references.is_empty() {
            return Ok(None);
        }
        // A stable order, so two reads compare value by value.
        references.sort_by(|a, b| a.setting.cmp(&b.setting));
        let max_age = env.parsed_or("SECRETS_MAX_AGE_SECONDS", DEFAULT_MAX_AGE_SECONDS)?;
        if max_age > 3600 {
            return Err(ConfigError::new("SECRETS_MAX_AGE_SECONDS", "must be at most 3600"));
        }
        Ok(Some(Self {
            references,
            extension: extension::Extension::from_env(env)?,
            max_age: Duration::from_secs(max_age),
        }))
    }

    pub fn references(&self) -> &[Reference] {
        &self.references
    }

    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    /// Every referenced value, in the order of [`Self::references`], read concurrently.
    pub async fn fetch(&self) -> Result<Vec<String>, SecretsError> {
        futures_util::future::try_join_all(self.references.iter().map(|r| self.extension.get(r))).await
    }

    /// `base` with each referenced setting given its value.
    pub fn apply(&self, base: &Env, values: &[String]) -> Env {
        self.references
            .iter()
            .zip(values)
            .fold(base.clone(), |env, (r, v)| env.with(&r.setting, v.clone()))
    }
}

/// `env` with its references read once (the tools, which run no invocation loop).
pub async fn resolve(env: Env) -> Result<Env, BoxError> {
    match Secrets::from_env(&env)? {
        None => Ok(env),
        Some(secrets) => {
            let values = secrets.fetch().await?;
            Ok(secrets.apply(&env, &values))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_ending_in_secret_id_or_parameter_are_read_at_run_time() {
        let env = Env::from_pairs([
            ("JWT_SIGNING_KEY_SECRET_ID", "fingertip/jwt-signing-key"),
            ("JWT_VERIFY_KEYS_PARAMETER", "/fingertip/jwt-verify-keys"),
            ("JWT_ISSUER", "fingertip"),
            ("AWS_SESSION_TOKEN", "t"),
        ]);
        let secrets = Secrets::from_env(&env).unwrap().unwrap();
        let found: Vec<_> = secrets
            .references()
            .iter()
            .map(|r| (r.setting.as_str(), r.kind))
            .collect();
        assert_eq!(
            found,
            [
                ("JWT_SIGNING_KEY", Kind::SecretsManager),
                ("JWT_VERIFY_KEYS", Kind::ParameterStore)
            ]
        );
        assert_eq!(secrets.max_age(), Duration::from_secs(60));
        let applied = secrets.apply(&env, &["k=private".into(), "k=public".into()]);
        assert_eq!(applied.optional("JWT_SIGNING_KEY"), Some("k=private"));
        assert_eq!(applied.optional("JWT_VERIFY_KEYS"), Some("k=public"));
    }

    #[test]
    fn a_function_without_references_reads_nothing_at_run_time() {
        let env = Env::from_pairs([("JWT_SIGNING_KEY", "k=private")]);
        assert!(Secrets::from_env(&env).unwrap().is_none());
    }

    #[test]
    fn a_setting_given_both_directly_and_by_reference_is_refused() {
        let env = Env::from_pairs([("CURSOR_KEY", "x"), ("CURSOR_KEY_SECRET_ID", "fingertip/cursor-key")]);
        assert_eq!(Secrets::from_env(&env).unwrap_err().name, "CURSOR_KEY");
    }

    #[test]
    fn references_need_the_session_token_the_extension_checks() {
        let env = Env::from_pairs([("CURSOR_KEY_SECRET_ID", "fingertip/cursor-key")]);
        assert_eq!(Secrets::from_env(&env).unwrap_err().name, "AWS_SESSION_TOKEN");
    }
}
