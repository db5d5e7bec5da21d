//! [`SharedGen`]: a generator behind a shared reference, where re-entrant resumption is a
//! clear error instead of a borrow conflict.

use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::ops::DerefMut;

use crate::{CoroutineState, Gen, GeneratorState, MayRaise, NextArg, Thrown};

/// A generator that can be resumed through a shared reference (`&SharedGen`, or an `Rc`
/// of one), like a Python generator object held in several places.
///
/// A plain [`Gen`] is resumed through `&mut`, so resuming it from inside its own body is
/// impossible at compile time. Through a shared handle it becomes possible again, and then
/// it is Python's `ValueError: generator already executing`. Every part of the protocol
/// comes in two forms: `next`, `start`, `send`, `throw` and `close` panic with that message,
/// and their `try_` forms ([`try_next`], [`try_start`], [`try_send`], [`try_throw`],
/// [`try_close`]), like [`try_resume`], return [`AlreadyRunning`] instead and leave the
/// running generator as it was. While a resume or a close is under way (cleanup code run by
/// a close can reach the generator too), [`state`](SharedGen::state) reports
/// [`Running`](GeneratorState::Running).
///
/// [`try_next`]: SharedGen::try_next
/// [`try_start`]: SharedGen::try_start
/// [`try_send`]: SharedGen::try_send
/// [`try_throw`]: SharedGen::try_throw
/// [`try_close`]: SharedGen::try_close
/// [`try_resume`]: SharedGen::try_resume
///
/// ```
/// use std::cell::OnceCell;
/// use std::rc::Rc;
/// use yielding::{AlreadyRunning, Gen, GeneratorState, SharedGen};
///
/// // A way for the body to reach its own generator, filled in once the generator exists.
/// type Probe = Box<dyn Fn() -> (GeneratorState, Result<(), AlreadyRunning>)>;
/// let probe: Rc<OnceCell<Probe>> = Rc::default();
/// let inside = Rc::clone(&probe);
/// let g = Rc::new(SharedGen::new(Gen::new(move |co| async move {
///     let look = inside.get().unwrap();
///     co.yield_(look()).await;
/// })));
/// let me = Rc::downgrade(&g); // weak: no reference cycle
/// let _ = probe.set(Box::new(move || {
///     let me = me.upgrade().unwrap();
///     (me.state(), me.try_resume(()).map(drop))
/// }));
///
/// // From inside its own resume, the generator is Running and cannot be resumed again.
/// assert_eq!(g.next(), Some((GeneratorState::Running, Err(AlreadyRunning))));
/// ```
pub struct SharedGen<Y, S, F: Future, P = alloc::boxed::Box<Option<F>>>
where
    P: DerefMut<Target = Option<F>>,
{
    generator: RefCell<Gen<Y, S, F, P>>,
}

/// The error of resuming a [`SharedGen`] from inside its own resume (Python's
/// `ValueError: generator already executing`).
///
/// ```
/// use yielding::AlreadyRunning;
///
/// assert_eq!(AlreadyRunning.to_string(), "generator already executing");
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct AlreadyRunning;

impl fmt::Display for AlreadyRunning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("generator already executing")
    }
}

impl core::error::Error for AlreadyRunning {}

impl<Y, S, F, P> SharedGen<Y, S, F, P>
where
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    /// Wraps `generator` so that it can be resumed through `&self`.
    ///
    /// ```
    /// use yielding::{Gen, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::new(|co| async move { co.yield_(1).await }));
    /// assert_eq!(g.next(), Some(1));
    /// ```
    pub fn new(generator: Gen<Y, S, F, P>) -> Self {
        SharedGen {
            generator: RefCell::new(generator),
        }
    }

    /// Like [`Gen::resume`], or `Err(AlreadyRunning)` when called from inside a resume of
    /// this same generator.
    ///
    /// ```
    /// use yielding::{CoroutineState, Gen, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::new(|co| async move { co.yield_(1).await }));
    /// assert_eq!(g.try_resume(()), Ok(Some(CoroutineState::Yielded(1))));
    /// ```
    pub fn try_resume(
        &self,
        arg: S,
    ) -> Result<Option<CoroutineState<Y, F::Output>>, AlreadyRunning> {
        Ok(self.lock()?.resume(arg))
    }

    /// Like [`Gen::send`].
    ///
    /// # Panics
    /// As [`Gen::send`] does, and with "generator already executing" when called from
    /// inside a resume of this same generator.
    ///
    /// ```
    /// use yielding::{Co, Gen, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::with_send(|co: Co<i32, i32>| async move {
    ///     let x = co.yield_(0).await;
    ///     co.yield_(x + 1).await;
    /// }));
    /// g.start();
    /// assert_eq!(g.send(41), Some(42));
    /// ```
    pub fn send(&self, value: S) -> Option<Y> {
        self.lock_or_panic().send(value)
    }

    /// Like [`send`](SharedGen::send), or `Err(AlreadyRunning)` when called from inside a
    /// resume of this same generator; `value` is then dropped, and the running generator
    /// goes on as if nothing had been sent.
    ///
    /// # Panics
    /// As [`Gen::send`] does: re-entrancy is the only misuse reported as an `Err`. A send
    /// into a just-created generator is still Python's `TypeError`, a panic.
    ///
    /// ```
    /// use yielding::{Co, Gen, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::with_send(|co: Co<i32, i32>| async move {
    ///     let x = co.yield_(0).await;
    ///     x * 2
    /// }));
    /// assert_eq!(g.try_start(), Ok(Some(0)));
    /// assert_eq!(g.try_send(21), Ok(None)); // finished
    /// assert_eq!(g.take_return(), Some(42));
    /// ```
    pub fn try_send(&self, value: S) -> Result<Option<Y>, AlreadyRunning> {
        Ok(self.lock()?.send(value))
    }

    /// Like [`Gen::start`].
    ///
    /// # Panics
    /// As [`Gen::start`] does, and when called from inside a resume of this generator.
    ///
    /// ```
    /// use yielding::{Co, Gen, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::with_send(|co: Co<i32, i32>| async move {
    ///     co.yield_(7).await;
    /// }));
    /// assert_eq!(g.start(), Some(7));
    /// ```
    pub fn start(&self) -> Option<Y> {
        self.lock_or_panic().start()
    }

    /// Like [`start`](SharedGen::start), or `Err(AlreadyRunning)` when called from inside a
    /// resume of this same generator.
    ///
    /// # Panics
    /// As [`Gen::start`] does, on a suspended generator; never for re-entrancy.
    ///
    /// ```
    /// use yielding::{Co, Gen, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::with_send(|co: Co<i32, i32>| async move {
    ///     co.yield_(7).await;
    /// }));
    /// assert_eq!(g.try_start(), Ok(Some(7)));
    /// ```
    pub fn try_start(&self) -> Result<Option<Y>, AlreadyRunning> {
        Ok(self.lock()?.start())
    }

    /// Like [`Gen::close`].
    ///
    /// # Panics
    /// When called from inside a resume of this generator.
    ///
    /// ```
    /// use yielding::{Gen, GeneratorState, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::new(|co| async move { co.yield_(1).await }));
    /// g.close();
    /// assert_eq!(g.state(), GeneratorState::Closed);
    /// ```
    pub fn close(&self) {
        self.lock_or_panic().close();
    }

    /// Like [`Gen::close`], or `Err(AlreadyRunning)` when called from inside a resume of
    /// this same generator. Then nothing is closed: the body goes on running, and its
    /// locals stay alive until it returns or the generator is closed from outside. This is
    /// Python's rule (`close()` of a running generator raises `ValueError: generator
    /// already executing` and the generator runs on): a body that wants to end returns.
    /// From cleanup code that a close is running, it is `Err` too: that close goes on.
    ///
    /// ```
    /// use std::cell::OnceCell;
    /// use std::rc::Rc;
    /// use yielding::{AlreadyRunning, Gen, GeneratorState, SharedGen};
    ///
    /// // The body reaches its own generator through a hook set once the generator exists.
    /// type Hook = Box<dyn Fn() -> Result<(), AlreadyRunning>>;
    /// let hook: Rc<OnceCell<Hook>> = Rc::default();
    /// let inside = Rc::clone(&hook);
    /// let g = Rc::new(SharedGen::new(Gen::new(move |co| async move {
    ///     let closed = (inside.get().unwrap())();
    ///     co.yield_(closed).await; // still running: the close was refused
    /// })));
    /// let me = Rc::downgrade(&g); // weak: no reference cycle
    /// let _ = hook.set(Box::new(move || me.upgrade().unwrap().try_close()));
    ///
    /// assert_eq!(g.next(), Some(Err(AlreadyRunning)));
    /// assert_eq!(g.try_close(), Ok(())); // from outside, it closes
    /// assert_eq!(g.state(), GeneratorState::Closed);
    /// ```
    pub fn try_close(&self) -> Result<(), AlreadyRunning> {
        self.lock()?.close();
        Ok(())
    }

    /// Like [`Gen::take_return`].
    ///
    /// ```
    /// use yielding::{Gen, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::new(|_co: yielding::Co<()>| async move { 5 }));
    /// assert_eq!(g.next(), None);
    /// assert_eq!(g.take_return(), Some(5));
    /// ```
    pub fn take_return(&self) -> Option<F::Output> {
        self.lock_or_panic().take_return()
    }

    /// Unwraps the generator.
    ///
    /// ```
    /// use yielding::{Gen, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::new(|co| async move { co.yield_(1).await }));
    /// let mut plain = g.into_inner();
    /// assert_eq!(plain.next(), Some(1));
    /// ```
    pub fn into_inner(self) -> Gen<Y, S, F, P> {
        self.generator.into_inner()
    }

    fn lock(&self) -> Result<core::cell::RefMut<'_, Gen<Y, S, F, P>>, AlreadyRunning> {
        self.generator.try_borrow_mut().map_err(|_| AlreadyRunning)
    }

    #[track_caller]
    fn lock_or_panic(&self) -> core::cell::RefMut<'_, Gen<Y, S, F, P>> {
        match self.lock() {
            Ok(generator) => generator,
            Err(AlreadyRunning) => panic!("yielding: generator already executing"),
        }
    }
}

impl<Y, S, F, P> Iterator for &SharedGen<Y, S, F, P>
where
    S: NextArg,
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    type Item = Y;

    /// Like `Gen`'s `next`.
    ///
    /// # Panics
    /// When called from inside a resume of this same generator.
    fn next(&mut self) -> Option<Y> {
        self.lock_or_panic().next()
    }
}

impl<Y, S, F, P> SharedGen<Y, S, F, P>
where
    S: NextArg,
    F: Future,
    P: DerefMut<Target = Option<F>>,
{
    /// Like `Gen`'s `next`, through `&self`.
    ///
    /// # Panics
    /// When called from inside a resume of this same generator.
    ///
    /// ```
    /// use yielding::{Gen, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::new(|co| async move { co.yield_("x").await }));
    /// assert_eq!(g.next(), Some("x"));
    /// assert_eq!(g.next(), None);
    /// ```
    #[allow(clippy::should_implement_trait)] // `&SharedGen` implements Iterator too
    pub fn next(&self) -> Option<Y> {
        self.lock_or_panic().next()
    }

    /// Like [`next`](SharedGen::next), or `Err(AlreadyRunning)` when called from inside a
    /// resume of this same generator.
    ///
    /// ```
    /// use yielding::{Gen, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::new(|co| async move { co.yield_("x").await }));
    /// assert_eq!(g.try_next(), Ok(Some("x")));
    /// assert_eq!(g.try_next(), Ok(None));
    /// ```
    pub fn try_next(&self) -> Result<Option<Y>, AlreadyRunning> {
        Ok(self.lock()?.next())
    }
}

impl<Y, T, E, F, P> SharedGen<Y, Result<T, E>, F, P>
where
    F: Future<Output: MayRaise<E>>,
    P: DerefMut<Target = Option<F>>,
{
    /// Like [`Gen::throw`] (Python's `g.throw(e)`), with its three outcomes: the body
    /// handled the error and yielded or returned, or an error came back out.
    ///
    /// # Panics
    /// With "generator already executing" when called from inside a resume of this same
    /// generator (Python raises `ValueError: generator already executing` there).
    ///
    /// ```
    /// use yielding::{Co, Gen, SharedGen, Thrown};
    ///
    /// let g = SharedGen::new(Gen::with_send(|co: Co<i32, Result<(), String>>| async move {
    ///     if co.yield_(1).await.is_err() {
    ///         co.yield_(-1).await?; // handled: yields again
    ///     }
    ///     Ok::<_, String>("done")
    /// }));
    /// assert_eq!(g.next(), Some(1));
    /// assert_eq!(g.throw("first".into()), Thrown::Yielded(-1));
    /// assert_eq!(g.throw("second".into()), Thrown::Raised("second".into()));
    /// ```
    pub fn throw(&self, error: E) -> Thrown<Y, <F::Output as MayRaise<E>>::Returned, E> {
        self.lock_or_panic().throw(error)
    }

    /// Like [`throw`](SharedGen::throw), or `Err(AlreadyRunning)` when called from inside a
    /// resume of this same generator; `error` is then dropped, and the running generator
    /// goes on as if nothing had been thrown.
    ///
    /// ```
    /// use yielding::{Co, Gen, SharedGen, Thrown};
    ///
    /// let g = SharedGen::new(Gen::with_send(|co: Co<i32, Result<(), String>>| async move {
    ///     let stopped_by = co.yield_(1).await.err(); // handled: returns
    ///     Ok::<_, String>(stopped_by)
    /// }));
    /// assert_eq!(g.next(), Some(1));
    /// assert_eq!(g.try_throw("stop".into()), Ok(Thrown::Returned(Some("stop".into()))));
    /// ```
    #[allow(clippy::type_complexity)] // `throw`'s own type in a Result: an alias would hide it
    pub fn try_throw(
        &self,
        error: E,
    ) -> Result<Thrown<Y, <F::Output as MayRaise<E>>::Returned, E>, AlreadyRunning> {
        Ok(self.lock()?.throw(error))
    }
}

impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> SharedGen<Y, S, F, P> {
    /// Like [`Gen::state`]; [`Running`](GeneratorState::Running) while a resume or a
    /// close is under way.
    ///
    /// ```
    /// use yielding::{Gen, GeneratorState, SharedGen};
    ///
    /// let g = SharedGen::new(Gen::new(|co| async move { co.yield_(1).await }));
    /// assert_eq!(g.state(), GeneratorState::Created);
    /// ```
    pub fn state(&self) -> GeneratorState {
        match self.generator.try_borrow() {
            Ok(generator) => generator.state(),
            Err(_) => GeneratorState::Running,
        }
    }
}

impl<Y, S, F: Future, P: DerefMut<Target = Option<F>>> fmt::Debug for SharedGen<Y, S, F, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedGen")
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}
