//! The two small enums of the protocol: what one resume produced, and where a generator is
//! in its life.

/// What one resume of a generator produced: a yielded value or the return value.
///
/// The shape is that of std's nightly `core::ops::CoroutineState`, so an adapter to the
/// std `Coroutine` trait is a one-line `match`.
///
/// ```
/// use yielding::{CoroutineState, Gen};
///
/// let mut g = Gen::new(|co| async move {
///     co.yield_(1).await;
///     "done"
/// });
/// assert_eq!(g.resume(()), Some(CoroutineState::Yielded(1)));
/// assert_eq!(g.resume(()), Some(CoroutineState::Complete("done")));
/// assert_eq!(g.resume(()), None); // exhausted, forever
/// ```
///
/// On nightly, with `#![feature(coroutine_trait)]`, the adapter to std's trait is:
///
/// ```text
/// impl<Y, S, F: Future> Coroutine<S> for Gen<Y, S, F> {
///     type Yield = Y;
///     type Return = F::Output;
///     fn resume(self: Pin<&mut Self>, arg: S) -> ops::CoroutineState<Y, F::Output> {
///         match self.get_mut().resume(arg).expect("resumed after completion") {
///             CoroutineState::Yielded(y) => ops::CoroutineState::Yielded(y),
///             CoroutineState::Complete(r) => ops::CoroutineState::Complete(r),
///         }
///     }
/// }
/// ```
///
/// (std's coroutines panic when resumed after completion; the `expect` keeps that contract.)
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum CoroutineState<Y, R> {
    /// The body paused at a `yield_` and produced this value.
    Yielded(Y),
    /// The body finished and returned this value. It is delivered exactly once.
    Complete(R),
}

/// Where a generator is in its life, like Python's `inspect.getgeneratorstate`.
///
/// ```
/// use yielding::{Gen, GeneratorState};
///
/// let mut g = Gen::new(|co| async move { co.yield_(1).await });
/// assert_eq!(g.state(), GeneratorState::Created);
/// g.next();
/// assert_eq!(g.state(), GeneratorState::Suspended);
/// g.next();
/// assert_eq!(g.state(), GeneratorState::Closed);
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum GeneratorState {
    /// Created and not yet resumed: the body has not run (Python's `GEN_CREATED`).
    Created,
    /// Paused at a `yield_`, waiting to be resumed (`GEN_SUSPENDED`).
    Suspended,
    /// Being resumed right now (`GEN_RUNNING`). Only a [`SharedGen`](crate::SharedGen)
    /// can be asked while it runs: a plain `Gen` is borrowed mutably for the whole resume.
    Running,
    /// Finished, closed, or ended by a panic; it stays this way forever (`GEN_CLOSED`).
    Closed,
}
