//! A generator program and a script of protocol calls, decoded from the input and checked
//! against a reference model. See `crates/yielding/tests/support/fuzz_checks.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/yielding/tests/support/fuzz_checks.rs"]
mod fuzz_checks;

fuzz_target!(|data: &[u8]| {
    // libFuzzer's panic hook aborts, so the calls documented to panic are skipped here;
    // the regression test makes them under `catch_unwind`.
    fuzz_checks::check_protocol(data, false);
});
