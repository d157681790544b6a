//! libFuzzer entry for `fuzz_harness::id_number`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_harness::id_number(data));
