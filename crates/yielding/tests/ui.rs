//! Compile-fail tests for `generator!`: each case in `tests/ui/` must fail to compile with
//! exactly the diagnostics recorded in its `.stderr` file.
//!
//! Regenerate the `.stderr` files after a deliberate change to a diagnostic with
//! `TRYBUILD=overwrite cargo test -p yielding --test ui`, then read every changed file.
//!
//! The recorded diagnostics are stable rustc's: nightly and beta word some of them
//! differently (nightly adds a `#![feature]` hint to rustc's own `yield` error), so there
//! the test is ignored.

#[rustversion::attr(
    not(stable),
    ignore = "the .stderr files record stable rustc's diagnostics"
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
