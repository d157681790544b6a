//! The 指尖办 HTTP plumbing every function's handler sits on.
//!
//! - [`error`]: the API error type, its codes as one table, and the one place other crates'
//!   failures (bad fields, the store's) become its answers.
//! - [`http`]: serving a request (its span, the one renderer of errors, panics caught),
//!   JSON bodies, path and query parsing, pages.
//! - [`auth`]: JWT issue and verification, roles, and the guards a handler calls first.
//! - [`staff`] and [`audit`]: a staff token checked against the directory, and the actor
//!   each audit record names.
//! - [`enterprise`]: whether a citizen may act for an enterprise (法人), checked once for
//!   every route.
//! - [`cursor`]: list cursors sealed to their list, caller and filters.
//! - [`idempotency`]: the `Idempotency-Key` of creating routes, hashed and replayed.
//! - [`secrets`]: secrets and parameters read at run time through the Parameters and Secrets
//!   extension, each where it is first used, and again once a minute old.
//! - [`telemetry`] and [`metrics`]: JSON logs with personal data scrubbed, and business
//!   figures as Embedded Metric Format lines.

pub mod audit;
pub mod auth;
pub mod cursor;
pub mod enterprise;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod metrics;
pub mod secrets;
pub mod staff;
pub mod telemetry;

pub use error::{ApiError, Code};
