//! Nightly Rust's native generators on the yielding benchmark workloads: `#[coroutine]`
//! closures driven by `Coroutine::resume`, and `gen` blocks used as `Iterator`s, each
//! beside the same hand-written `Iterator` baseline as `benches/generators.rs`.
//!
//! The main harness runs this program as a child process and parses its stdout, so the
//! output is a fixed line format (README.md): `row`, `skip` and `mem` lines, and `#` comments.
//!
//! ```text
//! cargo +nightly run --release --manifest-path benches/native/Cargo.toml
//! YIELDING_BENCH_QUICK=1 cargo +nightly run --release --manifest-path benches/native/Cargo.toml
//! cargo +nightly run --release --manifest-path benches/native/Cargo.toml -- W5 chain
//! ```
//!
//! Method, as in `benches/generators.rs`: every implementation is a function `fn(n) ->
//! checksum` that runs `n` items, timed as a whole; `n` is calibrated so that one sample
//! takes about 20 ms; 31 samples of all rows of a workload are taken in interleaved rounds
//! and the median ns per item is reported. `n` goes in through `black_box`, and the consumer
//! passes every item through `black_box`. Before timing, every row's checksum is checked
//! against the hand-written baseline's; a mismatch exits non-zero.

#![feature(coroutines, coroutine_trait, stmt_expr_attributes, gen_blocks)]

#[path = "../../baselines.rs"]
mod baselines;

use baselines::{
    NODES, Tree, Upto, average_input, consume, creation_hand, fib_seeds, w1_hand, w2_hand, w3_hand,
    w4_hand, w5_hand, walks,
};

use std::hint::black_box;
use std::ops::{Coroutine, CoroutineState};
use std::pin::Pin;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const HAND: &str = "hand Iterator";
const NATIVE: &str = "native coroutine";
const GEN: &str = "gen block";

// ---------------------------------------------------------------------------------------
// Shared pieces (the baselines and inputs are in ../../baselines.rs)
// ---------------------------------------------------------------------------------------

/// A native coroutine as an `Iterator`. Resuming a finished one panics, so it must be
/// dropped at its first `None` (every consumer here does).
struct CoroutineIter<C>(C);

impl<C: Coroutine + Unpin> Iterator for CoroutineIter<C> {
    type Item = C::Yield;

    #[inline]
    fn next(&mut self) -> Option<C::Yield> {
        match Pin::new(&mut self.0).resume(()) {
            CoroutineState::Yielded(x) => Some(x),
            CoroutineState::Complete(_) => None,
        }
    }
}

/// The sum of `0..n` with wrapping, in closed form: what W1, the chains and a prefix of the
/// in-order tree walk must add up to.
fn triangle(n: u64) -> u64 {
    let (a, b) = if n.is_multiple_of(2) {
        (n / 2, n.wrapping_sub(1))
    } else {
        (n, (n - 1) / 2)
    };
    a.wrapping_mul(b)
}

// ---------------------------------------------------------------------------------------
// W1: yield 0..n and sum
// ---------------------------------------------------------------------------------------

/// The W1 generator, shared by W1, the first level of every chain and the memory rows, so
/// they all measure one type.
fn w1_coroutine(n: u64) -> impl Coroutine<Yield = u64, Return = ()> + Unpin {
    #[coroutine]
    move || {
        for i in 0..n {
            yield i;
        }
    }
}

fn w1_gen(n: u64) -> impl Iterator<Item = u64> {
    gen move {
        for i in 0..n {
            yield i;
        }
    }
}

#[inline(never)]
fn w1_native(n: u64) -> u64 {
    consume(CoroutineIter(w1_coroutine(n)))
}

#[inline(never)]
fn w1_gen_block(n: u64) -> u64 {
    consume(w1_gen(n))
}

// ---------------------------------------------------------------------------------------
// W2: infinite Fibonacci, first n items, summed
// ---------------------------------------------------------------------------------------

#[inline(never)]
fn w2_native(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let fib = #[coroutine]
    move || loop {
        yield a;
        (a, b) = (b, a.wrapping_add(b));
    };
    consume(CoroutineIter(fib).take(n as usize))
}

#[inline(never)]
fn w2_gen_block(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let fib = gen move {
        loop {
            yield a;
            (a, b) = (b, a.wrapping_add(b));
        }
    };
    consume(fib.take(n as usize))
}

// ---------------------------------------------------------------------------------------
// W3: send-driven running average (no gen block: gen blocks have no send)
// ---------------------------------------------------------------------------------------

#[inline(never)]
fn w3_native(n: u64) -> u64 {
    let mut average = #[coroutine]
    |_first: f64| {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = yield 0.0;
        loop {
            total += x;
            count += 1.0;
            x = yield total / count;
        }
    };
    let yielded = |resumed: CoroutineState<f64, _>| match resumed {
        CoroutineState::Yielded(v) => v,
        CoroutineState::Complete(_) => f64::NAN,
    };
    let mut sum = 0.0;
    sum += black_box(yielded(Pin::new(&mut average).resume(0.0)));
    for i in 0..n {
        sum += black_box(yielded(Pin::new(&mut average).resume(average_input(i))));
    }
    sum.to_bits()
}

// ---------------------------------------------------------------------------------------
// W4: square -> even, two generator stages
// ---------------------------------------------------------------------------------------

fn coroutine_square(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    CoroutineIter(
        #[coroutine]
        move || {
            for x in items {
                yield x.wrapping_mul(x);
            }
        },
    )
}

fn coroutine_even(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    CoroutineIter(
        #[coroutine]
        move || {
            for x in items {
                if x % 2 == 0 {
                    yield x;
                }
            }
        },
    )
}

#[inline(never)]
fn w4_native(n: u64) -> u64 {
    consume(coroutine_even(coroutine_square(0..n)))
}

fn gen_square(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    gen move {
        for x in items {
            yield x.wrapping_mul(x);
        }
    }
}

fn gen_even(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    gen move {
        for x in items {
            if x % 2 == 0 {
                yield x;
            }
        }
    }
}

#[inline(never)]
fn w4_gen_block(n: u64) -> u64 {
    consume(gen_even(gen_square(0..n)))
}

// ---------------------------------------------------------------------------------------
// W5: in-order walk of a complete binary tree, 20 levels
// ---------------------------------------------------------------------------------------

/// A recursive generator needs its type erased, and so boxed, which is how native Rust
/// writes `yield from walk(child)`: a loop that resumes the child and re-yields.
type BoxedCoroutine<'a> = Pin<Box<dyn Coroutine<Yield = u64, Return = ()> + 'a>>;

fn walk_coroutine(t: &Tree) -> BoxedCoroutine<'_> {
    Box::pin(
        #[coroutine]
        move || {
            if let Some(left) = &t.left {
                let mut sub = walk_coroutine(left);
                while let CoroutineState::Yielded(x) = sub.as_mut().resume(()) {
                    yield x;
                }
            }
            yield t.value;
            if let Some(right) = &t.right {
                let mut sub = walk_coroutine(right);
                while let CoroutineState::Yielded(x) = sub.as_mut().resume(()) {
                    yield x;
                }
            }
        },
    )
}

fn walk_gen(t: &Tree) -> Box<dyn Iterator<Item = u64> + '_> {
    Box::new(gen move {
        if let Some(left) = &t.left {
            for x in walk_gen(left) {
                yield x;
            }
        }
        yield t.value;
        if let Some(right) = &t.right {
            for x in walk_gen(right) {
                yield x;
            }
        }
    })
}

#[inline(never)]
fn w5_native(n: u64) -> u64 {
    walks(n, |t| CoroutineIter(walk_coroutine(t)))
}

#[inline(never)]
fn w5_gen_block(n: u64) -> u64 {
    walks(n, walk_gen)
}

/// What `n` items of repeated in-order walks add up to.
fn w5_expected(n: u64) -> u64 {
    (n / NODES)
        .wrapping_mul(triangle(NODES))
        .wrapping_add(triangle(n % NODES))
}

// ---------------------------------------------------------------------------------------
// Chains: D generators, each delegating to the next, the innermost yielding 0..n
// ---------------------------------------------------------------------------------------
//
// Depth 1 is the plain W1 generator, unboxed. Deeper levels are boxed, since the depth is
// only known at run time; each resume of the outermost passes down through every level,
// so the cost per item is O(D). Building the chain happens at the first resume (each level
// creates the next when it starts), so it is inside the timing, amortised over `n`.

const DEEP_CHAIN: u32 = 100_000;

fn chain_coroutine(depth: u32, n: u64) -> BoxedCoroutine<'static> {
    if depth <= 1 {
        return Box::pin(w1_coroutine(n));
    }
    Box::pin(
        #[coroutine]
        move || {
            let mut inner = chain_coroutine(depth - 1, n);
            while let CoroutineState::Yielded(x) = inner.as_mut().resume(()) {
                yield x;
            }
        },
    )
}

fn chain_gen(depth: u32, n: u64) -> Box<dyn Iterator<Item = u64>> {
    if depth <= 1 {
        return Box::new(w1_gen(n));
    }
    Box::new(gen move {
        for x in chain_gen(depth - 1, n) {
            yield x;
        }
    })
}

/// A hand-written `Iterator` has nothing to delegate to: its row at every depth is `0..n`,
/// the cost a chain would have if delegation were free.
#[inline(never)]
fn chain_hand<const D: u32>(n: u64) -> u64 {
    consume(Upto { next: 0, end: n })
}

#[inline(never)]
fn chain_native<const D: u32>(n: u64) -> u64 {
    if D <= 1 {
        w1_native(n)
    } else {
        consume(CoroutineIter(chain_coroutine(D, n)))
    }
}

#[inline(never)]
fn chain_gen_block<const D: u32>(n: u64) -> u64 {
    if D <= 1 {
        w1_gen_block(n)
    } else {
        consume(chain_gen(D, n))
    }
}

// ---------------------------------------------------------------------------------------
// Creation + first item
// ---------------------------------------------------------------------------------------
//
// Each of `n` rounds creates a generator that would yield `seed` then `seed + 1`, pulls its
// first item and drops it while it is suspended. The generator goes through `black_box`,
// as one handed to other code would, so the optimizer cannot see through it.

#[inline(never)]
fn create_native(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut c = black_box(
            #[coroutine]
            move || {
                yield seed;
                yield seed + 1;
            },
        );
        if let CoroutineState::Yielded(x) = Pin::new(&mut c).resume(()) {
            sum = sum.wrapping_add(x);
        }
    }
    sum
}

#[inline(never)]
fn create_gen_block(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut g = black_box(gen move {
            yield seed;
            yield seed + 1;
        });
        sum = sum.wrapping_add(g.next().unwrap_or(0));
    }
    sum
}

// ---------------------------------------------------------------------------------------
// Memory: 1,000,000 live W1 generators
// ---------------------------------------------------------------------------------------

const LIVE: u64 = 1_000_000;

/// A field of /proc/self/status, in bytes.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let kib = line
            .strip_prefix(field)?
            .strip_prefix(':')?
            .trim()
            .strip_suffix("kB")?;
        kib.trim().parse::<u64>().ok().map(|k| k * 1024)
    })
}

/// Peak RSS while `LIVE` generators made by `make` are alive (each advanced once by
/// `make`, and all held in one Vec, which is counted too), minus the RSS before.
fn live_rss<T>(make: impl Fn(u64) -> T) -> Option<u64> {
    // Resets VmHWM to the current RSS (Linux 4.0+). The process is fresh, so without the
    // reset the earlier peak is only start-up's, below the one measured here.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_bytes("VmRSS")?;
    let live: Vec<T> = (0..LIVE).map(&make).collect();
    let peak = status_bytes("VmHWM")?;
    drop(black_box(live));
    Some(peak.saturating_sub(before))
}

/// Prefix of the hidden argument that makes this program a child measuring one row's memory.
const MEMORY_CHILD: &str = "--memory-of=";

/// Each measurement runs in a child process of its own: memory freed by an earlier one
/// stays resident in this process's heap, and new generators would reuse it unseen.
fn memory() {
    println!(
        "# memory: bytes = size_of the W1 generator's state (a Box holds exactly that); rss = VmHWM with {LIVE} live W1 generators, each boxed and advanced once, held in a Vec (8 bytes each, included), minus VmRSS before; each measured in a fresh child process"
    );
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            println!("# memory: no mem lines: cannot find this program to rerun it: {e}");
            return;
        }
    };
    for name in [HAND, NATIVE, GEN] {
        match Command::new(&exe)
            .arg(format!("{MEMORY_CHILD}{name}"))
            .output()
        {
            Ok(out) if out.status.success() => print!("{}", String::from_utf8_lossy(&out.stdout)),
            Ok(out) => println!(
                "# memory: {name}: the measuring child failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => println!("# memory: {name}: cannot start the measuring child: {e}"),
        }
    }
}

/// The child's side of `memory`: prints one `mem` line.
fn memory_child(name: &str) -> ExitCode {
    let (bytes, rss) = match name {
        HAND => (
            size_of::<Upto>(),
            live_rss(|i| {
                let mut it = Box::new(Upto {
                    next: 0,
                    end: black_box(i + 2),
                });
                black_box(it.next());
                it
            }),
        ),
        NATIVE => (
            size_of_val(&w1_coroutine(0)),
            live_rss(|i| {
                let mut c = Box::pin(w1_coroutine(black_box(i + 2)));
                black_box(c.as_mut().resume(()));
                c
            }),
        ),
        GEN => (
            size_of_val(&w1_gen(0)),
            live_rss(|i| {
                let mut g = Box::new(w1_gen(black_box(i + 2)));
                black_box(g.next());
                g
            }),
        ),
        _ => {
            eprintln!("no memory row named {name:?}");
            return ExitCode::FAILURE;
        }
    };
    match rss {
        Some(rss) => {
            println!("mem\t{name}\t{bytes}\t{rss}");
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("/proc/self/status is unreadable");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------

struct Row {
    name: &'static str,
    run: fn(u64) -> u64,
}

const fn row(name: &'static str, run: fn(u64) -> u64) -> Row {
    Row { name, run }
}

struct Workload {
    name: &'static str,
    /// The first row is the baseline.
    rows: Vec<Row>,
    /// The `n`s whose checksums must agree before timing.
    check_ns: &'static [u64],
    /// The checksum `n` items must give, where it is known in closed form: checks the
    /// baseline itself.
    expected: Option<fn(u64) -> u64>,
    /// Full runs round `n` up to a multiple of this.
    granule: u64,
    /// The time one sample of a generator row (not the baseline) should take, full and
    /// quick, where the default would leave too few items to amortise building the chain.
    sample_time: Option<(Duration, Duration)>,
    /// Runs on a thread with a 1 GiB stack: each resume recurses through the whole chain.
    big_stack: bool,
    /// Also report the time of a run with `n = 0`: building and dropping a chain, which
    /// every sample includes.
    report_empty_run: bool,
    notes: &'static [&'static str],
}

impl Workload {
    fn new(name: &'static str, rows: Vec<Row>) -> Workload {
        Workload {
            name,
            rows,
            check_ns: &[0, 1, 2, 3, 10, 1001],
            expected: None,
            granule: 1,
            sample_time: None,
            big_stack: false,
            report_empty_run: false,
            notes: &[],
        }
    }
}

fn chain<const D: u32>(name: &'static str) -> Workload {
    Workload {
        expected: Some(triangle),
        big_stack: D >= DEEP_CHAIN,
        // About 1 ms per item at the deepest: 1001 items would be two seconds of checking.
        check_ns: if D >= DEEP_CHAIN {
            &[0, 1, 2, 3, 10]
        } else {
            &[0, 1, 2, 3, 10, 1001]
        },
        // A deep chain takes about 4 ms to build and about 1 ms per item: a 20 ms sample
        // would be a fifth building.
        sample_time: (D >= DEEP_CHAIN)
            .then_some((Duration::from_millis(250), Duration::from_millis(20))),
        report_empty_run: D > 1,
        notes: &[
            "chains: the hand Iterator row is 0..n at every depth (it has nothing to delegate to); depth 1 is the plain W1 generator; deeper levels are boxed and each resume passes through every level",
        ],
        ..Workload::new(
            name,
            vec![
                row(HAND, chain_hand::<D>),
                row(NATIVE, chain_native::<D>),
                row(GEN, chain_gen_block::<D>),
            ],
        )
    }
}

fn workloads() -> Vec<Workload> {
    vec![
        Workload {
            expected: Some(triangle),
            ..Workload::new(
                "W1",
                vec![
                    row(HAND, w1_hand),
                    row(NATIVE, w1_native),
                    row(GEN, w1_gen_block),
                ],
            )
        },
        Workload::new(
            "W2",
            vec![
                row(HAND, w2_hand),
                row(NATIVE, w2_native),
                row(GEN, w2_gen_block),
            ],
        ),
        Workload {
            notes: &["W3: no gen block row: gen blocks have no send (no resume argument)"],
            ..Workload::new("W3", vec![row(HAND, w3_hand), row(NATIVE, w3_native)])
        },
        Workload::new(
            "W4",
            vec![
                row(HAND, w4_hand),
                row(NATIVE, w4_native),
                row(GEN, w4_gen_block),
            ],
        ),
        Workload {
            // Past a whole walk, so the second walk starts right.
            check_ns: &[0, 1, 2, 3, 1001, NODES + 5],
            expected: Some(w5_expected),
            granule: NODES,
            notes: &[
                "W5: hand Iterator = explicit-stack in-order walk; the generators are boxed recursive coroutines that re-yield their children's items",
            ],
            ..Workload::new(
                "W5",
                vec![
                    row(HAND, w5_hand),
                    row(NATIVE, w5_native),
                    row(GEN, w5_gen_block),
                ],
            )
        },
        chain::<1>("chain-1"),
        chain::<10>("chain-10"),
        chain::<100>("chain-100"),
        chain::<1000>("chain-1000"),
        chain::<DEEP_CHAIN>("chain-100000"),
        Workload::new(
            "creation",
            vec![
                row(HAND, creation_hand),
                row(NATIVE, create_native),
                row(GEN, create_gen_block),
            ],
        ),
    ]
}

struct Config {
    samples: usize,
    sample_time: Duration,
    quick: bool,
    filters: Vec<String>,
}

/// A row that takes longer than this for one check run is skipped rather than timed.
const TOO_SLOW: Duration = Duration::from_secs(10);

impl Config {
    fn from_env() -> Config {
        let mut quick = std::env::var_os("YIELDING_BENCH_QUICK").is_some_and(|v| v != "0");
        let mut filters = Vec::new();
        for arg in std::env::args().skip(1) {
            match arg.as_str() {
                "--quick" => quick = true,
                // Any other flag (`--bench`, say) is ignored.
                flag if flag.starts_with('-') => {}
                filter => filters.push(filter.to_lowercase()),
            }
        }
        let (samples, sample_time) = if quick {
            (5, Duration::from_micros(500))
        } else {
            (31, Duration::from_millis(20))
        };
        Config {
            samples,
            sample_time,
            quick,
            filters,
        }
    }

    fn selects(&self, name: &str) -> bool {
        let name = name.to_lowercase();
        self.filters.is_empty() || self.filters.iter().any(|f| name.contains(f.as_str()))
    }
}

fn time_run(run: fn(u64) -> u64, n: u64) -> Duration {
    let start = Instant::now();
    black_box(run(black_box(n)));
    start.elapsed()
}

/// The `n` for which one run takes about `target`.
fn calibrate(run: fn(u64) -> u64, target: Duration) -> u64 {
    let mut n = 16u64;
    loop {
        let elapsed = time_run(run, n);
        if elapsed >= target / 8 || n >= 1 << 40 {
            let scaled = n as f64 * target.as_secs_f64() / elapsed.as_secs_f64().max(1e-9);
            return (scaled as u64).max(1);
        }
        n *= 4;
    }
}

fn median(mut ns: Vec<f64>) -> f64 {
    ns.sort_by(f64::total_cmp);
    ns[ns.len() / 2]
}

/// A checksum that disagrees with the baseline's.
struct Mismatch(String);

fn run_workload(workload: &Workload, config: &Config) -> Result<(), Mismatch> {
    let name = workload.name;
    for note in workload.notes {
        println!("# {note}");
    }
    if workload.big_stack {
        println!(
            "# {name}: run on a thread with a 1 GiB stack: each resume (the first builds the chain) recurses through all {DEEP_CHAIN} levels, about 80 bytes of stack each, so about 8 MB: too close to the main thread's usual 8 MiB limit, and far past a spawned thread's default 2 MiB"
        );
    }

    // Correctness first: every row computes the baseline's checksum. A row too slow to
    // check is skipped, not timed.
    let mut skipped: Vec<Option<String>> = vec![None; workload.rows.len()];
    for &n in workload.check_ns {
        let baseline = (workload.rows[0].run)(n);
        if let Some(expected) = workload.expected
            && baseline != expected(n)
        {
            return Err(Mismatch(format!(
                "{name}: `{HAND}` gives {baseline} for n = {n}, not {}",
                expected(n)
            )));
        }
        for (row, skip) in workload.rows.iter().zip(&mut skipped).skip(1) {
            if skip.is_some() {
                continue;
            }
            let start = Instant::now();
            let checksum = (row.run)(n);
            let elapsed = start.elapsed();
            if checksum != baseline {
                return Err(Mismatch(format!(
                    "{name}: `{}` gives {checksum} for n = {n}, `{HAND}` gives {baseline}",
                    row.name
                )));
            }
            if elapsed > TOO_SLOW {
                *skip = Some(format!(
                    "one run of n = {n} took {:.1} s (over {} s)",
                    elapsed.as_secs_f64(),
                    TOO_SLOW.as_secs()
                ));
            }
        }
    }

    let sample_time = match (workload.sample_time, config.quick) {
        (Some((full, _)), false) => full,
        (Some((_, quick)), true) => quick,
        (None, _) => config.sample_time,
    };
    let timed: Vec<(&Row, u64)> = workload
        .rows
        .iter()
        .zip(&skipped)
        .filter(|(_, skip)| skip.is_none())
        .map(|(row, _)| {
            let target = if row.name == HAND {
                config.sample_time
            } else {
                sample_time
            };
            let mut n = calibrate(row.run, target);
            if !config.quick {
                n = n.div_ceil(workload.granule).max(1) * workload.granule;
            }
            (row, n)
        })
        .collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(config.samples); timed.len()];
    for round in 0..config.samples {
        // Interleave the rows, starting each round at another one, so drift and noise on a
        // shared machine hit every row alike.
        for k in 0..timed.len() {
            let i = (round + k) % timed.len();
            let (row, n) = timed[i];
            samples[i].push(time_run(row.run, n).as_nanos() as f64 / n as f64);
        }
    }

    for (&(row, n), samples) in timed.iter().zip(samples) {
        let per_item = median(samples);
        let empty = if workload.report_empty_run && row.name != HAND {
            let empty = time_run(row.run, 0).as_nanos() as f64;
            format!(
                "; a run with n = 0 (building and dropping the chain) takes {:.3} ms, {:.1}% of a median sample",
                empty / 1e6,
                100.0 * empty / (per_item * n as f64)
            )
        } else {
            String::new()
        };
        println!(
            "# {name} {}: n = {n} items per sample, {} samples{empty}",
            row.name, config.samples
        );
        println!("row\t{name}\t{}\t{per_item:.4}", row.name);
    }
    for (row, skip) in workload.rows.iter().zip(skipped) {
        if let Some(reason) = skip {
            println!("skip\t{name}\t{}\t{reason}", row.name);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    if let Some(name) =
        std::env::args().find_map(|a| a.strip_prefix(MEMORY_CHILD).map(str::to_owned))
    {
        return memory_child(&name);
    }
    let config = Config::from_env();
    let started = Instant::now();
    println!(
        "# yielding native peers: {}; {}{} samples per row, about {} µs per sample, medians in ns per item",
        env!("NATIVE_BENCH_RUSTC"),
        match (config.quick, cfg!(debug_assertions)) {
            (_, true) => "DEBUG build, numbers meaningless; ",
            (true, false) => "QUICK run, numbers unreliable; ",
            (false, false) => "",
        },
        config.samples,
        config.sample_time.as_micros(),
    );
    if config.selects("memory") {
        memory();
    }
    for workload in workloads() {
        if !config.selects(workload.name) {
            continue;
        }
        let result = if workload.big_stack {
            std::thread::scope(|scope| {
                std::thread::Builder::new()
                    .name(workload.name.to_owned())
                    .stack_size(1 << 30)
                    .spawn_scoped(scope, || run_workload(&workload, &config))
                    .expect("spawning the big-stack thread")
                    .join()
                    .expect("the big-stack thread panicked")
            })
        } else {
            run_workload(&workload, &config)
        };
        if let Err(Mismatch(message)) = result {
            println!("# CHECKSUM MISMATCH: {message}");
            eprintln!("checksum mismatch: {message}");
            return ExitCode::FAILURE;
        }
    }
    println!("# total time {:.1} s", started.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}
