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

/// What [`throw`](crate::Gen::throw) comes back with: Python's three outcomes of
/// `g.throw(e)`.
///
/// ```
/// use yielding::{Co, Gen, Thrown};
///
/// let mut g = Gen::with_send(|co: Co<i32, Result<(), String>>| async move {
///     if co.yield_(1).await.is_err() {
///         co.yield_(-1).await?; // handled: yields again
///     }
///     Ok::<_, String>("done")
/// });
/// assert_eq!(g.next(), Some(1));
/// assert_eq!(g.throw("first".into()), Thrown::Yielded(-1));
/// assert_eq!(g.throw("second".into()), Thrown::Raised("second".into()));
/// assert_eq!(g.throw("late".into()), Thrown::Raised("late".into()));
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[must_use = "a thrown error may come back out, as `Raised`"]
pub enum Thrown<Y, R, E> {
    /// The body handled the error and yielded this value (Python: `throw` returns it).
    Yielded(Y),
    /// The body handled the error and returned this value (Python: `StopIteration`
    /// carrying it). It is delivered here, not kept for `take_return`.
    Returned(R),
    /// An error came back out (Python: the exception propagates out of `throw`): the body
    /// let it propagate (or returned another), or the generator was not paused at a
    /// yield: a just-created one is closed without running, a finished one re-raises.
    Raised(E),
}

/// The return type of a body that can be thrown into with errors of type `E`: where a
/// thrown error goes when the body does not handle it.
///
/// `Result<R, E>` lets it propagate (`co.yield_(x).await?`), and [`Thrown::Raised`] gives
/// it back to the thrower; `()` is a body that handles every error itself, and so is one
/// that never returns (an endless loop, whose output is `!`). These are the only
/// implementations (the trait is sealed): a body with another return type returns it in
/// `Ok`.
///
/// ```
/// use yielding::{Co, Gen, Thrown};
///
/// // A body that handles every error, and returns nothing.
/// let mut g = Gen::with_send(|co: Co<u32, Result<(), String>>| async move {
///     let mut n = 0;
///     while n < 3 {
///         match co.yield_(n).await {
///             Ok(()) => n += 1,
///             Err(_) => n = 0,
///         }
///     }
/// });
/// assert_eq!(g.next(), Some(0));
/// assert_eq!(g.next(), Some(1));
/// assert_eq!(g.throw("again".into()), Thrown::Yielded(0));
/// assert_eq!(g.by_ref().count(), 2);
/// assert_eq!(g.throw("late".into()), Thrown::Raised("late".into()));
/// ```
pub trait MayRaise<E>: sealed::Sealed {
    /// The value of a normal return.
    type Returned;

    /// A normal return as `Ok`, an error coming back out as `Err`.
    fn into_result(self) -> Result<Self::Returned, E>;
}

mod sealed {
    /// Keeps [`MayRaise`](super::MayRaise) to the return types it documents.
    pub trait Sealed {}
    impl<R, E> Sealed for Result<R, E> {}
    impl Sealed for () {}
    impl Sealed for crate::__private::Never {}
}

impl<R, E> MayRaise<E> for Result<R, E> {
    type Returned = R;

    #[inline(always)]
    fn into_result(self) -> Result<R, E> {
        self
    }
}

impl<E> MayRaise<E> for () {
    type Returned = ();

    #[inline(always)]
    fn into_result(self) -> Result<(), E> {
        Ok(())
    }
}

/// A body that never returns (an endless loop: its output is `!`) raises nothing either.
impl<E> MayRaise<E> for crate::__private::Never {
    type Returned = crate::__private::Never;

    #[inline(always)]
    fn into_result(self) -> Result<Self::Returned, E> {
        self
    }
}

impl<Y, R, E> Thrown<Y, R, E> {
    /// The outcome of a throw that reached the body: what the resume produced.
    #[inline]
    pub(crate) fn from_step<Out: MayRaise<E, Returned = R>>(
        step: crate::CoroutineState<Y, Out>,
    ) -> Self {
        match step {
            crate::CoroutineState::Yielded(value) => Thrown::Yielded(value),
            crate::CoroutineState::Complete(returned) => match returned.into_result() {
                Ok(value) => Thrown::Returned(value),
                Err(error) => Thrown::Raised(error),
            },
        }
    }
}
