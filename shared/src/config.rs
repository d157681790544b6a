//! Typed configuration from the environment, read once per cold start.
//!
//! Every function builds its own `Config` from an [`Env`] at start-up; a missing or malformed
//! setting stops the start with a [`ConfigError`] naming the variable, so a bad deployment
//! fails its first invocation loudly instead of answering 500s later. Tests build an `Env`
//! from pairs, which keeps them free of process-global state.

use std::collections::HashMap;
use std::str::FromStr;

/// A snapshot of the settings a process starts with.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

/// A setting that is missing or cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("configuration {name}: {problem}")]
pub struct ConfigError {
    pub name: String,
    pub problem: String,
}

impl ConfigError {
    pub fn new(name: &str, problem: impl Into<String>) -> Self {
        Self {
            name: name.to_owned(),
            problem: problem.into(),
        }
    }
}

impl Env {
    /// The process environment, read once.
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars().collect(),
        }
    }

    /// Settings given explicitly (tests, the local gateway).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self {
            vars: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
        }
    }

    /// The same settings with `name` set to `value`.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.vars.insert(name.to_owned(), value.into());
        self
    }

    /// A setting that may be absent; an empty value counts as absent.
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str).filter(|v| !v.trim().is_empty())
    }

    /// A setting that must be present.
    pub fn required(&self, name: &str) -> Result<&str, ConfigError> {
        self.optional(name).ok_or_else(|| ConfigError::new(name, "is not set"))
    }

    /// A present setting parsed into `T`.
    pub fn parsed<T: FromStr>(&self, name: &str) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        let raw = self.required(name)?;
        raw.parse()
            .map_err(|e| ConfigError::new(name, format!("cannot be parsed: {e}")))
    }

    /// An optional setting parsed into `T`, or `default` when absent.
    pub fn parsed_or<T: FromStr>(&self, name: &str, default: T) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        match self.optional(name) {
            None => Ok(default),
            Some(_) => self.parsed(name),
        }
    }

    /// Every setting, for handing the same environment to a child process.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_setting_is_named_in_the_error() {
        let env = Env::from_pairs([("A", "1")]);
        let err = env.required("CITIZENS_TABLE").unwrap_err();
        assert_eq!(err.name, "CITIZENS_TABLE");
        assert!(err.to_string().contains("CITIZENS_TABLE"));
    }

    #[test]
    fn a_malformed_number_is_refused_with_its_name() {
        let env = Env::from_pairs([("WECHAT_TIMEOUT_MS", "soon")]);
        let err = env.parsed::<u64>("WECHAT_TIMEOUT_MS").unwrap_err();
        assert!(err.to_string().contains("WECHAT_TIMEOUT_MS"));
        assert_eq!(env.parsed_or::<u64>("OTHER_MS", 5).unwrap(), 5);
    }

    #[test]
    fn blank_values_count_as_absent() {
        let env = Env::from_pairs([("X", "  ")]);
        assert!(env.optional("X").is_none());
    }
}
