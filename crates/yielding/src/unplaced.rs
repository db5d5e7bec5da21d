//! [`Unplaced`]: what a generator function returns, so that its caller decides where the
//! body lives: on the heap (iterate it, or [`boxed`](Unplaced::boxed)), or in a place the
//! caller pinned ([`place`](Unplaced::place), or the [`place!`](crate::place!) macro).

use alloc::boxed::Box;
use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;

use crate::raw::slot::Token;
use crate::{AsyncGen, Co, Gen, NextArg};

/// A generator that has not been given a place yet: its body, built and not started.
///
/// A function that returns a [`Gen`] must box its body, because only the function can name
/// the body's type. A function that returns `Unplaced` leaves the choice to its caller:
/// iterating it (or [`boxed`](Unplaced::boxed)) puts the body on the heap, one allocation;
/// [`place`](Unplaced::place) or [`place!`](crate::place!) puts it in a place the caller
/// pinned, on its stack or inside another generator's body, and allocates nothing. A
/// pipeline of generator functions placed that way compiles to one loop (see
/// BENCHMARKS.md, W4).
///
/// Nothing runs until the generator is placed and resumed, as for [`Gen`].
///
/// ```
/// use std::future::Future;
/// use yielding::Unplaced;
///
/// fn squares(upto: u64) -> Unplaced<u64, (), impl Future<Output = ()>> {
///     Unplaced::new(move |co| async move {
///         for x in 0..upto {
///             co.yield_(x * x).await;
///         }
///     })
/// }
///
/// // Boxed, by iterating it:
/// assert_eq!(squares(4).into_iter().collect::<Vec<_>>(), [0, 1, 4, 9]);
/// // Pinned on this stack frame, no allocation:
/// yielding::place!(let g = squares(4));
/// assert_eq!(g.sum::<u64>(), 14);
/// ```
#[must_use = "an unplaced generator does nothing until it is placed and resumed"]
pub struct Unplaced<Y, S, F> {
    token: Token,
    body: F,
    // Like `Gen`: gives out `Y`, takes in `S`, owns neither.
    _types: PhantomData<fn(S) -> Y>,
}

impl<Y, F: Future> Unplaced<Y, (), F> {
    /// The body of a generator that yields `Y` and receives nothing. Builds the body's
    /// future (an `async` block runs none of its code until polled) and nothing else.
    ///
    /// ```
    /// use yielding::Unplaced;
    ///
    /// let g = Unplaced::new(|co| async move { co.yield_("hi").await });
    /// assert_eq!(g.into_iter().next(), Some("hi"));
    /// ```
    #[inline]
    pub fn new(body: impl FnOnce(Co<Y>) -> F) -> Self {
        Unplaced::with_send(body)
    }
}

impl<Y, S, F: Future> Unplaced<Y, S, F> {
    /// The body of a generator that yields `Y` and receives `S` from
    /// [`send`](Gen::send).
    ///
    /// ```
    /// use yielding::{Co, Unplaced};
    ///
    /// let doubler = Unplaced::with_send(|co: Co<u32, u32>| async move {
    ///     let mut x = co.yield_(0).await;
    ///     loop {
    ///         x = co.yield_(2 * x).await;
    ///     }
    /// });
    /// let mut g = doubler.boxed();
    /// g.start();
    /// assert_eq!(g.send(21), Some(42));
    /// ```
    #[inline]
    pub fn with_send(body: impl FnOnce(Co<Y, S>) -> F) -> Self {
        let token = Token::fresh();
        Unplaced {
            token,
            body: body(Co::new(token)),
            _types: PhantomData,
        }
    }

    /// Puts the body on the heap: one allocation, and a generator that can go anywhere.
    /// Iterating an `Unplaced` does the same.
    ///
    /// ```
    /// use yielding::Unplaced;
    ///
    /// let mut g = Unplaced::new(|co| async move {
    ///     co.yield_(1).await;
    ///     "done"
    /// })
    /// .boxed();
    /// assert_eq!(g.next(), Some(1));
    /// assert_eq!(g.next(), None);
    /// assert_eq!(g.take_return(), Some("done"));
    /// ```
    #[inline]
    pub fn boxed(self) -> Gen<Y, S, F> {
        Gen::from_parts(Box::pin(Some(self.body)), self.token)
    }

    /// Puts the body in `place`, which the caller pinned (with [`core::pin::pin!`], for
    /// example): no allocation. [`place!`](crate::place!) does both in one line.
    ///
    /// ```
    /// use core::pin::pin;
    /// use yielding::Unplaced;
    ///
    /// let mut place = pin!(None);
    /// let g = Unplaced::new(|co| async move {
    ///     co.yield_(1).await;
    ///     co.yield_(2).await;
    /// })
    /// .place(place.as_mut());
    /// assert_eq!(g.collect::<Vec<_>>(), [1, 2]);
    /// ```
    #[inline]
    pub fn place(self, mut place: Pin<&mut Option<F>>) -> Gen<Y, S, F, &mut Option<F>> {
        place.set(Some(self.body));
        Gen::from_parts(place, self.token)
    }

    /// Puts the body on the heap as an async generator (a `Stream` with the `stream`
    /// feature): for a body that also awaits real futures.
    ///
    /// ```
    /// use yielding::Unplaced;
    ///
    /// let mut g = Unplaced::new(|co| async move {
    ///     std::future::ready(()).await;
    ///     co.yield_(5).await;
    /// })
    /// .boxed_async();
    /// assert_eq!(futures::executor::block_on(g.anext()), Some(5));
    /// ```
    #[inline]
    pub fn boxed_async(self) -> AsyncGen<Y, S, F> {
        AsyncGen {
            inner: self.boxed(),
        }
    }

    /// Puts the body in `place` as an async generator: no allocation.
    ///
    /// ```
    /// use core::pin::pin;
    /// use yielding::Unplaced;
    ///
    /// let mut place = pin!(None);
    /// let mut g = Unplaced::new(|co| async move { co.yield_(5).await })
    ///     .place_async(place.as_mut());
    /// assert_eq!(futures::executor::block_on(g.anext()), Some(5));
    /// ```
    #[inline]
    pub fn place_async(self, place: Pin<&mut Option<F>>) -> AsyncGen<Y, S, F, &mut Option<F>> {
        AsyncGen {
            inner: self.place(place),
        }
    }
}

/// Iterating an unplaced generator boxes it ([`Unplaced::boxed`]), so a generator function
/// that returns `Unplaced` works wherever an iterator is expected.
impl<Y, S: NextArg, F: Future> IntoIterator for Unplaced<Y, S, F> {
    type Item = Y;
    type IntoIter = Gen<Y, S, F>;

    /// ```
    /// use yielding::Unplaced;
    ///
    /// let g = Unplaced::new(|co| async move {
    ///     for c in ['a', 'b'] {
    ///         co.yield_(c).await;
    ///     }
    /// });
    /// let mut seen = String::new();
    /// for c in g {
    ///     seen.push(c);
    /// }
    /// assert_eq!(seen, "ab");
    /// ```
    #[inline]
    fn into_iter(self) -> Gen<Y, S, F> {
        self.boxed()
    }
}

impl<Y, S, F: Future> From<Unplaced<Y, S, F>> for Gen<Y, S, F> {
    /// ```
    /// use yielding::{Gen, Unplaced};
    ///
    /// let g: Gen<_, _, _> = Unplaced::new(|co| async move { co.yield_(1).await }).into();
    /// assert_eq!(g.collect::<Vec<_>>(), [1]);
    /// ```
    #[inline]
    fn from(unplaced: Unplaced<Y, S, F>) -> Self {
        unplaced.boxed()
    }
}

impl<Y, S, F> fmt::Debug for Unplaced<Y, S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unplaced").finish_non_exhaustive()
    }
}

/// Places an [`Unplaced`] generator on the current stack frame: `place!(let g = expr);`
/// (or `let mut g`) is `let g = expr.place(pin!(None))`, with the place kept alive for as
/// long as `g`, and no allocation.
///
/// ```
/// use std::future::Future;
/// use yielding::Unplaced;
///
/// fn numbers() -> Unplaced<u32, (), impl Future<Output = ()>> {
///     Unplaced::new(|co| async move {
///         for i in 1..=3 {
///             co.yield_(i).await;
///         }
///     })
/// }
///
/// yielding::place!(let mut g = numbers());
/// assert_eq!(g.next(), Some(1));
/// assert_eq!(g.collect::<Vec<_>>(), [2, 3]);
/// ```
#[macro_export]
macro_rules! place {
    (let mut $name:ident = $unplaced:expr $(;)?) => {
        let mut place = ::core::pin::pin!(::core::option::Option::None);
        let mut $name = $crate::Unplaced::place($unplaced, place.as_mut());
    };
    (let $name:ident = $unplaced:expr $(;)?) => {
        let mut place = ::core::pin::pin!(::core::option::Option::None);
        let $name = $crate::Unplaced::place($unplaced, place.as_mut());
    };
}
