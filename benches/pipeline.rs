//! Generator pipelines on one thread and on two, through `yielding::pipeline::threaded`:
//! a CPU-bound parse-then-hash of an access log, and a cheap log filter. Reports medians,
//! speedups over one thread and wake-ups per line, with nothing else running and again
//! with one core kept busy; BENCHMARKS.md ("Pipelines") has the results.
//!
//! ```text
//! cargo bench -p yielding-benches --bench pipeline                 # about 2 min
//! YIELDING_BENCH_QUICK=1 cargo bench -p yielding-benches --bench pipeline   # smoke run
//! ```
//!
//! Method. 2,000,000 lines of about 86 bytes (an access log: address, time, request, status,
//! size) are generated in memory once, by a fixed-seed generator, so no I/O is measured.
//! Two workloads:
//!
//! - parse→hash, two generator stages of about the same cost: `parse` splits the buffer
//!   into lines, checks UTF-8, splits fields and parses the address, time, status and
//!   size into a `Record`; `hash` takes the CRC-32 of the line (zlib's polynomial,
//!   byte-table algorithm) combined with std's SipHash of the record;
//! - a log filter, much cheaper: a generator yields each line's status code (read from
//!   the second-last field alone), and the consumer counts the 404s.
//!
//! A two-stage pipeline on two cores can at best run at the pace of its slower stage: the
//! ideal speedup of parse→hash is `(parse + hash) / max(parse, hash)`. Each of its stages
//! is also timed alone, and the ideal is printed next to the measured speedup. A control
//! runs both stages alone at once on two threads, with no queue between them: on a shared
//! machine it shows what two threads can do at that moment.
//!
//! Rows, sampled in interleaved rounds so that drift hits every row alike (median of 9
//! samples, each a full pass over the 2M lines; 3 samples of 20k lines when quick): each
//! workload on one thread, and with the first stage behind `.threaded(1024)` and
//! `.threaded(16384)`; parse→hash with batches of one item (`threaded(4)`), slow, so on
//! the first hundredth of the lines (rows compare by ns per line). Then every row but the
//! slow one again while a thread of this process spins, keeping one core busy as another
//! process would. Wake-ups are the process's voluntary context switches during a row
//! (`getrusage`): a thread going to sleep to wait for the other side.
//!
//! Every row's result is checked against its workload's one-thread row before timing.
//! Timings are reported, never asserted.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::hint::black_box;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use yielding::generator;
use yielding::pipeline::PipelineExt;

// ---------------------------------------------------------------------------------------
// The workload
// ---------------------------------------------------------------------------------------

const PATHS: [&str; 8] = [
    "/index.html",
    "/api/v1/users",
    "/static/app.js",
    "/images/logo.png",
    "/api/v1/orders/42",
    "/login",
    "/search?q=rust",
    "/favicon.ico",
];
const METHODS: [&str; 3] = ["GET", "POST", "PUT"];
const STATUSES: [u16; 6] = [200, 200, 200, 404, 500, 301];

/// `n` access-log lines, each ending in `\n`, from a fixed-seed xorshift generator.
fn generate(n: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut out = Vec::with_capacity(n * 90);
    for _ in 0..n {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let r = state;
        writeln!(
            out,
            "{}.{}.{}.{} - - [26/Nov/2026:{:02}:{:02}:{:02} +0000] \"{} {} HTTP/1.1\" {} {}",
            r & 255,
            (r >> 8) & 255,
            (r >> 16) & 255,
            (r >> 24) & 255,
            (r >> 32) % 24,
            (r >> 40) % 60,
            (r >> 46) % 60,
            METHODS[(r >> 52) as usize % METHODS.len()],
            PATHS[(r >> 55) as usize % PATHS.len()],
            STATUSES[(r >> 58) as usize % STATUSES.len()],
            (r >> 20) % 100_000,
        )
        .expect("writing to a Vec cannot fail");
    }
    out
}

/// One parsed line. It borrows from the buffer, so nothing is allocated per line and the
/// measurement is not of the allocator handing memory between threads.
struct Record {
    ip: u32,
    seconds: u32,
    method: &'static str,
    path: &'static str,
    status: u16,
    bytes: u64,
    /// The raw line, for its checksum.
    line: &'static [u8],
}

fn parse_line(line: &'static [u8]) -> Option<Record> {
    let text = std::str::from_utf8(line).ok()?;
    let mut fields = text.split(' ');
    let mut ip = 0u32;
    for octet in fields.next()?.split('.') {
        ip = ip << 8 | u32::from(octet.parse::<u8>().ok()?);
    }
    fields.next()?; // identity
    fields.next()?; // user
    let mut time = fields.next()?.rsplitn(4, ':'); // [26/Nov/2026:hh:mm:ss
    let s: u32 = time.next()?.parse().ok()?;
    let m: u32 = time.next()?.parse().ok()?;
    let h: u32 = time.next()?.parse().ok()?;
    fields.next()?; // +0000]
    let method = fields.next()?.strip_prefix('"')?;
    let path = fields.next()?;
    fields.next()?; // HTTP/1.1"
    let status = fields.next()?.parse().ok()?;
    let bytes = fields.next()?.parse().ok()?;
    Some(Record {
        ip,
        seconds: h * 3600 + m * 60 + s,
        method,
        path,
        status,
        bytes,
        line,
    })
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// CRC-32 (zlib's), one table lookup per byte.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc = (crc >> 8) ^ CRC_TABLE[((crc ^ u32::from(byte)) & 0xFF) as usize];
    }
    !crc
}

fn hash_record(record: &Record) -> u64 {
    let mut hasher = DefaultHasher::new();
    (record.ip, record.seconds, record.method, record.path).hash(&mut hasher);
    (record.status, record.bytes).hash(&mut hasher);
    hasher.finish() ^ u64::from(crc32(record.line))
}

/// Stage 1: the lines of `buffer`, parsed.
fn parse(buffer: &'static [u8]) -> impl Iterator<Item = Record> + Send {
    generator! {
        for line in buffer.split(|&b| b == b'\n') {
            if !line.is_empty() {
                yield parse_line(line).expect("the generated lines parse");
            }
        }
    }
}

/// Stage 2: each record's hash.
fn hash(records: impl IntoIterator<Item = Record>) -> impl Iterator<Item = u64> {
    generator! {
        for record in records {
            yield hash_record(&record);
        }
    }
}

fn checksum(hashes: impl Iterator<Item = u64>) -> u64 {
    hashes.fold(0, |sum, h| sum.wrapping_add(black_box(h)))
}

/// The cheap workload's stage: each line's status code, read from the second-last field
/// without parsing the rest (about 40 ns per line): a log filter.
fn statuses(buffer: &'static [u8]) -> impl Iterator<Item = u16> + Send {
    generator! {
        for line in buffer.split(|&b| b == b'\n') {
            if let Some(field) = line.rsplit(|&b| b == b' ').nth(1) {
                yield field.iter().fold(0u16, |n, &digit| {
                    n.wrapping_mul(10).wrapping_add(u16::from(digit.wrapping_sub(b'0')))
                });
            }
        }
    }
}

/// The cheap workload's consumer: how many requests were not found.
fn count_not_found(statuses: impl Iterator<Item = u16>) -> u64 {
    statuses.fold(0, |n, status| n + u64::from(black_box(status) == 404))
}

// ---------------------------------------------------------------------------------------
// The rows
// ---------------------------------------------------------------------------------------

struct Row {
    name: &'static str,
    run: fn(&'static [u8]) -> u64,
    /// Slow rows run on the first hundredth of the lines.
    short: bool,
    /// Which row this one's result must equal (the one-thread row of its workload).
    reference: usize,
    /// Whether the row also runs while another thread keeps a core busy.
    contended: bool,
}

const ROWS: [Row; 7] = [
    Row {
        name: "parse→hash, one thread: hash(parse(lines))",
        run: |buffer| checksum(hash(parse(buffer))),
        short: false,
        reference: 0,
        contended: true,
    },
    Row {
        name: "parse→hash, two threads: .threaded(1024)",
        run: |buffer| checksum(hash(parse(buffer).threaded(1024))),
        short: false,
        reference: 0,
        contended: true,
    },
    Row {
        name: "parse→hash, two threads: .threaded(16384)",
        run: |buffer| checksum(hash(parse(buffer).threaded(16384))),
        short: false,
        reference: 0,
        contended: true,
    },
    Row {
        name: "parse→hash, batches of 1: .threaded(4)",
        run: |buffer| checksum(hash(parse(buffer).threaded(4))),
        short: true,
        reference: 0,
        contended: false,
    },
    Row {
        name: "log filter, one thread: count(statuses(lines))",
        run: |buffer| count_not_found(statuses(buffer)),
        short: false,
        reference: 4,
        contended: true,
    },
    Row {
        name: "log filter, two threads: .threaded(1024)",
        run: |buffer| count_not_found(statuses(buffer).threaded(1024)),
        short: false,
        reference: 4,
        contended: true,
    },
    Row {
        name: "log filter, two threads: .threaded(16384)",
        run: |buffer| count_not_found(statuses(buffer).threaded(16384)),
        short: false,
        reference: 4,
        contended: true,
    },
];

/// Stage 1 alone (its records consumed by `black_box`).
fn parse_alone(buffer: &'static [u8]) -> u64 {
    parse(buffer).fold(0, |n, record| {
        black_box(&record);
        n + 1
    })
}

/// The 1-minute load average (Linux), or `?`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split(' ').next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// The voluntary context switches of this process so far, all its threads (ended ones
/// too): each is a thread that went to sleep, here to wait for the other side.
#[cfg(unix)]
fn voluntary_switches() -> Option<i64> {
    use nix::sys::resource::{UsageWho, getrusage};
    getrusage(UsageWho::RUSAGE_SELF)
        .ok()
        .map(|usage| usage.voluntary_context_switches())
}

#[cfg(not(unix))]
fn voluntary_switches() -> Option<i64> {
    None
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Another process's work, in this one: a thread that keeps one core busy until dropped,
/// as a compiler or a second service on the same machine would.
struct BusyCore {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BusyCore {
    fn start() -> BusyCore {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut x = 1u64;
            while !flag.load(Ordering::Relaxed) {
                for _ in 0..1000 {
                    x = black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
                }
            }
        });
        BusyCore {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for BusyCore {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the busy thread does not panic");
        }
    }
}

/// One condition's samples: each row's times and wake-ups, and the stages alone.
struct Samples {
    rows: Vec<Vec<Duration>>,
    switches: Vec<Option<i64>>,
    parse: Vec<Duration>,
    hash: Vec<Duration>,
    control: Vec<Duration>,
}

fn sample(
    rows: &[usize],
    rounds: usize,
    input: &dyn Fn(usize) -> &'static [u8],
    buffer: &'static [u8],
    records: &[Record],
) -> Samples {
    let mut samples = Samples {
        rows: vec![Vec::new(); ROWS.len()],
        switches: vec![Some(0); ROWS.len()],
        parse: Vec::new(),
        hash: Vec::new(),
        control: Vec::new(),
    };
    for _ in 0..rounds {
        for &i in rows {
            let before = voluntary_switches();
            let start = Instant::now();
            black_box((ROWS[i].run)(black_box(input(i))));
            samples.rows[i].push(start.elapsed());
            let switched = voluntary_switches().zip(before).map(|(a, b)| a - b);
            samples.switches[i] = samples.switches[i].zip(switched).map(|(a, b)| a + b);
        }
        let start = Instant::now();
        black_box(parse_alone(black_box(buffer)));
        samples.parse.push(start.elapsed());
        let start = Instant::now();
        black_box(checksum(black_box(records).iter().map(hash_record)));
        samples.hash.push(start.elapsed());
        // The control: both stages alone, at once, on two threads, with nothing between
        // them. What two threads can do on this machine right now.
        let start = Instant::now();
        std::thread::scope(|s| {
            let parsing = s.spawn(|| black_box(parse_alone(black_box(buffer))));
            black_box(checksum(black_box(records).iter().map(hash_record)));
            parsing.join().expect("parse_alone does not panic");
        });
        samples.control.push(start.elapsed());
    }
    samples
}

fn report(title: &str, rows: &[usize], mut samples: Samples, lines: usize, short_lines: usize) {
    let ns_per_line = |d: Duration, lines: usize| d.as_secs_f64() * 1e9 / lines as f64;
    let lines_of = |i: usize| if ROWS[i].short { short_lines } else { lines };
    let rounds = samples.parse.len();
    let parse_ns = ns_per_line(median(&mut samples.parse), lines);
    let hash_ns = ns_per_line(median(&mut samples.hash), lines);
    let control_ns = ns_per_line(median(&mut samples.control), lines);
    println!("### {title}\n");
    println!("| stage alone | median ns/line |");
    println!("|---|---:|");
    println!("| parse, one thread | {parse_ns:.1} |");
    println!("| hash, one thread | {hash_ns:.1} |");
    println!("| parse and hash at once on two threads, no channel (control) | {control_ns:.1} |");
    println!(
        "\nparse→hash: ideal two-core speedup, (parse + hash) / max(parse, hash): {:.2}×. \
         The control's, (parse + hash) / control: {:.2}×.\n",
        (parse_ns + hash_ns) / parse_ns.max(hash_ns),
        (parse_ns + hash_ns) / control_ns,
    );
    println!(
        "| pipeline | lines | median ns/line | speedup over one thread | p25–p75 ns/line | wake-ups per 1,000 lines |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for &i in rows {
        let reference = ROWS[i].reference;
        let baseline = ns_per_line(median(&mut samples.rows[reference]), lines_of(reference));
        let times = &mut samples.rows[i];
        let median = ns_per_line(median(times), lines_of(i));
        let wakeups = samples.switches[i].map_or("?".to_string(), |n| {
            format!("{:.1}", n as f64 * 1000.0 / (rounds * lines_of(i)) as f64)
        });
        println!(
            "| {} | {} | {median:.1} | {:.2}× | {:.1}–{:.1} | {wakeups} |",
            ROWS[i].name,
            lines_of(i),
            baseline / median,
            ns_per_line(times[times.len() / 4], lines_of(i)),
            ns_per_line(times[times.len() * 3 / 4], lines_of(i)),
        );
    }
    println!();
}

fn main() {
    let mut quick = std::env::var_os("YIELDING_BENCH_QUICK").is_some_and(|v| v != "0");
    // `cargo bench` passes `--bench`; without it the binary runs as a test (`cargo test
    // --benches`, `--all-targets`) and does a quick smoke run.
    quick |= !std::env::args().any(|arg| arg == "--bench");
    let (lines, rounds) = if quick { (20_000, 3) } else { (2_000_000, 9) };
    // The two-thread rows need both cores: another busy process halves them. The load
    // average before and after says whether the machine was quiet.
    let load_before = load_average();
    let started = Instant::now();
    println!(
        "## Pipelines: parse then hash, and a log filter, {lines} lines{}\n",
        match (quick, cfg!(debug_assertions)) {
            (_, true) => " — DEBUG build smoke run, numbers meaningless",
            (true, false) => " — QUICK smoke run, numbers unreliable",
            (false, false) => "",
        }
    );
    let buffer: &'static [u8] = Vec::leak(generate(lines));
    println!(
        "{} MB in memory, {:.1} bytes per line, {} threads available\n",
        buffer.len() / 1_000_000,
        buffer.len() as f64 / lines as f64,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );

    // The slow rows run on the first hundredth of the lines.
    let short_lines = lines / 100;
    let short_end = buffer
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(short_lines - 1)
        .map_or(buffer.len(), |(i, _)| i + 1);
    let short: &'static [u8] = &buffer[..short_end];
    let input = |row: usize| if ROWS[row].short { short } else { buffer };

    for (i, row) in ROWS.iter().enumerate() {
        assert_eq!(
            (row.run)(input(i)),
            (ROWS[row.reference].run)(input(i)),
            "{}: wrong result",
            row.name
        );
    }
    let records: Vec<Record> = parse(buffer).collect();
    assert_eq!(records.len(), lines);
    assert_eq!(
        checksum(records.iter().map(hash_record)),
        (ROWS[0].run)(buffer)
    );
    let not_found = records.iter().filter(|record| record.status == 404).count();
    assert_eq!((ROWS[4].run)(buffer), not_found as u64);

    let all: Vec<usize> = (0..ROWS.len()).collect();
    let samples = sample(&all, rounds, &input, buffer, &records);
    report("Nothing else running", &all, samples, lines, short_lines);

    let contended: Vec<usize> = all.iter().copied().filter(|&i| ROWS[i].contended).collect();
    let samples = {
        let _busy = BusyCore::start();
        sample(&contended, rounds, &input, buffer, &records)
    };
    report(
        "One core kept busy by another thread",
        &contended,
        samples,
        lines,
        short_lines,
    );
    println!(
        "Total time: {:.1} s. Load average before: {}; after: {}.",
        started.elapsed().as_secs_f64(),
        load_before,
        load_average(),
    );
}
