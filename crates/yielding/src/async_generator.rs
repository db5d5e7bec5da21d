//! [`AsyncGen`]: a generator whose body may also await real futures (Python's async
//! generators, PEP 525), driven by the same engine as [`Gen`].

use alloc::boxed::Box;
use core::fmt;
use core::future::{Future, poll_fn};
use core::ops::DerefMut;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use crate::raw::delegation::{Delegate, Step};
use crate::{Co, CoroutineState, Gen, GeneratorState, MayRaise, NextArg, Thrown};

/// An async generator: a body that yields values like [`Gen`]'s and may also `.await` any
/// future between yields (timers, channels, I/O). With the `stream` feature it is a
/// `futures_core::Stream` (and `FusedStream`).
///
/// The protocol is [`Gen`]'s, each call a future: [`asend`](AsyncGen::asend),
/// [`athrow`](AsyncGen::athrow), [`aclose`](AsyncGen::aclose), [`resume`](AsyncGen::resume),
/// a return value delivered once ([`take_return`](AsyncGen::take_return)), and
/// [`state`](AsyncGen::state). A real `Pending` from a future the body awaits goes back to
/// the caller with the caller's waker, which that future wakes; nothing busy-polls.
///
/// Cleanup is synchronous: closing or dropping the generator (for example when it loses a
/// `select!`, or its task is cancelled) drops the body's live locals, as for [`Gen`]. A body
/// that needs *async* cleanup should receive a shutdown message and do it before returning:
/// send it with [`asend`](AsyncGen::asend) and await the result, then drop the generator.
///
/// ```
/// use yielding::AsyncGen;
///
/// let mut ticks = AsyncGen::new(|co| async move {
///     for i in 0..3 {
///         std::future::ready(()).await; // any future: a timer, a channel receive...
///         co.yield_(i).await;
///     }
///     "done"
/// });
/// futures::executor::block_on(async {
///     let mut seen = Vec::new();
///     while let Some(tick) = ticks.anext().await {
///         seen.push(tick);
///     }
///     assert_eq!(seen, [0, 1, 2]);
///     assert_eq!(ticks.take_return(), Some("done"));
/// });
/// ```
#[must_use = "an async generator does nothing until it is polled"]
pub struct AsyncGen<Y, S, F: Future, P = Box<Option<F>>>
where
    P: DerefMut<Target = Option<F>>,
{
    pub(crate) inner: Gen<Y, S, F, P>,
}

impl<Y, F: Future> AsyncGen<Y, (), F> {
    /// Creates an async generator that yields `Y` and receives nothing, with its body on the
    /// heap (one allocation). Nothing runs until it is first polled.
    ///
    /// ```
    /// use yielding::AsyncGen;
    ///
    /// let g = AsyncGen::new(|co| async move { co.yield_(1).await });
    /// assert_eq!(g.state(), yielding::GeneratorState::Created);
    /// ```
    #[inline]
    pub fn new(body: impl FnOnce(Co<Y>) -> F) -> Self {
        AsyncGen::with_send(body)
    }
}

impl<Y, S, F: Future> AsyncGen<Y, S, F> {
    /// Creates an async generator that yields `Y` and receives `S` from
    /// [`asend`](AsyncGen::asend), with its body on the heap.
    ///
    /// ```
    /// use yielding::{AsyncGen, Co};
    ///
    /// let mut doubler = AsyncGen::with_send(|co: Co<u32, u32>| async move {
    ///     let mut x = co.yield_(0).await;
    ///     loop {
    ///         x = co.yield_(2 * x).await;
    ///     }
    /// });
    /// futures::executor::block_on(async {
    ///     assert_eq!(doubler.astart().await, Some(0));
    ///     assert_eq!(doubler.asend(21).await, Some(42));
    /// });
    /// ```
    #[inline]
    pub fn with_send(body: impl FnOnce(Co<Y, S>) -> F) -> Self {
        AsyncGen {
            inner: Gen::with_send(body),
        }
    }
}

impl<'place, Y, F: Future> AsyncGen<Y, (), F, &'place mut Option<F>> {
    /// Like [`AsyncGen::new`], with the body in a place the caller pinned: no heap
    /// allocation.
    ///
    /// ```
    /// use core::pin::pin;
    /// use yielding::AsyncGen;
    ///
    /// let mut place = pin!(None);
    /// let mut g = AsyncGen::new_in(place.as_mut(), |co| async move { co.yield_(1).await });
    /// assert_eq!(futures::executor::block_on(g.anext()), Some(1));
    /// ```
    #[inline]
    pub fn new_in(place: Pin<&'place mut Option<F>>, body: impl FnOnce(Co<Y>) -> F) -> Self {
        AsyncGen::with_send_in(place, body)
    }
}

impl<'place, Y, S, F: Future> AsyncGen<Y, S, F, &'place mut Option<F>> {
    /// Creates an async generator whose body lives in `place`, which the caller pinned: no
    /// heap allocation.
    ///
    /// ```
    /// use core::pin::pin;
    /// use yielding::{AsyncGen, Co};
    ///
    /// let mut place = pin!(None);
    /// let mut g = AsyncGen::with_send_in(place.as_mut(), |co: Co<i32>| async move {
    ///     co.yield_(7).await;
    /// });
    /// assert_eq!(futures::executor::block_on(g.anext()), Some(7));
    /// ```
    #[inline]
    pub fn with_send_in(
        place: Pin<&'place mut Option<F>>,
        body: impl FnOnce(Co<Y, S>) -> F,
    ) -> Self {
        AsyncGen {
            inner: Gen::with_send_in(place, body),
        }
    }
}

impl<Y, S, F, P> AsyncGen<Y, S, F, P>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    /// Where the generator is in its life. [`Running`](GeneratorState::Running) here also
    /// means a resume was left waiting on a real future (its future was dropped); the next
    /// `anext` or poll of the stream goes on with it.
    ///
    /// ```
    /// use yielding::{AsyncGen, GeneratorState};
    ///
    /// let mut g = AsyncGen::new(|co| async move { co.yield_(1).await });
    /// assert_eq!(g.state(), GeneratorState::Created);
    /// futures::executor::block_on(g.anext());
    /// assert_eq!(g.state(), GeneratorState::Suspended);
    /// ```
    #[inline]
    pub fn state(&self) -> GeneratorState {
        self.inner.state()
    }

    /// Polls one resume: the building block of the futures below and of the `Stream`.
    /// `sent` is `None` on the first resume and to go on with an interrupted one.
    #[inline]
    fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
        sent: Option<S>,
    ) -> Poll<Option<CoroutineState<Y, F::Output>>> {
        self.inner.step(sent, Some(cx.waker()))
    }

    /// Resumes with `arg` and reports what happened, like [`Gen::resume`]: `Yielded`,
    /// `Complete` exactly once, then `None`. The first resume drops `arg` unobserved.
    ///
    /// # Panics
    /// If an earlier resume was interrupted while waiting on a future (its future was
    /// dropped): `arg` has no paused `yield` to go to. Python raises `RuntimeError` for an
    /// `asend` while the generator is running. Finish that resume with
    /// [`anext`](AsyncGen::anext) (or the stream) first.
    ///
    /// ```
    /// use yielding::{AsyncGen, Co, CoroutineState::*};
    ///
    /// let mut g = AsyncGen::with_send(|co: Co<&str, i32>| async move {
    ///     let n = co.yield_("first").await;
    ///     n * 2
    /// });
    /// futures::executor::block_on(async {
    ///     assert_eq!(g.resume(0).await, Some(Yielded("first")));
    ///     assert_eq!(g.resume(21).await, Some(Complete(42)));
    ///     assert_eq!(g.resume(0).await, None);
    /// });
    /// ```
    pub async fn resume(&mut self, arg: S) -> Option<CoroutineState<Y, F::Output>> {
        let mut sent = match self.state() {
            GeneratorState::Created => None,
            GeneratorState::Suspended => Some(arg),
            GeneratorState::Running => resumed_while_running(),
            GeneratorState::Closed => return None,
        };
        poll_fn(|cx| self.poll_step(cx, sent.take())).await
    }

    /// Sends `value` into the paused generator (Python's `await g.asend(v)`): the next
    /// yielded value, or `None` if it finished (its return value kept for
    /// [`take_return`](AsyncGen::take_return)) or was already finished.
    ///
    /// # Panics
    /// On a just-created generator, as Python raises `TypeError` for a non-`None` first
    /// `asend`: start it with [`astart`](AsyncGen::astart) or [`anext`](AsyncGen::anext).
    /// And as [`resume`](AsyncGen::resume) does after an interrupted resume.
    ///
    /// ```
    /// use yielding::{AsyncGen, Co};
    ///
    /// let mut g = AsyncGen::with_send(|co: Co<(), i32>| async move {
    ///     let v = co.yield_(()).await;
    ///     v + 1
    /// });
    /// futures::executor::block_on(async {
    ///     g.astart().await;
    ///     assert_eq!(g.asend(41).await, None);
    ///     assert_eq!(g.take_return(), Some(42));
    /// });
    /// ```
    pub async fn asend(&mut self, value: S) -> Option<Y> {
        if self.state() == GeneratorState::Created {
            panic!(
                "yielding: asend() to a just-created async generator: no yield is paused to \
                 receive the value; call astart() or anext() first"
            );
        }
        let step = self.resume(value).await;
        self.inner.keep_return(step)
    }

    /// Runs a just-created generator to its first yield (the priming `await anext(g)`).
    /// `None` if it finished without yielding, or is closed.
    ///
    /// # Panics
    /// If it has already started: resume it with [`asend`](AsyncGen::asend).
    ///
    /// ```
    /// use yielding::{AsyncGen, Co};
    ///
    /// let mut g = AsyncGen::with_send(|co: Co<u8, u8>| async move {
    ///     co.yield_(1).await;
    /// });
    /// assert_eq!(futures::executor::block_on(g.astart()), Some(1));
    /// ```
    pub async fn astart(&mut self) -> Option<Y> {
        match self.state() {
            GeneratorState::Created => {
                // The first poll starts the body; later ones go on with that resume.
                let step = poll_fn(|cx| self.poll_step(cx, None)).await;
                self.inner.keep_return(step)
            }
            GeneratorState::Closed => None,
            GeneratorState::Suspended | GeneratorState::Running => panic!(
                "yielding: astart() on an async generator that is already started; resume \
                 it with asend() or anext()"
            ),
        }
    }

    /// Closes the generator: drops the body's live locals now, as [`Gen::close`] does
    /// (Python's `await g.aclose()`). Cleanup is synchronous `Drop`, so the future is ready
    /// at once; for async cleanup, see the type's docs. A no-op on a finished generator.
    ///
    /// ```
    /// use yielding::{AsyncGen, GeneratorState};
    ///
    /// let mut g = AsyncGen::new(|co| async move { co.yield_(1).await });
    /// futures::executor::block_on(g.aclose());
    /// assert_eq!(g.state(), GeneratorState::Closed);
    /// ```
    pub async fn aclose(&mut self) {
        self.close();
    }

    /// Closes the generator at once, without a future: see [`aclose`](AsyncGen::aclose).
    ///
    /// ```
    /// use yielding::{AsyncGen, GeneratorState};
    ///
    /// let mut g = AsyncGen::new(|co| async move { co.yield_(1).await });
    /// g.close();
    /// assert_eq!(g.state(), GeneratorState::Closed);
    /// ```
    #[inline]
    pub fn close(&mut self) {
        self.inner.close();
    }

    /// Takes the return value kept when `anext`, `asend` or `astart` saw the end: given
    /// out exactly once.
    ///
    /// ```
    /// use yielding::{AsyncGen, Co};
    ///
    /// let mut g = AsyncGen::new(|_co: Co<()>| async move { 5 });
    /// futures::executor::block_on(g.anext());
    /// assert_eq!(g.take_return(), Some(5));
    /// assert_eq!(g.take_return(), None);
    /// ```
    #[inline]
    pub fn take_return(&mut self) -> Option<F::Output> {
        self.inner.take_return()
    }
}

impl<Y, S, F, P> AsyncGen<Y, S, F, P>
where
    S: NextArg,
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    /// The next yielded value, or `None` once finished, forever (Python's
    /// `await anext(g)`, which sends `None`). Goes on with a resume that an earlier,
    /// dropped future left waiting.
    ///
    /// ```
    /// use yielding::AsyncGen;
    ///
    /// let mut g = AsyncGen::new(|co| async move { co.yield_("x").await });
    /// futures::executor::block_on(async {
    ///     assert_eq!(g.anext().await, Some("x"));
    ///     assert_eq!(g.anext().await, None);
    ///     assert_eq!(g.anext().await, None);
    /// });
    /// ```
    pub async fn anext(&mut self) -> Option<Y> {
        poll_fn(|cx| self.poll_anext(cx)).await
    }

    /// [`anext`](AsyncGen::anext) as a poll function: what the `Stream` impl calls.
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    /// use yielding::AsyncGen;
    ///
    /// let mut g = AsyncGen::new(|co| async move { co.yield_(1).await });
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert_eq!(g.poll_anext(&mut cx), Poll::Ready(Some(1)));
    /// ```
    #[inline]
    pub fn poll_anext(&mut self, cx: &mut Context<'_>) -> Poll<Option<Y>> {
        let sent = match self.state() {
            GeneratorState::Suspended => Some(S::next_arg()),
            GeneratorState::Created | GeneratorState::Running => None,
            GeneratorState::Closed => return Poll::Ready(None),
        };
        self.poll_step(cx, sent)
            .map(|step| self.inner.keep_return(step))
    }
}

impl<Y, T, E, F, P> AsyncGen<Y, Result<T, E>, F, P>
where
    F: Future<Output: MayRaise<E>>,
    P: DerefMut<Target = Option<F>>,
{
    /// Raises `error` at the paused yield (Python's `await g.athrow(e)`), with
    /// [`Gen::throw`]'s rules and its three outcomes: `Yielded` if the body handled the
    /// error and yielded, `Returned` if it handled it and returned, `Raised` if an error
    /// came back out (propagated by the body, or given straight back if the generator is
    /// not paused at a yield; a just-created one is closed unrun).
    ///
    /// ```
    /// use yielding::{AsyncGen, Co, Thrown};
    ///
    /// let mut g = AsyncGen::with_send(|co: Co<i32, Result<(), String>>| async move {
    ///     co.yield_(1).await?;
    ///     Ok::<_, String>(())
    /// });
    /// futures::executor::block_on(async {
    ///     assert_eq!(g.anext().await, Some(1));
    ///     assert_eq!(g.athrow("boom".into()).await, Thrown::Raised("boom".into()));
    /// });
    /// ```
    pub async fn athrow(&mut self, error: E) -> Thrown<Y, <F::Output as MayRaise<E>>::Returned, E> {
        match self.state() {
            GeneratorState::Suspended => Thrown::from_step(
                self.resume(Err(error))
                    .await
                    .expect("a suspended generator always reports a step when resumed"),
            ),
            GeneratorState::Created => {
                self.close();
                Thrown::Raised(error)
            }
            GeneratorState::Running => resumed_while_running(),
            GeneratorState::Closed => Thrown::Raised(error),
        }
    }
}

// An async generator as a delegate: it waits on real futures with the outermost
// generator's task, so in a synchronous delegator that is the usual misuse panic.
impl<Y, S, F, P> Delegate<Y, S> for AsyncGen<Y, S, F, P>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    fn resume_directly(&mut self, sent: Option<S>, outer: Option<&Waker>) -> Poll<Step<Y, S>> {
        self.inner.resume_as_delegate(sent, outer)
    }

    fn resume_nested(&mut self, sent: Option<S>, outer: &Waker) -> Poll<Option<Y>> {
        self.inner.resume_as_nested(sent, Some(outer))
    }

    fn close_delegate(&mut self) {
        self.inner.close();
    }
}

#[cold]
#[track_caller]
fn resumed_while_running() -> ! {
    panic!(
        "yielding: an async generator was resumed with a value while an earlier resume was \
         still waiting on a future (its future was dropped): there is no paused yield to \
         receive the value. Finish that resume with anext() first."
    )
}

#[cfg(feature = "stream")]
impl<Y, S, F, P> futures_core::Stream for AsyncGen<Y, S, F, P>
where
    S: NextArg,
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    type Item = Y;

    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Y>> {
        self.get_mut().poll_anext(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.state() {
            GeneratorState::Closed => (0, Some(0)),
            _ => (0, None),
        }
    }
}

#[cfg(feature = "stream")]
impl<Y, S, F, P> futures_core::FusedStream for AsyncGen<Y, S, F, P>
where
    S: NextArg,
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    fn is_terminated(&self) -> bool {
        self.state() == GeneratorState::Closed
    }
}

impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> fmt::Debug for AsyncGen<Y, S, F, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncGen")
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}
