//! Secrets and parameters read at run time, never at deploy time.
//!
//! A setting named `NAME_SECRET_ID` (a Secrets Manager secret) or `NAME_PARAMETER` (an SSM
//! parameter) is fetched through the AWS Parameters and Secrets Lambda extension and used as
//! `NAME`. Nothing secret sits in the function's configuration, where anyone allowed
//! `lambda:GetFunctionConfiguration` could read it, and a [`Setting`] reads its value where it
//! is first used and again once it is `SECRETS_MAX_AGE_SECONDS` old, so a rotation takes effect
//! without a deploy. A setting given directly as `NAME` (the tests, `cargo lambda watch`) is
//! parsed at cold start and used as it is.

mod extension;
mod setting;

pub use setting::{Setting, Unavailable};

use model::config::{ConfigError, Env};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

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

/// Why a value could not be read. It names the setting, never a value.
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

/// Where `env` says `name` is read from at run time, if it does. Naming both a secret and a
/// parameter is an error; a blank one names nothing.
pub fn reference(env: &Env, name: &str) -> Result<Option<Reference>, ConfigError> {
    let found: Vec<Reference> = [
        (format!("{name}_SECRET_ID"), Kind::SecretsManager),
        (format!("{name}_PARAMETER"), Kind::ParameterStore),
    ]
    .into_iter()
    .filter_map(|(variable, kind)| {
        let id = env.optional(&variable)?.trim();
        (!id.is_empty()).then(|| Reference {
            setting: name.to_owned(),
            kind,
            id: id.to_owned(),
        })
    })
    .collect();
    match <[Reference; 1]>::try_from(found) {
        Ok([one]) => Ok(Some(one)),
        Err(found) if found.is_empty() => Ok(None),
        Err(_) => Err(ConfigError::new(name, "is read from both a secret and a parameter")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_ending_in_secret_id_or_parameter_is_read_at_run_time() {
        let env = Env::from_pairs([
            ("JWT_SIGNING_KEY_SECRET_ID", "fingertip/jwt-signing-key"),
            ("JWT_VERIFY_KEYS_PARAMETER", " /fingertip/jwt-verify-keys "),
        ]);
        let signing = reference(&env, "JWT_SIGNING_KEY").unwrap().unwrap();
        assert_eq!(
            (signing.kind, signing.id.as_str()),
            (Kind::SecretsManager, "fingertip/jwt-signing-key")
        );
        let verify = reference(&env, "JWT_VERIFY_KEYS").unwrap().unwrap();
        assert_eq!(
            (verify.kind, verify.id.as_str()),
            (Kind::ParameterStore, "/fingertip/jwt-verify-keys")
        );
        assert_eq!(verify.variable(), "JWT_VERIFY_KEYS_PARAMETER");
    }

    #[test]
    fn a_blank_reference_names_nothing() {
        let env = Env::from_pairs([("CURSOR_KEY_SECRET_ID", " ")]);
        assert_eq!(reference(&env, "CURSOR_KEY").unwrap(), None);
    }

    #[test]
    fn a_setting_read_from_both_a_secret_and_a_parameter_is_refused() {
        let env = Env::from_pairs([("CURSOR_KEY_SECRET_ID", "a"), ("CURSOR_KEY_PARAMETER", "/a")]);
        assert_eq!(reference(&env, "CURSOR_KEY").unwrap_err().name, "CURSOR_KEY");
    }
}
