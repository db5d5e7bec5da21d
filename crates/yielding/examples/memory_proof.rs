//! Proof that reading a file with `yielding::io::LineReader` takes the same memory whatever
//! the file's size: Python's `for line in open(path)` promise, measured.
//!
//! ```text
//! cargo run --release --example memory_proof                  # a 10 MB and a 1 GB file
//! cargo run --release --example memory_proof -- 10MB 10GB     # any sizes (K, M, G: 10^3; KiB, MiB, GiB: 2^10)
//! ```
//!
//! The parent generates each file lazily, from a generator of access-log lines, in a fresh
//! temporary directory (removed at the end, also on a panic). Then, for each file, it runs
//! this same program again as a child process in "read" mode, once per reading form
//! (borrowed `next_line` and owned `into_lines`). The child notes its peak resident memory
//! before reading (its baseline: the program, the standard library, the stack), streams
//! the whole file through a `LineReader` counting lines and bytes, and reports its peak
//! again at the end: `VmHWM` from `/proc/self/status`, the kernel's high-water mark of the
//! resident set. A separate process per file means the peaks cannot contaminate each
//! other, and the page cache that holds the file is not part of any process's RSS.
//!
//! The claim checked: the peaks are the same for every size, and each stays within
//! 8 MiB plus the longest line above the child's baseline. Linux only (`/proc`).

use std::env;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use yielding::generator;
use yielding::io::{Error, LineReader};

#[path = "support/measure.rs"]
mod measure;
use measure::parse_size;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--read") => read_mode(&args[1..]),
        _ => parent_mode(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("memory_proof: {error}");
            ExitCode::FAILURE
        }
    }
}

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

// ---------------------------------------------------------------------------------------
// The child: stream one file, report the peak
// ---------------------------------------------------------------------------------------

/// `--read <path> <borrowed|owned>`: reads the file and prints one line of `key=value`
/// pairs for the parent.
fn read_mode(args: &[String]) -> Result<ExitCode> {
    let [path, form] = args else {
        return Err("usage: memory_proof --read <path> <borrowed|owned>".into());
    };
    let baseline = peak_rss_kib()?;
    let (lines, bytes, longest) = match form.as_str() {
        "borrowed" => read_borrowed(Path::new(path))?,
        "owned" => read_owned(Path::new(path))?,
        other => return Err(format!("unknown form {other:?}").into()),
    };
    let peak = peak_rss_kib()?;
    println!(
        "lines={lines} bytes={bytes} longest={longest} baseline_kib={baseline} peak_kib={peak}"
    );
    Ok(ExitCode::SUCCESS)
}

/// The borrowed form: each line is lent out of the reader's buffer, nothing is allocated.
fn read_borrowed(path: &Path) -> Result<(u64, u64, u64), Error> {
    let mut reader = LineReader::open(path)?;
    let (mut lines, mut bytes, mut longest) = (0u64, 0u64, 0u64);
    while let Some(line) = reader.next_line()? {
        lines += 1;
        bytes += line.len() as u64;
        longest = longest.max(line.len() as u64);
    }
    Ok((lines, bytes, longest))
}

/// The owned form: an Iterator of `String`s, each freed before the next is read.
fn read_owned(path: &Path) -> Result<(u64, u64, u64), Error> {
    let (mut lines, mut bytes, mut longest) = (0u64, 0u64, 0u64);
    for line in LineReader::open(path)? {
        let line = line?;
        lines += 1;
        bytes += line.len() as u64;
        longest = longest.max(line.len() as u64);
    }
    Ok((lines, bytes, longest))
}

/// This process's peak resident set size so far, in KiB (`VmHWM`).
fn peak_rss_kib() -> Result<u64> {
    measure::peak_rss_kib()
        .ok_or_else(|| "no VmHWM in /proc/self/status (this proof needs Linux)".into())
}

// ---------------------------------------------------------------------------------------
// The parent: generate the files, run a child per file and form, compare
// ---------------------------------------------------------------------------------------

/// What a child reported.
struct Report {
    lines: u64,
    bytes: u64,
    longest: u64,
    baseline_kib: u64,
    peak_kib: u64,
}

fn parent_mode(args: &[String]) -> Result<ExitCode> {
    let sizes: Vec<u64> = if args.is_empty() {
        vec![10_000_000, 1_000_000_000]
    } else {
        args.iter()
            .map(|a| parse_size(a))
            .collect::<Result<_, _>>()?
    };
    let dir = TempDir::new()?;
    let exe = env::current_exe()?;

    let mut rows = Vec::new();
    for &size in &sizes {
        let path = dir.path().join(format!("access-{size}.log"));
        eprintln!("generating {} ...", human(size));
        let written = write_log(&path, size)?;
        for form in ["borrowed", "owned"] {
            let report = run_child(&exe, &path, form)?;
            if report.bytes != written {
                return Err(format!("the child read {} bytes of {written}", report.bytes).into());
            }
            rows.push((size, form, report));
        }
        // Only one file on disk at a time.
        fs::remove_file(&path)?;
    }

    println!("Peak RSS (VmHWM) of a child process streaming the file through LineReader:\n");
    println!("| file | lines | form | baseline RSS | peak RSS | peak − baseline | longest line |");
    println!("|---:|---:|---|---:|---:|---:|---:|");
    for (size, form, r) in &rows {
        println!(
            "| {} | {} | {form} | {} KiB | {} KiB | {} KiB | {} B |",
            human(*size),
            r.lines,
            r.baseline_kib,
            r.peak_kib,
            r.peak_kib.saturating_sub(r.baseline_kib),
            r.longest
        );
    }

    // The claims: the same peak for every size, and within 8 MiB + the longest line.
    let mut holds = true;
    println!();
    for form in ["borrowed", "owned"] {
        // The first and last sizes given (by default the 10 MB and the 1 GB file).
        let runs: Vec<&(u64, &str, Report)> = rows.iter().filter(|(_, f, _)| *f == form).collect();
        let (first, last) = (runs[0], runs[runs.len() - 1]);
        let above = |r: &Report| r.peak_kib.saturating_sub(r.baseline_kib) as i64;
        println!(
            "{form}: peak {} KiB at {} vs {} KiB at {}, difference {:+} KiB; \
             above baseline {} vs {} KiB, difference {:+} KiB",
            first.2.peak_kib,
            human(first.0),
            last.2.peak_kib,
            human(last.0),
            last.2.peak_kib as i64 - first.2.peak_kib as i64,
            above(&first.2),
            above(&last.2),
            above(&last.2) - above(&first.2),
        );
    }
    for (size, form, r) in &rows {
        let bound_kib = (8 * MIB + r.longest) / KIB;
        let above = r.peak_kib.saturating_sub(r.baseline_kib);
        if above > bound_kib {
            holds = false;
            println!(
                "FAILS: {form} at {}: {above} KiB above the baseline, bound {bound_kib} KiB",
                human(*size)
            );
        }
    }
    if holds {
        println!("every run stayed within 8 MiB + the longest line above its baseline");
    }
    drop(dir);
    Ok(if holds {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn run_child(exe: &Path, path: &Path, form: &str) -> Result<Report> {
    let output = Command::new(exe)
        .arg("--read")
        .arg(path)
        .arg(form)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "child failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    let stdout = String::from_utf8(output.stdout)?;
    let field = |key: &str| -> Result<u64> {
        stdout
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("no {key} in the child's report {stdout:?}").into())
    };
    Ok(Report {
        lines: field("lines")?,
        bytes: field("bytes")?,
        longest: field("longest")?,
        baseline_kib: field("baseline_kib")?,
        peak_kib: field("peak_kib")?,
    })
}

/// Access-log lines, about 80 bytes each, forever: a generator, so that a file of any size
/// is written without ever holding more than one line. The consumer decides when to stop.
fn log_lines() -> impl Iterator<Item = String> {
    generator! {
        const PATHS: [&str; 6] = ["/", "/index.html", "/api/v1/items", "/login", "/static/app.js", "/search?q=rust"];
        const STATUSES: [u16; 4] = [200, 200, 304, 404];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        loop {
            // xorshift64*: a small deterministic PRNG.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
            yield format!(
                "10.{}.{}.{} - - [26/Nov/2026:{:02}:{:02}:{:02}] \"GET {} HTTP/1.1\" {} {}\n",
                r & 0xff,
                (r >> 8) & 0xff,
                (r >> 16) & 0xff,
                (r >> 24) % 24,
                (r >> 30) % 60,
                (r >> 36) % 60,
                PATHS[(r >> 42) as usize % PATHS.len()],
                STATUSES[(r >> 48) as usize % STATUSES.len()],
                (r >> 52) % 100_000,
            );
        }
    }
}

/// Writes log lines to `path` until at least `size` bytes; returns the bytes written.
fn write_log(path: &Path, size: u64) -> io::Result<u64> {
    let mut out = BufWriter::with_capacity(MIB as usize, File::create(path)?);
    let mut written = 0;
    for line in log_lines() {
        if written >= size {
            break;
        }
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
    }
    out.flush()?;
    Ok(written)
}

/// A temporary directory, removed with its contents when dropped, panics included.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> io::Result<TempDir> {
        let path = env::temp_dir().join(format!("yielding-memory-proof-{}", std::process::id()));
        fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(error) = fs::remove_dir_all(&self.0) {
            eprintln!("warning: could not remove {}: {error}", self.0.display());
        }
    }
}

/// A size for people: `10 MB`, `1 GB` (decimal, as the sizes are given).
fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000_000 => format!("{} GB", trim(b as f64 / 1e9)),
        b if b >= 1_000_000 => format!("{} MB", trim(b as f64 / 1e6)),
        b if b >= 1_000 => format!("{} kB", trim(b as f64 / 1e3)),
        b => format!("{b} B"),
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
