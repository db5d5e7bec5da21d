//! No code: the tests in `tests/` call `generator!` through a dependency renamed in
//! `Cargo.toml` (`renamed_yielding`) and through a crate that re-exports it
//! (`yielding_reexporter`), with no dependency named `yielding` in scope.
