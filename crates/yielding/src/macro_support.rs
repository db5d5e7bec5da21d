//! What `generator!`'s expansion names: not public API, no stability promise. The macro
//! reaches it through `$crate::__private`, so it works when the dependency is renamed or
//! re-exported.

use core::future::Future;

pub use crate::{AsyncGen, Co, Gen, TryAsyncGen, TryGen};
#[cfg(feature = "macros")]
pub use yielding_macros::{
    async_generator_impl, generator_impl, try_async_generator_impl, try_generator_impl,
};

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
/// method lookup tries the receiver by value, then `&`, then `&mut`, and only then what it
/// dereferences to:
/// - `DelegateTo<T>` by value: generators and async generators, by value or `&mut`;
/// - `&DelegateTo<T>`: streams (feature `stream`);
/// - `&mut DelegateTo<T>`: anything iterable;
/// - [`Operand<T>`], through `Deref`: anything else, whose method's bound fails with an
///   error that says what `yield from` takes (a failed lookup would name these traits).
///
/// Each trait has two methods: the expression form, whose value the body uses, and the
/// statement form (`yield from it;`), whose value is thrown away.
pub struct DelegateTo<T>(Operand<T>);

/// What [`DelegateTo`] dereferences to; the cell lets the by-reference methods take the
/// operand out.
pub struct Operand<T>(core::cell::Cell<Option<T>>);

impl<T> core::fmt::Debug for DelegateTo<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DelegateTo")
    }
}

impl<T> core::fmt::Debug for Operand<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Operand")
    }
}

impl<T> DelegateTo<T> {
    /// Wraps `yield from`'s operand.
    #[inline(always)]
    pub fn new(operand: T) -> Self {
        DelegateTo(Operand(core::cell::Cell::new(Some(operand))))
    }

    #[inline(always)]
    fn take(&self) -> T {
        self.0.0.take().expect("a yield-from operand is taken once")
    }
}

impl<T> core::ops::Deref for DelegateTo<T> {
    type Target = Operand<T>;

    fn deref(&self) -> &Operand<T> {
        &self.0
    }
}

/// What `yield from` takes; nothing implements it, so naming it in a bound turns a
/// `yield from` of anything else into this message.
#[diagnostic::on_unimplemented(
    message = "`yield from` needs a generator, an iterable or a stream, not `{Self}`",
    label = "not a generator, an iterable or a stream",
    note = "`yield from` takes a `Gen` or `AsyncGen` (by value or `&mut`), anything that \
            implements `IntoIterator`, or, in `async_generator!` with the `stream` feature, \
            a `Stream`"
)]
pub trait YieldFromOperand {}

impl<T> Operand<T> {
    /// The expression form of `yield from` an operand no trait above took: a compile error.
    pub fn __yielding_yield_from<Y, S>(&self, _: &Co<Y, S>) -> core::future::Pending<Never>
    where
        T: YieldFromOperand,
    {
        core::future::pending()
    }

    /// The statement form, as [`Operand::__yielding_yield_from`].
    pub fn __yielding_yield_from_statement<Y, S>(&self, _: &Co<Y, S>) -> core::future::Pending<()>
    where
        T: YieldFromOperand,
    {
        core::future::pending()
    }
}

/// `yield from` a generator: [`Co::yield_from`]. The statement form discards the return
/// value, as Python does.
pub trait DelegateToGenerator<Y, S> {
    /// The delegate's return value.
    type Output;
    /// `yield from` whose value is used.
    fn __yielding_yield_from(self, co: &Co<Y, S>) -> impl Future<Output = Self::Output>;
    /// `yield from g;`
    fn __yielding_yield_from_statement(self, co: &Co<Y, S>) -> impl Future<Output = ()>;
}

/// Every generator operand: a `Gen` or `AsyncGen` by value, `&mut` or boxed, or an
/// `impl Generator`.
impl<Y, S, D: crate::YieldFrom<Y, S>> DelegateToGenerator<Y, S> for DelegateTo<D> {
    type Output = D::Output;
    #[inline(always)]
    fn __yielding_yield_from(self, co: &Co<Y, S>) -> impl Future<Output = Self::Output> {
        co.yield_from(self.take())
    }
    #[inline(always)]
    fn __yielding_yield_from_statement(self, co: &Co<Y, S>) -> impl Future<Output = ()> {
        let delegation = co.yield_from(self.take());
        async move {
            delegation.await;
        }
    }
}

/// `yield from` anything iterable: [`Co::yield_from_iter_until_sent`], or in the statement
/// form [`Co::yield_from_iter`].
pub trait DelegateToIterable<Y, S> {
    /// A value sent that an iterator cannot take, if any.
    type Output;
    /// `yield from` whose value is used: the value sent, if any, for the body to handle.
    fn __yielding_yield_from(self, co: &Co<Y, S>) -> impl Future<Output = Self::Output>;
    /// `yield from it;`: a value sent has nowhere to go, and panics.
    #[track_caller]
    fn __yielding_yield_from_statement(self, co: &Co<Y, S>) -> impl Future<Output = ()>;
}

impl<I, Y, S> DelegateToIterable<Y, S> for &mut DelegateTo<I>
where
    I: IntoIterator<Item = Y>,
    S: NextArg,
{
    type Output = Option<S>;
    #[inline(always)]
    fn __yielding_yield_from(self, co: &Co<Y, S>) -> impl Future<Output = Self::Output> {
        co.yield_from_iter_until_sent(self.take())
    }
    #[inline(always)]
    #[track_caller]
    fn __yielding_yield_from_statement(self, co: &Co<Y, S>) -> impl Future<Output = ()> {
        co.yield_from_iter(self.take())
    }
}

/// `yield from` a stream: [`Co::yield_from_stream_until_sent`], or in the statement form
/// [`Co::yield_from_stream`].
pub trait DelegateToStream<Y, S> {
    /// A value sent that a stream cannot take, if any.
    type Output;
    /// `yield from` whose value is used: the value sent, if any, for the body to handle.
    fn __yielding_yield_from(self, co: &Co<Y, S>) -> impl Future<Output = Self::Output>;
    /// `yield from stream;`: a value sent has nowhere to go, and panics.
    #[track_caller]
    fn __yielding_yield_from_statement(self, co: &Co<Y, S>) -> impl Future<Output = ()>;
}

#[cfg(feature = "stream")]
impl<T, Y, S> DelegateToStream<Y, S> for &DelegateTo<T>
where
    T: futures_core::Stream<Item = Y>,
    S: NextArg,
{
    type Output = Option<S>;
    #[inline(always)]
    fn __yielding_yield_from(self, co: &Co<Y, S>) -> impl Future<Output = Self::Output> {
        co.yield_from_stream_until_sent(self.take())
    }
    #[inline(always)]
    #[track_caller]
    fn __yielding_yield_from_statement(self, co: &Co<Y, S>) -> impl Future<Output = ()> {
        co.yield_from_stream(self.take())
    }
}

/// `for await`'s operand. As for [`DelegateTo`], method lookup picks the case: a `Stream`
/// (feature `stream`) by value, anything else through `Deref`, whose method's bound fails
/// with an error that says what `for await` takes, and whose stream type-checks with any
/// item, so that the mistake gives that one error.
pub struct ForAwaitOperand<T>(NotAStream<T>);

/// What [`ForAwaitOperand`] dereferences to.
pub struct NotAStream<T>(core::cell::Cell<Option<T>>);

impl<T> core::fmt::Debug for ForAwaitOperand<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ForAwaitOperand")
    }
}

impl<T> core::fmt::Debug for NotAStream<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("NotAStream")
    }
}

impl<T> ForAwaitOperand<T> {
    /// Wraps `for await`'s operand.
    #[inline(always)]
    pub fn new(operand: T) -> Self {
        ForAwaitOperand(NotAStream(core::cell::Cell::new(Some(operand))))
    }
}

impl<T> core::ops::Deref for ForAwaitOperand<T> {
    type Target = NotAStream<T>;

    fn deref(&self) -> &NotAStream<T> {
        &self.0
    }
}

/// What `for await` takes; nothing implements it, so naming it in a bound turns a
/// `for await` over anything else into this message.
#[diagnostic::on_unimplemented(
    message = "`for await` needs a `Stream`, and `{Self}` is not one",
    label = "not a `Stream`",
    note = "`for await x in s` polls `s` with `Stream::poll_next` (the `stream` feature); \
            to iterate an `Iterator`, write `for x in s`"
)]
pub trait ForAwaitStream {}

impl<T> NotAStream<T> {
    /// `for await` over an operand that is not a stream: a compile error.
    pub fn __yielding_for_await<I>(&self) -> NoStream<I>
    where
        T: ForAwaitStream,
    {
        NoStream(core::marker::PhantomData)
    }
}

/// `for await` over a stream: the stream itself.
pub trait ForAwaitOverStream {
    /// The stream.
    type Stream;
    /// Takes the stream out.
    fn __yielding_for_await(self) -> Self::Stream;
}

#[cfg(feature = "stream")]
impl<T: futures_core::Stream> ForAwaitOverStream for ForAwaitOperand<T> {
    type Stream = T;
    #[inline(always)]
    fn __yielding_for_await(self) -> T {
        self.0.0.take().expect("a for-await operand is taken once")
    }
}

/// The stream of a `for await` over something else, which does not compile: it takes any
/// item type, so that nothing else in the loop adds an error.
#[derive(Debug)]
pub struct NoStream<I>(core::marker::PhantomData<I>);

/// What the loop polls: `Stream::poll_next`, or nothing for [`NoStream`].
pub trait ForAwait {
    /// The stream's item.
    type Item;
    /// `Stream::poll_next`.
    fn poll_item(
        self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Option<Self::Item>>;
}

#[cfg(feature = "stream")]
impl<T: futures_core::Stream + ?Sized> ForAwait for T {
    type Item = T::Item;
    #[inline(always)]
    fn poll_item(
        self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Option<T::Item>> {
        self.poll_next(cx)
    }
}

impl<I> ForAwait for NoStream<I> {
    type Item = I;
    fn poll_item(
        self: core::pin::Pin<&mut Self>,
        _: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Option<I>> {
        core::task::Poll::Ready(None)
    }
}

/// The next item of the stream `for await` pinned.
#[inline(always)]
pub fn next_item<T: ForAwait + ?Sized>(
    stream: &mut core::pin::Pin<&mut T>,
) -> impl Future<Output = Option<T::Item>> {
    core::future::poll_fn(move |cx| stream.as_mut().poll_item(cx))
}
