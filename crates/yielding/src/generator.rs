//! [`Gen`]: a resumable function, and the driver that runs it.

use alloc::boxed::Box;
use core::fmt;
use core::future::Future;
use core::iter::FusedIterator;
use core::marker::PhantomData;
use core::ops::DerefMut;
use core::pin::Pin;
use core::task::{Poll, Waker};

use crate::raw::delegation::{Accepted, Delegate, Step};
use crate::raw::slot::{self, Out, Resume, Slot, Token};
use crate::{Co, CoroutineState, GeneratorState, MayRaise, NextArg, Thrown};

/// A generator: a function that yields values, keeps its local state while paused,
/// receives values, and ends with a return value.
///
/// The body is an `async` block given a yield handle, [`Co`]. `Y` is the type it yields,
/// `S` the type the caller sends back (`()` for a plain iterator), and `F` the body's
/// future, whose output is the return value. `P` says where the body lives: on the heap by
/// default ([`Gen::new`], one allocation per generator, never one per item), or in a place
/// the caller pinned, for example on the stack ([`Gen::new_in`], no allocation at all).
///
/// Creating a generator runs nothing; the body starts at the first resume. Every way to
/// resume it reports exhaustion forever once it has finished, and never panics for that.
///
/// ```
/// use yielding::Gen;
///
/// fn fibonacci() -> impl Iterator<Item = u64> {
///     Gen::new(|co| async move {
///         let (mut a, mut b) = (0u64, 1u64);
///         loop {
///             co.yield_(a).await;
///             (a, b) = (b, a + b);
///         }
///     })
/// }
///
/// assert_eq!(fibonacci().take(10).collect::<Vec<_>>(), [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]);
/// ```
#[must_use = "a generator does nothing until it is resumed"]
pub struct Gen<Y, S, F: Future, P = Box<Option<F>>>
where
    P: DerefMut<Target = Option<F>>,
{
    /// The body's future; `None` once it has finished or been closed, which drops its
    /// live locals.
    body: Pin<P>,
    token: Token,
    state: GeneratorState,
    /// The return value, kept for [`Gen::take_return`] when `next` or `send` saw the end.
    returned: Option<F::Output>,
    // A generator gives out `Y` and takes in `S`; it owns neither between resumes.
    _types: PhantomData<fn(S) -> Y>,
}

impl<Y, F: Future> Gen<Y, (), F> {
    /// Creates a generator that yields `Y` and receives nothing (`S = ()`), with its body on
    /// the heap. Nothing runs until the first resume. Allocates once.
    ///
    /// `body` is called at once to build the body's future, but an `async` block does nothing
    /// until polled, so `|co| async move { ... }` runs none of its code here.
    ///
    /// ```
    /// use yielding::Gen;
    ///
    /// let mut g = Gen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     co.yield_(2).await;
    ///     "done"
    /// });
    /// assert_eq!(g.next(), Some(1));
    /// assert_eq!(g.next(), Some(2));
    /// assert_eq!(g.next(), None);
    /// assert_eq!(g.take_return(), Some("done"));
    /// ```
    #[inline]
    pub fn new(body: impl FnOnce(Co<Y>) -> F) -> Self {
        Gen::with_send(body)
    }
}

impl<Y, S, F: Future> Gen<Y, S, F> {
    /// Creates a generator that yields `Y` and receives `S` from [`send`](Gen::send), with
    /// its body on the heap. Write the types on the closure's parameter
    /// (`|co: Co<f64, f64>|`) when nothing else fixes them.
    ///
    /// ```
    /// use yielding::{Co, Gen};
    ///
    /// let mut doubler = Gen::with_send(|co: Co<i32, i32>| async move {
    ///     let mut x = co.yield_(0).await;
    ///     loop {
    ///         x = co.yield_(2 * x).await;
    ///     }
    /// });
    /// assert_eq!(doubler.start(), Some(0));
    /// assert_eq!(doubler.send(21), Some(42));
    /// ```
    #[inline]
    pub fn with_send(body: impl FnOnce(Co<Y, S>) -> F) -> Self {
        let token = Token::fresh();
        Gen::from_parts(Box::pin(Some(body(Co::new(token)))), token)
    }
}

impl<'place, Y, F: Future> Gen<Y, (), F, &'place mut Option<F>> {
    /// Creates a generator whose body lives in `place`, which the caller pinned (on the
    /// stack with [`core::pin::pin!`], for example): no heap allocation at all.
    ///
    /// ```
    /// use core::pin::pin;
    /// use yielding::Gen;
    ///
    /// let mut place = pin!(None);
    /// let g = Gen::new_in(place.as_mut(), |co| async move {
    ///     for i in 0..3 {
    ///         co.yield_(i).await;
    ///     }
    /// });
    /// assert_eq!(g.sum::<i32>(), 3);
    /// ```
    #[inline]
    pub fn new_in(place: Pin<&'place mut Option<F>>, body: impl FnOnce(Co<Y>) -> F) -> Self {
        Gen::with_send_in(place, body)
    }
}

impl<'place, Y, S, F: Future> Gen<Y, S, F, &'place mut Option<F>> {
    /// Like [`Gen::new_in`], for a generator that receives `S` from
    /// [`send`](Gen::send).
    ///
    /// ```
    /// use core::pin::pin;
    /// use yielding::{Co, Gen};
    ///
    /// let mut place = pin!(None);
    /// let mut total = Gen::with_send_in(place.as_mut(), |co: Co<u32, u32>| async move {
    ///     let mut sum = 0;
    ///     loop {
    ///         sum += co.yield_(sum).await;
    ///     }
    /// });
    /// total.start();
    /// total.send(5);
    /// assert_eq!(total.send(7), Some(12));
    /// ```
    #[inline]
    pub fn with_send_in(
        mut place: Pin<&'place mut Option<F>>,
        body: impl FnOnce(Co<Y, S>) -> F,
    ) -> Self {
        let token = Token::fresh();
        place.set(Some(body(Co::new(token))));
        Gen::from_parts(place, token)
    }
}

impl<Y, S, F, P> Gen<Y, S, F, P>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    #[inline]
    pub(crate) fn from_parts(body: Pin<P>, token: Token) -> Self {
        Gen {
            body,
            token,
            state: GeneratorState::Created,
            returned: None,
            _types: PhantomData,
        }
    }

    /// Resumes the generator and reports what happened: `Some(Yielded(value))`,
    /// `Some(Complete(return_value))` exactly once, then `None` forever.
    ///
    /// `arg` becomes the value of the paused `yield_`. The first resume has no paused
    /// `yield_` (the body starts at its top), so there `arg` is dropped unobserved, as it is
    /// by a std coroutine written `|_| ...`. Use [`send`](Gen::send) for Python's stricter
    /// rule. A `Complete` value delivered here is not kept for
    /// [`take_return`](Gen::take_return).
    ///
    /// ```
    /// use yielding::{Co, CoroutineState::*, Gen};
    ///
    /// let mut g = Gen::with_send(|co: Co<&str, i32>| async move {
    ///     let a = co.yield_("first").await;
    ///     let b = co.yield_("second").await;
    ///     a + b
    /// });
    /// assert_eq!(g.resume(0), Some(Yielded("first"))); // 0 is not observed
    /// assert_eq!(g.resume(1), Some(Yielded("second")));
    /// assert_eq!(g.resume(2), Some(Complete(3)));
    /// assert_eq!(g.resume(3), None);
    /// ```
    #[inline]
    pub fn resume(&mut self, arg: S) -> Option<CoroutineState<Y, F::Output>> {
        let sent = match self.state {
            GeneratorState::Created => None,
            _ => Some(arg),
        };
        self.drive(sent)
    }

    /// Runs a just-created generator to its first `yield_` and returns that value: the
    /// priming `next(g)` that Python needs before the first `send`.
    ///
    /// Returns `None` if the body finished without yielding, or if the generator is
    /// already closed.
    ///
    /// # Panics
    /// If the generator is suspended: it is paused at a `yield_` and needs a value, so
    /// resume it with [`send`](Gen::send) instead.
    ///
    /// ```
    /// use yielding::{Co, Gen};
    ///
    /// let mut g = Gen::with_send(|co: Co<&str, u8>| async move {
    ///     co.yield_("primed").await;
    /// });
    /// assert_eq!(g.start(), Some("primed"));
    /// ```
    #[inline]
    pub fn start(&mut self) -> Option<Y> {
        match self.state {
            GeneratorState::Created => self.advance(None),
            GeneratorState::Closed => None,
            GeneratorState::Suspended | GeneratorState::Running => start_when_started(),
        }
    }

    /// Sends `value` into the paused generator: it becomes the value of the paused
    /// `yield_`. Returns the next yielded value, or `None` if the generator finished (its
    /// return value is then kept for [`take_return`](Gen::take_return)) or was already
    /// finished (then `value` is dropped).
    ///
    /// # Panics
    /// On a just-created generator, as Python raises `TypeError: can't send non-None value
    /// to a just-started generator`: no `yield_` is paused to receive the value. Start it
    /// with [`start`](Gen::start) or `next()` first.
    ///
    /// ```
    /// use yielding::{Co, Gen};
    ///
    /// let mut g = Gen::with_send(|co: Co<(), i32>| async move {
    ///     let value = co.yield_(()).await;
    ///     value * 10
    /// });
    /// g.start();
    /// assert_eq!(g.send(4), None); // finished
    /// assert_eq!(g.take_return(), Some(40));
    /// assert_eq!(g.send(5), None); // exhausted stays exhausted
    /// ```
    #[inline]
    pub fn send(&mut self, value: S) -> Option<Y> {
        if self.state == GeneratorState::Created {
            send_before_start();
        }
        self.advance(Some(value))
    }

    /// Closes the generator now: drops the body's live locals (a delegate's first, then
    /// this body's), which is where Python's `finally` blocks run. A no-op on a finished
    /// generator; on a created one it drops the body without running any of it.
    ///
    /// Dropping the generator does the same. Cleanup cannot yield (Python's "generator
    /// ignored GeneratorExit" cannot happen), because it is `Drop`.
    ///
    /// ```
    /// use yielding::{Gen, GeneratorState};
    ///
    /// struct Finally(&'static str);
    /// impl Drop for Finally {
    ///     fn drop(&mut self) {
    ///         println!("cleanup: {}", self.0);
    ///     }
    /// }
    ///
    /// let mut g = Gen::new(|co| async move {
    ///     let _guard = Finally("file closed");
    ///     loop {
    ///         co.yield_(1).await;
    ///     }
    /// });
    /// g.next();
    /// g.close(); // prints "cleanup: file closed"
    /// assert_eq!(g.state(), GeneratorState::Closed);
    /// assert_eq!(g.next(), None);
    /// ```
    #[inline]
    pub fn close(&mut self) {
        self.finish();
    }

    /// Drops the body, and with it any delegation chain: the `yield_from` the body is
    /// suspended at holds the bottom node, whose drop closes every delegate above it,
    /// innermost first (see `raw::delegation`).
    #[inline(always)]
    fn finish(&mut self) {
        let paused = matches!(
            self.state,
            GeneratorState::Suspended | GeneratorState::Running
        );
        self.state = GeneratorState::Closed;
        // Dropping a paused body here is a close that its cleanup can tell (`on_close`,
        // Python's `except GeneratorExit`); a body that never ran is not being closed,
        // even inside another generator's close. Only `close()` marks: see `closing`.
        #[cfg(feature = "std")]
        {
            let body = &mut self.body;
            crate::closing::dropping_body(paused, || body.set(None));
        }
        #[cfg(not(feature = "std"))]
        {
            let _ = paused;
            self.body.set(None);
        }
    }

    /// Takes the return value, if the generator finished during [`next`](Iterator::next),
    /// [`send`](Gen::send) or [`start`](Gen::start) and it was not taken yet: Python's
    /// `StopIteration.value`. It is given out exactly once. `resume` and `throw` deliver the
    /// return value directly instead, so nothing is kept for them.
    ///
    /// ```
    /// use yielding::Gen;
    ///
    /// let mut g = Gen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     42
    /// });
    /// assert_eq!(g.take_return(), None); // not finished yet
    /// for _ in &mut g {}
    /// assert_eq!(g.take_return(), Some(42));
    /// assert_eq!(g.take_return(), None); // exactly once
    /// ```
    #[inline]
    pub fn take_return(&mut self) -> Option<F::Output> {
        self.returned.take()
    }

    /// Resumes once and keeps a return value for `take_return`.
    #[inline(always)]
    fn advance(&mut self, sent: Option<S>) -> Option<Y> {
        let step = self.drive(sent);
        self.keep_return(step)
    }

    /// The yielded value of `step`, keeping a return value for `take_return`.
    #[inline(always)]
    pub(crate) fn keep_return(&mut self, step: Option<CoroutineState<Y, F::Output>>) -> Option<Y> {
        match step? {
            CoroutineState::Yielded(value) => Some(value),
            CoroutineState::Complete(returned) => {
                self.returned = Some(returned);
                None
            }
        }
    }

    /// Polls the body once. `sent` is `None` only for the first resume.
    #[inline]
    pub(crate) fn drive(&mut self, sent: Option<S>) -> Option<CoroutineState<Y, F::Output>> {
        match self.step(sent, None) {
            Poll::Ready(step) => step,
            Poll::Pending => unreachable!("a synchronous resume never waits"),
        }
    }

    /// One resume: the driver of both kinds of generator. `sent` is `None` for the first
    /// resume and while an async generator waits on a real future. `outer` is the waker of
    /// the task polling an async generator; a synchronous generator has none, and then a
    /// body that waits on a real future is misuse.
    ///
    /// While the body delegates, it is suspended at the bottom of a delegation stack, which
    /// resumes the innermost delegate directly (see `raw::delegation`).
    #[inline(always)]
    pub(crate) fn step(
        &mut self,
        sent: Option<S>,
        outer: Option<&Waker>,
    ) -> Poll<Option<CoroutineState<Y, F::Output>>> {
        if self.state == GeneratorState::Closed {
            return Poll::Ready(None);
        }
        match self.poll_body::<false>(sent, outer) {
            BodyStep::Yielded(item) => Poll::Ready(Some(CoroutineState::Yielded(item))),
            BodyStep::Returned(returned) => Poll::Ready(Some(CoroutineState::Complete(returned))),
            BodyStep::Waiting => Poll::Pending,
            BodyStep::Closed | BodyStep::Delegated(_) => Poll::Ready(None),
        }
    }

    /// Polls this generator's own body once, and sets the state to match. As the outermost
    /// generator, that is one poll: a `yield_from` in the body starts its own stack (see
    /// `raw::delegation`). `AS_DELEGATE`, for a generator resumed from a delegation stack,
    /// hands a `yield_from` its body registers up to be pushed, or polls the body again to
    /// run it nested if it cannot be.
    ///
    /// Every misuse the poll reveals leaves through one cold exit, after the body is
    /// dropped: keeping this small is what lets the optimiser inline a whole resume into
    /// its caller (one exit per misuse, each with its own copy of the body's drop glue, cost
    /// W3 4x; see BENCHMARKS.md).
    #[inline(always)]
    fn poll_body<const AS_DELEGATE: bool>(
        &mut self,
        mut sent: Option<S>,
        outer: Option<&Waker>,
    ) -> BodyStep<Y, S, F::Output> {
        loop {
            let Some(body) = self.body.as_mut().as_pin_mut() else {
                return BodyStep::Closed;
            };
            let (body, body_ref) = slot::with_address(body);
            let resume = Resume {
                outer,
                body: (body_ref.cast(), core::mem::size_of::<F>()),
                as_delegate: AS_DELEGATE,
            };
            let slot: Slot<Y, S> = Slot::new(self.token, sent.take(), resume);
            // Closed while the body runs: if it panics, the unwinding drops the locals it
            // held, and it must never be polled again. Cheaper than an unwind guard.
            self.state = GeneratorState::Closed;
            let polled = slot::poll_with_slot(body, &slot);
            // A sent value no `yield_` took is lost, unless it carries nothing (`()`).
            let lost_sent = slot.sent.take().is_some() && carries_information::<S>();
            let fault = if let Some(misplaced) = slot.fault() {
                // A yield point's misuse, recorded rather than reported where it was found.
                Fault::Misplaced(misplaced)
            } else {
                match polled {
                    Poll::Pending => match slot.take_out() {
                        Out::Yielded(item) if !lost_sent => {
                            self.state = GeneratorState::Suspended;
                            return BodyStep::Yielded(item);
                        }
                        // Only a delegate's body registers `yield_from`s with its driver (an
                        // outermost body's start their stacks themselves; see
                        // `raw::delegation`): accepted, the node goes up to be pushed on the
                        // stack; refused, it is marked for the nested fallback and the body is
                        // polled again to run it.
                        Out::Delegated(registration) if AS_DELEGATE && !lost_sent => {
                            if let Some(accepted) = registration.accept(body_ref) {
                                self.state = GeneratorState::Suspended;
                                return BodyStep::Delegated(accepted);
                            }
                            continue;
                        }
                        // Waiting on a real future, which has the task's waker: this resume
                        // goes on at the next poll.
                        Out::Empty if outer.is_some() && !lost_sent => {
                            self.state = GeneratorState::Running;
                            return BodyStep::Waiting;
                        }
                        Out::Empty if !lost_sent => Fault::AwaitedForeignFuture,
                        // (An outermost body's slot never holds a registration.)
                        _ => Fault::SentValueUnread,
                    },
                    Poll::Ready(returned) => match slot.take_out() {
                        // A registration left in the slot belongs to a `yield_from` future the
                        // body leaked (its node is outside the body); dropping it detaches it.
                        Out::Empty | Out::Delegated(_) if !lost_sent => {
                            self.body.set(None);
                            return BodyStep::Returned(returned);
                        }
                        Out::Yielded(_) => Fault::YieldedValueLost,
                        _ => Fault::SentValueUnread,
                    },
                }
            };
            self.body.set(None);
            resume_failed(fault)
        }
    }

    /// Resumes this generator as a delegate on another generator's stack: one poll of its
    /// body, whose own `yield_from`s go up to that stack.
    #[inline]
    pub(crate) fn resume_as_delegate(
        &mut self,
        sent: Option<S>,
        outer: Option<&Waker>,
    ) -> Poll<Step<Y, S>> {
        match self.poll_body::<true>(sent, outer) {
            BodyStep::Yielded(item) => Poll::Ready(Step::Yielded(item)),
            BodyStep::Delegated(delegation) => Poll::Ready(Step::Delegated(delegation)),
            BodyStep::Returned(returned) => {
                self.returned = Some(returned);
                Poll::Ready(Step::Finished)
            }
            BodyStep::Closed => Poll::Ready(Step::Finished),
            BodyStep::Waiting => Poll::Pending,
        }
    }

    /// Resumes this generator as a delegate whose delegator drives it itself (the
    /// fallback of `raw::delegation`): a whole resume, keeping the return value.
    pub(crate) fn resume_as_nested(
        &mut self,
        sent: Option<S>,
        outer: Option<&Waker>,
    ) -> Poll<Option<Y>> {
        self.step(sent, outer).map(|step| self.keep_return(step))
    }
}

/// What one poll of a generator's own body produced.
enum BodyStep<Y, S, R> {
    Yielded(Y),
    Returned(R),
    /// (Only for a delegate on a stack.) The body is suspended in a `yield_from` whose
    /// node is to be pushed on that stack.
    Delegated(Accepted<Y, S>),
    /// An async body waits on a real future.
    Waiting,
    /// There is no body: the generator was closed.
    Closed,
}

// A synchronous generator as a delegate: it never waits, whatever its delegator does.
impl<Y, S, F, P> Delegate<Y, S> for Gen<Y, S, F, P>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    fn resume_directly(&mut self, sent: Option<S>, _outer: Option<&Waker>) -> Poll<Step<Y, S>> {
        self.resume_as_delegate(sent, None)
    }

    fn resume_nested(&mut self, sent: Option<S>, _outer: &Waker) -> Poll<Option<Y>> {
        self.resume_as_nested(sent, None)
    }

    fn close_delegate(&mut self) {
        self.close();
    }
}

impl<Y, T, E, F, P> Gen<Y, Result<T, E>, F, P>
where
    F: Future<Output: MayRaise<E>>,
    P: DerefMut<Target = Option<F>>,
{
    /// Raises `error` at the paused `yield_` (Python's `g.throw(e)`): the `yield_` evaluates
    /// to `Err(error)`, so the body can handle it and go on, or let it propagate with `?`.
    ///
    /// The send type is `Result<T, E>` for this, and the body writes
    /// `co.yield_(x).await?` where it wants errors to propagate; its return type says
    /// where an unhandled error goes ([`MayRaise`]): `Result<R, E>`, or `()` for a body
    /// that handles every error. A generator whose send type is not a `Result` has no
    /// `throw` and pays nothing for it.
    ///
    /// Returns Python's three outcomes as a [`Thrown`]: `Yielded(value)` if the body
    /// handled the error and yielded again, `Returned(value)` if it handled it and
    /// returned, `Raised(error)` if an error came back out. That is the case when the body
    /// let it propagate, and also, with nothing run, when the generator is not paused at a
    /// `yield_`: as in Python, throwing into a just-created generator closes it without
    /// running its body, and throwing into a finished one re-raises.
    ///
    /// ```
    /// use yielding::{Co, Gen, Thrown};
    ///
    /// let mut g = Gen::with_send(|co: Co<i32, Result<(), String>>| async move {
    ///     if let Err(e) = co.yield_(1).await {
    ///         assert_eq!(e, "handled");
    ///     }
    ///     co.yield_(2).await?; // propagates
    ///     Ok::<_, String>("finished")
    /// });
    /// assert_eq!(g.next(), Some(1));
    /// assert_eq!(g.throw("handled".into()), Thrown::Yielded(2));
    /// assert_eq!(g.throw("fatal".into()), Thrown::Raised("fatal".into()));
    /// assert_eq!(g.throw("late".into()), Thrown::Raised("late".into()));
    /// ```
    pub fn throw(&mut self, error: E) -> Thrown<Y, <F::Output as MayRaise<E>>::Returned, E> {
        match self.state {
            GeneratorState::Suspended => match self.drive(Some(Err(error))) {
                Some(step) => Thrown::from_step(step),
                None => unreachable!("a suspended generator always reports a step when resumed"),
            },
            GeneratorState::Created => {
                self.close();
                Thrown::Raised(error)
            }
            GeneratorState::Running | GeneratorState::Closed => Thrown::Raised(error),
        }
    }
}

// The panics live out of line and take no reference to the generator: a reference passed
// to an out-of-line call would make the generator's fields live in memory instead of
// registers on the hot path (measured: W1 went from 1.0x to 10x).

#[cold]
#[inline(never)]
#[track_caller]
fn start_when_started() -> ! {
    panic!(
        "yielding: start() on a generator that is already started; resume it with send() or next()"
    )
}

#[cold]
#[inline(never)]
#[track_caller]
fn send_before_start() -> ! {
    panic!(
        "yielding: send() to a just-created generator: no yield_ is paused to receive the \
         value (Python raises TypeError for a value other than None). Call start() or next() \
         first: Python's priming send(None) is start() here, because send takes any send \
         type and a value of an arbitrary type cannot be asked whether it is a None"
    )
}

/// A misuse a resume revealed, reported by [`resume_failed`] once the body is dropped.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Fault {
    Misplaced(slot::Fault),
    AwaitedForeignFuture,
    SentValueUnread,
    YieldedValueLost,
    /// (`Recursive`) A call's return value, handed to its caller's frame, was not read.
    ReturnValueUnread,
    /// (`Recursive`) A frame returned while asking for a call (or a tail call).
    CallAbandoned,
}

/// Whether losing a value of type `T` would lose anything: `()` and other drop-free
/// zero-sized values carry nothing, so a `next()` whose value no `yield_` took is not an
/// error (a `select!` that abandons a paused `yield_` in an async generator, say).
#[inline(always)]
pub(crate) const fn carries_information<T>() -> bool {
    core::mem::size_of::<T>() != 0 || core::mem::needs_drop::<T>()
}

#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn resume_failed(fault: Fault) -> ! {
    match fault {
        Fault::Misplaced(slot::Fault::OtherGenerator) => panic!(
            "yielding: a yield handle was used inside a generator other than its own; each \
             `Co` works only in the body it was given to. The generator is now closed."
        ),
        Fault::Misplaced(slot::Fault::PolledAfterCompletion) => panic!(
            "yielding: a `yield_` future was polled after it completed. The generator is now \
             closed."
        ),
        Fault::AwaitedForeignFuture => panic!(
            "yielding: a synchronous generator's body awaited a future that is not its own \
             yield_ (a timer, channel or I/O future, say), or awaited two yields at once; only \
             yield_ and yield_from may be awaited in it. The generator is now closed. Await \
             real futures in an async generator instead."
        ),
        Fault::SentValueUnread => panic!(
            "yielding: the value sent into the generator was not received: the paused `yield_` \
             future was dropped after being polled (by select, say). The generator is now \
             closed."
        ),
        Fault::YieldedValueLost => panic!(
            "yielding: a yielded value was never delivered: its `yield_` (or a `yield_from` \
             whose delegate had just yielded it) was polled, then dropped before the \
             generator paused there (by select, say), and the body returned. The generator \
             is now closed. To race a yield against something else, poll the other thing \
             first (a `biased` select with the yield last)."
        ),
        Fault::ReturnValueUnread => panic!(
            "yielding: a recursive call's return value was never read: its `recurse` future \
             was dropped before it completed (by select, say). The generator is now closed."
        ),
        Fault::CallAbandoned => panic!(
            "yielding: a frame of a recursive generator returned while a `recurse` or \
             `tail_call` future it had polled was still waiting for its call to run (the \
             future was dropped before the frame paused there). The generator is now closed."
        ),
    }
}

impl<Y, S, F, P> Iterator for Gen<Y, S, F, P>
where
    S: NextArg,
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    type Item = Y;

    /// Resumes the generator, sending [`NextArg::next_arg`] (Python's `next(g)`, which
    /// sends `None`). When the body finishes, its return value is kept for
    /// [`Gen::take_return`] and `None` is returned, then forever after.
    #[inline]
    fn next(&mut self) -> Option<Y> {
        let sent = match self.state {
            GeneratorState::Created => None,
            _ => Some(S::next_arg()),
        };
        self.advance(sent)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.state {
            GeneratorState::Closed => (0, Some(0)),
            _ => (0, None),
        }
    }
}

impl<Y, S, F, P> FusedIterator for Gen<Y, S, F, P>
where
    S: NextArg,
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
}

impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> Gen<Y, S, F, P> {
    /// Where the generator is in its life (Python's `inspect.getgeneratorstate`).
    ///
    /// ```
    /// use yielding::{Gen, GeneratorState};
    ///
    /// let mut g = Gen::new(|co| async move { co.yield_(()).await });
    /// assert_eq!(g.state(), GeneratorState::Created);
    /// g.close();
    /// assert_eq!(g.state(), GeneratorState::Closed);
    /// ```
    #[inline]
    pub fn state(&self) -> GeneratorState {
        self.state
    }
}

// A generator never pins anything of its own: the body is pinned behind `P`, and moving a
// `Pin<P>` does not move the body. So it is `Unpin` whatever its types, and can be polled
// or iterated through `&mut`.
impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> Unpin for Gen<Y, S, F, P> {}

/// Dropping a generator closes it, whether its body is on the heap or in a caller's place.
impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> Drop for Gen<Y, S, F, P> {
    #[inline]
    fn drop(&mut self) {
        self.body.set(None);
    }
}

impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> fmt::Debug for Gen<Y, S, F, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gen")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}
