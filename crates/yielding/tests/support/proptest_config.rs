//! proptest's configuration for the property tests: its defaults normally; under Miri
//! (`.ci/run`), a few cases, and no regression file, since Miri isolates the test from the
//! file system, where proptest would look for it.

use proptest::test_runner::Config as ProptestConfig;

/// `cases` cases (4 under Miri).
pub(crate) fn config(cases: u32) -> ProptestConfig {
    if cfg!(miri) {
        ProptestConfig {
            cases: 4,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    } else {
        ProptestConfig::with_cases(cases)
    }
}
