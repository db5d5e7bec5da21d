//! Compile-fail tests for `generator!`: each case in `tests/ui/` must fail to compile with
//! exactly the diagnostics recorded in its `.stderr` file.
//!
//! Regenerate the `.stderr` files after a deliberate change to a diagnostic with
//! `TRYBUILD=overwrite cargo test -p yielding --test ui`, then read every changed file.
//!
//! The recorded diagnostics are those of one pinned stable rustc, 1.95: other versions word
//! and format them differently (nightly adds a `#![feature]` hint to rustc's own `yield`
//! error; 1.85, the MSRV, aligns line numbers otherwise, shortens type paths and lists the
//! implementations of a missing trait differently), so on every other toolchain the test is
//! ignored, with the version it needs as the reason. Moving the pin to a newer stable means
//! regenerating the `.stderr` files with it and changing the version here.

#[rustversion::attr(
    not(stable(1.95)),
    ignore = "the .stderr files record stable rustc 1.95's diagnostics; run on 1.95 to check them"
)]
#[test]
fn ui() {
    // trybuild finds the package from `CARGO_MANIFEST_DIR`, or else from the working
    // directory: make the binary work when run directly too (as CI's valgrind step does,
    // from the workspace root).
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).expect("the package directory");
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
