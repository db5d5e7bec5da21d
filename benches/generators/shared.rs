//! Pieces every workload uses: adapters that make the stackful peers iterators, the
//! checksum sizes, and (from `benches/baselines.rs`) the consumer and the inputs.

use corosensei::{Coroutine, CoroutineResult};

// The hand-written baselines and the inputs live with the nightly crate's, in one file.
pub(crate) use super::baselines::{Upto, consume, fib_seeds};

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

/// Checksum sizes for workloads that are cheap at every `n`.
pub(crate) const CHECK_SIZES: &[u64] = &[0, 1, 2, 3, 10, 1001];
