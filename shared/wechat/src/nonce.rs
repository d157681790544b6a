//! The sixteen random bytes that open every sealed reply, drawn fast.
//!
//! WeChat's format puts them in front of the message, and with a fixed IV they are what
//! makes two sealings of one reply differ, so they must be unpredictable. Asking the system
//! RNG for each reply cost a tenth of the callback's time; instead each thread draws one
//! AES-128 key from the system RNG and encrypts a counter with it (CTR_DRBG's construction,
//! NIST SP 800-90A): outputs no one without the key can predict, one AES block each. A new
//! key per thread and per cold start; 2^64 outputs per key is far beyond an instance's life.

use aes::Aes128;
use aes::cipher::{BlockCipherEncrypt, KeyInit};
use std::cell::RefCell;

struct Stream {
    cipher: Aes128,
    counter: u128,
}

thread_local! {
    static STREAM: RefCell<Stream> = RefCell::new(Stream::new());
}

impl Stream {
    fn new() -> Self {
        let key: [u8; 16] = model::random::bytes();
        Self {
            cipher: Aes128::new(&key.into()),
            counter: 0,
        }
    }
}

/// Sixteen unpredictable bytes, each call different.
pub fn random16() -> [u8; 16] {
    STREAM.with_borrow_mut(|s| {
        s.counter = s.counter.wrapping_add(1);
        let mut block = s.counter.to_be_bytes().into();
        s.cipher.encrypt_block(&mut block);
        block.into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_draws_are_alike_and_none_is_the_counter() {
        let draws: std::collections::HashSet<[u8; 16]> = (0..10_000).map(|_| random16()).collect();
        assert_eq!(draws.len(), 10_000);
        assert!(!draws.contains(&1u128.to_be_bytes()));
    }

    #[test]
    fn threads_draw_from_keys_of_their_own() {
        let here: Vec<[u8; 16]> = (0..100).map(|_| random16()).collect();
        let there = std::thread::spawn(|| (0..100).map(|_| random16()).collect::<Vec<_>>())
            .join()
            .unwrap();
        assert!(here.iter().all(|d| !there.contains(d)));
    }
}
