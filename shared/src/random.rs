//! Randomness for ids, numbers and codes: the one place that asks the system for it.

/// `N` bytes from the system's generator.
#[expect(
    clippy::expect_used,
    reason = "aws-lc draws from getrandom, which fails only where the kernel has no entropy \
              source at all; nothing a request sends reaches it, and a sandbox without \
              randomness must not hand out ids"
)]
pub fn bytes<const N: usize>() -> [u8; N] {
    use aws_lc_rs::rand::SecureRandom;
    let mut out = [0u8; N];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut out)
        .expect("the system RNG works");
    out
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}
