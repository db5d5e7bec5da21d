//! Measuring helpers shared by the examples that report sizes and memory (`big_file`,
//! `memory_proof`, `stress`). Included with `#[path = "support/measure.rs"] mod measure;`;
//! not an example of its own.

#![allow(dead_code)] // each example uses part of it

/// Peak resident set size so far, in KiB: `VmHWM` in `/proc/self/status` (Linux only).
pub(crate) fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}

/// `10MB`, `1GB`, `512KiB`, `2G`, `4096`: decimal units (K, M, G, T = 10^3..10^12), binary
/// ones with an `i` (KiB, MiB, GiB, TiB = 2^10..2^40), a trailing `B` optional.
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let upper = text.trim().to_ascii_uppercase();
    let digits_end = upper
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(upper.len());
    let (number, unit) = upper.split_at(digits_end);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("not a size: {text:?}"))?;
    let multiplier: u64 = match unit.trim() {
        "" | "B" => 1,
        "K" | "KB" => 1_000,
        "M" | "MB" => 1_000_000,
        "G" | "GB" => 1_000_000_000,
        "T" | "TB" => 1_000_000_000_000,
        "KI" | "KIB" => 1 << 10,
        "MI" | "MIB" => 1 << 20,
        "GI" | "GIB" => 1 << 30,
        "TI" | "TIB" => 1 << 40,
        _ => return Err(format!("unknown unit in {text:?}")),
    };
    Ok((number * multiplier as f64) as u64)
}
