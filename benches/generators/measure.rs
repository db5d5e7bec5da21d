//! The method: calibrate each row to a sample time, take interleaved rounds of samples, and
//! report medians with their p25–p75 spread. Also the configuration (quick mode, filters)
//! and the row and table types that every workload shares.

use std::hint::black_box;
use std::time::{Duration, Instant};

use super::memory;

/// How a run is configured: from the environment and the command line.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    /// Samples per row.
    pub(crate) samples: usize,
    /// The time one sample is calibrated to.
    pub(crate) sample_time: Duration,
    /// A smoke run: few, short samples, small memory counts.
    pub(crate) quick: bool,
    /// Run by `cargo bench` (`--bench`), not as a test.
    pub(crate) benching: bool,
    /// Lower-case name filters; empty selects everything.
    pub(crate) filters: Vec<String>,
    /// The filters typed on the command line (not the defaults), for the children and the
    /// report.
    pub(crate) raw_filters: Vec<String>,
    /// Write BENCHMARKS.md and docs/benchmarks.svg (never in quick mode).
    pub(crate) write: bool,
}

impl Config {
    /// Reads `YIELDING_BENCH_QUICK`, `YIELDING_BENCH_WRITE` and the arguments. Without
    /// filters on the command line, `default_filters` apply (the `streams` alias's).
    pub(crate) fn from_env(default_filters: &[&str]) -> Config {
        let flag = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
        let mut quick = flag("YIELDING_BENCH_QUICK");
        // `cargo bench` passes `--bench`. Without it the binary runs as a test
        // (`cargo test --benches`, `--all-targets`): a quick smoke run then checks that
        // every implementation agrees, without the full measurement.
        let mut benching = false;
        let mut raw_filters: Vec<String> = Vec::new();
        for arg in std::env::args().skip(1) {
            match arg.as_str() {
                "--quick" => quick = true,
                "--bench" => benching = true,
                // Any other flag (a test harness's, say) is ignored.
                flag if flag.starts_with('-') => {}
                filter => raw_filters.push(filter.to_owned()),
            }
        }
        let filters = if raw_filters.is_empty() {
            default_filters.iter().map(|f| f.to_lowercase()).collect()
        } else {
            raw_filters.iter().map(|f| f.to_lowercase()).collect()
        };
        quick |= !benching;
        let write = flag("YIELDING_BENCH_WRITE") && !quick;
        if flag("YIELDING_BENCH_WRITE") && quick {
            eprintln!("YIELDING_BENCH_WRITE is ignored in a quick run: nothing will be written");
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
            benching,
            filters,
            raw_filters,
            write,
        }
    }

    /// Whether a workload is selected: a filter is a substring of its key or title.
    pub(crate) fn selects(&self, key: &str, title: &str) -> bool {
        let (key, title) = (key.to_lowercase(), title.to_lowercase());
        self.filters.is_empty()
            || self
                .filters
                .iter()
                .any(|f| key.contains(f.as_str()) || title.contains(f.as_str()))
    }
}

/// Which implementation a row measures: what the targets, the chart's colours and the
/// merging of external rows key on, whatever a workload calls the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Imp {
    /// The workload's hand-written baseline.
    Hand,
    /// Another hand-written or std row (`.map().filter()`), not the baseline.
    HandOther,
    YieldingBoxed,
    YieldingStack,
    YieldingMacro,
    /// Generator functions returning `Unplaced`, placed by the caller with `place!`.
    YieldingFnsPlaced,
    /// The same generator functions, iterated (each body boxed).
    YieldingFnsBoxed,
    /// `Recursive`: one generator whose recursive calls are frames on its own stack.
    YieldingRecursive,
    /// The same, with `tail_call` where the recursion allows it.
    YieldingRecursiveTail,
    GenawaiterRc,
    GenawaiterStack,
    /// corosensei, each generator its own coroutine (nested ones re-yield).
    Corosensei,
    /// corosensei, plain recursion inside one coroutine's stack.
    CorosenseiRecursion,
    /// generator-rs, each generator its own coroutine (nested ones through its `yield_from`).
    GeneratorRs,
    /// generator-rs, plain recursion inside one coroutine's stack.
    GeneratorRsRecursion,
    AsyncStream,
    /// The nightly crate's own hand-written baseline (another process).
    NativeHand,
    NativeCoroutine,
    GenBlock,
    CPython,
    /// An external row under a name the harness does not know.
    OtherExternal,
}

impl Imp {
    /// The legend label in the chart: one per implementation across workloads.
    pub(crate) fn series(self) -> &'static str {
        match self {
            Imp::Hand => "hand-written (baseline)",
            Imp::HandOther => "std adapters",
            Imp::YieldingBoxed => "yielding core API, boxed",
            Imp::YieldingStack => "yielding core API, stack-pinned",
            Imp::YieldingMacro => "yielding macro",
            Imp::YieldingFnsPlaced => "yielding generator functions, placed",
            Imp::YieldingFnsBoxed => "yielding generator functions, boxed",
            Imp::YieldingRecursive => "yielding Recursive",
            Imp::YieldingRecursiveTail => "yielding Recursive, tail calls",
            Imp::GenawaiterRc => "genawaiter rc",
            Imp::GenawaiterStack => "genawaiter stack",
            Imp::Corosensei => "corosensei",
            Imp::CorosenseiRecursion => "corosensei (recursion in one stack)",
            Imp::GeneratorRs => "generator-rs",
            Imp::GeneratorRsRecursion => "generator-rs (recursion in one stack)",
            Imp::AsyncStream => "async-stream",
            Imp::NativeHand => "hand-written (nightly crate)",
            Imp::NativeCoroutine => "nightly native coroutine",
            Imp::GenBlock => "nightly gen block",
            Imp::CPython => "CPython",
            Imp::OtherExternal => "other external",
        }
    }
}

/// How a row runs `n` items.
pub(crate) enum Run {
    /// Timed whole: runs `n` items and returns a checksum.
    Plain(fn(u64) -> u64),
    /// Times itself, leaving set-up and tear-down out (a deep chain is built and dropped
    /// outside the timing): returns the checksum and the time `n` items took.
    Timed(Box<dyn Fn(u64) -> (u64, Duration)>),
}

impl Run {
    /// One run of `n` items: its checksum and duration.
    pub(crate) fn sample(&self, n: u64) -> (u64, Duration) {
        match self {
            Run::Plain(run) => {
                let start = Instant::now();
                let checksum = black_box(run(black_box(n)));
                (checksum, start.elapsed())
            }
            Run::Timed(run) => run(black_box(n)),
        }
    }

    /// The checksum for `n` items.
    pub(crate) fn checksum(&self, n: u64) -> u64 {
        self.sample(n).0
    }
}

/// One implementation of a workload.
pub(crate) struct Row {
    pub(crate) imp: Imp,
    pub(crate) name: String,
    pub(crate) run: Run,
}

/// A row whose whole run is timed.
pub(crate) fn row(imp: Imp, name: &str, run: fn(u64) -> u64) -> Row {
    Row {
        imp,
        name: name.to_owned(),
        run: Run::Plain(run),
    }
}

/// A workload: the rows to measure, the first being the baseline.
pub(crate) struct Workload {
    /// Short name, for filters, the summary and the children's rows (`W1`, `creation`).
    pub(crate) key: &'static str,
    pub(crate) title: &'static str,
    /// What one item is, for the table's header.
    pub(crate) per: &'static str,
    /// Also count heap allocations per generator (creation).
    pub(crate) count_allocations: bool,
    /// The `n`s whose checksums every row must agree on before timing.
    pub(crate) check_sizes: &'static [u64],
    pub(crate) rows: Vec<Row>,
    /// Rows that cannot run, with the reason.
    pub(crate) skipped: Vec<(Imp, String, String)>,
    /// Notes printed under the table.
    pub(crate) notes: Vec<String>,
}

/// Median and quartiles of one row's samples, in ns per item.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stats {
    pub(crate) median: f64,
    pub(crate) p25: f64,
    pub(crate) p75: f64,
}

/// The median and quartiles of `ns`.
pub(crate) fn stats(mut ns: Vec<f64>) -> Stats {
    ns.sort_by(f64::total_cmp);
    let at = |q: f64| ns[((ns.len() - 1) as f64 * q).round() as usize];
    Stats {
        median: at(0.5),
        p25: at(0.25),
        p75: at(0.75),
    }
}

/// The `n` for which one sample takes about `target`.
pub(crate) fn calibrate(run: &Run, target: Duration) -> u64 {
    let mut n = 16u64;
    loop {
        let (_, elapsed) = run.sample(n);
        if elapsed >= target / 8 || n >= 1 << 40 {
            let scaled = n as f64 * target.as_secs_f64() / elapsed.as_secs_f64().max(1e-9);
            return (scaled as u64).max(1);
        }
        n *= 4;
    }
}

/// Samples every row in interleaved rounds, each round starting at another row, so that
/// drift and noise on a shared machine hit every row alike. Returns each row's stats and
/// items per sample.
pub(crate) fn interleaved(runs: &[&Run], config: &Config) -> Vec<(Stats, u64)> {
    let sizes: Vec<u64> = runs
        .iter()
        .map(|run| calibrate(run, config.sample_time))
        .collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(config.samples); runs.len()];
    for round in 0..config.samples {
        for k in 0..runs.len() {
            let i = (round + k) % runs.len();
            let (_, elapsed) = runs[i].sample(sizes[i]);
            samples[i].push(elapsed.as_nanos() as f64 / sizes[i] as f64);
        }
    }
    samples
        .into_iter()
        .map(stats)
        .zip(sizes)
        .collect::<Vec<_>>()
}

/// A measured (or merged, or skipped) row of a table.
#[derive(Clone, Debug)]
pub(crate) struct Measured {
    pub(crate) imp: Imp,
    pub(crate) name: String,
    /// Median ns per item; `None` when skipped.
    pub(crate) median: Option<f64>,
    /// p25–p75; `None` for external rows, which report a single figure.
    pub(crate) spread: Option<(f64, f64)>,
    /// Median over the baseline's median measured in this process.
    pub(crate) ratio: Option<f64>,
    /// For the nightly crate's rows: over that crate's own hand-written baseline.
    pub(crate) own_ratio: Option<f64>,
    /// Heap allocations per generator, where counted.
    pub(crate) allocations: Option<f64>,
    /// Items per sample (in-process rows).
    pub(crate) items_per_sample: Option<u64>,
    /// Why the row did not run.
    pub(crate) skipped: Option<String>,
}

impl Measured {
    /// A row that did not run, and why.
    pub(crate) fn skipped(imp: Imp, name: &str, reason: &str) -> Measured {
        Measured {
            imp,
            name: name.to_owned(),
            median: None,
            spread: None,
            ratio: None,
            own_ratio: None,
            allocations: None,
            items_per_sample: None,
            skipped: Some(reason.to_owned()),
        }
    }
}

/// A workload's results, ready for the report.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub(crate) key: &'static str,
    pub(crate) title: &'static str,
    pub(crate) per: &'static str,
    pub(crate) count_allocations: bool,
    /// The first row is the baseline.
    pub(crate) rows: Vec<Measured>,
    pub(crate) notes: Vec<String>,
}

impl Table {
    /// The in-process baseline's median.
    pub(crate) fn baseline(&self) -> Option<f64> {
        self.rows.first().and_then(|m| m.median)
    }

    /// The first row of an implementation.
    pub(crate) fn find(&self, imp: Imp) -> Option<&Measured> {
        self.rows
            .iter()
            .find(|m| m.imp == imp && m.median.is_some())
    }
}

/// Checks every row's checksum against the baseline's, then measures the workload.
pub(crate) fn run_workload(workload: &Workload, config: &Config) -> Table {
    let rows = &workload.rows;
    for &n in workload.check_sizes {
        let expected = rows[0].run.checksum(n);
        for row in &rows[1..] {
            assert_eq!(
                row.run.checksum(n),
                expected,
                "{}: `{}` disagrees with `{}` for n = {n}",
                workload.key,
                row.name,
                rows[0].name
            );
        }
    }

    let runs: Vec<&Run> = rows.iter().map(|r| &r.run).collect();
    let measured = interleaved(&runs, config);
    let baseline = measured[0].0.median;
    let mut table_rows: Vec<Measured> = rows
        .iter()
        .zip(&measured)
        .map(|(row, (s, n))| Measured {
            imp: row.imp,
            name: row.name.clone(),
            median: Some(s.median),
            spread: Some((s.p25, s.p75)),
            ratio: Some(s.median / baseline),
            own_ratio: None,
            allocations: workload.count_allocations.then(|| {
                const ROUNDS: u64 = 1000;
                memory::allocations_during(|| {
                    black_box(row.run.checksum(ROUNDS));
                }) as f64
                    / ROUNDS as f64
            }),
            items_per_sample: Some(*n),
            skipped: None,
        })
        .collect();
    for (imp, name, reason) in &workload.skipped {
        table_rows.push(Measured::skipped(*imp, name, reason));
    }
    Table {
        key: workload.key,
        title: workload.title,
        per: workload.per,
        count_allocations: workload.count_allocations,
        rows: table_rows,
        notes: workload.notes.clone(),
    }
}
