//! The developer CLI's library: the template reader, table creation, demo data, the local
//! API gateway and the WeChat sandbox. The test suite uses the same pieces to build its
//! stack, so tests and `make run` share one wiring.

pub mod bench;
pub mod cmd;
pub mod demo;
pub mod functions;
pub mod gateway;
pub mod local;
pub mod sandbox;
pub mod secrets;
pub mod seed;
pub mod site;
pub mod streams;
pub mod tables;
pub mod template;
