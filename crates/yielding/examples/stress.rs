//! Stress runs: many yields in flat memory, many live generators, a very deep delegation
//! chain. Figures, not assertions: run it in release and read what it prints.
//!
//! ```sh
//! cargo run --release --example stress               # 10^9 yields, 10^6 generators, depth 10^5
//! cargo run --release --example stress -- --quick    # smaller sizes, for a smoke run
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use yielding::{Gen, generator};

#[path = "support/measure.rs"]
mod measure;
use measure::peak_rss_kib;

/// Counts the bytes held on the heap, so that "bytes per generator" is measured, not guessed.
struct CountingAlloc;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: both methods forward to `System` unchanged; the counter only adds and subtracts
// sizes and never touches the memory.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAlloc = CountingAlloc;

fn many_yields(count: u64) {
    let before = peak_rss_kib();
    let started = Instant::now();
    let numbers = generator! {
        for i in 0..count {
            yield i;
        }
    };
    let mut sum = 0u64;
    for n in numbers {
        sum = sum.wrapping_add(black_box(n));
    }
    let elapsed = started.elapsed();
    println!(
        "{count} yields: {:.2} ns per yield, checksum {sum}, peak RSS {} before and {} after",
        elapsed.as_nanos() as f64 / count as f64,
        kib(before),
        kib(peak_rss_kib()),
    );
}

fn many_live_generators(count: usize) {
    let before = LIVE_BYTES.load(Relaxed);
    let mut live: Vec<_> = (0..count)
        .map(|i| {
            let mut g = generator! {
                let mut n = i as u64;
                loop {
                    yield n;
                    n += 1;
                }
            };
            black_box(g.next());
            g
        })
        .collect();
    let held = LIVE_BYTES.load(Relaxed) - before;
    let vector = count * size_of_val(&live[0]);
    println!(
        "{count} live, suspended generators: {held} heap bytes ({:.1} per generator: {} for the \
         body on the heap, {} for the generator itself, in the Vec)",
        held as f64 / count as f64,
        (held - vector) / count,
        size_of_val(&live[0]),
    );
    let resumed: u64 = live.iter_mut().map(|g| g.next().unwrap_or(0)).sum();
    black_box(resumed);
    drop(live);
    println!(
        "  after dropping them all: {} heap bytes above the start",
        LIVE_BYTES.load(Relaxed).saturating_sub(before)
    );
}

/// A chain of `depth` generators, each delegating to the next; the innermost yields
/// `items` values. The recursive body type has a size because each level's generator
/// boxes its body.
fn chain(depth: u32, items: u32) -> Gen<u32, (), impl Future<Output = u32>> {
    Gen::new(move |co| async move {
        if depth == 0 {
            for i in 0..items {
                co.yield_(i).await;
            }
            items
        } else {
            co.yield_from(chain(depth - 1, items)).await
        }
    })
}

fn deep_delegation(depth: u32) {
    // Resuming goes straight to the innermost delegate, and closing goes innermost first
    // in a loop, so a chain of any depth needs no more stack than a shallow one: this runs
    // on a thread with the default 2 MiB stack.
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let items = 1_000_000;
            let started = Instant::now();
            let mut g = chain(depth, items);
            let first = g.next();
            let to_first = started.elapsed();
            let started = Instant::now();
            let rest: u32 = (&mut g).map(black_box).count() as u32;
            let per_item = started.elapsed().as_secs_f64() * 1e9 / f64::from(rest.max(1));
            let returned = g.take_return();
            let started = Instant::now();
            drop(g);
            let dropped_finished = started.elapsed();
            let mut g = chain(depth, items);
            g.nth(10);
            let started = Instant::now();
            drop(g);
            let dropped_midway = started.elapsed();
            let first = first.expect("the chain yields its first item");
            let returned = returned.expect("the chain returns a value");
            println!(
                "delegation chain {depth} deep: first item {first} after {to_first:?}, then \
                 {per_item:.1} ns per item ({rest} more), return value {returned} passed up \
                 every level, dropped in {dropped_finished:?} (finished) and \
                 {dropped_midway:?} (midway)"
            );
        })
        .expect("a thread with a 2 MiB stack");
    worker.join().expect("the deep chain ran");
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (yields, generators, depth) = if quick {
        (10_000_000, 10_000, 1_000)
    } else {
        (1_000_000_000, 1_000_000, 100_000)
    };
    many_yields(yields);
    many_live_generators(generators);
    deep_delegation(depth);
}

/// A peak RSS for people: `2028 KiB`, or `unknown` where /proc/self/status has none.
fn kib(peak: Option<u64>) -> String {
    peak.map_or_else(|| "unknown".to_owned(), |kib| format!("{kib} KiB"))
}
