//! The yield handle a body is given: [`Co`], its [`Yield`] future, and delegation.

use core::borrow::BorrowMut;
use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::ops::DerefMut;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::raw::delegation::{Delegate, Delegation, Failure, Registration};
use crate::raw::slot::{self, Misuse, Out, Token};
use crate::{Gen, GeneratorState, NextArg, YieldFrom};

/// The yield handle: a generator's body receives one and pauses with
/// [`yield_`](Co::yield_).
///
/// `Y` is the type of the values it yields, `S` the type of the values the caller sends
/// back (`()` for a plain iterator). A `Co` works only inside the body it was given to,
/// on the thread resuming its generator; see [Misuse](crate#misuse) for what happens
/// elsewhere. It is `Send` and `Sync` with the `std` feature, whose thread check makes
/// lending it safe, and neither without (see [Threads](crate#threads)).
///
/// ```
/// use yielding::{Co, Gen};
///
/// // A helper that yields through a borrowed handle.
/// async fn countdown(co: &Co<u32>, from: u32) {
///     for i in (1..=from).rev() {
///         co.yield_(i).await;
///     }
/// }
///
/// let g = Gen::new(|co| async move { countdown(&co, 3).await });
/// assert_eq!(g.collect::<Vec<_>>(), [3, 2, 1]);
/// ```
pub struct Co<Y, S = ()> {
    token: Token,
    // A `Co` takes in `Y` and gives out `S`; it owns neither, so it is Send and Sync (with
    // `std`, whose thread check makes that sound; see `ThreadBound`).
    _types: PhantomData<fn(Y) -> S>,
    _thread: ThreadBound,
}

/// What ties yield points to the thread that resumes their generator.
///
/// With `std`, every yield point checks that it runs on the resuming thread (see
/// `raw::slot::current_thread`), so the handle and its futures may cross threads with the
/// generator: nothing. Without `std` there is no thread to check, so the types forbid
/// instead: `Co` and `Yield` are neither `Send` nor `Sync`, and so neither is a generator.
#[cfg(feature = "std")]
pub(crate) type ThreadBound = PhantomData<()>;
/// See the `std` definition.
#[cfg(not(feature = "std"))]
pub(crate) type ThreadBound = PhantomData<*const ()>;

impl<Y, S> fmt::Debug for Co<Y, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Co").finish_non_exhaustive()
    }
}

impl<Y, S> Co<Y, S> {
    #[inline]
    pub(crate) fn new(token: Token) -> Self {
        Co {
            token,
            _types: PhantomData,
            _thread: PhantomData,
        }
    }

    /// Yields `value` to the caller and pauses; evaluates to the value the caller sends
    /// when it resumes the generator (Python's `x = yield value`).
    ///
    /// ```
    /// use yielding::{Co, Gen};
    ///
    /// let mut echo = Gen::with_send(|co: Co<String, String>| async move {
    ///     let mut heard = co.yield_("ready".to_string()).await;
    ///     loop {
    ///         heard = co.yield_(format!("you said {heard}")).await;
    ///     }
    /// });
    /// assert_eq!(echo.start().as_deref(), Some("ready"));
    /// assert_eq!(echo.send("hi".into()).as_deref(), Some("you said hi"));
    /// ```
    #[inline(always)]
    pub fn yield_(&self, value: Y) -> Yield<Y, S> {
        Yield {
            token: self.token,
            value: Some(value),
            _sent: PhantomData,
            _thread: PhantomData,
        }
    }

    /// Delegates to another generator until it finishes, and evaluates to its return value
    /// (Python's `result = yield from sub`, PEP 380).
    ///
    /// Every value `delegate` yields passes through to this generator's caller, and every
    /// value the caller sends, including errors thrown with [`Gen::throw`], goes to
    /// `delegate`. Closing or dropping this generator while it delegates closes `delegate`
    /// first (Python's `close()` forwarding; a delegate passed as `&mut gen` is left
    /// [`Closed`](GeneratorState::Closed)), then drops this body's own locals. Pass the
    /// generator by value, or `&mut gen` to keep it afterwards.
    ///
    /// # Cost: O(1) per item at any depth
    /// While a body delegates, resuming the outermost generator goes straight to the
    /// innermost delegate, from the `yield_from` the outermost body is suspended at: the
    /// bodies in between are not polled until their delegate finishes, so an item costs
    /// the same through 1 level or 100,000, and no level adds to
    /// the stack depth of a resume or of a close. This holds whenever the `yield_from`
    /// future is awaited inside the body's own state (`.await` it directly, or inside an
    /// inline `async` block or `async fn`), which is the case for a recursive generator
    /// function returning `Gen<Y, S, impl Future>`. When the future sits somewhere else, in
    /// a `Box::pin(..)` or in a body that is itself a `Pin<Box<dyn Future>>`, the generator
    /// cannot prove the future stays where it is, and that `yield_from` resumes its delegate
    /// itself: the same results, at O(depth) per item.
    ///
    /// A consequence: a future raced or joined with a `yield_from` in the same body (with
    /// `select`, say) is not polled until the delegation ends, except in the outermost
    /// body, where it is polled with every resume; do not rely on either.
    ///
    /// # Panics
    /// Python starts a delegate with `next()`, which sends `None` into it if it is already
    /// paused. A typed send value has no such `None`, so `delegate` must be fresh
    /// ([`Created`](GeneratorState::Created)) or finished: delegating to a
    /// [`Suspended`](GeneratorState::Suspended) generator panics. Delegating to a finished
    /// generator yields nothing and evaluates to its unclaimed return value; if that value
    /// was already taken (or the delegate was closed before finishing) there is none to
    /// evaluate to, and this panics with a message saying so.
    ///
    /// ```
    /// use yielding::Gen;
    ///
    /// let inner = Gen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     co.yield_(2).await;
    ///     "inner result"
    /// });
    /// let mut outer = Gen::new(|co| async move {
    ///     let got = co.yield_from(inner).await;
    ///     co.yield_(3).await;
    ///     got
    /// });
    /// assert_eq!((&mut outer).collect::<Vec<_>>(), [1, 2, 3]);
    /// assert_eq!(outer.take_return(), Some("inner result"));
    /// ```
    pub async fn yield_from<D: YieldFrom<Y, S>>(&self, mut delegate: D) -> D::Output {
        delegate.__yield_from(self).await
    }

    /// [`yield_from`](Co::yield_from) a `Gen`.
    pub(crate) async fn delegate_to_gen<F, P>(&self, delegate: &mut Gen<Y, S, F, P>) -> F::Output
    where
        F: Future,
        P: DerefMut<Target = Option<F>>,
    {
        match delegate.state() {
            GeneratorState::Created => self.delegate_until_finished(delegate).await,
            GeneratorState::Closed => {}
            GeneratorState::Suspended | GeneratorState::Running => started_delegate(),
        }
        finished_delegate_return(delegate)
    }

    /// Yields every item of `items` (Python's `yield from iterable`).
    ///
    /// An iterator cannot receive values. While it is the delegate, what `next()` sends is
    /// simply the cue for its next item. Anything else the caller sends or throws (a value
    /// for which [`NextArg::is_next_arg`] is false) has nowhere to go: Python raises there
    /// (`AttributeError` for a send, the error itself for a throw), and so this panics,
    /// naming the call, and the generator is closed. To handle such a value, use
    /// [`yield_from_iter_until_sent`](Co::yield_from_iter_until_sent).
    ///
    /// ```
    /// use yielding::Gen;
    ///
    /// let g = Gen::new(|co| async move {
    ///     co.yield_from_iter([1, 2]).await;
    ///     co.yield_from_iter(vec![3, 4]).await;
    /// });
    /// assert_eq!(g.collect::<Vec<_>>(), [1, 2, 3, 4]);
    /// ```
    #[track_caller]
    pub fn yield_from_iter<I>(&self, items: I) -> impl Future<Output = ()>
    where
        I: IntoIterator<Item = Y>,
        S: NextArg,
    {
        unhandled_send(self.yield_from_iter_until_sent(items), "an iterable")
    }

    /// Yields every item of `items` until the caller sends a value the iterator cannot take
    /// (or throws an error), and evaluates to that value, or to `None` once `items` is
    /// exhausted. The rest of `items` is dropped unyielded. This is the `yield from`
    /// whose value the body handles (`if let Some(v) = yield from items { .. }`).
    ///
    /// ```
    /// use yielding::{Co, Gen};
    ///
    /// let mut g = Gen::with_send(|co: Co<u32, Option<&str>>| async move {
    ///     if let Some(Some(word)) = co.yield_from_iter_until_sent(0..10).await {
    ///         co.yield_(word.len() as u32).await;
    ///     }
    /// });
    /// assert_eq!(g.next(), Some(0));
    /// assert_eq!(g.next(), Some(1));
    /// assert_eq!(g.send(Some("stop")), Some(4)); // the iterator stopped at 1
    /// ```
    pub async fn yield_from_iter_until_sent<I>(&self, items: I) -> Option<S>
    where
        I: IntoIterator<Item = Y>,
        S: NextArg,
    {
        for item in items {
            let sent = self.yield_(item).await;
            if !sent.is_next_arg() {
                return Some(sent);
            }
        }
        None
    }
}

impl<Y, S> Co<Y, S> {
    /// Delegates to an async generator until it finishes, and evaluates to its return
    /// value (`yield from` between async generators). Items pass through; values sent and
    /// errors thrown go to the delegate; futures it awaits wake this generator's task.
    ///
    /// # Panics
    /// As [`yield_from`](Co::yield_from): the delegate must be fresh or finished with its
    /// return value unclaimed.
    ///
    /// ```
    /// use yielding::AsyncGen;
    ///
    /// let inner = AsyncGen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     std::future::ready(()).await;
    ///     co.yield_(2).await;
    ///     "inner"
    /// });
    /// let mut outer = AsyncGen::new(|co| async move { co.yield_from_async(inner).await });
    /// futures::executor::block_on(async {
    ///     assert_eq!(outer.anext().await, Some(1));
    ///     assert_eq!(outer.anext().await, Some(2));
    ///     assert_eq!(outer.anext().await, None);
    ///     assert_eq!(outer.take_return(), Some("inner"));
    /// });
    /// ```
    pub async fn yield_from_async<G, F, P>(&self, mut delegate: G) -> F::Output
    where
        G: BorrowMut<crate::AsyncGen<Y, S, F, P>>,
        F: Future,
        P: DerefMut<Target = Option<F>>,
    {
        self.delegate_to_async_gen(delegate.borrow_mut()).await
    }

    /// [`yield_from_async`](Co::yield_from_async) an `AsyncGen`.
    pub(crate) async fn delegate_to_async_gen<F, P>(
        &self,
        delegate: &mut crate::AsyncGen<Y, S, F, P>,
    ) -> F::Output
    where
        F: Future,
        P: DerefMut<Target = Option<F>>,
    {
        match delegate.state() {
            GeneratorState::Created => self.delegate_until_finished(delegate).await,
            GeneratorState::Closed => {}
            GeneratorState::Suspended | GeneratorState::Running => started_delegate(),
        }
        finished_delegate_return(&mut delegate.inner)
    }

    /// Hands `delegate` to this generator's driver, which resumes it directly (not through
    /// this body) until it finishes; see `raw::delegation`. Its return value is then kept
    /// in it. The delegation is a pinned local of this future, so it lies inside the body
    /// whenever this future is awaited in it, which is what lets the driver accept it.
    async fn delegate_until_finished<D: Delegate<Y, S>>(&self, delegate: &mut D) {
        let token = self.token;
        let mut delegation = core::pin::pin!(Delegation::new(token, delegate));
        core::future::poll_fn(|cx| match delegation.as_mut().poll_delegation(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(()),
            Poll::Ready(Err(failure)) => yield_failed(failure, token == Token::SPENT),
            Poll::Pending => Poll::Pending,
        })
        .await;
    }

    /// Yields every item of `stream` (`yield from` a `Stream` in an async generator). Like
    /// [`yield_from_iter`](Co::yield_from_iter), a sent value that is not
    /// [`NextArg::next_arg`] (or a thrown error) has nowhere to go and panics, naming the
    /// call; [`yield_from_stream_until_sent`](Co::yield_from_stream_until_sent) hands it
    /// back instead.
    ///
    /// ```
    /// use yielding::AsyncGen;
    ///
    /// let numbers = AsyncGen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     co.yield_(2).await;
    /// });
    /// let mut g = AsyncGen::new(|co| async move {
    ///     co.yield_from_stream(numbers).await;
    ///     co.yield_(3).await;
    /// });
    /// futures::executor::block_on(async {
    ///     let mut seen = Vec::new();
    ///     while let Some(x) = g.anext().await {
    ///         seen.push(x);
    ///     }
    ///     assert_eq!(seen, [1, 2, 3]);
    /// });
    /// ```
    #[cfg(feature = "stream")]
    #[track_caller]
    pub fn yield_from_stream<T>(&self, stream: T) -> impl Future<Output = ()>
    where
        T: futures_core::Stream<Item = Y>,
        S: NextArg,
    {
        unhandled_send(self.yield_from_stream_until_sent(stream), "a stream")
    }

    /// Yields every item of `stream` until the caller sends a value it cannot take (or
    /// throws an error), and evaluates to that value, or to `None` once the stream ends;
    /// as [`yield_from_iter_until_sent`](Co::yield_from_iter_until_sent).
    ///
    /// ```
    /// use yielding::{AsyncGen, Co};
    ///
    /// let mut g = AsyncGen::with_send(|co: Co<u32, Option<u32>>| async move {
    ///     let ticks = AsyncGen::new(|co| async move {
    ///         for i in 0.. {
    ///             co.yield_(i).await;
    ///         }
    ///     });
    ///     co.yield_from_stream_until_sent(ticks).await
    /// });
    /// futures::executor::block_on(async {
    ///     assert_eq!(g.anext().await, Some(0));
    ///     assert_eq!(g.asend(Some(9)).await, None);
    ///     assert_eq!(g.take_return(), Some(Some(Some(9))));
    /// });
    /// ```
    #[cfg(feature = "stream")]
    pub async fn yield_from_stream_until_sent<T>(&self, stream: T) -> Option<S>
    where
        T: futures_core::Stream<Item = Y>,
        S: NextArg,
    {
        let mut stream = core::pin::pin!(stream);
        while let Some(item) = core::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
            let sent = self.yield_(item).await;
            if !sent.is_next_arg() {
                return Some(sent);
            }
        }
        None
    }
}

/// A `yield from` an iterable or a stream whose value is not wanted: the delegation, then
/// a panic if a value sent (or an error thrown) stopped it. Python raises there:
/// `AttributeError` for a send (an iterator has no `send`), the error itself for a throw.
/// Shared by [`Co::yield_from_iter`], [`Co::yield_from_stream`] and the statement form of
/// the macros' `yield from`.
#[track_caller]
#[inline(always)]
pub(crate) fn unhandled_send<S>(
    delegation: impl Future<Output = Option<S>>,
    operand: &'static str,
) -> impl Future<Output = ()> {
    let at = core::panic::Location::caller();
    async move {
        if delegation.await.is_some() {
            unhandled_send_failed(at, operand)
        }
    }
}

#[cold]
#[inline(never)]
fn unhandled_send_failed(at: &core::panic::Location<'_>, operand: &str) -> ! {
    panic!(
        "yielding: a value was sent, or an error thrown, into `yield from` {operand} at {at}, \
         which cannot receive it (Python raises there: AttributeError for a send, the \
         error for a throw). To handle it, use the value of the `yield from` \
         (`if let Some(sent) = yield from items {{ .. }}`), or `yield_from_iter_until_sent` \
         (`yield_from_stream_until_sent`)"
    )
}

#[track_caller]
fn started_delegate() -> ! {
    panic!(
        "yielding: yield_from was given a generator that is already started; it must be \
         fresh or finished. Python resumes a paused one with next(), but a send type in \
         general has no value meaning `next`. To go on with a paused generator whose send \
         type has one, iterate it: `co.yield_from_iter(&mut g)` (its return value stays in \
         `g.take_return()`)"
    )
}

#[track_caller]
fn finished_delegate_return<Y, S, F, P>(delegate: &mut Gen<Y, S, F, P>) -> F::Output
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    delegate.take_return().unwrap_or_else(|| {
        panic!(
            "yielding: yield_from was given a finished generator whose return value was \
             already taken, so it has no value to evaluate to"
        )
    })
}

/// The future of one [`Co::yield_`]: pauses the generator with a value, and completes with
/// the value the caller sends back.
///
/// It must be awaited directly in its generator's body (or in an `async fn` that body
/// awaits); polling it anywhere else panics, as [Misuse](crate#misuse) describes.
///
/// ```
/// use yielding::Gen;
///
/// let g = Gen::new(|co| async move {
///     let pending = co.yield_("a value"); // nothing happens yet
///     pending.await; // now the generator pauses
/// });
/// assert_eq!(g.collect::<Vec<_>>(), ["a value"]);
/// ```
#[must_use = "a yield does nothing unless it is awaited"]
pub struct Yield<Y, S> {
    /// The generator this yield belongs to; [`Token::SPENT`] once it has completed.
    token: Token,
    /// The value to yield, until the first poll hands it to the driver.
    value: Option<Y>,
    // The sent value is produced by `poll`, on whatever thread polls, so `Yield` is
    // `Send` only when `S` is.
    _sent: PhantomData<S>,
    _thread: ThreadBound,
}

// `Yield` never pins its contents: the value is moved into the slot, not referenced.
impl<Y, S> Unpin for Yield<Y, S> {}

impl<Y, S> fmt::Debug for Yield<Y, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Yield")
            .field("stage", &stage(self.value.is_some(), self.token))
            .finish()
    }
}

/// How far a yield point's future has got, for `Debug`: `fresh` while it still holds what
/// it hands over, `done` once completed, `waiting` in between.
pub(crate) fn stage(fresh: bool, token: Token) -> &'static str {
    match (fresh, token) {
        (true, _) => "fresh",
        (false, Token::SPENT) => "done",
        (false, _) => "waiting",
    }
}

impl<Y, S> Future for Yield<Y, S> {
    type Output = S;

    // Every `yield_` in a body inlines this, and the body must stay small enough for the
    // optimiser to inline it into the driver: that is the difference between 1x and 4x a
    // hand-written iterator when a generator is resumed from two places. So the hot path
    // is the identity check and one slot access, and every misuse leaves through a single
    // cold call that takes no value and nothing generic: on two yields at once, this
    // future keeps its value, which the unwinding drops with the body.
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S> {
        let this = self.get_mut();
        exchange::<Y, S, Registration<Y, S>, Y>(
            cx,
            &mut this.token,
            &mut this.value,
            Out::Yielded,
            |rejected| match rejected {
                Out::Yielded(value) => Some(value),
                _ => None,
            },
        )
    }
}

/// The protocol of a yield point that hands the driver something and is resumed with what
/// the driver sends back: a `yield_` (its value out, the sent value in) and a recursive
/// call (`Recurse`: its argument out, the call's return value in).
///
/// The first poll puts `given`, made into an [`Out`] by `to_out`, in the slot and pauses
/// (finding the slot occupied means two yield points at once: `given` is kept, through
/// `from_out`, for the unwinding to drop). A later poll takes the sent value and completes,
/// marking `token` spent; finding none, it is being polled again within the resume in
/// which it paused, and is still paused. (If another yield point took the value instead,
/// the driver reports it.) A misuse found in another generator's slot is left there for
/// that driver to report after its poll.
#[inline(always)]
pub(crate) fn exchange<Y, S, D, T>(
    cx: &Context<'_>,
    token: &mut Token,
    given: &mut Option<T>,
    to_out: impl FnOnce(T) -> Out<Y, D>,
    from_out: impl FnOnce(Out<Y, D>) -> Option<T>,
) -> Poll<S> {
    let failure = match slot::slot_in::<Y, S, D>(cx, *token) {
        Ok(slot) => match given.take() {
            Some(value) => match slot.put(to_out(value)) {
                Ok(()) => return Poll::Pending,
                Err(rejected) => {
                    *given = from_out(rejected);
                    Failure::TwoAtOnce
                }
            },
            None => match slot.sent.take() {
                Some(sent) => {
                    *token = Token::SPENT;
                    return Poll::Ready(sent);
                }
                None => return Poll::Pending,
            },
        },
        Err(Misuse::Recorded) => return Poll::Pending,
        Err(misuse) => Failure::Misplaced(misuse),
    };
    yield_failed(failure, *token == Token::SPENT)
}

/// Reports a yield point's misuse. `spent`: the yield point had already completed.
///
/// Not `#[track_caller]`: the location would be one more argument at every yield point,
/// and the panic's location would be this crate's anyway (the `.await` is in the body).
#[cold]
#[inline(never)]
pub(crate) fn yield_failed(failure: Failure, spent: bool) -> ! {
    match failure {
        Failure::TwoAtOnce => panic!(
            "yielding: two `yield_` (or `yield_from`) futures of one generator were awaited at \
             once (for example with join or select); a generator pauses at one yield at a time"
        ),
        Failure::Detached => panic!(
            "yielding: a `yield_from` future was polled again after a misuse panic, or while \
             its delegate was still running"
        ),
        Failure::Misplaced(_) if spent => {
            panic!("yielding: a `yield_` future was polled after it completed")
        }
        Failure::Misplaced(Misuse::ForeignWaker) => panic!(
            "yielding: a `yield_` future was polled outside its generator: yield handles work \
             only inside the body they were given to, resumed by that generator (not by an \
             executor such as block_on or tokio)"
        ),
        Failure::Misplaced(Misuse::OtherThread) => panic!(
            "yielding: a `yield_` (or `yield_from`) future was polled on a thread other than \
             the one resuming its generator (a scoped thread given the body's waker, say); \
             a generator's yield points run only on the thread that resumes it"
        ),
        Failure::Misplaced(Misuse::Recorded | Misuse::RecordedTwice) => panic!(
            "yielding: a yield handle was used inside a generator other than its own (or a \
             `yield_` future was polled after it completed), twice in one resume; each `Co` \
             works only in the body it was given to"
        ),
    }
}
