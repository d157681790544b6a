//! One secret setting: given directly, or read through the extension where it is first used
//! and read again once it is `max_age` old.
//!
//! Reading a value where it is used, rather than every value a function names before its
//! first answer, keeps a cold start to the reads its first request needs: most requests need
//! the JWT verify keys alone, a list needs the cursor key only to seal or open a cursor, and
//! the notifier needs WeChat's AppSecret only to refresh the shared access token. Each value is
//! parsed once per change, so a rotated key is checked as strictly as one given at cold start.
//! Should the extension fail, or a new value not be usable, the setting keeps the value it had
//! and tries again shortly: a rotation is never an outage.

use super::extension::Extension;
use super::{Kind, Reference, SecretsError};
use model::config::{ConfigError, Env};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How long a value read is used before it is read again, unless `SECRETS_MAX_AGE_SECONDS`
/// says otherwise. The extension caches for its own TTL (the template sets 60 s too), so a
/// rotation reaches every warm sandbox within about two minutes.
const DEFAULT_MAX_AGE_SECONDS: u64 = 60;
/// How soon a failed read or parse is tried again.
const RETRY: Duration = Duration::from_secs(10);

type Parse<T> = Box<dyn Fn(&str) -> Result<T, ConfigError> + Send + Sync>;

/// Why a setting has no value to use: only until its first successful read.
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    #[error("a secret setting could not be read")]
    Secrets(#[from] SecretsError),
    #[error("a secret setting's value is not usable")]
    Config(#[from] ConfigError),
}

/// A setting of type `T`, cheap to clone (clones share what was read).
pub struct Setting<T>(Arc<Source<T>>);

enum Source<T> {
    Given(Arc<T>),
    // Boxed: the extension's HTTP client is half a kilobyte, and most settings are given.
    Read(Box<Reader<T>>),
}

struct Reader<T> {
    reference: Reference,
    extension: Extension,
    max_age: Duration,
    parse: Parse<T>,
    // Lambda runs one invocation at a time per sandbox; the lock matters to the local
    // gateway, where concurrent requests wait for one read instead of each reading.
    held: tokio::sync::Mutex<Option<Held<T>>>,
}

struct Held<T> {
    value: Arc<T>,
    // A digest of the text read, to tell a change: the secret itself is not kept twice.
    digest: [u8; 32],
    next_read: Instant,
}

impl<T> Clone for Setting<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> std::fmt::Debug for Setting<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.0 {
            Source::Given(_) => f.write_str("Setting(given)"),
            Source::Read(r) => write!(f, "Setting({} read at run time)", r.reference.setting),
        }
    }
}

impl<T: Send + Sync + 'static> Setting<T> {
    /// A value known now (tests, tools).
    pub fn given(value: T) -> Self {
        Self(Arc::new(Source::Given(Arc::new(value))))
    }

    /// `name` from `env`: its value, parsed now, so a bad one stops the cold start; or, with
    /// `NAME_SECRET_ID` or `NAME_PARAMETER`, read and parsed at its first use. Either way
    /// `parse` names `name` in its errors.
    pub fn from_env<P>(env: &Env, name: &str, parse: P) -> Result<Self, ConfigError>
    where
        P: Fn(&str) -> Result<T, ConfigError> + Send + Sync + 'static,
    {
        Self::optional(env, name, parse)?.ok_or_else(|| ConfigError::new(name, "is not set"))
    }

    /// As [`Self::from_env`], `None` when `name` is neither set nor referenced.
    pub fn optional<P>(env: &Env, name: &str, parse: P) -> Result<Option<Self>, ConfigError>
    where
        P: Fn(&str) -> Result<T, ConfigError> + Send + Sync + 'static,
    {
        let reference = super::reference(env, name)?;
        let source = match (env.optional(name), reference) {
            (Some(_), Some(r)) => {
                return Err(ConfigError::new(
                    name,
                    format!("is set and also read from {}", r.variable()),
                ));
            }
            (Some(value), None) => Source::Given(Arc::new(parse(value)?)),
            (None, Some(reference)) => Source::Read(Box::new(Reader {
                reference,
                extension: Extension::from_env(env)?,
                max_age: max_age(env)?,
                parse: Box::new(parse),
                held: tokio::sync::Mutex::new(None),
            })),
            (None, None) => return Ok(None),
        };
        Ok(Some(Self(Arc::new(source))))
    }

    /// Whether [`Self::get`] would answer at once, without a read: given, or read and not yet
    /// `max_age` old. A caller that must otherwise wait for the read can start what it would
    /// do next beside it (the staff gate reads the directory while the verify keys are read).
    pub fn is_ready(&self) -> bool {
        match &*self.0 {
            Source::Given(_) => true,
            // Held by a read under way: not ready either.
            Source::Read(r) => r
                .held
                .try_lock()
                .is_ok_and(|held| held.as_ref().is_some_and(|h| Instant::now() < h.next_read)),
        }
    }

    /// The value to use now: read when first asked for, and again once it is `max_age` old.
    pub async fn get(&self) -> Result<Arc<T>, Unavailable> {
        match &*self.0 {
            Source::Given(value) => Ok(value.clone()),
            Source::Read(reader) => reader.get().await,
        }
    }
}

impl<T> Reader<T> {
    async fn get(&self) -> Result<Arc<T>, Unavailable> {
        let mut held = self.held.lock().await;
        let now = Instant::now();
        if let Some(h) = held.as_ref().filter(|h| now < h.next_read) {
            return Ok(h.value.clone());
        }
        let text = match self.extension.get(&self.reference).await {
            Ok(text) => text,
            Err(e) => return self.keep(&mut held, e.into()),
        };
        let digest = digest(&text);
        let next_read = now.checked_add(self.max_age).unwrap_or_else(far_future);
        if let Some(h) = held.as_mut().filter(|h| h.digest == digest) {
            h.next_read = next_read;
            return Ok(h.value.clone());
        }
        let value = match (self.parse)(&text) {
            Ok(value) => Arc::new(value),
            Err(e) => return self.keep(&mut held, e.into()),
        };
        if held.is_some() {
            tracing::info!(setting = %self.reference.setting, "secret setting changed: its new value is in use");
        }
        *held = Some(Held {
            value: value.clone(),
            digest,
            next_read,
        });
        Ok(value)
    }

    /// After a failed read or parse: the value there was, tried again in [`RETRY`]; or the
    /// error, when there was none.
    fn keep(&self, held: &mut Option<Held<T>>, err: Unavailable) -> Result<Arc<T>, Unavailable> {
        let Some(h) = held.as_mut() else { return Err(err) };
        tracing::error!(
            setting = %self.reference.setting,
            cause = %crate::error::chain(&err),
            "secret setting could not be refreshed; using the value read before"
        );
        h.next_read = Instant::now().checked_add(RETRY).unwrap_or_else(far_future);
        Ok(h.value.clone())
    }
}

impl Reference {
    /// The variable that names this reference: `NAME_SECRET_ID` or `NAME_PARAMETER`.
    pub fn variable(&self) -> String {
        match self.kind {
            Kind::SecretsManager => format!("{}_SECRET_ID", self.setting),
            Kind::ParameterStore => format!("{}_PARAMETER", self.setting),
        }
    }
}

fn max_age(env: &Env) -> Result<Duration, ConfigError> {
    let seconds = env.parsed_or("SECRETS_MAX_AGE_SECONDS", DEFAULT_MAX_AGE_SECONDS)?;
    if seconds > 3600 {
        return Err(ConfigError::new("SECRETS_MAX_AGE_SECONDS", "must be at most 3600"));
    }
    Ok(Duration::from_secs(seconds))
}

fn digest(text: &str) -> [u8; 32] {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes());
    let mut out = [0; 32];
    out.copy_from_slice(d.as_ref());
    out
}

fn far_future() -> Instant {
    // About thirty years: `Instant` has no maximum, and this never comes.
    Instant::now()
        .checked_add(Duration::from_secs(1 << 30))
        .unwrap_or_else(Instant::now)
}

#[cfg(test)]
mod tests;
