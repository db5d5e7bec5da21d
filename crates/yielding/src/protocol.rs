//! The traits a generator function's return type is named by: [`Generator`], and
//! [`YieldFrom`], what `yield from` delegates to.

use core::future::Future;
use core::ops::DerefMut;

use alloc::boxed::Box;

use crate::{AsyncGen, Co, Gen, GeneratorState, NextArg};

/// A generator that iterates, by what it yields, takes and returns: the return type to
/// write for a generator function, Python's `Generator[Y, S, R]`.
///
/// `impl Generator<Item = Y, Return = R>` names what a generator function returns without
/// naming its body's type, and keeps everything a [`Gen`] has: it is an [`Iterator`],
/// it has `send`, `close` and a return value, and `yield from` (or
/// [`Co::yield_from`]) delegates to it in O(1) per item and evaluates to its return value.
/// A function returning `impl Iterator` instead compiles and gives the same items, but
/// `yield from` then sees a plain iterator: each item passes through every level (O(depth)
/// per item, and the thread's stack overflows in deep recursion), and the return value is
/// lost.
///
/// `S` is what [`send`](Generator::send) takes, `()` (the default) for a plain iterator;
/// it has a [`NextArg`], the value `next()` sends. Every `Gen` whose send type has one is a
/// `Generator`, and so is `&mut` one. A generator whose send type has no such value (an
/// `f64` running average, say) is not an iterator: name it as
/// `Gen<Y, S, impl Future<Output = R>>`, which `yield from` takes too.
///
/// ```
/// use yielding::{Generator, generator};
///
/// struct Tree {
///     value: u32,
///     children: Vec<Tree>,
/// }
///
/// // Python: def walk(t) -> Generator[int, None, int]:
/// //             yield t.value; n = 1
/// //             for c in t.children: n += yield from walk(c)
/// //             return n
/// fn walk(tree: &Tree) -> impl Generator<Item = u32, Return = usize> + '_ {
///     generator!(u32, () -> usize => {
///         yield tree.value;
///         let mut nodes = 1;
///         for child in &tree.children {
///             nodes += yield from walk(child);
///         }
///         nodes
///     })
/// }
///
/// let leaf = |value| Tree { value, children: vec![] };
/// let tree = Tree { value: 1, children: vec![leaf(2), Tree { value: 3, children: vec![leaf(4)] }] };
/// let mut g = walk(&tree);
/// assert_eq!(g.by_ref().collect::<Vec<_>>(), [1, 2, 3, 4]);
/// assert_eq!(g.take_return(), Some(4));
/// ```
pub trait Generator<S: NextArg = ()>:
    Iterator + YieldFrom<<Self as Iterator>::Item, S, Output = <Self as Generator<S>>::Return>
{
    /// What the body returns.
    type Return;

    /// Sends `value` into the paused generator, as [`Gen::send`].
    ///
    /// ```
    /// use yielding::{Co, Gen, Generator};
    ///
    /// fn echo() -> impl Generator<Option<String>, Item = String, Return = ()> {
    ///     Gen::with_send(|co: Co<String, Option<String>>| async move {
    ///         let mut heard = co.yield_("ready".into()).await;
    ///         while let Some(word) = heard {
    ///             heard = co.yield_(word.to_uppercase()).await;
    ///         }
    ///     })
    /// }
    /// let mut g = echo();
    /// assert_eq!(g.next().as_deref(), Some("ready"));
    /// assert_eq!(g.send(Some("hi".into())).as_deref(), Some("HI"));
    /// ```
    fn send(&mut self, value: S) -> Option<Self::Item>;

    /// Takes the return value once the generator has finished, as [`Gen::take_return`].
    ///
    /// ```
    /// use yielding::{Generator, generator};
    ///
    /// fn count() -> impl Generator<Item = u8, Return = &'static str> {
    ///     generator!(u8, () -> &'static str => { yield 1; "done" })
    /// }
    /// let mut g = count();
    /// assert_eq!(g.by_ref().count(), 1);
    /// assert_eq!(g.take_return(), Some("done"));
    /// ```
    fn take_return(&mut self) -> Option<Self::Return>;

    /// Where the generator is in its life, as [`Gen::state`].
    ///
    /// ```
    /// use yielding::{Generator, GeneratorState, generator};
    ///
    /// fn one() -> impl Generator<Item = u8, Return = ()> {
    ///     generator! { yield 1; }
    /// }
    /// let mut g = one();
    /// assert_eq!(g.state(), GeneratorState::Created);
    /// g.next();
    /// assert_eq!(g.state(), GeneratorState::Suspended);
    /// ```
    fn state(&self) -> GeneratorState;

    /// Closes the generator, as [`Gen::close`].
    ///
    /// ```
    /// use yielding::{Generator, GeneratorState, generator};
    ///
    /// fn naturals() -> impl Generator<Item = u64, Return = ()> {
    ///     generator! { let mut n = 0; loop { yield n; n += 1; } }
    /// }
    /// let mut g = naturals();
    /// g.next();
    /// g.close();
    /// assert_eq!((g.state(), g.next()), (GeneratorState::Closed, None));
    /// ```
    fn close(&mut self);
}

impl<Y, S, F, P> Generator<S> for Gen<Y, S, F, P>
where
    S: NextArg,
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    type Return = F::Output;

    #[inline]
    fn send(&mut self, value: S) -> Option<Y> {
        Gen::send(self, value)
    }

    #[inline]
    fn take_return(&mut self) -> Option<F::Output> {
        Gen::take_return(self)
    }

    #[inline]
    fn state(&self) -> GeneratorState {
        Gen::state(self)
    }

    #[inline]
    fn close(&mut self) {
        Gen::close(self)
    }
}

impl<S: NextArg, G: Generator<S> + ?Sized> Generator<S> for &mut G {
    type Return = G::Return;

    #[inline]
    fn send(&mut self, value: S) -> Option<G::Item> {
        (**self).send(value)
    }

    #[inline]
    fn take_return(&mut self) -> Option<G::Return> {
        (**self).take_return()
    }

    #[inline]
    fn state(&self) -> GeneratorState {
        (**self).state()
    }

    #[inline]
    fn close(&mut self) {
        (**self).close()
    }
}

mod sealed {
    /// Keeps [`YieldFrom`](super::YieldFrom) to this crate's generators, whose delegation
    /// the driver knows how to run.
    pub trait Sealed {}
}

/// What `yield from` (and [`Co::yield_from`]) delegates to, with `Y` and `S` the
/// delegating generator's yield and send types: a [`Gen`] (by value, `&mut` or boxed), an
/// `impl` [`Generator`], or in an async generator an [`AsyncGen`]. Delegation runs in O(1)
/// per item at any depth and evaluates to the delegate's return value, `Output`.
///
/// Sealed: only this crate's generators implement it.
///
/// ```
/// use yielding::{Gen, YieldFrom};
///
/// fn delegates<D: YieldFrom<u8, ()>>(_: &D) {}
/// let mut g = Gen::new(|co| async move { co.yield_(1u8).await });
/// delegates(&g);
/// delegates(&&mut g);
/// ```
pub trait YieldFrom<Y, S>: sealed::Sealed {
    /// What `yield from` evaluates to: the delegate's return value.
    type Output;

    // Runs the whole delegation from `co`'s body; only `Co::yield_from` calls it.
    #[doc(hidden)]
    fn __yield_from<'a>(&'a mut self, co: &'a Co<Y, S>) -> impl Future<Output = Self::Output> + 'a;
}

impl<Y, S, F, P> sealed::Sealed for Gen<Y, S, F, P>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
}

impl<Y, S, F, P> YieldFrom<Y, S> for Gen<Y, S, F, P>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    type Output = F::Output;

    #[inline(always)]
    fn __yield_from<'a>(&'a mut self, co: &'a Co<Y, S>) -> impl Future<Output = F::Output> + 'a {
        co.delegate_to_gen(self)
    }
}

impl<Y, S, F, P> sealed::Sealed for AsyncGen<Y, S, F, P>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
}

impl<Y, S, F, P> YieldFrom<Y, S> for AsyncGen<Y, S, F, P>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    type Output = F::Output;

    #[inline(always)]
    fn __yield_from<'a>(&'a mut self, co: &'a Co<Y, S>) -> impl Future<Output = F::Output> + 'a {
        co.delegate_to_async_gen(self)
    }
}

impl<D: ?Sized> sealed::Sealed for &mut D where D: sealed::Sealed {}

impl<Y, S, D: YieldFrom<Y, S> + ?Sized> YieldFrom<Y, S> for &mut D {
    type Output = D::Output;

    #[inline(always)]
    fn __yield_from<'a>(&'a mut self, co: &'a Co<Y, S>) -> impl Future<Output = D::Output> + 'a {
        (**self).__yield_from(co)
    }
}

impl<D: ?Sized> sealed::Sealed for Box<D> where D: sealed::Sealed {}

impl<Y, S, D: YieldFrom<Y, S> + ?Sized> YieldFrom<Y, S> for Box<D> {
    type Output = D::Output;

    #[inline(always)]
    fn __yield_from<'a>(&'a mut self, co: &'a Co<Y, S>) -> impl Future<Output = D::Output> + 'a {
        (**self).__yield_from(co)
    }
}
