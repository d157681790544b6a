//! The CLI's commands, one module each concern: the local stack, tokens, benchmarks.

pub mod measure;
pub mod stack;
pub mod tokens;
