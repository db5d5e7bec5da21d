//! Line reading throughput: `yielding::io::LineReader` against `wc -l`, std's `BufRead` and
//! Python's `for line in open(f)`, over the same ~1 GiB file of ~80-byte access-log lines,
//! page cache hot, in one run. BENCHMARKS.md has the results and the issue's targets.
//!
//! ```text
//! cargo bench -p yielding-benches --bench lines                          # 1 GiB, 5 rounds, about a minute
//! YIELDING_BENCH_QUICK=1 cargo bench -p yielding-benches --bench lines   # 64 MiB, 1 round
//! YIELDING_BENCH_LINES_MIB=256 cargo bench -p yielding-benches --bench lines   # another size
//! cargo bench -p yielding-benches --bench lines -- wc next_str        # only the rows whose name matches
//! cargo test -p yielding-benches --benches                               # smoke run: 8 MiB, checks line counts
//! ```
//!
//! Method. The file is generated in a fresh temporary directory, which a drop guard removes
//! at the end, also on a panic. It is read once before timing, so every row reads from the
//! page cache. Then each round runs every row once, in the same order (interleaved, so that
//! drift on this shared machine hits every row alike), and each row reports the median of
//! its rounds in GB/s (10^9 bytes of file per second). Every Rust row counts lines and sums
//! their lengths through `black_box`, and its line count is checked against the generator's,
//! as is `wc -l`'s. `wc -l` is timed from spawn to exit; Python times its own loop with
//! `time.perf_counter()` and prints it, so its start-up is not counted. The ratios at the end
//! are the issue's targets; timings are reported, never asserted.

use std::fs::{self, File};
use std::hint::black_box;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use yielding::io::{Newline, ReadOptions, Terminator};

const MIB: u64 = 1024 * 1024;

// ---------------------------------------------------------------------------------------
// The input
// ---------------------------------------------------------------------------------------

/// A temporary directory, removed with everything in it when dropped, panics included.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> io::Result<TempDir> {
        let path =
            std::env::temp_dir().join(format!("yielding-bench-lines-{}", std::process::id()));
        fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(error) = fs::remove_dir_all(&self.0) {
            eprintln!("warning: could not remove {}: {error}", self.0.display());
        }
    }
}

/// A small deterministic PRNG (xorshift64*), so that every run reads the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const PATHS: [&str; 8] = [
    "/",
    "/index.html",
    "/api/v1/items",
    "/api/v1/users/me",
    "/static/app.js",
    "/static/style.css",
    "/login",
    "/search?q=rust",
];
const STATUSES: [u16; 6] = [200, 200, 200, 304, 404, 500];

/// Writes at least `size` bytes of access-log lines, about 80 bytes each, to `path`, and
/// returns the number of lines. Every line ends with `\n`.
fn generate(path: &Path, size: u64) -> io::Result<u64> {
    let mut file = File::create(path)?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut chunk = Vec::with_capacity(MIB as usize + 256);
    let (mut written, mut lines) = (0u64, 0u64);
    while written < size {
        while chunk.len() < MIB as usize {
            let r = rng.next();
            writeln!(
                chunk,
                "10.{}.{}.{} - - [26/Nov/2026:{:02}:{:02}:{:02}] \"GET {} HTTP/1.1\" {} {}",
                r & 0xff,
                (r >> 8) & 0xff,
                (r >> 16) & 0xff,
                (r >> 24) % 24,
                (r >> 32) % 60,
                (r >> 40) % 60,
                PATHS[rng.below(PATHS.len() as u64) as usize],
                STATUSES[rng.below(STATUSES.len() as u64) as usize],
                rng.below(100_000),
            )?;
            lines += 1;
        }
        file.write_all(&chunk)?;
        written += chunk.len() as u64;
        chunk.clear();
    }
    file.sync_all()?;
    Ok(lines)
}

/// Reads the whole file once, so that the timed rows find it in the page cache.
fn warm(path: &Path) -> io::Result<u64> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; MIB as usize];
    let mut total = 0u64;
    loop {
        match file.read(&mut buf)? {
            0 => return Ok(total),
            n => total += n as u64,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The rows
// ---------------------------------------------------------------------------------------

/// One timed read of the file: its duration and, where the reader says, the lines it saw.
struct Sample {
    seconds: f64,
    lines: Option<u64>,
}

type Reader = fn(&Path) -> Result<Sample, String>;

/// Times a Rust row: `read` returns (lines, bytes of line content seen).
fn timed(read: impl FnOnce() -> Result<(u64, u64), String>) -> Result<Sample, String> {
    let start = Instant::now();
    let (lines, bytes) = read()?;
    let seconds = start.elapsed().as_secs_f64();
    black_box(bytes);
    Ok(Sample {
        seconds,
        lines: Some(lines),
    })
}

fn wc_l(path: &Path) -> Result<Sample, String> {
    let start = Instant::now();
    let output = Command::new("wc")
        .arg("-l")
        .arg(path)
        .env("LC_ALL", "C")
        .output()
        .map_err(|e| format!("cannot run wc: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!("wc failed: {}", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines = stdout
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("unexpected wc output {stdout:?}"))?;
    Ok(Sample {
        seconds,
        lines: Some(lines),
    })
}

/// Python's idiom, timed inside Python so that the interpreter's start-up is not counted.
const PYTHON: &str = "\
import sys, time
f = sys.argv[1]
t = time.perf_counter()
for line in open(f): pass
print(time.perf_counter() - t)
";

fn python(path: &Path) -> Result<Sample, String> {
    let output = Command::new("python3")
        .arg("-c")
        .arg(PYTHON)
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "python3 failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let seconds = stdout
        .trim()
        .parse()
        .map_err(|_| format!("unexpected python3 output {stdout:?}"))?;
    Ok(Sample {
        seconds,
        lines: None,
    })
}

fn io_error(error: io::Error) -> String {
    error.to_string()
}

#[inline(never)]
fn std_lines(path: &Path) -> Result<Sample, String> {
    timed(|| {
        let reader = BufReader::new(File::open(path).map_err(io_error)?);
        let (mut lines, mut bytes) = (0u64, 0u64);
        for line in reader.lines() {
            let line = line.map_err(io_error)?;
            lines += 1;
            bytes += black_box(line).len() as u64;
        }
        Ok((lines, bytes))
    })
}

#[inline(never)]
fn std_read_until(path: &Path) -> Result<Sample, String> {
    timed(|| {
        let mut reader = BufReader::new(File::open(path).map_err(io_error)?);
        let mut line = Vec::new();
        let (mut lines, mut bytes) = (0u64, 0u64);
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line).map_err(io_error)? == 0 {
                break;
            }
            lines += 1;
            bytes += black_box(&line).len() as u64;
        }
        Ok((lines, bytes))
    })
}

/// The floor for a line splitter: a 64 KiB buffer, one `memchr` per line, `\n` only, no
/// line numbers, limits or errors beyond I/O. What `LineReader` adds is measured against it.
#[inline(never)]
fn memchr_splitter(path: &Path) -> Result<Sample, String> {
    timed(|| {
        let mut file = File::open(path).map_err(io_error)?;
        let mut buf = vec![0u8; 64 * 1024];
        let (mut start, mut end) = (0, 0);
        let (mut lines, mut bytes) = (0u64, 0u64);
        loop {
            while let Some(i) = memchr::memchr(b'\n', &buf[start..end]) {
                lines += 1;
                bytes += black_box(&buf[start..start + i + 1]).len() as u64;
                start += i + 1;
            }
            // Keep the partial line, grow the buffer if it is full of one line, refill.
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
            if end == buf.len() {
                buf.resize(buf.len() * 2, 0);
            }
            match file.read(&mut buf[end..]).map_err(io_error)? {
                0 if end == 0 => return Ok((lines, bytes)),
                0 => {
                    lines += 1;
                    bytes += black_box(&buf[..end]).len() as u64;
                    return Ok((lines, bytes));
                }
                n => end += n,
            }
        }
    })
}

/// Inlined into each row, so that the options are constants there, as in a program that
/// writes `ReadOptions::new()...open(path)` where it reads.
#[inline(always)]
fn next_line_with(path: &Path, options: ReadOptions) -> Result<(u64, u64), String> {
    let mut reader = options.open(path).map_err(|e| e.to_string())?;
    let (mut lines, mut bytes) = (0u64, 0u64);
    while let Some(line) = reader.next_line().map_err(|e| e.to_string())? {
        lines += 1;
        bytes += black_box(line).len() as u64;
    }
    Ok((lines, bytes))
}

#[inline(never)]
fn next_line_universal(path: &Path) -> Result<Sample, String> {
    timed(|| next_line_with(path, ReadOptions::new()))
}

#[inline(never)]
fn next_line_lf(path: &Path) -> Result<Sample, String> {
    timed(|| next_line_with(path, ReadOptions::new().newline(Newline::LF)))
}

#[inline(never)]
fn next_str(path: &Path) -> Result<Sample, String> {
    timed(|| {
        let mut reader = ReadOptions::new().open(path).map_err(|e| e.to_string())?;
        let (mut lines, mut bytes) = (0u64, 0u64);
        while let Some(line) = reader.next_str().map_err(|e| e.to_string())? {
            lines += 1;
            bytes += black_box(line).len() as u64;
        }
        Ok((lines, bytes))
    })
}

#[inline(always)]
fn into_lines_with(path: &Path, options: ReadOptions) -> Result<(u64, u64), String> {
    let reader = options.open(path).map_err(|e| e.to_string())?;
    let (mut lines, mut bytes) = (0u64, 0u64);
    for line in reader.into_lines() {
        let line = line.map_err(|e| e.to_string())?;
        lines += 1;
        bytes += black_box(line).len() as u64;
    }
    Ok((lines, bytes))
}

#[inline(never)]
fn into_lines(path: &Path) -> Result<Sample, String> {
    timed(|| into_lines_with(path, ReadOptions::new()))
}

#[inline(never)]
fn into_lines_strip(path: &Path) -> Result<Sample, String> {
    timed(|| into_lines_with(path, ReadOptions::new().terminator(Terminator::Strip)))
}

const WC: &str = "`wc -l` (spawned)";
const STD_LINES: &str = "std `BufRead::lines()`";
const NEXT_LINE: &str = "yielding `next_line` (`&[u8]`, universal newlines)";
const NEXT_LINE_LF: &str = "yielding `next_line` (`&[u8]`, `Newline::LF`)";
const NEXT_STR: &str = "yielding `next_str` (`&str`, validated)";
const INTO_LINES: &str = "yielding `into_lines` (owned `String`)";

const ROWS: [(&str, Reader); 10] = [
    (WC, wc_l),
    (
        "plain `memchr` splitter (`&[u8]`, `\\n` only)",
        memchr_splitter,
    ),
    (STD_LINES, std_lines),
    ("std `BufRead::read_until`, reused `Vec`", std_read_until),
    ("Python 3 `for line in open(f): pass`", python),
    (NEXT_LINE, next_line_universal),
    (NEXT_LINE_LF, next_line_lf),
    (NEXT_STR, next_str),
    (INTO_LINES, into_lines),
    (
        "yielding `into_lines`, `Terminator::Strip` (as `BufRead::lines`)",
        into_lines_strip,
    ),
];

// ---------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------

struct Config {
    size: u64,
    rounds: usize,
    label: &'static str,
    /// False for the smoke run, whose numbers are not worth a verdict.
    measuring: bool,
    /// Words from the command line: only the rows whose name contains one of them run.
    filters: Vec<String>,
}

impl Config {
    fn from_env() -> Config {
        let quick = std::env::var_os("YIELDING_BENCH_QUICK").is_some_and(|v| v != "0");
        // `cargo bench` passes `--bench`. Without it the binary runs as a test (`cargo test
        // --benches`): a small smoke run that checks the rows agree, and measures nothing.
        let mut benching = false;
        let mut filters = Vec::new();
        for arg in std::env::args().skip(1) {
            match arg.as_str() {
                "--bench" => benching = true,
                // Any other flag (a test harness's, say) is ignored.
                flag if flag.starts_with('-') => {}
                filter => filters.push(filter.to_lowercase()),
            }
        }
        let mut config = if !benching {
            Config {
                size: 8 * MIB,
                rounds: 1,
                label: " — smoke run (cargo test), numbers meaningless",
                measuring: false,
                filters,
            }
        } else if quick {
            Config {
                size: 64 * MIB,
                rounds: 1,
                label: " — QUICK run, numbers unreliable",
                measuring: true,
                filters,
            }
        } else {
            Config {
                size: 1024 * MIB,
                rounds: 5,
                label: "",
                measuring: true,
                filters,
            }
        };
        if let Some(mib) = std::env::var("YIELDING_BENCH_LINES_MIB")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            config.size = mib.max(1) * MIB;
        }
        config
    }

    /// Whether the row called `name` runs.
    fn selects(&self, name: &str) -> bool {
        let name = name.to_lowercase();
        self.filters.is_empty() || self.filters.iter().any(|f| name.contains(f.as_str()))
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn main() {
    let config = Config::from_env();
    let dir = TempDir::new().expect("create a temporary directory");
    let path = dir.0.join("access.log");

    let start = Instant::now();
    let expected_lines = generate(&path, config.size).expect("generate the input");
    let size = warm(&path).expect("read the input once");
    println!(
        "# Line reading: {:.2} GiB, {expected_lines} lines of {:.1} bytes on average{}",
        size as f64 / (1024.0 * MIB as f64),
        size as f64 / expected_lines as f64,
        config.label
    );
    println!(
        "generated in {:.1} s; {} rounds, rows interleaved; median GB/s (10^9 B/s)\n",
        start.elapsed().as_secs_f64(),
        config.rounds
    );

    // speeds[row] = GB/s of each round; a row that cannot run (no python3, say) is skipped.
    let mut speeds: Vec<Vec<f64>> = vec![Vec::new(); ROWS.len()];
    let mut skipped: Vec<Option<String>> = vec![None; ROWS.len()];
    for _ in 0..config.rounds {
        for (i, (name, read)) in ROWS.iter().enumerate() {
            if skipped[i].is_some() || !config.selects(name) {
                continue;
            }
            match read(&path) {
                Ok(sample) => {
                    if let Some(lines) = sample.lines {
                        assert_eq!(lines, expected_lines, "{name} counted the wrong lines");
                    }
                    speeds[i].push(size as f64 / sample.seconds / 1e9);
                }
                Err(reason) => {
                    eprintln!("skipping {name}: {reason}");
                    skipped[i] = Some(reason);
                }
            }
        }
    }

    let medians: Vec<Option<f64>> = speeds
        .iter_mut()
        .map(|s| (!s.is_empty()).then(|| median(s)))
        .collect();
    let by_name = |name: &str| {
        ROWS.iter()
            .position(|(n, _)| *n == name)
            .and_then(|i| medians[i])
    };
    let wc = by_name(WC);

    println!("| reader | median GB/s | min–max GB/s | ratio to `wc -l` |");
    println!("|---|---:|---:|---:|");
    for (i, (name, _)) in ROWS.iter().enumerate() {
        match medians[i] {
            Some(m) => {
                let (lo, hi) = speeds[i]
                    .iter()
                    .fold((f64::MAX, 0.0f64), |(lo, hi), &s| (lo.min(s), hi.max(s)));
                let ratio = wc.map_or("—".to_string(), |wc| format!("{:.2}×", m / wc));
                println!("| {name} | {m:.2} | {lo:.2}–{hi:.2} | {ratio} |");
            }
            None if config.selects(name) => println!("| {name} | skipped | | |"),
            None => {}
        }
    }

    println!("\n| target | measured | target | verdict |");
    println!("|---|---:|---|---|");
    let targets = [
        (
            "borrowed bytes, universal newlines / `wc -l`",
            NEXT_LINE,
            WC,
            0.5,
        ),
        (
            "borrowed bytes, `Newline::LF` / `wc -l`",
            NEXT_LINE_LF,
            WC,
            0.5,
        ),
        ("validated `&str` / `wc -l`", NEXT_STR, WC, 0.35),
        (
            "owned `String` / `BufRead::lines`",
            INTO_LINES,
            STD_LINES,
            1.5,
        ),
    ];
    for (what, ours, theirs, target) in targets {
        match (by_name(ours), by_name(theirs)) {
            (Some(a), Some(b)) => {
                let ratio = a / b;
                let verdict = match (config.measuring, ratio >= target) {
                    (false, _) => "— (smoke run)",
                    (true, true) => "meets",
                    (true, false) => "misses",
                };
                println!("| {what} | {ratio:.3}× | ≥ {target}× | {verdict} |");
            }
            _ => println!("| {what} | — | ≥ {target}× | not measured |"),
        }
    }
    drop(dir);
}
