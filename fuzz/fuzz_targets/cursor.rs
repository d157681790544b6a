//! libFuzzer entry for `fuzz_harness::cursor`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_harness::cursor(data));
