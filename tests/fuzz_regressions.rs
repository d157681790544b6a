//! Every input kept in `fuzz/regressions/<target>/` (crashes `make fuzz` found, and the
//! seeds it starts from) still runs clean through its fuzz target's body.

#[test]
fn every_kept_fuzz_input_runs_clean_through_its_target() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut ran = 0;
    for (name, target) in fuzz_harness::TARGETS {
        for dir in ["regressions", "seeds"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{name}: {} fails", path.display());
                ran += 1;
            }
        }
    }
    assert!(ran >= fuzz_harness::TARGETS.len(), "the seeds are there ({ran} inputs)");
}
