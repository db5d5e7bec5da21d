//! Records the compiler's version, which the output's header reports: nightly changes
//! how coroutines compile from one day to the next.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(
            || "rustc (unknown version)".to_owned(),
            |v| v.trim().to_owned(),
        );
    println!("cargo:rustc-env=NATIVE_BENCH_RUSTC={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
