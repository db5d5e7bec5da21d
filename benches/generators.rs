//! One benchmark harness: yielding against a hand-written `Iterator` and the peer crates,
//! in one run, reported as ratios to the hand-written `Iterator` (BENCHMARKS.md has the
//! results and DESIGN.md the targets). yielding's rows include the `generator!` macro, whose
//! median is also reported against the boxed core API's, measured in the same run.
//!
//! ```text
//! cargo bench -p yielding-benches                                   # stable, about 20 s
//! cargo +nightly bench -p yielding-benches --features nightly       # adds native coroutines
//! YIELDING_BENCH_QUICK=1 cargo bench -p yielding-benches            # smoke run, under a second
//! cargo bench -p yielding-benches -- W3 creation                    # only these workloads
//! ```
//!
//! Prefix `RUSTFLAGS="-C llvm-args=-align-loops=64"` for numbers that survive unrelated
//! edits: the baselines' loops take about one cycle per item, and one that happens to
//! straddle a 64-byte line takes two, which halves every ratio to it.
//!
//! Method. Every implementation of a workload is a function `fn(n) -> checksum` that runs
//! `n` items. Its `n` is calibrated so that one sample takes about 20 ms (0.5 ms when
//! quick); then 31 samples (5 when quick) of all implementations are taken in interleaved
//! rounds, so drift and noise on this shared machine hit every row alike. Each row reports
//! its median ns per item and that median's ratio to the first row, the hand-written
//! baseline. `n` goes in through `black_box`, and the consumer passes every item through
//! `black_box`, so nothing is constant-folded or summed in closed form. Before timing,
//! every implementation's checksum is checked against the baseline's. Timings are
//! reported, never asserted.

#![cfg_attr(
    feature = "nightly",
    feature(coroutines, coroutine_trait, stmt_expr_attributes)
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use corosensei::{Coroutine, CoroutineResult, Yielder};
use yielding::{Co, Gen, generator};

// ---------------------------------------------------------------------------------------
// Counting allocator
// ---------------------------------------------------------------------------------------

/// Counts heap allocations while `COUNTING` is set. The increment is a plain load and store
/// rather than an atomic add, so counting costs no locked instruction; the harness is
/// single-threaded, so no increment is lost.
struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

impl CountingAlloc {
    #[inline(always)]
    fn count() {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.store(ALLOCATIONS.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        }
    }
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the only addition is a counter update that touches no memory the
// allocator hands out.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::count();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` needs.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::count();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::count();
        // SAFETY: `ptr` came from `System` with `layout`; the caller upholds the rest.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Heap allocations made by `f`.
fn allocations_during(f: impl FnOnce()) -> u64 {
    ALLOCATIONS.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::SeqCst);
    f();
    COUNTING.store(false, Ordering::SeqCst);
    ALLOCATIONS.load(Ordering::Relaxed)
}

// ---------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------

/// The consumer of every iterator workload: sums the items, each through `black_box`.
#[inline(always)]
fn consume(items: impl Iterator<Item = u64>) -> u64 {
    let mut sum = 0u64;
    for x in items {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// A corosensei coroutine as an `Iterator`. Resuming a finished corosensei coroutine
/// panics, so it must be dropped at its first `None` (every consumer here does).
struct CoroIter(Coroutine<(), u64, ()>);

impl Iterator for CoroIter {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        match self.0.resume(()) {
            CoroutineResult::Yield(x) => Some(x),
            CoroutineResult::Return(()) => None,
        }
    }
}

/// The Fibonacci seeds, through `black_box` so no implementation sees constants.
#[inline(always)]
fn fib_seeds() -> (u64, u64) {
    black_box((0, 1))
}

// ---------------------------------------------------------------------------------------
// W1: yield 0..N and sum
// ---------------------------------------------------------------------------------------

/// The hand-written baseline: `0..n` as an Iterator struct.
struct Upto {
    next: u64,
    end: u64,
}

impl Iterator for Upto {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.next < self.end {
            let x = self.next;
            self.next += 1;
            Some(x)
        } else {
            None
        }
    }
}

#[inline(never)]
fn w1_hand(n: u64) -> u64 {
    consume(Upto { next: 0, end: n })
}

#[inline(never)]
fn w1_yielding(n: u64) -> u64 {
    consume(Gen::new(|co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    }))
}

#[inline(never)]
fn w1_yielding_in(n: u64) -> u64 {
    let mut place = pin!(None);
    consume(Gen::new_in(place.as_mut(), |co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    }))
}

#[inline(never)]
fn w1_macro(n: u64) -> u64 {
    consume(generator! {
        for i in 0..n {
            yield i;
        }
    })
}

#[inline(never)]
fn w1_genawaiter_rc(n: u64) -> u64 {
    consume(
        genawaiter::rc::Gen::new(|co| async move {
            for i in 0..n {
                co.yield_(i).await;
            }
        })
        .into_iter(),
    )
}

#[inline(never)]
fn w1_genawaiter_stack(n: u64) -> u64 {
    genawaiter::stack::let_gen_using!(g, |co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    });
    consume(g.into_iter())
}

#[inline(never)]
fn w1_corosensei(n: u64) -> u64 {
    consume(CoroIter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        for i in 0..n {
            y.suspend(i);
        }
    })))
}

// ---------------------------------------------------------------------------------------
// W2: infinite Fibonacci, first N items, summed
// ---------------------------------------------------------------------------------------

struct Fib {
    a: u64,
    b: u64,
}

impl Iterator for Fib {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        let x = self.a;
        (self.a, self.b) = (self.b, self.a.wrapping_add(self.b));
        Some(x)
    }
}

#[inline(never)]
fn w2_hand(n: u64) -> u64 {
    let (a, b) = fib_seeds();
    consume(Fib { a, b }.take(n as usize))
}

#[inline(never)]
fn w2_yielding(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let fib = Gen::new(|co| async move {
        loop {
            co.yield_(a).await;
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(fib.take(n as usize))
}

#[inline(never)]
fn w2_yielding_in(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let mut place = pin!(None);
    let fib = Gen::new_in(place.as_mut(), |co| async move {
        loop {
            co.yield_(a).await;
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(fib.take(n as usize))
}

#[inline(never)]
fn w2_macro(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let fib = generator! {
        loop {
            yield a;
            (a, b) = (b, a.wrapping_add(b));
        }
    };
    consume(fib.take(n as usize))
}

#[inline(never)]
fn w2_genawaiter_rc(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let g = genawaiter::rc::Gen::new(|co| async move {
        loop {
            co.yield_(a).await;
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(g.into_iter().take(n as usize))
}

#[inline(never)]
fn w2_genawaiter_stack(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    genawaiter::stack::let_gen_using!(g, |co| async move {
        loop {
            co.yield_(a).await;
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(g.into_iter().take(n as usize))
}

#[inline(never)]
fn w2_corosensei(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let fib = Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        loop {
            y.suspend(a);
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(CoroIter(fib).take(n as usize))
}

// ---------------------------------------------------------------------------------------
// W3: send-driven running average
// ---------------------------------------------------------------------------------------

/// The hand-written baseline: the running average as a plain struct with a `send` method.
struct Averager {
    total: f64,
    count: f64,
}

impl Averager {
    #[inline]
    fn send(&mut self, x: f64) -> f64 {
        self.total += x;
        self.count += 1.0;
        self.total / self.count
    }
}

/// The values sent in: `0.0, 1.0, 2.0, ...`. No `black_box` is needed here: f64 addition
/// and division cannot be reassociated, so nothing folds, and a `black_box` store and reload
/// per input would only put a memory round trip into every row.
#[inline(always)]
fn w3_input(i: u64) -> f64 {
    i as f64
}

/// The checksum: the sum of the yielded averages, as bits.
#[inline(never)]
fn w3_hand(n: u64) -> u64 {
    let mut average = Averager {
        total: 0.0,
        count: 0.0,
    };
    let mut sum = 0.0;
    sum += black_box(0.0); // the priming yield's 0.0
    for i in 0..n {
        sum += black_box(average.send(w3_input(i)));
    }
    sum.to_bits()
}

#[inline(always)]
fn w3_drive_yielding<F, P>(mut average: Gen<f64, f64, F, P>, n: u64) -> u64
where
    F: Future,
    P: std::ops::DerefMut<Target = Option<F>>,
{
    let mut sum = 0.0;
    sum += black_box(average.start().unwrap_or(f64::NAN));
    for i in 0..n {
        sum += black_box(average.send(w3_input(i)).unwrap_or(f64::NAN));
    }
    sum.to_bits()
}

#[inline(never)]
fn w3_yielding(n: u64) -> u64 {
    let average = Gen::with_send(|co: Co<f64, f64>| async move {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = co.yield_(0.0).await;
        loop {
            total += x;
            count += 1.0;
            x = co.yield_(total / count).await;
        }
    });
    w3_drive_yielding(average, n)
}

#[inline(never)]
fn w3_yielding_in(n: u64) -> u64 {
    let mut place = pin!(None);
    let average = Gen::with_send_in(place.as_mut(), |co: Co<f64, f64>| async move {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = co.yield_(0.0).await;
        loop {
            total += x;
            count += 1.0;
            x = co.yield_(total / count).await;
        }
    });
    w3_drive_yielding(average, n)
}

#[inline(never)]
fn w3_macro(n: u64) -> u64 {
    let average = generator!(f64, f64 => {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = yield 0.0;
        loop {
            total += x;
            count += 1.0;
            x = yield total / count;
        }
    });
    w3_drive_yielding(average, n)
}

/// Resumes a genawaiter generator (either API) and expects a yielded value.
macro_rules! genawaiter_yielded {
    ($resumed:expr) => {
        match $resumed {
            genawaiter::GeneratorState::Yielded(v) => v,
            genawaiter::GeneratorState::Complete(_) => f64::NAN,
        }
    };
}

#[inline(never)]
fn w3_genawaiter_rc(n: u64) -> u64 {
    let mut average = genawaiter::rc::Gen::new(|co: genawaiter::rc::Co<f64, f64>| async move {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = co.yield_(0.0).await;
        loop {
            total += x;
            count += 1.0;
            x = co.yield_(total / count).await;
        }
    });
    // genawaiter drops the first resume's argument: this is the priming resume.
    let mut sum = 0.0;
    sum += black_box(genawaiter_yielded!(average.resume_with(0.0)));
    for i in 0..n {
        sum += black_box(genawaiter_yielded!(average.resume_with(w3_input(i))));
    }
    sum.to_bits()
}

#[inline(never)]
fn w3_genawaiter_stack(n: u64) -> u64 {
    genawaiter::stack::let_gen_using!(average, |co| async move {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = co.yield_(0.0).await;
        loop {
            total += x;
            count += 1.0;
            x = co.yield_(total / count).await;
        }
    });
    let mut sum = 0.0;
    sum += black_box(genawaiter_yielded!(average.resume_with(0.0)));
    for i in 0..n {
        sum += black_box(genawaiter_yielded!(average.resume_with(w3_input(i))));
    }
    sum.to_bits()
}

#[inline(never)]
fn w3_corosensei(n: u64) -> u64 {
    let mut average = Coroutine::new(|y: &Yielder<f64, f64>, _first: f64| {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = y.suspend(0.0);
        loop {
            total += x;
            count += 1.0;
            x = y.suspend(total / count);
        }
    });
    let yielded = |resumed: CoroutineResult<f64, _>| match resumed {
        CoroutineResult::Yield(v) => v,
        CoroutineResult::Return(_) => f64::NAN,
    };
    let mut sum = 0.0;
    sum += black_box(yielded(average.resume(0.0)));
    for i in 0..n {
        sum += black_box(yielded(average.resume(w3_input(i))));
    }
    sum.to_bits()
}

// ---------------------------------------------------------------------------------------
// W4: the seed's pipeline, square -> even, two generator stages
// ---------------------------------------------------------------------------------------

struct Square<I>(I);

impl<I: Iterator<Item = u64>> Iterator for Square<I> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        let x = self.0.next()?;
        Some(x.wrapping_mul(x))
    }
}

struct Even<I>(I);

impl<I: Iterator<Item = u64>> Iterator for Even<I> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        loop {
            let x = self.0.next()?;
            if x % 2 == 0 {
                return Some(x);
            }
        }
    }
}

#[inline(never)]
fn w4_hand(n: u64) -> u64 {
    consume(Even(Square(0..n)))
}

#[inline(never)]
fn w4_adapters(n: u64) -> u64 {
    consume((0..n).map(|x| x.wrapping_mul(x)).filter(|x| x % 2 == 0))
}

/// A generator function, as the seed writes `def square(nums)`.
fn square(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    Gen::new(|co| async move {
        for x in items {
            co.yield_(x.wrapping_mul(x)).await;
        }
    })
}

fn even(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    Gen::new(|co| async move {
        for x in items {
            if x % 2 == 0 {
                co.yield_(x).await;
            }
        }
    })
}

#[inline(never)]
fn w4_yielding(n: u64) -> u64 {
    consume(even(square(0..n)))
}

/// The stack-pinned stages are written in place: a generator function cannot name the
/// type of the place its body goes in.
#[inline(never)]
fn w4_yielding_in(n: u64) -> u64 {
    let mut square_place = pin!(None);
    let squares = Gen::new_in(square_place.as_mut(), |co| async move {
        for x in 0..n {
            co.yield_(x.wrapping_mul(x)).await;
        }
    });
    let mut even_place = pin!(None);
    let evens = Gen::new_in(even_place.as_mut(), |co| async move {
        for x in squares {
            if x % 2 == 0 {
                co.yield_(x).await;
            }
        }
    });
    consume(evens)
}

/// The same generator functions as `square` and `even`, written with `generator!`.
fn macro_square(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    generator! {
        for x in items {
            yield x.wrapping_mul(x);
        }
    }
}

fn macro_even(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    generator! {
        for x in items {
            if x % 2 == 0 {
                yield x;
            }
        }
    }
}

#[inline(never)]
fn w4_macro(n: u64) -> u64 {
    consume(macro_even(macro_square(0..n)))
}

fn genawaiter_square(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    genawaiter::rc::Gen::new(|co| async move {
        for x in items {
            co.yield_(x.wrapping_mul(x)).await;
        }
    })
    .into_iter()
}

fn genawaiter_even(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    genawaiter::rc::Gen::new(|co| async move {
        for x in items {
            if x % 2 == 0 {
                co.yield_(x).await;
            }
        }
    })
    .into_iter()
}

#[inline(never)]
fn w4_genawaiter_rc(n: u64) -> u64 {
    consume(genawaiter_even(genawaiter_square(0..n)))
}

#[inline(never)]
fn w4_genawaiter_stack(n: u64) -> u64 {
    genawaiter::stack::let_gen_using!(squares, |co| async move {
        for x in 0..n {
            co.yield_(x.wrapping_mul(x)).await;
        }
    });
    genawaiter::stack::let_gen_using!(evens, |co| async move {
        for x in squares.into_iter() {
            if x % 2 == 0 {
                co.yield_(x).await;
            }
        }
    });
    consume(evens.into_iter())
}

fn corosensei_square(items: impl IntoIterator<Item = u64> + 'static) -> CoroIter {
    CoroIter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        for x in items {
            y.suspend(x.wrapping_mul(x));
        }
    }))
}

fn corosensei_even(items: impl IntoIterator<Item = u64> + 'static) -> CoroIter {
    CoroIter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        for x in items {
            if x % 2 == 0 {
                y.suspend(x);
            }
        }
    }))
}

#[inline(never)]
fn w4_corosensei(n: u64) -> u64 {
    consume(corosensei_even(corosensei_square(0..n)))
}

// ---------------------------------------------------------------------------------------
// Creation + first item
// ---------------------------------------------------------------------------------------
//
// Each of `n` rounds creates a generator that would yield `seed` then `seed + 1`, pulls its
// first item and drops it while it is suspended. The new generator goes through
// `black_box`, as a generator handed to other code would, so the optimizer cannot elide its
// allocation.

#[inline(never)]
fn create_hand(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut it = black_box(Upto {
            next: seed,
            end: seed + 2,
        });
        sum = sum.wrapping_add(it.next().unwrap_or(0));
    }
    sum
}

#[inline(never)]
fn create_yielding(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut g = black_box(Gen::new(|co| async move {
            co.yield_(seed).await;
            co.yield_(seed + 1).await;
        }));
        sum = sum.wrapping_add(g.next().unwrap_or(0));
    }
    sum
}

#[inline(never)]
fn create_yielding_in(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut place = pin!(None);
        let mut g = black_box(Gen::new_in(place.as_mut(), |co| async move {
            co.yield_(seed).await;
            co.yield_(seed + 1).await;
        }));
        sum = sum.wrapping_add(g.next().unwrap_or(0));
    }
    sum
}

#[inline(never)]
fn create_genawaiter_rc(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut g = black_box(genawaiter::rc::Gen::new(|co| async move {
            co.yield_(seed).await;
            co.yield_(seed + 1).await;
        }));
        if let genawaiter::GeneratorState::Yielded(x) = g.resume() {
            sum = sum.wrapping_add(x);
        }
    }
    sum
}

#[inline(never)]
fn create_genawaiter_stack(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        genawaiter::stack::let_gen_using!(g, |co| async move {
            co.yield_(seed).await;
            co.yield_(seed + 1).await;
        });
        let g = black_box(g);
        if let genawaiter::GeneratorState::Yielded(x) = g.resume() {
            sum = sum.wrapping_add(x);
        }
    }
    sum
}

#[inline(never)]
fn create_corosensei(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut c = black_box(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
            y.suspend(seed);
            y.suspend(seed + 1);
        }));
        if let CoroutineResult::Yield(x) = c.resume(()) {
            sum = sum.wrapping_add(x);
        }
    }
    sum
}

// ---------------------------------------------------------------------------------------
// Nightly: std's native coroutines
// ---------------------------------------------------------------------------------------

/// Passes its tokens through unchanged. The nightly rows sit inside a call of it that is
/// configured out on stable, so stable never parses their `yield` syntax (a plain
/// `#[cfg]` would not help: feature-gated syntax is rejected even in configured-out code).
#[cfg_attr(not(feature = "nightly"), allow(unused_macros))]
macro_rules! nightly_only {
    ($($tokens:tt)*) => { $($tokens)* };
}

#[cfg(feature = "nightly")]
nightly_only! {
    mod native {
        use std::hint::black_box;
        use std::ops::{Coroutine, CoroutineState};
        use std::pin::Pin;

        use super::{consume, fib_seeds, w3_input};

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

        #[inline(never)]
        pub(crate) fn w1(n: u64) -> u64 {
            consume(CoroutineIter(
                #[coroutine]
                move || {
                    for i in 0..n {
                        yield i;
                    }
                },
            ))
        }

        #[inline(never)]
        pub(crate) fn w2(n: u64) -> u64 {
            let (mut a, mut b) = fib_seeds();
            let fib = #[coroutine]
            move || loop {
                yield a;
                (a, b) = (b, a.wrapping_add(b));
            };
            consume(CoroutineIter(fib).take(n as usize))
        }

        #[inline(never)]
        pub(crate) fn w3(n: u64) -> u64 {
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
                sum += black_box(yielded(Pin::new(&mut average).resume(w3_input(i))));
            }
            sum.to_bits()
        }

        fn square(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
            CoroutineIter(
                #[coroutine]
                move || {
                    for x in items {
                        yield x.wrapping_mul(x);
                    }
                },
            )
        }

        fn even(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
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
        pub(crate) fn w4(n: u64) -> u64 {
            consume(even(square(0..n)))
        }

        #[inline(never)]
        pub(crate) fn create(n: u64) -> u64 {
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
    }
}

// ---------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------

/// One implementation of a workload: runs `n` items and returns a checksum.
struct Row {
    name: &'static str,
    run: fn(u64) -> u64,
}

const fn row(name: &'static str, run: fn(u64) -> u64) -> Row {
    Row { name, run }
}

/// The row of the `generator!` macro, which the summary compares with the boxed core API
/// (`Gen::new`, or `Gen::with_send` for W3) that the macro expands to.
const MACRO_ROW: &str = "yielding `generator!`";

struct Workload {
    /// Short name, for filtering on the command line and for the summary.
    key: &'static str,
    title: &'static str,
    /// What one item is, for the table's header.
    per: &'static str,
    /// Creation: also count heap allocations per generator.
    count_allocations: bool,
    /// The first row is the baseline.
    rows: Vec<Row>,
}

struct Config {
    samples: usize,
    sample_time: Duration,
    quick: bool,
    filters: Vec<String>,
}

impl Config {
    fn from_env() -> Config {
        let mut quick = std::env::var_os("YIELDING_BENCH_QUICK").is_some_and(|v| v != "0");
        // `cargo bench` passes `--bench`. Without it the binary runs as a test
        // (`cargo test --benches`, `--all-targets`): a quick smoke run then checks that
        // every implementation agrees, without the full measurement.
        let mut benching = false;
        let mut filters = Vec::new();
        for arg in std::env::args().skip(1) {
            match arg.as_str() {
                "--quick" => quick = true,
                "--bench" => benching = true,
                // Any other flag (a test harness's, say) is ignored.
                flag if flag.starts_with('-') => {}
                filter => filters.push(filter.to_lowercase()),
            }
        }
        quick |= !benching;
        if quick {
            Config {
                samples: 5,
                sample_time: Duration::from_micros(500),
                quick,
                filters,
            }
        } else {
            Config {
                samples: 31,
                sample_time: Duration::from_millis(20),
                quick,
                filters,
            }
        }
    }

    fn selects(&self, workload: &Workload) -> bool {
        self.filters.is_empty()
            || self.filters.iter().any(|f| {
                workload.key.to_lowercase().contains(f) || workload.title.to_lowercase().contains(f)
            })
    }
}

fn workloads() -> Vec<Workload> {
    let w1 = vec![
        row("hand-written Iterator", w1_hand),
        row("yielding `Gen::new` (boxed)", w1_yielding),
        row("yielding `Gen::new_in` (stack)", w1_yielding_in),
        row(MACRO_ROW, w1_macro),
        row("genawaiter `rc`", w1_genawaiter_rc),
        row("genawaiter `stack`", w1_genawaiter_stack),
        row("corosensei", w1_corosensei),
        #[cfg(feature = "nightly")]
        row("nightly native coroutine", native::w1),
    ];
    let w2 = vec![
        row("hand-written Iterator", w2_hand),
        row("yielding `Gen::new` (boxed)", w2_yielding),
        row("yielding `Gen::new_in` (stack)", w2_yielding_in),
        row(MACRO_ROW, w2_macro),
        row("genawaiter `rc`", w2_genawaiter_rc),
        row("genawaiter `stack`", w2_genawaiter_stack),
        row("corosensei", w2_corosensei),
        #[cfg(feature = "nightly")]
        row("nightly native coroutine", native::w2),
    ];
    let w3 = vec![
        row("hand-written struct with `send`", w3_hand),
        row("yielding `Gen::with_send` (boxed)", w3_yielding),
        row("yielding `Gen::with_send_in` (stack)", w3_yielding_in),
        row(MACRO_ROW, w3_macro),
        row("genawaiter `rc`", w3_genawaiter_rc),
        row("genawaiter `stack`", w3_genawaiter_stack),
        row("corosensei", w3_corosensei),
        #[cfg(feature = "nightly")]
        row("nightly native coroutine", native::w3),
    ];
    let w4 = vec![
        row("hand-written Iterator structs", w4_hand),
        row("std `.map().filter()`", w4_adapters),
        row("yielding `Gen::new` (boxed)", w4_yielding),
        row("yielding `Gen::new_in` (stack)", w4_yielding_in),
        row(MACRO_ROW, w4_macro),
        row("genawaiter `rc`", w4_genawaiter_rc),
        row("genawaiter `stack`", w4_genawaiter_stack),
        row("corosensei", w4_corosensei),
        #[cfg(feature = "nightly")]
        row("nightly native coroutine", native::w4),
    ];
    let creation = vec![
        row("hand-written Iterator", create_hand),
        row("yielding `Gen::new` (boxed)", create_yielding),
        row("yielding `Gen::new_in` (stack)", create_yielding_in),
        row("genawaiter `rc`", create_genawaiter_rc),
        row("genawaiter `stack`", create_genawaiter_stack),
        row("corosensei (+ a 1 MiB mmap'd stack)", create_corosensei),
        #[cfg(feature = "nightly")]
        row("nightly native coroutine", native::create),
    ];
    vec![
        Workload {
            key: "W1",
            title: "W1: yield 0..N and sum (u64)",
            per: "item",
            count_allocations: false,
            rows: w1,
        },
        Workload {
            key: "W2",
            title: "W2: infinite Fibonacci (wrapping_add), first N items summed",
            per: "item",
            count_allocations: false,
            rows: w2,
        },
        Workload {
            key: "W3",
            title: "W3: send-driven running average (f64), prime then send N values",
            per: "send",
            count_allocations: false,
            rows: w3,
        },
        Workload {
            key: "W4",
            title: "W4: pipeline even(square(0..N)), two generator stages",
            per: "input item",
            count_allocations: false,
            rows: w4,
        },
        Workload {
            key: "creation",
            title: "Creation + first item (then drop while suspended)",
            per: "generator",
            count_allocations: true,
            rows: creation,
        },
    ]
}

/// Times one run of `n` items.
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

struct Stats {
    median: f64,
    p25: f64,
    p75: f64,
}

fn stats(mut ns: Vec<f64>) -> Stats {
    ns.sort_by(f64::total_cmp);
    let at = |q: f64| ns[((ns.len() - 1) as f64 * q).round() as usize];
    Stats {
        median: at(0.5),
        p25: at(0.25),
        p75: at(0.75),
    }
}

fn fmt_ns(ns: f64) -> String {
    if ns < 10.0 {
        format!("{ns:.2}")
    } else if ns < 100.0 {
        format!("{ns:.1}")
    } else {
        format!("{ns:.0}")
    }
}

/// A measured row, kept for the summary.
struct Measured {
    name: &'static str,
    median: f64,
    ratio: f64,
    allocations: Option<f64>,
}

fn run_workload(workload: &Workload, config: &Config) -> Vec<Measured> {
    let rows = &workload.rows;

    // Correctness first: every implementation computes the baseline's checksum.
    for check_n in [0, 1, 2, 3, 10, 1001] {
        let expected = (rows[0].run)(check_n);
        for row in &rows[1..] {
            assert_eq!(
                (row.run)(check_n),
                expected,
                "{}: `{}` disagrees with `{}` for n = {check_n}",
                workload.key,
                row.name,
                rows[0].name
            );
        }
    }

    let ns: Vec<u64> = rows
        .iter()
        .map(|row| calibrate(row.run, config.sample_time))
        .collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(config.samples); rows.len()];
    for round in 0..config.samples {
        // Interleave the rows, starting each round at another one.
        for k in 0..rows.len() {
            let i = (round + k) % rows.len();
            let elapsed = time_run(rows[i].run, ns[i]);
            samples[i].push(elapsed.as_nanos() as f64 / ns[i] as f64);
        }
    }

    let stats: Vec<Stats> = samples.into_iter().map(stats).collect();
    let baseline = stats[0].median;
    let measured: Vec<Measured> = rows
        .iter()
        .zip(&stats)
        .map(|(row, s)| Measured {
            name: row.name,
            median: s.median,
            ratio: s.median / baseline,
            allocations: workload.count_allocations.then(|| {
                const ROUNDS: u64 = 1000;
                allocations_during(|| {
                    black_box((row.run)(black_box(ROUNDS)));
                }) as f64
                    / ROUNDS as f64
            }),
        })
        .collect();

    println!("### {}\n", workload.title);
    print!(
        "| implementation | median ns/{per} | ratio to {base} | p25–p75 ns/{per} |",
        per = workload.per,
        base = rows[0].name,
    );
    if workload.count_allocations {
        print!(" heap allocations/generator |");
    }
    println!();
    print!("|---|---:|---:|---:|");
    if workload.count_allocations {
        print!("---:|");
    }
    println!();
    for (m, s) in measured.iter().zip(&stats) {
        print!(
            "| {} | {} | {:.2}× | {}–{} |",
            m.name,
            fmt_ns(m.median),
            m.ratio,
            fmt_ns(s.p25),
            fmt_ns(s.p75)
        );
        if let Some(allocations) = m.allocations {
            print!(" {allocations} |");
        }
        println!();
    }
    let per_sample: Vec<String> = rows
        .iter()
        .zip(&ns)
        .map(|(row, n)| format!("{}: {n}", row.name))
        .collect();
    println!(
        "\n{} samples per row, interleaved; items per sample: {}.\n",
        config.samples,
        per_sample.join(", ")
    );
    measured
}

/// The boxed core-API row of a workload: `Gen::new`, or `Gen::with_send` where the workload
/// sends values in.
fn boxed_core(measured: &[Measured]) -> Option<&Measured> {
    let find = |prefix: &str| measured.iter().find(|m| m.name.starts_with(prefix));
    find("yielding `Gen::new`").or_else(|| find("yielding `Gen::with_send`"))
}

/// The DESIGN.md targets, checked against the measured ratios. Reported, never asserted.
fn summary(results: &[(&Workload, Vec<Measured>)]) {
    println!("### Targets (DESIGN.md)\n");
    println!(
        "| workload | yielding boxed | yielding stack | target | verdict | faster genawaiter API |"
    );
    println!("|---|---:|---:|---|---|---|");
    for (workload, measured) in results {
        let find = |prefix: &str| measured.iter().find(|m| m.name.starts_with(prefix));
        let genawaiter = match (find("genawaiter `rc`"), find("genawaiter `stack`")) {
            (Some(rc), Some(stack)) => {
                let best = if rc.median <= stack.median { rc } else { stack };
                format!(
                    "{} ({:.2}×)",
                    best.name.trim_start_matches("genawaiter "),
                    best.ratio
                )
            }
            _ => String::new(),
        };
        let boxed = boxed_core(measured);
        let stack = find("yielding `Gen::new_in`").or_else(|| find("yielding `Gen::with_send_in`"));
        let (Some(boxed), Some(stack)) = (boxed, stack) else {
            continue;
        };
        if workload.count_allocations {
            let (a, b) = (
                boxed.allocations.unwrap_or(f64::NAN),
                stack.allocations.unwrap_or(f64::NAN),
            );
            let met = a <= 1.0 && b == 0.0;
            println!(
                "| {} | {a} alloc, {} ns | {b} alloc, {} ns | ≤ 1 allocation boxed, 0 on the stack | {} | {genawaiter} |",
                workload.key,
                fmt_ns(boxed.median),
                fmt_ns(stack.median),
                if met { "meets" } else { "misses" }
            );
        } else {
            let target = if workload.key == "W4" { 1.5 } else { 1.1 };
            let verdict = match (boxed.ratio <= target, stack.ratio <= target) {
                (true, true) => "meets",
                (false, true) => "meets on the stack only",
                (true, false) => "meets boxed only",
                (false, false) => "misses",
            };
            println!(
                "| {} | {:.2}× | {:.2}× | ≤ {target}× | {verdict} | {genawaiter} |",
                workload.key, boxed.ratio, stack.ratio
            );
        }
    }
    println!();
    macro_summary(results);
}

/// The `generator!` rows against the boxed core API they expand to, measured in the same
/// run: the macro's cost, which should be none.
fn macro_summary(results: &[(&Workload, Vec<Measured>)]) {
    let pairs: Vec<(&str, &Measured, &Measured)> = results
        .iter()
        .filter_map(|(workload, measured)| {
            let macro_row = measured.iter().find(|m| m.name == MACRO_ROW)?;
            Some((workload.key, macro_row, boxed_core(measured)?))
        })
        .collect();
    if pairs.is_empty() {
        return;
    }
    println!("### Macro vs core API (`generator!` median / boxed core-API median)\n");
    println!("| workload | core API (boxed) | `generator!` | macro / core |");
    println!("|---|---:|---:|---:|");
    for (key, macro_row, core) in pairs {
        println!(
            "| {key} | {} ns ({}) | {} ns | {:.2}× |",
            fmt_ns(core.median),
            core.name
                .trim_start_matches("yielding ")
                .trim_end_matches(" (boxed)"),
            fmt_ns(macro_row.median),
            macro_row.median / core.median
        );
    }
    println!();
}

fn main() {
    let config = Config::from_env();
    let started = Instant::now();
    println!(
        "## yielding benchmarks{}{}\n",
        if cfg!(feature = "nightly") {
            " (with nightly native coroutines)"
        } else {
            ""
        },
        match (config.quick, cfg!(debug_assertions)) {
            (_, true) => " — DEBUG build smoke run, numbers meaningless",
            (true, false) => " — QUICK smoke run, numbers unreliable",
            (false, false) => "",
        },
    );
    let all = workloads();
    let mut results = Vec::new();
    for workload in all.iter().filter(|w| config.selects(w)) {
        let measured = run_workload(workload, &config);
        results.push((workload, measured));
    }
    summary(&results);
    println!("Total time: {:.1} s.", started.elapsed().as_secs_f64());
}
