//! Pieces every workload uses: the consumer, adapters that make the stackful peers
//! iterators, and the inputs that must not be constants.

use std::hint::black_box;

use corosensei::{Coroutine, CoroutineResult};

/// The consumer of every iterator workload: sums the items, each through `black_box`, so
/// that nothing is constant-folded or summed in closed form.
#[inline(always)]
pub(crate) fn consume(items: impl Iterator<Item = u64>) -> u64 {
    let mut sum = 0u64;
    for x in items {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// A corosensei coroutine as an `Iterator`. Resuming a finished corosensei coroutine
/// panics, so it must be dropped at its first `None` (every consumer here does).
pub(crate) struct CoroIter(pub(crate) Coroutine<(), u64, ()>);

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
pub(crate) fn fib_seeds() -> (u64, u64) {
    black_box((0, 1))
}

/// The hand-written baseline of W1, creation and memory: `0..n` as an Iterator struct.
pub(crate) struct Upto {
    pub(crate) next: u64,
    pub(crate) end: u64,
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

/// Checksum sizes for workloads that are cheap at every `n`.
pub(crate) const CHECK_SIZES: &[u64] = &[0, 1, 2, 3, 10, 1001];
