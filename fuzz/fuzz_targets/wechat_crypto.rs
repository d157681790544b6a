//! libFuzzer entry for `fuzz_harness::wechat_crypto`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_harness::wechat_crypto(data));
