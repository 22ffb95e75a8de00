//! Every input a fuzz target ever failed on, kept under `fuzz/regressions/<target>/`, replayed under plain
//! `cargo test` with the very invariants the fuzzer asserts (shared from `fuzz/src/checks.rs`), so `make test`
//! guards the fixes without cargo-fuzz or nightly.

#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions")
}

/// The emulator's target needs the emulator crate, which the core cannot depend on: `make fuzz` replays its kept
/// inputs (fuzz/run.py passes every regressions folder to its target as a second corpus).
const REPLAYED_ELSEWHERE: [&str; 1] = ["emulator"];

#[test]
fn every_kept_fuzz_input_passes_its_invariants() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (target, check) in checks::TARGETS {
        let dir = regressions().join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut inputs: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
        inputs.sort();
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&data))) {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{}: {why}", input.display()));
            }
            replayed += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {replayed} kept fuzz inputs fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_regression_folder_names_a_target() {
    let Ok(entries) = std::fs::read_dir(regressions()) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            let known = checks::TARGETS.iter().any(|(t, _)| *t == name) || REPLAYED_ELSEWHERE.contains(&name.as_str());
            assert!(known, "fuzz/regressions/{name} is not a fuzz target, so its inputs would never be replayed");
        }
    }
}
