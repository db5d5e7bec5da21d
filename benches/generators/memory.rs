//! Memory: the counting allocator, bytes per live generator, and the peak-RSS delta with
//! many live generators, each measured in a fresh child process.
//!
//! The generator measured is W1's (`for i in 0..n { yield i }`), advanced once so that it
//! is suspended inside its loop, and kept in a `Vec` with the others.
//!
//! - Bytes per generator: the generator's own size (`size_of`, what the `Vec` holds) plus
//!   the heap bytes the counting allocator saw while 1000 of them were created and advanced,
//!   divided by 1000. Stackful peers also `mmap` a stack per generator, which no allocator
//!   sees; that is reported as the mapping's size, and the RSS column shows what of it is
//!   touched.
//! - RSS: this binary re-executes itself with a private argument, once per implementation;
//!   the child reads `VmHWM` (peak resident set) from `/proc/self/status` before and after
//!   creating the generators, and prints the difference.

use std::alloc::{GlobalAlloc, Layout, System};
use std::any::Any;
use std::hint::black_box;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use corosensei::{Coroutine, Yielder};
use generator::{Gn, done};
use yielding::Gen;

use super::measure::Config;
use super::shared::{CoroIter, Upto};

// ---------------------------------------------------------------------------------------
// Counting allocator
// ---------------------------------------------------------------------------------------

/// Counts heap allocations, and the bytes allocated, while `COUNTING` is set. Updates
/// are a plain load and store rather than an atomic add, so counting costs no locked
/// instruction; only one thread counts at a time here, so no update is lost.
///
/// Frees are not counted. A counter update in `dealloc` stops the optimiser from eliding
/// a heap allocation that never escapes, which it does for a boxed generator consumed in
/// place: measured, counting frees made the boxed W1 row 9x instead of 1x, in every
/// implementation's timing rows, not only the memory ones.
struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicI64 = AtomicI64::new(0);

impl CountingAlloc {
    #[inline(always)]
    fn count(allocations: u64, bytes: i64) {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.store(
                ALLOCATIONS.load(Ordering::Relaxed) + allocations,
                Ordering::Relaxed,
            );
            ALLOCATED_BYTES.store(
                ALLOCATED_BYTES.load(Ordering::Relaxed) + bytes,
                Ordering::Relaxed,
            );
        }
    }
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the only addition is a counter update that touches no memory the
// allocator hands out.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::count(1, layout.size() as i64);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` needs.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::count(1, layout.size() as i64);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::count(1, new_size as i64 - layout.size() as i64);
        // SAFETY: `ptr` came from `System` with `layout`; the caller upholds the rest.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Heap allocations made by `f`, and the bytes they asked for.
fn counted(f: impl FnOnce()) -> (u64, i64) {
    ALLOCATIONS.store(0, Ordering::Relaxed);
    ALLOCATED_BYTES.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::SeqCst);
    f();
    COUNTING.store(false, Ordering::SeqCst);
    (
        ALLOCATIONS.load(Ordering::Relaxed),
        ALLOCATED_BYTES.load(Ordering::Relaxed),
    )
}

/// Heap allocations made by `f`.
pub(crate) fn allocations_during(f: impl FnOnce()) -> u64 {
    counted(f).0
}

// ---------------------------------------------------------------------------------------
// The generators
// ---------------------------------------------------------------------------------------
//
// W1's generator in each implementation, as W1 writes it, behind a function so that one
// `Vec` holds a nameable type.

fn yielding_w1(n: u64) -> impl Iterator<Item = u64> {
    Gen::new(move |co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    })
}

fn genawaiter_w1(n: u64) -> impl Iterator<Item = u64> {
    genawaiter::rc::Gen::new(move |co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    })
    .into_iter()
}

fn corosensei_w1(n: u64) -> impl Iterator<Item = u64> {
    CoroIter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        for i in 0..n {
            y.suspend(i);
        }
    }))
}

fn generator_rs_w1(n: u64) -> impl Iterator<Item = u64> {
    Gn::<()>::new_scoped(move |mut s| {
        for i in 0..n {
            s.yield_(i);
        }
        done!()
    })
}

fn hand_w1(n: u64) -> impl Iterator<Item = u64> {
    Upto { next: 0, end: n }
}

/// An implementation measured here.
struct MemImp {
    key: &'static str,
    name: &'static str,
    /// The stack mapping each generator reserves outside the heap.
    mapping: Option<&'static str>,
    /// Each generator takes two of the process's mappings (stack and guard page), which
    /// caps how many can live at once below `vm.max_map_count`.
    mapping_per_generator: bool,
}

fn implementations() -> [MemImp; 5] {
    let imp = |key, name, mapping: Option<&'static str>| MemImp {
        key,
        name,
        mapping,
        mapping_per_generator: mapping.is_some(),
    };
    [
        imp("hand", "hand-written Iterator (reference)", None),
        imp("yielding", "yielding `Gen::new` (boxed)", None),
        imp("genawaiter", "genawaiter `rc`", None),
        imp("corosensei", "corosensei", Some("1 MiB + 4 KiB guard")),
        imp(
            "generator-rs",
            "generator-rs `Gn::new_scoped`",
            Some("32 KiB + 8 KiB guard and slack"),
        ),
    ]
}

/// Generators kept alive, of a type this module has erased, and what they took.
struct Held {
    _live: Box<dyn Any>,
    /// `size_of` one generator.
    size: usize,
    /// Heap allocations made creating and advancing them (not the `Vec`'s buffer).
    allocations: u64,
    /// Net heap bytes they hold.
    heap_bytes: i64,
}

/// Creates `count` generators, advances each once, and keeps them in a `Vec` allocated
/// beforehand: what both measurements hold live.
fn hold<I: Iterator<Item = u64> + 'static>(count: usize, make: fn(u64) -> I) -> Held {
    let mut live = Vec::with_capacity(count);
    let (allocations, heap_bytes) = counted(|| {
        for _ in 0..count {
            let mut g = make(black_box(u64::MAX));
            black_box(g.next());
            live.push(g);
        }
    });
    Held {
        _live: Box::new(live),
        size: size_of::<I>(),
        allocations,
        heap_bytes,
    }
}

/// `count` generators of implementation `key`.
fn hold_by_key(key: &str, count: usize) -> Held {
    match key {
        "hand" => hold(count, hand_w1),
        "yielding" => hold(count, yielding_w1),
        "genawaiter" => hold(count, genawaiter_w1),
        "corosensei" => hold(count, corosensei_w1),
        "generator-rs" => hold(count, generator_rs_w1),
        other => panic!("no memory implementation {other:?}"),
    }
}

/// The in-process figures: size of one generator, heap bytes and allocations per generator.
fn bytes_per_generator(key: &str) -> (usize, f64, f64) {
    const COUNT: usize = 1000;
    let held = hold_by_key(key, COUNT);
    (
        held.size,
        held.heap_bytes as f64 / COUNT as f64,
        held.allocations as f64 / COUNT as f64,
    )
}

// ---------------------------------------------------------------------------------------
// The RSS child
// ---------------------------------------------------------------------------------------

/// The private argument that makes this binary a memory child.
const CHILD_FLAG: &str = "--yielding-memory-child";

/// Peak resident set so far, in bytes: `VmHWM` in `/proc/self/status` (Linux only).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kib: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

/// When this process is a memory child, measures and returns its exit code.
pub(crate) fn child_main() -> Option<i32> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(CHILD_FLAG) {
        return None;
    }
    let (Some(key), Some(count)) = (args.get(2), args.get(3).and_then(|c| c.parse().ok())) else {
        eprintln!("usage: {CHILD_FLAG} IMPLEMENTATION COUNT");
        return Some(2);
    };
    let Some(before) = peak_rss_bytes() else {
        eprintln!("no VmHWM in /proc/self/status");
        return Some(1);
    };
    let held = hold_by_key(key, count);
    let after = peak_rss_bytes().unwrap_or(before);
    println!("rss\t{}", after.saturating_sub(before));
    // Exiting frees them faster than dropping a million generators one by one.
    std::mem::forget(held);
    Some(0)
}

/// Runs a memory child: the peak-RSS delta for `count` live generators.
fn rss_delta(key: &str, count: u64) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| format!("no current_exe: {e}"))?;
    let output = Command::new(exe)
        .args([CHILD_FLAG, key, &count.to_string()])
        .output()
        .map_err(|e| format!("could not start the child: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("").trim().to_owned();
        return Err(format!("the child failed ({}): {last}", output.status));
    }
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("rss\t"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("the child printed no rss line: {stdout:?}"))
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

/// One implementation's memory figures.
#[derive(Clone, Debug)]
pub(crate) struct MemRow {
    pub(crate) name: String,
    /// `size_of` the generator, where measured here.
    pub(crate) inline: Option<usize>,
    /// Heap bytes per generator, where measured here.
    pub(crate) heap: Option<f64>,
    /// Heap allocations per generator, where measured here.
    pub(crate) allocations: Option<f64>,
    /// Inline plus heap (or the child's own figure).
    pub(crate) bytes: Option<f64>,
    /// The stack mapping each generator reserves, for stackful ones.
    pub(crate) mapping: Option<String>,
    /// Live generators in the RSS measurement.
    pub(crate) live: Option<u64>,
    /// Peak-RSS delta for `live` generators.
    pub(crate) rss_delta: Option<u64>,
    /// Peak-RSS delta for 1,000,000 generators, measured or extrapolated.
    pub(crate) rss_million: Option<f64>,
    /// Why a figure is missing, or how it was obtained.
    pub(crate) note: Option<String>,
}

/// Live generators in the RSS measurement for 1,000,000 (or the cap and why).
fn live_count(imp: &MemImp, config: &Config) -> (u64, Option<String>) {
    const MILLION: u64 = 1_000_000;
    if config.quick {
        return (10_000, Some("quick run: scaled ×100".to_owned()));
    }
    if imp.mapping_per_generator {
        // Two mappings per generator, and headroom for the process's own.
        let max_maps = super::chain::max_map_count();
        let cap = 20_000.min(max_maps.saturating_sub(5_000) / 2).max(1);
        return (
            cap,
            Some(format!(
                "scaled ×{:.0}: each generator takes two mappings (stack and guard page), and \
                 vm.max_map_count is {max_maps} here",
                MILLION as f64 / cap as f64
            )),
        );
    }
    (MILLION, None)
}

/// Measures every implementation.
pub(crate) fn run(config: &Config) -> Vec<MemRow> {
    implementations()
        .iter()
        .map(|imp| {
            eprintln!("  memory: {}", imp.name);
            let (inline, heap, allocations) = bytes_per_generator(imp.key);
            let (live, note) = live_count(imp, config);
            let (rss_delta, rss_million, note) = match rss_delta(imp.key, live) {
                Ok(delta) => (Some(delta), Some(delta as f64 * 1e6 / live as f64), note),
                Err(reason) => (None, None, Some(reason)),
            };
            MemRow {
                name: imp.name.to_owned(),
                inline: Some(inline),
                heap: Some(heap),
                allocations: Some(allocations),
                bytes: Some(inline as f64 + heap),
                mapping: imp.mapping.map(str::to_owned),
                live: Some(live),
                rss_delta,
                rss_million,
                note,
            }
        })
        .collect()
}
