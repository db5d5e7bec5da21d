//! The handle a recursive generator's frames are given, [`Rec`], and its futures:
//! [`RecYield`], [`Recurse`] and [`TailCall`].

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::__private::Never;
use crate::co::{ThreadBound, exchange, stage, yield_failed};
use crate::raw::delegation::Failure;
use crate::raw::slot::{self, Misuse, Out, Token};

/// What a frame asks its driver for, besides a yield.
pub(crate) enum Call<A> {
    /// [`Rec::recurse`]: push a frame for a call with this argument.
    Nested(A),
    /// [`Rec::tail_call`]: replace the asking frame by a call with this argument.
    Tail(A),
}

/// The handle each call of a [`Recursive`](crate::Recursive) generator's function is
/// given: it yields with [`yield_`](Rec::yield_) and calls the function again with
/// [`recurse`](Rec::recurse) (or, as its last act, [`tail_call`](Rec::tail_call)).
///
/// `Y` is the type the generator yields, `A` the function's argument, `R` what each call
/// returns to its caller. Like [`Co`](crate::Co), a `Rec` works only inside its own
/// generator's frames, on the thread resuming it; anywhere else its futures panic with a
/// message (see [Misuse](crate#misuse)).
///
/// ```
/// use yielding::{Rec, Recursive};
///
/// // Counts down from `n`, yielding on the way back up: 1, 2, ..., n.
/// async fn up_to(rec: Rec<u32, u32>, n: u32) {
///     if n > 1 {
///         rec.recurse(n - 1).await;
///     }
///     rec.yield_(n).await;
/// }
///
/// let g = Recursive::new(up_to, 4);
/// assert_eq!(g.collect::<Vec<_>>(), [1, 2, 3, 4]);
/// ```
pub struct Rec<Y, A, R = ()> {
    token: Token,
    // A `Rec` takes in `Y` and `A` and gives out `R`; it owns none of them.
    _types: PhantomData<fn(Y, A) -> R>,
    _thread: ThreadBound,
}

impl<Y, A, R> fmt::Debug for Rec<Y, A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rec").finish_non_exhaustive()
    }
}

impl<Y, A, R> Rec<Y, A, R> {
    #[inline(always)]
    pub(crate) fn new(token: Token) -> Self {
        Rec {
            token,
            _types: PhantomData,
            _thread: PhantomData,
        }
    }

    /// Yields `value` to the generator's caller and pauses this call (and with it the
    /// whole generator) until the caller asks for the next value.
    ///
    /// ```
    /// use yielding::{Rec, Recursive};
    ///
    /// async fn twice(rec: Rec<&'static str, ()>, (): ()) {
    ///     rec.yield_("tick").await;
    ///     rec.yield_("tock").await;
    /// }
    ///
    /// let mut g = Recursive::new(twice, ());
    /// assert_eq!(g.next(), Some("tick"));
    /// assert_eq!(g.next(), Some("tock"));
    /// assert_eq!(g.next(), None);
    /// ```
    #[inline(always)]
    pub fn yield_(&self, value: Y) -> RecYield<Y, A, R> {
        RecYield {
            token: self.token,
            value: Some(value),
            _types: PhantomData,
            _thread: PhantomData,
        }
    }

    /// Calls the generator's function again with `arg`, as a new innermost frame, and
    /// evaluates to what that call returns: Python's `result = yield from f(arg)` when `f`
    /// is the generator function itself.
    ///
    /// Everything the call yields goes straight to the generator's caller. No generator is
    /// created for the call: its frame is pushed on the generator's own frame stack, so a
    /// call costs about what a push on a `Vec` costs, at any depth.
    ///
    /// ```
    /// use yielding::{Rec, Recursive};
    ///
    /// // Sums a nested list, yielding each leaf on the way.
    /// enum Nested { Leaf(i32), List(Vec<Nested>) }
    ///
    /// async fn leaves<'a>(rec: Rec<i32, &'a Nested, i32>, n: &'a Nested) -> i32 {
    ///     match n {
    ///         Nested::Leaf(x) => {
    ///             rec.yield_(*x).await;
    ///             *x
    ///         }
    ///         Nested::List(items) => {
    ///             let mut sum = 0;
    ///             for item in items {
    ///                 sum += rec.recurse(item).await; // the call's return value
    ///             }
    ///             sum
    ///         }
    ///     }
    /// }
    ///
    /// use Nested::*;
    /// let tree = List(vec![Leaf(1), List(vec![Leaf(2), List(vec![Leaf(3)])]), Leaf(4)]);
    /// let mut g = Recursive::new(leaves, &tree);
    /// assert_eq!(g.by_ref().collect::<Vec<_>>(), [1, 2, 3, 4]);
    /// assert_eq!(g.take_return(), Some(10));
    /// ```
    #[inline(always)]
    pub fn recurse(&self, arg: A) -> Recurse<Y, A, R> {
        Recurse {
            token: self.token,
            arg: Some(arg),
            _types: PhantomData,
            _thread: PhantomData,
        }
    }

    /// Ends this call by calling the function again with `arg` in its place: the new
    /// call's items go to the generator's caller as with [`recurse`](Rec::recurse), and its
    /// return value is this call's. This call's frame is dropped, with its locals, before
    /// the new call starts, and the new frame takes its place, so a chain of tail calls
    /// (down a linked list, or down every right child of a tree) takes the memory of one
    /// frame, and resuming saves the step back through this call.
    ///
    /// The `.await` evaluates to `!`: it never completes, nothing after it in this call
    /// runs (the compiler warns of unreachable code), and it fits where this call's return
    /// value is expected. Python has no tail calls; `return (yield from f(arg))` gives the
    /// same items and return value, with the caller's frame kept until it returns.
    ///
    /// ```
    /// use yielding::{Rec, Recursive};
    ///
    /// // Yields a list's items, recursing on its tail in constant memory: each call
    /// // replaces the one before. Returns the last item.
    /// async fn each<'a>(rec: Rec<u32, &'a [u32], Option<u32>>, items: &'a [u32]) -> Option<u32> {
    ///     let (first, rest) = items.split_first()?;
    ///     rec.yield_(*first).await;
    ///     if rest.is_empty() {
    ///         return Some(*first);
    ///     }
    ///     rec.tail_call(rest).await
    /// }
    ///
    /// let items: Vec<u32> = (1..=100_000).collect();
    /// let mut g = Recursive::new(each, &items[..]);
    /// assert_eq!(g.next(), Some(1));
    /// assert_eq!(g.depth(), 1);
    /// assert_eq!(g.by_ref().count(), 99_999);
    /// assert_eq!(g.depth(), 0);
    /// assert_eq!(g.take_return(), Some(Some(100_000)));
    /// ```
    #[inline(always)]
    pub fn tail_call(&self, arg: A) -> TailCall<Y, A, R> {
        TailCall {
            token: self.token,
            arg: Some(arg),
            _types: PhantomData,
            _thread: PhantomData,
        }
    }
}

/// The future of [`Rec::yield_`]: completes when the generator is resumed after yielding.
///
/// ```
/// use yielding::{Rec, RecYield, Recursive};
///
/// fn announce(rec: &Rec<u8, ()>) -> RecYield<u8, ()> {
///     rec.yield_(7)
/// }
/// let g = Recursive::new(|rec: Rec<u8, ()>, ()| async move { announce(&rec).await }, ());
/// assert_eq!(g.collect::<Vec<_>>(), [7]);
/// ```
#[must_use = "a yield does nothing unless it is awaited"]
pub struct RecYield<Y, A, R = ()> {
    /// The generator this yield belongs to; [`Token::SPENT`] once it has completed.
    token: Token,
    /// The value to yield, until the first poll hands it to the driver.
    value: Option<Y>,
    _types: PhantomData<fn(A) -> R>,
    _thread: ThreadBound,
}

// The value is moved into the slot, never referenced in place.
impl<Y, A, R> Unpin for RecYield<Y, A, R> {}

impl<Y, A, R> fmt::Debug for RecYield<Y, A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecYield")
            .field("stage", &stage(self.value.is_some(), self.token))
            .finish()
    }
}

impl<Y, A, R> Future for RecYield<Y, A, R> {
    type Output = ();

    // As `Yield::poll`: the hot path is the identity check and one slot access, and every
    // misuse leaves through one cold call, so that a frame inlines into its driver.
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let failure = match slot::slot_in::<Y, R, Call<A>>(cx, this.token) {
            Ok(slot) => match this.value.take() {
                Some(value) => match slot.put_yield(value) {
                    Ok(()) => return Poll::Pending,
                    Err(value) => {
                        this.value = Some(value);
                        Failure::TwoAtOnce
                    }
                },
                // The slot is made afresh for every resume, so an empty one means the
                // caller took the value and resumed the generator; a full one, that this
                // is the resume in which it yielded, polled again.
                None if slot.is_occupied() => return Poll::Pending,
                None => {
                    this.token = Token::SPENT;
                    return Poll::Ready(());
                }
            },
            Err(Misuse::Recorded) => return Poll::Pending,
            Err(misuse) => Failure::Misplaced(misuse),
        };
        yield_failed(failure, this.token == Token::SPENT)
    }
}

/// The future of [`Rec::recurse`]: runs one recursive call as a new frame and evaluates
/// to its return value.
///
/// ```
/// use yielding::{Rec, Recurse, Recursive};
///
/// async fn depth(rec: Rec<(), u32, u32>, n: u32) -> u32 {
///     if n == 0 { 0 } else { 1 + rec.recurse(n - 1).await }
/// }
/// let mut g = Recursive::new(depth, 50);
/// assert_eq!(g.next(), None);
/// assert_eq!(g.take_return(), Some(50));
/// # let _: Option<Recurse<(), u32, u32>> = None;
/// ```
#[must_use = "a recursive call does nothing unless it is awaited"]
pub struct Recurse<Y, A, R = ()> {
    /// The generator this call belongs to; [`Token::SPENT`] once it has completed.
    token: Token,
    /// The argument, until the first poll hands it to the driver.
    arg: Option<A>,
    // The return value is produced by `poll`, on whatever thread polls, so `Recurse` is
    // `Send` only when `R` is.
    _types: PhantomData<(fn(Y), R)>,
    _thread: ThreadBound,
}

// The argument is moved into the slot, never referenced in place.
impl<Y, A, R> Unpin for Recurse<Y, A, R> {}

impl<Y, A, R> fmt::Debug for Recurse<Y, A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recurse")
            .field("stage", &stage(self.arg.is_some(), self.token))
            .finish()
    }
}

impl<Y, A, R> Future for Recurse<Y, A, R> {
    type Output = R;

    // The driver hands the call's return value back when the call's frame returns.
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let this = self.get_mut();
        exchange::<Y, R, Call<A>, A>(
            cx,
            &mut this.token,
            &mut this.arg,
            |arg| Out::Delegated(Call::Nested(arg)),
            |rejected| match rejected {
                Out::Delegated(Call::Nested(arg)) => Some(arg),
                _ => None,
            },
        )
    }
}

/// The future of [`Rec::tail_call`]: replaces the call awaiting it by a call with its
/// argument. It never completes (its output is `!`).
///
/// ```
/// use yielding::{Rec, Recursive, TailCall};
///
/// async fn countdown(rec: Rec<u32, u32>, n: u32) {
///     rec.yield_(n).await;
///     if n > 0 {
///         let next: TailCall<u32, u32> = rec.tail_call(n - 1);
///         next.await
///     }
/// }
/// let mut g = Recursive::new(countdown, 3);
/// assert_eq!(g.by_ref().collect::<Vec<_>>(), [3, 2, 1, 0]);
/// ```
#[must_use = "a tail call does nothing unless it is awaited"]
pub struct TailCall<Y, A, R = ()> {
    /// The generator this call belongs to.
    token: Token,
    /// The argument, until the first poll hands it to the driver.
    arg: Option<A>,
    _types: PhantomData<fn(Y) -> R>,
    _thread: ThreadBound,
}

// The argument is moved into the slot, never referenced in place.
impl<Y, A, R> Unpin for TailCall<Y, A, R> {}

impl<Y, A, R> fmt::Debug for TailCall<Y, A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TailCall")
            .field("stage", &stage(self.arg.is_some(), self.token))
            .finish()
    }
}

impl<Y, A, R> Future for TailCall<Y, A, R> {
    type Output = Never;

    /// Hands the argument to the driver, which drops the awaiting frame once it pauses
    /// here; so a second poll can only come within that same resume, and finds it pending.
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Never> {
        let this = self.get_mut();
        let failure = match slot::slot_in::<Y, R, Call<A>>(cx, this.token) {
            Ok(slot) => match this.arg.take() {
                Some(arg) => match slot.put(Out::Delegated(Call::Tail(arg))) {
                    Ok(()) => return Poll::Pending,
                    Err(rejected) => {
                        if let Out::Delegated(Call::Tail(arg)) = rejected {
                            this.arg = Some(arg);
                        }
                        Failure::TwoAtOnce
                    }
                },
                None => return Poll::Pending,
            },
            Err(Misuse::Recorded) => return Poll::Pending,
            Err(misuse) => Failure::Misplaced(misuse),
        };
        yield_failed(failure, false)
    }
}
