//! The CLI's commands, one module each concern: the local stack, tokens, benchmarks.

pub mod audit;
pub mod measure;
pub mod stack;
pub mod tokens;
