//! What `generator!`'s expansion names: not public API, no stability promise. The macro
//! reaches it through `$crate::__private`, so it works when the dependency is renamed or
//! re-exported.

use core::future::Future;
use core::ops::DerefMut;

pub use crate::{Co, Gen};
#[cfg(feature = "macros")]
pub use yielding_macros::generator_impl;

use crate::NextArg;

/// Pins the body's output type to `R`, so that `?` and `return` inside an `async` block
/// know what they convert into (`generator!(Y, S -> R => { ... })`).
#[inline(always)]
pub fn returning<R, F: Future<Output = R>>(body: F) -> F {
    body
}

/// The operand of `yield from`. Which trait's method applies picks the delegation:
/// method lookup tries `DelegateTo<T>` by value first (generators, by value or `&mut`),
/// then `&mut DelegateTo<T>` (anything iterable). The option lets the by-reference
/// method take the iterable out.
#[derive(Debug)]
pub struct DelegateTo<T>(pub Option<T>);

/// `yield from` a generator: [`Co::yield_from`].
pub trait DelegateToGenerator<Y, S> {
    /// The delegate's return value.
    type Output;
    /// Named so that `yield from` of anything else reads as what went wrong.
    fn __yield_from_needs_a_generator_or_an_iterable(
        self,
        co: &Co<Y, S>,
    ) -> impl Future<Output = Self::Output>;
}

impl<Y, S, F, P> DelegateToGenerator<Y, S> for DelegateTo<Gen<Y, S, F, P>>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    type Output = F::Output;
    #[inline(always)]
    fn __yield_from_needs_a_generator_or_an_iterable(
        self,
        co: &Co<Y, S>,
    ) -> impl Future<Output = Self::Output> {
        co.yield_from(self.0.expect("taken once"))
    }
}

impl<Y, S, F, P> DelegateToGenerator<Y, S> for DelegateTo<&mut Gen<Y, S, F, P>>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    type Output = F::Output;
    #[inline(always)]
    fn __yield_from_needs_a_generator_or_an_iterable(
        self,
        co: &Co<Y, S>,
    ) -> impl Future<Output = Self::Output> {
        co.yield_from(self.0.expect("taken once"))
    }
}

/// `yield from` anything iterable: [`Co::yield_from_iter`].
pub trait DelegateToIterable<Y, S> {
    /// A value sent that an iterator cannot take, if any.
    type Output;
    /// Named so that `yield from` of anything else reads as what went wrong.
    fn __yield_from_needs_a_generator_or_an_iterable(
        self,
        co: &Co<Y, S>,
    ) -> impl Future<Output = Self::Output>;
}

impl<I, Y, S> DelegateToIterable<Y, S> for &mut DelegateTo<I>
where
    I: IntoIterator<Item = Y>,
    S: NextArg,
{
    type Output = Option<S>;
    #[inline(always)]
    fn __yield_from_needs_a_generator_or_an_iterable(
        self,
        co: &Co<Y, S>,
    ) -> impl Future<Output = Self::Output> {
        co.yield_from_iter(self.0.take().expect("taken once"))
    }
}
