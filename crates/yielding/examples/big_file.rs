//! Python's big-data pattern, at any size: write an access log lazily with a generator,
//! then stream statistics over it through a pipeline of generators, in constant memory.
//!
//! ```text
//! cargo run --release --example big_file                     # 50 MB, a few seconds
//! cargo run --release --example big_file -- --size 1GB
//! cargo run --release --example big_file -- --size 10GB      # the same peak memory
//! cargo run --release --example big_file -- --size 200MB --path access.log --keep
//! ```
//!
//! Options: `--size N` (`50MB` by default; K, M, G, T are powers of 1000, KiB, MiB, GiB,
//! TiB powers of 1024), `--path FILE` (a file in the temporary directory by default),
//! `--keep` (do not delete the file at the end).
//!
//! The same program in Python would be:
//!
//! ```python
//! def requests():                      # an infinite generator of log entries
//!     while True:
//!         yield random_request()
//!
//! def read_lines(path):                # stage 1: the file, one line at a time
//!     with open(path) as f:
//!         yield from f
//!
//! def parse(lines):                    # stage 2: line -> (status, path, bytes)
//!     for line in lines:
//!         ...
//!         yield status, path, size
//!
//! for status, path, size in parse(read_lines(path)):   # the sink pulls, one item at a time
//!     ...
//! ```
//!
//! At the end it prints the peak resident memory (`VmHWM`, Linux), which does not grow
//! with `--size`: nothing holds more than one line at a time, and the statistics are a
//! handful of counters (the log has a fixed set of paths; a real log's path table grows
//! with the number of *distinct* paths, not with the file's size).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use yielding::generator;
use yielding::io::{LineReader, ReadOptions, Source, Terminator};

#[path = "support/measure.rs"]
mod measure;
use measure::{parse_size, peak_rss_kib};

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("big_file: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args = Args::parse(std::env::args().skip(1))?;
    // Deletes the file when `run` returns, on an error or a panic too, unless `--keep`.
    let file = OutputFile {
        path: args.path.clone(),
        keep: args.keep,
    };

    // 1. Write the log: a generator of requests, written one line at a time.
    let started = Instant::now();
    let (lines_written, bytes_written) = write_log(&file.path, args.size)?;
    let write_seconds = started.elapsed().as_secs_f64();
    println!(
        "wrote {} ({lines_written} lines) to {} in {write_seconds:.1} s ({:.0} MB/s)",
        human(bytes_written),
        file.path.display(),
        bytes_written as f64 / write_seconds / 1e6,
    );

    // 2. Read it back through the pipeline: lines -> parse -> statistics.
    let started = Instant::now();
    let reader = ReadOptions::new()
        .terminator(Terminator::Strip)
        .open(&file.path)?;
    let progress = progress_bar(bytes_written, "reading");
    let mut lines = read_lines(reader, progress.clone());
    let mut requests = parse(&mut lines);
    let stats = Stats::collect(&mut requests);
    // Python's `StopIteration.value`: each stage returns a value when it finishes.
    let malformed = requests.take_return().unwrap_or(0);
    drop(requests);
    let bytes_read = lines.take_return().ok_or("the reader stopped early")??;
    progress.finish_and_clear();
    let read_seconds = started.elapsed().as_secs_f64();

    stats.print(bytes_read, malformed);
    println!(
        "read in {read_seconds:.1} s ({:.0} MB/s)",
        bytes_read as f64 / read_seconds / 1e6
    );
    match peak_rss_kib() {
        Some(kib) => println!(
            "peak memory (VmHWM): {kib} KiB ({:.1} MiB)",
            kib as f64 / 1024.0
        ),
        None => println!("peak memory: unavailable (needs Linux's /proc)"),
    }
    if args.keep {
        println!("kept {}", file.path.display());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Writing: a generator of requests
// ---------------------------------------------------------------------------------------

/// One request of the access log. Its `Display` is the log line, without the newline.
struct Request {
    ip: [u8; 4],
    seconds: u32,
    method: &'static str,
    path: &'static str,
    status: u16,
    bytes: u32,
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.ip;
        let (h, m, s) = (
            self.seconds / 3600,
            self.seconds / 60 % 60,
            self.seconds % 60,
        );
        write!(
            f,
            "{a}.{b}.{c}.{d} - - [26/Nov/2026:{h:02}:{m:02}:{s:02} +0000] \"{} {} HTTP/1.1\" {} {}",
            self.method, self.path, self.status, self.bytes
        )
    }
}

/// The paths requested, most popular first: a few are hot, most are rare, so that the top 5
/// means something.
const PATHS: [&str; 16] = [
    "/",
    "/index.html",
    "/api/v1/items",
    "/static/app.js",
    "/static/style.css",
    "/api/v1/users/me",
    "/login",
    "/search?q=generators",
    "/docs/getting-started",
    "/favicon.ico",
    "/api/v1/orders",
    "/blog/2026/11/yield",
    "/robots.txt",
    "/admin",
    "/.env",
    "/wp-login.php",
];

/// Every request the log will ever hold, made on demand: an infinite generator, as Python's
/// `while True: yield ...`. The writer pulls as many as the size asks for; none is
/// made before it is needed, and none is kept after it is written.
fn requests(seed: u64) -> impl Iterator<Item = Request> {
    generator! {
        let mut rng = Rng(seed);
        let mut seconds = 0u32;
        loop {
            let r = rng.next();
            let path = PATHS[zipf(&mut rng)];
            let status = match r % 100 {
                0..=79 => 200,
                80..=89 => 304,
                90..=96 => 404,
                97..=98 => 500,
                _ => 301,
            };
            seconds = (seconds + (r >> 60) as u32) % 86_400;
            yield Request {
                ip: [10, (r >> 8) as u8, (r >> 16) as u8, (r >> 24) as u8],
                seconds,
                method: if r >> 32 & 7 == 0 { "POST" } else { "GET" },
                path,
                status,
                bytes: if status == 304 { 0 } else { (r >> 36) as u32 % 50_000 },
            };
        }
    }
}

/// Writes requests to `path` until it holds at least `size` bytes; returns the lines and
/// bytes written.
fn write_log(path: &Path, size: u64) -> Result<(u64, u64)> {
    let mut out = BufWriter::with_capacity(1 << 16, File::create(path)?);
    let progress = progress_bar(size, "writing");
    let (mut lines, mut bytes) = (0u64, 0u64);
    let mut line = String::new();
    for request in requests(2026) {
        if bytes >= size {
            break;
        }
        line.clear();
        // `fmt::Write` into a reused String: no allocation per line.
        fmt::Write::write_fmt(&mut line, format_args!("{request}\n"))?;
        out.write_all(line.as_bytes())?;
        lines += 1;
        bytes += line.len() as u64;
        if lines % 4096 == 0 {
            progress.set_position(bytes);
        }
    }
    out.flush()?;
    progress.finish_and_clear();
    Ok((lines, bytes))
}

// ---------------------------------------------------------------------------------------
// Reading: a pipeline of generators
// ---------------------------------------------------------------------------------------

/// Stage 1, the source: the file's lines, one at a time, as owned `String`s. The reader
/// keeps one 64 KiB buffer whatever the file's size. The generator *returns* (Python's
/// `StopIteration.value`) the bytes read, or the I/O error that stopped it.
fn read_lines(
    mut reader: LineReader<Source>,
    progress: ProgressBar,
) -> yielding::Gen<String, (), impl Future<Output = Result<u64, yielding::io::Error>>> {
    generator! {
        while let Some(line) = reader.next_str()? {
            let line = line.to_owned();
            // The progress bar follows the reader's byte offset. Updating it every few
            // thousand lines keeps its cost out of the loop.
            if reader.line_number() % 4096 == 0 {
                progress.set_position(reader.offset());
            }
            yield line;
        }
        progress.set_position(reader.offset());
        Ok(reader.offset())
    }
}

/// A parsed request: what the statistics need.
struct Hit {
    status: u16,
    path: String,
    bytes: u64,
}

/// Stage 2: parses each line into a [`Hit`]. It takes any `IntoIterator` of lines, so it
/// composes with any Iterator, as Python's generator functions do. Lines it cannot parse
/// are skipped and counted; the count is its return value.
fn parse<I>(lines: I) -> yielding::Gen<Hit, (), impl Future<Output = u64>>
where
    I: IntoIterator<Item = String>,
{
    generator! {
        let mut malformed = 0u64;
        for line in lines {
            match parse_line(&line) {
                Some(hit) => yield hit,
                None => malformed += 1,
            }
        }
        malformed
    }
}

/// `ip - - [time] "METHOD PATH PROTOCOL" STATUS BYTES`
fn parse_line(line: &str) -> Option<Hit> {
    let (_, rest) = line.split_once('"')?;
    let (request, rest) = rest.split_once('"')?;
    let path = request.split(' ').nth(1)?;
    let mut fields = rest.split_ascii_whitespace();
    let status = fields.next()?.parse().ok()?;
    let bytes = match fields.next()? {
        "-" => 0,
        n => n.parse().ok()?,
    };
    Some(Hit {
        status,
        path: path.to_owned(),
        bytes,
    })
}

/// Stage 3, the sink: pulls every hit and keeps counters only.
#[derive(Default)]
struct Stats {
    requests: u64,
    bytes_served: u64,
    by_status: BTreeMap<u16, u64>,
    by_path: HashMap<String, u64>,
}

impl Stats {
    fn collect(hits: impl IntoIterator<Item = Hit>) -> Stats {
        let mut stats = Stats::default();
        for hit in hits {
            stats.requests += 1;
            stats.bytes_served += hit.bytes;
            *stats.by_status.entry(hit.status).or_default() += 1;
            // Allocates a key only for a path not seen before.
            match stats.by_path.get_mut(&hit.path) {
                Some(count) => *count += 1,
                None => {
                    stats.by_path.insert(hit.path, 1);
                }
            }
        }
        stats
    }

    fn print(&self, bytes_read: u64, malformed: u64) {
        println!(
            "read {} lines, {} ({} malformed)",
            self.requests + malformed,
            human(bytes_read),
            malformed
        );
        println!(
            "bytes served (sum of the size field): {}",
            human(self.bytes_served)
        );
        println!("status codes:");
        for (status, count) in &self.by_status {
            println!(
                "  {status}  {count:>12}  {:5.1}%",
                percent(*count, self.requests)
            );
        }
        let mut paths: Vec<(&String, &u64)> = self.by_path.iter().collect();
        paths.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        println!("top 5 paths:");
        for (path, count) in paths.into_iter().take(5) {
            println!(
                "  {count:>12}  {:5.1}%  {path}",
                percent(*count, self.requests)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Odds and ends
// ---------------------------------------------------------------------------------------

struct Args {
    size: u64,
    path: PathBuf,
    keep: bool,
}

impl Args {
    /// `--size N`, `--path FILE`, `--keep`, `--help`; by hand, to need no parser crate.
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Args> {
        let mut size = 50_000_000;
        let mut path = None;
        let mut keep = false;
        while let Some(arg) = args.next() {
            // `--size=10GB` and `--size 10GB` both work.
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
                None => (arg, None),
            };
            let mut value = |name: &str| {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or(format!("{name} needs a value"))
            };
            match flag.as_str() {
                "--size" => size = parse_size(&value("--size")?)?,
                "--path" => path = Some(PathBuf::from(value("--path")?)),
                "--keep" => keep = true,
                "-h" | "--help" => {
                    println!("usage: big_file [--size 50MB] [--path FILE] [--keep]");
                    std::process::exit(0);
                }
                other => return Err(format!("unknown argument {other:?} (try --help)").into()),
            }
        }
        let path = path.unwrap_or_else(|| {
            std::env::temp_dir().join(format!("yielding-big_file-{}.log", std::process::id()))
        });
        Ok(Args { size, path, keep })
    }
}

/// The log file, deleted when dropped unless it is to be kept.
struct OutputFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if !self.keep && self.path.exists() {
            if let Err(error) = fs::remove_file(&self.path) {
                eprintln!("warning: could not remove {}: {error}", self.path.display());
            }
        }
    }
}

fn progress_bar(len: u64, what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:8} [{wide_bar}] {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} eta {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_message(what);
    bar
}

/// xorshift64*: a small, fast, deterministic PRNG, so that every run writes the same log.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// An index into [`PATHS`], Zipf-like: 0 and 1 take half the requests between them, and
/// each next pair about half as many as the one before.
fn zipf(rng: &mut Rng) -> usize {
    let r = rng.next();
    let pair = (r.leading_zeros() as usize).min(PATHS.len() / 2 - 1);
    pair * 2 + (r & 1) as usize
}

/// A size for people, in decimal units as `--size` takes them: `50 MB`, `1.07 GB`.
fn human(bytes: u64) -> String {
    let (value, unit) = match bytes {
        b if b >= 1_000_000_000_000 => (b as f64 / 1e12, "TB"),
        b if b >= 1_000_000_000 => (b as f64 / 1e9, "GB"),
        b if b >= 1_000_000 => (b as f64 / 1e6, "MB"),
        b if b >= 1_000 => (b as f64 / 1e3, "kB"),
        b => return format!("{b} B"),
    };
    format!("{value:.2} {unit}")
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}
