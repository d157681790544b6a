//! The store's own failures: a dependency that is throttled or unreachable (worth a retry),
//! or a fault (a bug, an unexpected answer). What a condition refuses is not an error here:
//! each write returns its own outcome, naming what failed.

use std::borrow::Cow;

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Throttled, timed out, dropped or answered with a server error: the caller may retry.
    #[error("{what}: the store is unavailable")]
    Unavailable {
        what: Cow<'static, str>,
        #[source]
        source: Option<BoxError>,
    },
    /// A bug or an answer the code does not expect.
    #[error("{what}")]
    Fault {
        what: Cow<'static, str>,
        #[source]
        source: Option<BoxError>,
    },
}

impl StoreError {
    pub fn fault(what: impl Into<Cow<'static, str>>, source: impl Into<BoxError>) -> Self {
        StoreError::Fault {
            what: what.into(),
            source: Some(source.into()),
        }
    }

    pub fn unavailable(what: impl Into<Cow<'static, str>>, source: impl Into<BoxError>) -> Self {
        StoreError::Unavailable {
            what: what.into(),
            source: Some(source.into()),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
