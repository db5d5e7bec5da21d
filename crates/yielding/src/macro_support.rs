//! What `generator!`'s expansion names: not public API, no stability promise. The macro
//! reaches it through `$crate::__private`, so it works when the dependency is renamed or
//! re-exported.

use core::future::Future;
use core::ops::DerefMut;

pub use crate::{AsyncGen, Co, Gen};
#[cfg(feature = "macros")]
pub use yielding_macros::{async_generator_impl, generator_impl};

use crate::NextArg;

/// Names the never type, `!`, on stable Rust: the return type of `fn() -> !` may be
/// written, and this projection gives it a name. A future whose output is `!` (a
/// [`TailCall`](crate::TailCall)) makes its `.await` diverge, so the compiler flags any code
/// after it as unreachable and the `.await` fits wherever a value of any type is expected.
pub trait ReturnOf {
    /// The function's return type.
    type Output;
}

impl<R> ReturnOf for fn() -> R {
    type Output = R;
}

/// The never type, `!`.
pub type Never = <fn() -> ! as ReturnOf>::Output;

/// Pins the body's output type to `R`, so that `?` and `return` inside an `async` block
/// know what they convert into (`generator!(Y, S -> R => { ... })`).
#[inline(always)]
pub fn returning<R, F: Future<Output = R>>(body: F) -> F {
    body
}

/// The operand of `yield from`. Which trait's method applies picks the delegation, because
/// method lookup tries the receiver by value, then `&`, then `&mut`:
/// - `DelegateTo<T>` by value: generators and async generators, by value or `&mut`;
/// - `&DelegateTo<T>`: streams (feature `stream`);
/// - `&mut DelegateTo<T>`: anything iterable.
///
/// The cell lets the by-reference methods take the operand out.
pub struct DelegateTo<T>(core::cell::Cell<Option<T>>);

impl<T> core::fmt::Debug for DelegateTo<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DelegateTo")
    }
}

impl<T> DelegateTo<T> {
    /// Wraps `yield from`'s operand.
    #[inline(always)]
    pub fn new(operand: T) -> Self {
        DelegateTo(core::cell::Cell::new(Some(operand)))
    }

    #[inline(always)]
    fn take(&self) -> T {
        self.0.take().expect("a yield-from operand is taken once")
    }
}

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

/// One impl per kind of generator operand: by value or `&mut`, synchronous or async.
macro_rules! delegate_to_generator {
    ($($operand:ty => $method:ident),* $(,)?) => {$(
        impl<Y, S, F, P> DelegateToGenerator<Y, S> for DelegateTo<$operand>
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
                co.$method(self.take())
            }
        }
    )*};
}

delegate_to_generator! {
    Gen<Y, S, F, P> => yield_from,
    &mut Gen<Y, S, F, P> => yield_from,
    AsyncGen<Y, S, F, P> => yield_from_async,
    &mut AsyncGen<Y, S, F, P> => yield_from_async,
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
        co.yield_from_iter(self.take())
    }
}

/// `yield from` a stream: [`Co::yield_from_stream`].
pub trait DelegateToStream<Y, S> {
    /// A value sent that a stream cannot take, if any.
    type Output;
    /// Named so that `yield from` of anything else reads as what went wrong.
    fn __yield_from_needs_a_generator_or_an_iterable(
        self,
        co: &Co<Y, S>,
    ) -> impl Future<Output = Self::Output>;
}

#[cfg(feature = "stream")]
impl<T, Y, S> DelegateToStream<Y, S> for &DelegateTo<T>
where
    T: futures_core::Stream<Item = Y>,
    S: NextArg,
{
    type Output = Option<S>;
    #[inline(always)]
    fn __yield_from_needs_a_generator_or_an_iterable(
        self,
        co: &Co<Y, S>,
    ) -> impl Future<Output = Self::Output> {
        co.yield_from_stream(self.take())
    }
}
