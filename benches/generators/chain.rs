//! The chain-depth table: level 1 yields 0, 1, 2, ...; level k > 1 delegates to level
//! k − 1 (`yield_from`, or the peer's idiom for it). Cost per item at depths 1 to 100,000.
//!
//! Each sample builds a fresh chain, pulls its first item (which creates every level)
//! outside the timing, times the next `n` items, and drops the chain, still suspended at
//! every level, outside the timing too. So the table shows what passing one item through
//! `depth` levels costs, not building or dropping them. Everything here runs on a thread
//! with a 1 GiB stack: where delegation nests a resume per level (genawaiter's re-yielding,
//! any O(depth) engine), a 100,000-deep chain nests 100,000 of them on the resuming thread's
//! stack, and so may its drop.

use std::future::Future;
use std::hint::black_box;
use std::time::{Duration, Instant};

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, Yielder};
use generator::{Generator, Gn, Scope, done};
use yielding::{Gen, Rec, Recursive, generator};

use super::measure::{Config, Imp, Run, Stats, interleaved};
use super::shared::{CoroIter, consume};

/// The depths of the table.
pub(crate) const DEPTHS: [u32; 5] = [1, 10, 100, 1000, 100_000];

/// The resuming thread's stack.
pub(crate) const THREAD_STACK: usize = 1 << 30;

/// A row that builds and times longer than this is skipped.
const BUDGET: Duration = Duration::from_secs(10);

/// Times `n` items of a chain whose first item has not been pulled yet, then drops it
/// suspended.
#[inline(always)]
fn timed<I: Iterator<Item = u64>>(chain: I, n: u64) -> (u64, Duration) {
    timed_then(chain, n, drop)
}

/// Times `n` items of a chain whose first item has not been pulled yet, then hands it,
/// untimed, to `tear_down`.
#[inline(always)]
fn timed_then<I: Iterator<Item = u64>>(
    mut chain: I,
    n: u64,
    tear_down: impl FnOnce(I),
) -> (u64, Duration) {
    // The first item creates every level: set-up, not per-item cost.
    let first = chain.next().unwrap_or(u64::MAX);
    let start = Instant::now();
    let sum = consume((&mut chain).take(n as usize));
    let elapsed = start.elapsed();
    tear_down(chain);
    (first.wrapping_add(sum), elapsed)
}

/// Items the innermost level yields: more than any sample takes, so every sample drops a
/// chain that is suspended at every level.
fn total(n: u64) -> u64 {
    n + 2
}

// ---------------------------------------------------------------------------------------
// yielding
// ---------------------------------------------------------------------------------------

fn core_chain(depth: u32, total: u64) -> Gen<u64, (), impl Future<Output = ()>> {
    Gen::new(move |co| async move {
        if depth <= 1 {
            for i in 0..total {
                co.yield_(i).await;
            }
        } else {
            co.yield_from(core_chain(depth - 1, total)).await;
        }
    })
}

#[inline(never)]
fn yielding(depth: u32, n: u64) -> (u64, Duration) {
    timed(core_chain(depth, total(n)), n)
}

fn macro_chain(depth: u32, total: u64) -> Gen<u64, (), impl Future<Output = ()>> {
    generator! {
        if depth <= 1 {
            for i in 0..total {
                yield i;
            }
        } else {
            yield from macro_chain(depth - 1, total);
        }
    }
}

#[inline(never)]
fn macro_(depth: u32, n: u64) -> (u64, Duration) {
    timed(macro_chain(depth, total(n)), n)
}

/// The chain as one `Recursive` generator: each level a call, a frame on its own stack.
async fn recursive_chain(rec: Rec<u64, (u32, u64)>, (depth, total): (u32, u64)) {
    if depth <= 1 {
        for i in 0..total {
            rec.yield_(i).await;
        }
    } else {
        rec.recurse((depth - 1, total)).await;
    }
}

#[inline(never)]
fn recursive(depth: u32, n: u64) -> (u64, Duration) {
    timed(Recursive::new(recursive_chain, (depth, total(n))), n)
}

// ---------------------------------------------------------------------------------------
// Peers
// ---------------------------------------------------------------------------------------

fn genawaiter_chain(
    depth: u32,
    total: u64,
) -> genawaiter::rc::Gen<u64, (), impl Future<Output = ()>> {
    genawaiter::rc::Gen::new(move |co| async move {
        if depth <= 1 {
            for i in 0..total {
                co.yield_(i).await;
            }
        } else {
            for x in genawaiter_chain(depth - 1, total).into_iter() {
                co.yield_(x).await;
            }
        }
    })
}

#[inline(never)]
fn genawaiter_rc(depth: u32, n: u64) -> (u64, Duration) {
    timed(genawaiter_chain(depth, total(n)).into_iter(), n)
}

fn corosensei_chain(depth: u32, total: u64) -> CoroIter {
    CoroIter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        if depth <= 1 {
            for i in 0..total {
                y.suspend(i);
            }
        } else {
            for x in corosensei_chain(depth - 1, total) {
                y.suspend(x);
            }
        }
    }))
}

#[inline(never)]
fn corosensei_nested(depth: u32, n: u64) -> (u64, Duration) {
    timed(corosensei_chain(depth, total(n)), n)
}

/// The stack one coroutine needs for `depth` nested calls, generously (debug frames are
/// large); only the touched pages become resident.
fn recursion_stack_bytes(depth: u32) -> usize {
    (1 << 20) + depth as usize * 1024
}

/// One level of plain recursion. The `black_box` keeps each call a real frame: a tail call
/// could be turned into a jump, and the chain into no chain.
#[inline(never)]
fn corosensei_nest(y: &Yielder<(), u64>, depth: u32, total: u64) -> u32 {
    if depth <= 1 {
        for i in 0..total {
            y.suspend(i);
        }
        0
    } else {
        black_box(corosensei_nest(y, depth - 1, total)) + 1
    }
}

#[inline(never)]
fn corosensei_recursion(depth: u32, n: u64) -> (u64, Duration) {
    let total = total(n);
    let stack = DefaultStack::new(recursion_stack_bytes(depth)).expect("a coroutine stack");
    let coroutine = Coroutine::with_stack(stack, move |y: &Yielder<(), u64>, ()| {
        black_box(corosensei_nest(y, depth, total));
    });
    timed(CoroIter(coroutine), n)
}

fn generator_rs_chain(depth: u32, total: u64) -> Generator<'static, (), u64> {
    Gn::<()>::new_scoped(move |mut s| {
        if depth <= 1 {
            for i in 0..total {
                s.yield_(i);
            }
        } else {
            s.yield_from(generator_rs_chain(depth - 1, total));
        }
        done!()
    })
}

#[inline(never)]
fn generator_rs_nested(depth: u32, n: u64) -> (u64, Duration) {
    // Dropping a suspended generator-rs generator that is inside its `yield_from` leaks the
    // delegates' stacks (two mappings each; measured here with /proc/self/maps), and the
    // samples would soon exhaust vm.max_map_count. So this row's chains are run to their end
    // (one more item) instead, untimed.
    timed_then(generator_rs_chain(depth, total(n)), n, |rest| {
        black_box(rest.count());
    })
}

#[inline(never)]
fn generator_rs_nest(s: &mut Scope<'_, 'static, (), u64>, depth: u32, total: u64) -> u32 {
    if depth <= 1 {
        for i in 0..total {
            s.yield_(i);
        }
        0
    } else {
        black_box(generator_rs_nest(s, depth - 1, total)) + 1
    }
}

#[inline(never)]
fn generator_rs_recursion(depth: u32, n: u64) -> (u64, Duration) {
    let total = total(n);
    // generator-rs sizes stacks in words; an even size skips its full-stack usage scan.
    let words = (recursion_stack_bytes(depth) / size_of::<usize>()) & !1;
    let generator = Gn::<()>::new_scoped_opt(words, move |mut s| {
        black_box(generator_rs_nest(&mut s, depth, total));
        done!()
    });
    timed(generator, n)
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

/// An implementation of the chain, and what limits its depth.
struct ChainImp {
    imp: Imp,
    name: &'static str,
    run: fn(u32, u64) -> (u64, Duration),
    /// Each level is a coroutine with an `mmap`'d stack and guard page: two mappings.
    mapping_per_level: bool,
}

fn implementations() -> Vec<ChainImp> {
    let imp = |imp, name, run, mapping_per_level| ChainImp {
        imp,
        name,
        run,
        mapping_per_level,
    };
    vec![
        imp(
            Imp::YieldingRecursive,
            "yielding `Recursive` + `rec.recurse` (a frame per level)",
            recursive as fn(u32, u64) -> (u64, Duration),
            false,
        ),
        imp(
            Imp::YieldingBoxed,
            "yielding `Gen::new` + `co.yield_from` (boxed)",
            yielding,
            false,
        ),
        imp(
            Imp::YieldingMacro,
            "yielding `generator!` + `yield from`",
            macro_,
            false,
        ),
        imp(
            Imp::GenawaiterRc,
            "genawaiter `rc`, each level re-yields",
            genawaiter_rc,
            false,
        ),
        imp(
            Imp::Corosensei,
            "corosensei, a coroutine per level, re-yielding",
            corosensei_nested,
            true,
        ),
        imp(
            Imp::CorosenseiRecursion,
            "corosensei, plain recursion in one coroutine",
            corosensei_recursion,
            false,
        ),
        imp(
            Imp::GeneratorRs,
            "generator-rs, a generator per level, its `yield_from`",
            generator_rs_nested,
            true,
        ),
        imp(
            Imp::GeneratorRsRecursion,
            "generator-rs, plain recursion in one generator",
            generator_rs_recursion,
            false,
        ),
    ]
}

/// One cell of the table.
#[derive(Clone, Debug)]
pub(crate) enum Cell {
    /// Median and spread in ns per item (`None` spread for external rows).
    Measured {
        median: f64,
        spread: Option<(f64, f64)>,
    },
    Skipped(String),
    NotRun,
}

impl Cell {
    /// The median, if measured.
    pub(crate) fn median(&self) -> Option<f64> {
        match self {
            Cell::Measured { median, .. } => Some(*median),
            _ => None,
        }
    }
}

/// One implementation's cells, a cell per depth.
#[derive(Clone, Debug)]
pub(crate) struct ChainRow {
    pub(crate) imp: Imp,
    pub(crate) name: String,
    pub(crate) cells: Vec<Cell>,
}

/// The chain-depth table.
#[derive(Clone, Debug)]
pub(crate) struct ChainTable {
    pub(crate) depths: Vec<u32>,
    pub(crate) rows: Vec<ChainRow>,
    pub(crate) notes: Vec<String>,
}

/// The depths selected: those named as `chain-D` among the filters, else all of them.
pub(crate) fn selected_depths(config: &Config) -> Vec<u32> {
    let named: Vec<u32> = DEPTHS
        .into_iter()
        .filter(|d| config.filters.iter().any(|f| *f == format!("chain-{d}")))
        .collect();
    if named.is_empty() {
        DEPTHS.to_vec()
    } else {
        named
    }
}

/// Whether the chain workload is selected at all.
pub(crate) fn selected(config: &Config) -> bool {
    config.filters.is_empty()
        || config
            .filters
            .iter()
            .any(|f| "chain".contains(f.as_str()) || f.starts_with("chain-"))
}

/// `vm.max_map_count`: the most mappings a process may have.
pub(crate) fn max_map_count() -> u64 {
    std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(65_530)
}

/// Measures every implementation at every selected depth, on a thread with a big stack.
pub(crate) fn run(config: &Config) -> ChainTable {
    let depths = selected_depths(config);
    let config = config.clone();
    std::thread::Builder::new()
        .name("chain".into())
        .stack_size(THREAD_STACK)
        .spawn(move || measure(&config, &depths))
        .expect("a thread with a 1 GiB stack")
        .join()
        .expect("the chain workload ran")
}

/// Runs `f`, turning a panic into its message.
fn attempt<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

fn measure(config: &Config, depths: &[u32]) -> ChainTable {
    let max_maps = max_map_count();
    let mut rows = Vec::new();
    for chain_imp in implementations() {
        eprintln!("  chain: {}", chain_imp.name);
        let mut cells = vec![Cell::NotRun; depths.len()];
        let mut runnable: Vec<(usize, Run)> = Vec::new();
        for (i, &depth) in depths.iter().enumerate() {
            let mappings = 2 * u64::from(depth);
            if chain_imp.mapping_per_level && mappings + 1000 > max_maps {
                cells[i] = Cell::Skipped(format!(
                    "needs a stack mapping and a guard mapping per level, {mappings} in all, \
                     over this machine's vm.max_map_count ({max_maps})"
                ));
                continue;
            }
            // Correctness first, and a budget: three builds, 103 items and three drops. A
            // peer that panics (out of memory or mappings, say) is skipped, with its message.
            let started = Instant::now();
            let mut panicked = None;
            for n in [0, 3, 100] {
                let checksum = match attempt(|| (chain_imp.run)(depth, n)) {
                    Ok((checksum, _)) => checksum,
                    Err(message) => {
                        panicked = Some(message);
                        break;
                    }
                };
                assert_eq!(
                    checksum,
                    n * (n + 1) / 2,
                    "chain-{depth}: `{}` yields the wrong items for n = {n}",
                    chain_imp.name
                );
            }
            if let Some(message) = panicked {
                cells[i] = Cell::Skipped(format!("panicked: {message}"));
                continue;
            }
            let took = started.elapsed();
            if took > BUDGET {
                cells[i] = Cell::Skipped(format!(
                    "three builds, 103 items and three drops took {:.1} s, over the {} s budget",
                    took.as_secs_f64(),
                    BUDGET.as_secs()
                ));
                continue;
            }
            let run = chain_imp.run;
            runnable.push((i, Run::Timed(Box::new(move |n| run(depth, n)))));
        }
        // One implementation's depths are sampled in the same interleaved rounds, so that
        // its deep/shallow ratio is not a ratio across time.
        let runs: Vec<&Run> = runnable.iter().map(|(_, run)| run).collect();
        match attempt(|| interleaved(&runs, config)) {
            Ok(measured) => {
                for ((i, _), (Stats { median, p25, p75 }, _)) in runnable.iter().zip(measured) {
                    cells[*i] = Cell::Measured {
                        median,
                        spread: Some((p25, p75)),
                    };
                }
            }
            Err(message) => {
                for (i, _) in &runnable {
                    cells[*i] = Cell::Skipped(format!("panicked while measured: {message}"));
                }
            }
        }
        rows.push(ChainRow {
            imp: chain_imp.imp,
            name: chain_imp.name.to_owned(),
            cells,
        });
    }
    let na = "n/a: a recursive body cannot hold its child in a place of its own";
    for (imp, name) in [
        (Imp::YieldingStack, "yielding `Gen::new_in` (stack)"),
        (Imp::GenawaiterStack, "genawaiter `stack`"),
    ] {
        rows.push(ChainRow {
            imp,
            name: name.to_owned(),
            cells: vec![Cell::Skipped(na.to_owned()); depths.len()],
        });
    }
    ChainTable {
        depths: depths.to_vec(),
        rows,
        notes: vec![
            format!(
                "Each sample builds a chain, pulls its first item outside the timing (that \
                 creates every level), times `n` more items, and drops the chain suspended, \
                 outside the timing. The in-process rows run on a thread with a {} GiB stack: \
                 where delegation nests a resume per level (genawaiter's re-yielding, any \
                 O(depth) engine), 100,000 levels nest 100,000 resumes, and maybe drops, on \
                 the resuming thread's stack.",
                THREAD_STACK >> 30
            ),
            "generator-rs's nested chains are run to their end (one more item, untimed) \
             instead of dropped suspended: dropping a generator-rs generator suspended inside \
             its `yield_from` leaks the delegates' stacks, and the samples would exhaust \
             vm.max_map_count."
                .to_owned(),
            "\"Plain recursion in one coroutine\" rows are the stackful crates' other idiom: \
             one coroutine whose body recurses `depth` calls deep and suspends from the \
             bottom, so an item costs one switch at any depth (the stack is sized for the \
             depth; only touched pages are resident)."
                .to_owned(),
        ],
    }
}
