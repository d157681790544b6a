//! The 指尖办 model crate: everything two or more functions share.
//!
//! - [`config`]: typed settings read once per cold start.
//! - [`error`] and [`http`]: the API error type, the one place that renders it, and the
//!   request helpers every handler uses (JSON bodies, path and query parsing, request ids).
//! - [`auth`]: JWT issue and verification, roles, and the guards a handler calls first.
//! - [`domain`]: newtypes built at the edge (ID numbers, phones, names, codes, dates) and
//!   the working-day calendar.
//! - [`store`]: the DynamoDB client and one module per table with its access patterns.
//! - [`wechat`]: the WeChat API client.
//! - [`telemetry`] and [`mask`]: JSON logs for CloudWatch, with personal data masked.

pub mod auth;
pub mod config;
pub mod cursor;
pub mod domain;
pub mod error;
pub mod http;
pub mod mask;
pub mod metrics;
pub mod store;
pub mod telemetry;
pub mod tls;
pub mod wechat;

pub use error::ApiError;
