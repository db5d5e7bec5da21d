//! [`TryGen`] and [`TryAsyncGen`]: generators whose body returns `Result<R, E>`, seen as an
//! iterator or a stream of `Result<Y, E>` whose last item is the body's `Err` (what
//! `try_generator!` and `try_async_generator!` make).

use alloc::boxed::Box;
use core::fmt;
use core::future::Future;
use core::iter::FusedIterator;
use core::ops::DerefMut;
use core::task::{Context, Poll};

#[cfg(feature = "stream")]
use crate::GeneratorState;
use crate::{AsyncGen, Gen, NextArg};

/// A generator whose body returns `Result<R, E>`, as an [`Iterator`] of `Result<Y, E>`:
/// each yielded value is an `Ok` item, and an `Err` the body returns (with `?`) is the last
/// item. Python's exception raised in a generator reaches the `for` loop consuming it; a
/// plain [`Gen`] keeps its `Err` return value for [`Gen::take_return`], where an iterator
/// consumer never looks. [`try_generator!`](crate::try_generator) makes one.
///
/// ```
/// use yielding::{Gen, TryGen};
///
/// let mut lines = TryGen::new(Gen::new(|co| async move {
///     co.yield_("first").await;
///     Err("disk on fire")?;
///     co.yield_("never").await;
///     Ok(3)
/// }));
/// assert_eq!(lines.next(), Some(Ok("first")));
/// assert_eq!(lines.next(), Some(Err("disk on fire")));
/// assert_eq!(lines.next(), None);
/// assert_eq!(lines.take_return(), None);
/// ```
#[must_use = "a generator does nothing until it is resumed"]
pub struct TryGen<Y, S, F: Future, P = Box<Option<F>>>
where
    P: DerefMut<Target = Option<F>>,
{
    inner: Gen<Y, S, F, P>,
    /// An `Ok` return value, once the end was seen through `next`.
    returned: Option<F::Output>,
}

impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> TryGen<Y, S, F, P> {
    /// Wraps `generator`, whose body returns `Result<R, E>`.
    ///
    /// ```
    /// use yielding::{Gen, TryGen};
    ///
    /// let g = TryGen::new(Gen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     Ok::<(), String>(())
    /// }));
    /// assert_eq!(g.collect::<Result<Vec<_>, _>>(), Ok(vec![1]));
    /// ```
    #[inline]
    pub fn new(generator: Gen<Y, S, F, P>) -> Self {
        TryGen {
            inner: generator,
            returned: None,
        }
    }

    /// The generator, for `send`, `throw`, `close` and `state`. An `Err` that ends a
    /// resume made through it is its return value: it is not an item of this iterator.
    ///
    /// ```
    /// use yielding::{Co, Gen, TryGen};
    ///
    /// let mut g = TryGen::new(Gen::with_send(|co: Co<i32, Option<i32>>| async move {
    ///     let doubled = co.yield_(0).await.ok_or("nothing sent")? * 2;
    ///     co.yield_(doubled).await;
    ///     Ok::<(), &str>(())
    /// }));
    /// assert_eq!(g.next(), Some(Ok(0)));
    /// assert_eq!(g.get_mut().send(Some(21)), Some(42));
    /// ```
    #[inline]
    pub fn get_mut(&mut self) -> &mut Gen<Y, S, F, P> {
        &mut self.inner
    }

    /// The body's return value not yet given out: its `Ok`, once it finished. An `Err` it
    /// ended with was the iterator's last item, and is not kept (unless the end was seen
    /// through [`get_mut`](TryGen::get_mut)).
    ///
    /// ```
    /// use yielding::{Gen, TryGen};
    ///
    /// let mut g = TryGen::new(Gen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     Ok::<_, String>("done")
    /// }));
    /// assert_eq!((&mut g).count(), 1);
    /// assert_eq!(g.take_return(), Some(Ok("done")));
    /// ```
    #[inline]
    pub fn take_return(&mut self) -> Option<F::Output> {
        self.returned.take().or_else(|| self.inner.take_return())
    }
}

impl<Y, S, R, E, F, P> Iterator for TryGen<Y, S, F, P>
where
    S: NextArg,
    F: Future<Output = Result<R, E>>,
    P: DerefMut<Target = Option<F>>,
{
    type Item = Result<Y, E>;

    #[inline]
    fn next(&mut self) -> Option<Result<Y, E>> {
        match self.inner.next() {
            Some(item) => Some(Ok(item)),
            None => self.ended(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (_, upper) = self.inner.size_hint();
        // One more: the error the body may end with.
        (0, upper.map(|upper| upper.saturating_add(1)))
    }
}

impl<Y, S, R, E, F, P> TryGen<Y, S, F, P>
where
    F: Future<Output = Result<R, E>>,
    P: DerefMut<Target = Option<F>>,
{
    /// The item after the last yielded one: the body's `Err` if it returned one; an `Ok` is
    /// kept for `take_return`.
    #[cold]
    fn ended(&mut self) -> Option<Result<Y, E>> {
        match self.inner.take_return()? {
            Err(error) => Some(Err(error)),
            Ok(value) => {
                self.returned = Some(Ok(value));
                None
            }
        }
    }
}

impl<Y, S, R, E, F, P> FusedIterator for TryGen<Y, S, F, P>
where
    S: NextArg,
    F: Future<Output = Result<R, E>>,
    P: DerefMut<Target = Option<F>>,
{
}

impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> fmt::Debug for TryGen<Y, S, F, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryGen")
            .field("state", &self.inner.state())
            .finish_non_exhaustive()
    }
}

/// An async generator whose body returns `Result<R, E>`, as a stream of `Result<Y, E>`
/// (with the `stream` feature a `futures_core::Stream`, and so a `TryStream`): each
/// yielded value is an `Ok` item, and an `Err` the body returns (with `?`) is the last
/// item, as async-stream's `try_stream!` gives it. PEP 525: an exception raised in an async
/// generator propagates to the `async for` consuming it; a plain [`AsyncGen`] keeps its
/// `Err` return value for [`AsyncGen::take_return`], where a stream consumer never looks.
/// [`try_async_generator!`](crate::try_async_generator) makes one.
///
/// ```
/// use yielding::{AsyncGen, TryAsyncGen};
///
/// let mut reads = TryAsyncGen::new(AsyncGen::new(|co| async move {
///     co.yield_(1).await;
///     std::future::ready(()).await;
///     Err("connection reset")?;
///     Ok(())
/// }));
/// futures::executor::block_on(async {
///     assert_eq!(reads.anext().await, Some(Ok(1)));
///     assert_eq!(reads.anext().await, Some(Err("connection reset")));
///     assert_eq!(reads.anext().await, None);
/// });
/// ```
#[must_use = "an async generator does nothing until it is polled"]
pub struct TryAsyncGen<Y, S, F: Future, P = Box<Option<F>>>
where
    P: DerefMut<Target = Option<F>>,
{
    inner: AsyncGen<Y, S, F, P>,
    /// An `Ok` return value, once the end was seen through `anext` or the stream.
    returned: Option<F::Output>,
}

// Nothing is pinned in place: the body lives behind `P`, and the return value is only
// moved.
impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> Unpin for TryAsyncGen<Y, S, F, P> {}

impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> TryAsyncGen<Y, S, F, P> {
    /// Wraps `generator`, whose body returns `Result<R, E>`.
    ///
    /// ```
    /// use futures::TryStreamExt;
    /// use yielding::{AsyncGen, TryAsyncGen};
    ///
    /// let g = TryAsyncGen::new(AsyncGen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     Ok::<(), String>(())
    /// }));
    /// assert_eq!(futures::executor::block_on(g.try_collect::<Vec<_>>()), Ok(vec![1]));
    /// ```
    #[inline]
    pub fn new(generator: AsyncGen<Y, S, F, P>) -> Self {
        TryAsyncGen {
            inner: generator,
            returned: None,
        }
    }

    /// The async generator, for `asend`, `athrow`, `aclose` and `state`. An `Err` that
    /// ends a resume made through it is its return value: it is not an item of this
    /// stream.
    ///
    /// ```
    /// use yielding::{AsyncGen, GeneratorState, TryAsyncGen};
    ///
    /// let mut g = TryAsyncGen::new(AsyncGen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     Ok::<(), String>(())
    /// }));
    /// g.get_mut().close();
    /// assert_eq!(g.get_mut().state(), GeneratorState::Closed);
    /// ```
    #[inline]
    pub fn get_mut(&mut self) -> &mut AsyncGen<Y, S, F, P> {
        &mut self.inner
    }

    /// The body's return value not yet given out: its `Ok`, once it finished. An `Err` it
    /// ended with was the stream's last item, and is not kept (unless the end was seen
    /// through [`get_mut`](TryAsyncGen::get_mut)).
    ///
    /// ```
    /// use yielding::{AsyncGen, TryAsyncGen};
    ///
    /// let mut g = TryAsyncGen::new(AsyncGen::new(|_co: yielding::Co<()>| async move {
    ///     Ok::<_, String>("done")
    /// }));
    /// assert_eq!(futures::executor::block_on(g.anext()), None);
    /// assert_eq!(g.take_return(), Some(Ok("done")));
    /// ```
    #[inline]
    pub fn take_return(&mut self) -> Option<F::Output> {
        self.returned.take().or_else(|| self.inner.take_return())
    }
}

impl<Y, S, R, E, F, P> TryAsyncGen<Y, S, F, P>
where
    S: NextArg,
    F: Future<Output = Result<R, E>>,
    P: DerefMut<Target = Option<F>>,
{
    /// The next item: `Ok` with a yielded value, then the body's `Err` if it returned one,
    /// then `None`, forever.
    ///
    /// ```
    /// use yielding::{AsyncGen, TryAsyncGen};
    ///
    /// let mut g = TryAsyncGen::new(AsyncGen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     Err::<(), _>("failed")
    /// }));
    /// futures::executor::block_on(async {
    ///     assert_eq!(g.anext().await, Some(Ok(1)));
    ///     assert_eq!(g.anext().await, Some(Err("failed")));
    ///     assert_eq!(g.anext().await, None);
    /// });
    /// ```
    pub async fn anext(&mut self) -> Option<Result<Y, E>> {
        core::future::poll_fn(|cx| self.poll_anext(cx)).await
    }

    /// [`anext`](TryAsyncGen::anext) as a poll function: what the `Stream` impl calls.
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    /// use yielding::{AsyncGen, TryAsyncGen};
    ///
    /// let mut g = TryAsyncGen::new(AsyncGen::new(|co| async move {
    ///     co.yield_(1).await;
    ///     Ok::<(), String>(())
    /// }));
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert_eq!(g.poll_anext(&mut cx), Poll::Ready(Some(Ok(1))));
    /// ```
    #[inline]
    pub fn poll_anext(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Y, E>>> {
        match self.inner.poll_anext(cx) {
            Poll::Ready(Some(item)) => Poll::Ready(Some(Ok(item))),
            Poll::Ready(None) => Poll::Ready(self.ended()),
            Poll::Pending => Poll::Pending,
        }
    }

    /// The item after the last yielded one: the body's `Err` if it returned one; an `Ok` is
    /// kept for `take_return`.
    #[cold]
    fn ended(&mut self) -> Option<Result<Y, E>> {
        match self.inner.take_return()? {
            Err(error) => Some(Err(error)),
            Ok(value) => {
                self.returned = Some(Ok(value));
                None
            }
        }
    }
}

#[cfg(feature = "stream")]
impl<Y, S, R, E, F, P> futures_core::Stream for TryAsyncGen<Y, S, F, P>
where
    S: NextArg,
    F: Future<Output = Result<R, E>>,
    P: DerefMut<Target = Option<F>>,
{
    type Item = Result<Y, E>;

    #[inline]
    fn poll_next(
        self: core::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Y, E>>> {
        self.get_mut().poll_anext(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.inner.state() {
            GeneratorState::Closed => (0, Some(0)),
            _ => (0, None),
        }
    }
}

#[cfg(feature = "stream")]
impl<Y, S, R, E, F, P> futures_core::FusedStream for TryAsyncGen<Y, S, F, P>
where
    S: NextArg,
    F: Future<Output = Result<R, E>>,
    P: DerefMut<Target = Option<F>>,
{
    fn is_terminated(&self) -> bool {
        self.inner.state() == GeneratorState::Closed
    }
}

impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> fmt::Debug for TryAsyncGen<Y, S, F, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryAsyncGen")
            .field("state", &self.inner.state())
            .finish_non_exhaustive()
    }
}
