//! `LineReader` with options, buffer size and short reads decoded from the input, checked
//! against a naive whole-input splitter. See
//! `crates/yielding/tests/support/fuzz_checks.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/yielding/tests/support/fuzz_checks.rs"]
mod fuzz_checks;

fuzz_target!(|data: &[u8]| {
    fuzz_checks::check_lines(data);
});
