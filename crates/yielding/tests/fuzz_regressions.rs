//! Replays the inputs kept from fuzzing (`fuzz/regressions/<target>/`) through the same
//! checks the cargo-fuzz targets run, on stable. See `fuzz/README.md`.

#![cfg(feature = "io")]

use std::path::PathBuf;

#[path = "support/fuzz_checks.rs"]
mod fuzz_checks;

/// Every file kept for `target`, with its contents, in name order.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    files
        .into_iter()
        .map(|path| {
            let data = std::fs::read(&path).expect("a readable regression input");
            (path, data)
        })
        .collect()
}

#[test]
fn protocol_regressions() {
    for (path, data) in inputs("protocol") {
        eprintln!("protocol: {}", path.display());
        // Unlike under libFuzzer, the calls documented to panic are made, and must panic.
        fuzz_checks::check_protocol(&data, true);
        fuzz_checks::check_protocol(&data, false);
    }
}

#[test]
fn lines_regressions() {
    for (path, data) in inputs("lines") {
        eprintln!("lines: {}", path.display());
        fuzz_checks::check_lines(&data);
    }
}
