//! Recursive generators without a generator per call: [`Recursive`], its frames' handle
//! [`Rec`], and the [`RecursiveFn`] bound.
//!
//! A recursive generator function written with [`Gen`](crate::Gen) creates a generator per
//! call and delegates to it with `yield_from`: each call costs a heap box, a token and a
//! registration on the delegation stack. A [`Recursive`] generator instead runs one
//! function whose calls of itself, [`Rec::recurse`], push a frame (the call's future) on
//! the generator's own frame stack (`raw::frames`) and pop it when it returns. The driver
//! resumes only the innermost frame, by a direct call, so an item costs about what an
//! explicit-stack iterator's does, at any depth, and the depth is limited only by memory.

mod rec;

use core::fmt;
use core::future::Future;
use core::iter::FusedIterator;
use core::marker::PhantomData;
use core::task::Poll;

pub use rec::{Rec, RecYield, Recurse, TailCall};

use rec::Call;

use crate::GeneratorState;
use crate::generator::{Fault, carries_information, resume_failed};
use crate::raw::frames::Frames;
use crate::raw::slot::{self, Out, Resume, Slot, Token};

/// A function a [`Recursive`] generator can run: called with the generator's [`Rec`]
/// handle and an argument, it returns the future of that call, its frame.
///
/// Every `FnMut(Rec<Y, A, R>, A) -> impl Future<Output = R>` is one, `async fn`s and
/// closures returning `async` blocks alike; the trait only names the frame's type.
///
/// ```
/// use yielding::{Rec, RecursiveFn};
///
/// async fn leaf(rec: Rec<u8, u8>, x: u8) {
///     rec.yield_(x).await;
/// }
/// fn frame_size<F: RecursiveFn<u8, u8, ()>>(_: &F) -> usize {
///     size_of::<F::Frame>()
/// }
/// assert!(frame_size(&leaf) > 0);
/// ```
pub trait RecursiveFn<Y, A, R> {
    /// The future of one call.
    type Frame: Future<Output = R>;

    // Makes the frame of a call with `arg`; only the driver calls it (no one else can make
    // a `Rec`), and the blanket implementation below is the only one anyone needs.
    #[doc(hidden)]
    fn call(&mut self, rec: Rec<Y, A, R>, arg: A) -> Self::Frame;
}

impl<Y, A, R, F, Fut> RecursiveFn<Y, A, R> for F
where
    F: FnMut(Rec<Y, A, R>, A) -> Fut,
    Fut: Future<Output = R>,
{
    type Frame = Fut;

    #[inline(always)]
    fn call(&mut self, rec: Rec<Y, A, R>, arg: A) -> Fut {
        self(rec, arg)
    }
}

/// A recursive generator: one function that yields values and calls itself, with no
/// generator created per call.
///
/// The function takes a [`Rec`] handle and an argument of type `A`, and returns an
/// `impl Future<Output = R>` (an `async fn`, or a closure returning an `async` block). In
/// it, `rec.yield_(value).await` yields to the generator's caller and
/// `rec.recurse(arg).await` calls the function again, as Python's
/// `result = yield from f(arg)` would: the call's items go straight to the caller, and
/// the expression evaluates to the call's return value. The first call's return value is
/// the generator's, for [`take_return`](Recursive::take_return).
///
/// Each call's future is a frame on the generator's frame stack, allocated in chunks that
/// double in size, so a call costs about a `Vec` push and resuming costs the same at any
/// depth. Only the innermost frame is ever resumed; nothing recurses on the thread's
/// stack, so the depth is limited only by memory (a million calls deep is fine on a
/// 2 MiB thread stack). Dropping or [closing](Recursive::close) the generator drops the
/// frames innermost first, iteratively.
///
/// ```
/// use yielding::{Rec, Recursive};
///
/// struct Tree {
///     value: u64,
///     left: Option<Box<Tree>>,
///     right: Option<Box<Tree>>,
/// }
///
/// // An in-order walk, written as the recursive function it is.
/// async fn walk<'a>(rec: Rec<u64, &'a Tree>, tree: &'a Tree) {
///     if let Some(left) = &tree.left {
///         rec.recurse(left).await;
///     }
///     rec.yield_(tree.value).await;
///     if let Some(right) = &tree.right {
///         rec.recurse(right).await;
///     }
/// }
///
/// let leaf = |value| Some(Box::new(Tree { value, left: None, right: None }));
/// let tree = Tree { value: 2, left: leaf(1), right: leaf(3) };
/// assert_eq!(Recursive::new(walk, &tree).collect::<Vec<_>>(), [1, 2, 3]);
/// ```
///
/// # Threads
/// A `Recursive` is [`Send`] when its function, its argument and return types and its
/// frames are: a frame that holds an `Rc` across a `yield_` or a `recurse` makes it
/// `!Send`.
///
/// ```compile_fail,E0277
/// use std::rc::Rc;
/// use yielding::{Rec, Recursive};
///
/// async fn shared(rec: Rec<u8, u8>, n: u8) {
///     let held = Rc::new(n);
///     rec.yield_(*held).await;
/// }
/// let g = Recursive::new(shared, 1);
/// std::thread::spawn(move || g.count()); // error: `Rc<u8>` cannot be sent between threads
/// ```
///
/// # What it does not do (yet)
/// - **Mutual recursion**: every frame runs the one function. Several functions that call
///   each other become one whose argument is an enum with a variant per function.
/// - **`send` and `throw` into frames**: a `Recursive` is resumed with `next()` only, and
///   `yield_` evaluates to `()`. A generator that needs them is a [`Gen`](crate::Gen),
///   whose recursive `yield_from` is also O(1) per item, at the cost of a generator per
///   call.
/// - **Awaiting anything but its own `yield_` and `recurse`** in a frame, and async
///   recursion: a frame is synchronous, like a `Gen`'s body.
/// - **A frame that borrows from its caller's frame**: arguments are values (they may
///   borrow from outside the generator, as `&'a Tree` above does).
#[must_use = "a generator does nothing until it is resumed"]
pub struct Recursive<Y, A, R, F>
where
    F: RecursiveFn<Y, A, R>,
{
    /// The live calls, innermost last.
    frames: Frames<F::Frame>,
    function: F,
    /// The first call's argument, until the first resume makes its frame.
    first: Option<A>,
    token: Token,
    /// The first call's return value, kept for [`Recursive::take_return`].
    returned: Option<R>,
    // Values of `Y` exist only during a resume.
    _yields: PhantomData<fn() -> Y>,
}

impl<Y, A, R, F> Recursive<Y, A, R, F>
where
    F: RecursiveFn<Y, A, R>,
{
    /// A generator that runs `function(rec, arg)` when first resumed. Nothing runs, and
    /// nothing is allocated, before that.
    ///
    /// ```
    /// use yielding::{Rec, Recursive};
    ///
    /// // Every permutation of `items`, built by recursion on the prefix length.
    /// async fn permutations(rec: Rec<Vec<u8>, (Vec<u8>, usize)>, (mut items, k): (Vec<u8>, usize)) {
    ///     if k == items.len() {
    ///         return rec.yield_(items).await;
    ///     }
    ///     for i in k..items.len() {
    ///         items.swap(k, i);
    ///         rec.recurse((items.clone(), k + 1)).await;
    ///         items.swap(k, i);
    ///     }
    /// }
    ///
    /// let all: Vec<Vec<u8>> = Recursive::new(permutations, (vec![1, 2, 3], 0)).collect();
    /// assert_eq!(all, [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 2, 1], [3, 1, 2]]);
    /// ```
    #[inline]
    pub fn new<Fut>(function: F, arg: A) -> Self
    where
        F: FnMut(Rec<Y, A, R>, A) -> Fut,
        Fut: Future<Output = R>,
    {
        Recursive {
            frames: Frames::new(),
            function,
            first: Some(arg),
            token: Token::fresh(),
            returned: None,
            _yields: PhantomData,
        }
    }

    /// Where the generator is in its life (Python's `inspect.getgeneratorstate`).
    ///
    /// ```
    /// use yielding::{GeneratorState, Rec, Recursive};
    ///
    /// let mut g = Recursive::new(|rec: Rec<u8, ()>, ()| async move { rec.yield_(1).await }, ());
    /// assert_eq!(g.state(), GeneratorState::Created);
    /// g.next();
    /// assert_eq!(g.state(), GeneratorState::Suspended);
    /// g.next();
    /// assert_eq!(g.state(), GeneratorState::Closed);
    /// ```
    #[inline]
    pub fn state(&self) -> GeneratorState {
        // The state is where the frames are, kept nowhere else: a resume then writes no
        // state at all, and whatever ends the generator (its first call returning, a
        // panic unwinding, a misuse, `close`) empties the stack, which is what makes it
        // closed. (`Running` is never seen: a resume holds `&mut self`.)
        if !self.frames.is_empty() {
            GeneratorState::Suspended
        } else if self.first.is_some() {
            GeneratorState::Created
        } else {
            GeneratorState::Closed
        }
    }

    /// How many calls are live: 0 before the first resume and after the end, 1 while only
    /// the first call runs, one more per call in progress below it.
    ///
    /// ```
    /// use yielding::{Rec, Recursive};
    ///
    /// async fn down(rec: Rec<usize, usize>, n: usize) {
    ///     rec.yield_(n).await;
    ///     if n > 0 {
    ///         rec.recurse(n - 1).await;
    ///     }
    /// }
    /// let mut g = Recursive::new(down, 2);
    /// assert_eq!(g.depth(), 0);
    /// assert_eq!((g.next(), g.depth()), (Some(2), 1));
    /// assert_eq!((g.next(), g.depth()), (Some(1), 2));
    /// assert_eq!((g.next(), g.depth()), (Some(0), 3));
    /// assert_eq!((g.next(), g.depth()), (None, 0));
    /// ```
    pub fn depth(&self) -> usize {
        self.frames.depth()
    }

    /// Takes the first call's return value, once the generator has finished and if it was
    /// not taken yet: Python's `StopIteration.value`. It is given out exactly once.
    ///
    /// ```
    /// use yielding::{Rec, Recursive};
    ///
    /// async fn count_nodes(rec: Rec<(), u32, u32>, n: u32) -> u32 {
    ///     if n == 0 { return 1 }
    ///     1 + rec.recurse(n - 1).await + rec.recurse(n - 1).await
    /// }
    /// let mut g = Recursive::new(count_nodes, 3);
    /// assert_eq!(g.take_return(), None); // not finished yet
    /// assert_eq!(g.next(), None);
    /// assert_eq!(g.take_return(), Some(15));
    /// assert_eq!(g.take_return(), None); // exactly once
    /// ```
    #[inline]
    pub fn take_return(&mut self) -> Option<R> {
        self.returned.take()
    }

    /// Closes the generator: drops every live call, innermost first, and the first call's
    /// argument if it never ran. Afterwards it is [`Closed`](GeneratorState::Closed) and
    /// yields nothing. Dropping the generator does the same.
    ///
    /// ```
    /// use yielding::{GeneratorState, Rec, Recursive};
    /// use std::cell::RefCell;
    ///
    /// struct Finally<'a>(u32, &'a RefCell<Vec<u32>>);
    /// impl Drop for Finally<'_> {
    ///     fn drop(&mut self) {
    ///         self.1.borrow_mut().push(self.0);
    ///     }
    /// }
    ///
    /// let log = RefCell::new(Vec::new());
    /// let mut g = Recursive::new(
    ///     |rec: Rec<u32, u32>, n| {
    ///         let log = &log;
    ///         async move {
    ///             let _cleanup = Finally(n, log);
    ///             rec.yield_(n).await;
    ///             rec.recurse(n + 1).await;
    ///         }
    ///     },
    ///     0,
    /// );
    /// assert_eq!(g.by_ref().take(3).collect::<Vec<_>>(), [0, 1, 2]);
    /// g.close();
    /// assert_eq!(*log.borrow(), [2, 1, 0]); // innermost first
    /// assert_eq!(g.state(), GeneratorState::Closed);
    /// assert_eq!(g.next(), None);
    /// ```
    pub fn close(&mut self) {
        self.first = None;
        // With calls live, a close that cleanup code can tell (`on_close`). Only `close()`
        // marks, not a drop: see `closing`.
        #[cfg(feature = "std")]
        {
            let live = !self.frames.is_empty();
            let frames = &mut self.frames;
            crate::closing::dropping_body(live, || frames.clear());
        }
        #[cfg(not(feature = "std"))]
        self.frames.clear();
    }

    /// The first resume's first step: the first call's frame. Out of line, so that the
    /// one copy of `resume`, in `next`, is the only place a frame is polled: a frame's
    /// `poll` with a single caller is inlined into it, which is most of the speed.
    #[inline(never)]
    fn start(&mut self) {
        if let Some(arg) = self.first.take() {
            // If the function panics, there is no first argument and no frame: closed.
            let frame = self.function.call(Rec::new(self.token), arg);
            let mut stack = self.frames.cursor();
            stack.push(frame);
            stack.keep();
        }
    }

    /// Runs the innermost frame until something is yielded or the first call returns,
    /// pushing a frame for every call and popping it, its value handed to its caller,
    /// when it returns.
    ///
    /// As `Gen::poll_body`: every misuse leaves through one cold exit, which keeps the
    /// loop small enough to inline into the caller's `next`.
    #[inline(always)]
    fn resume(&mut self) -> Option<Y> {
        let resume = Resume {
            outer: None,
            // No `yield_from` node lives in a frame: a `Rec` has none.
            body: (core::ptr::null(), 0),
            as_delegate: false,
        };
        let slot: Slot<Y, R, Call<A>> = Slot::new(self.token, None, resume);
        // If a frame panics, the generator is over: the cursor, dropped without `keep` as the
        // panic unwinds, drops every frame, innermost first (as Python's `finally` blocks
        // run while an exception propagates), which leaves the generator closed.
        let token = self.token;
        let mut stack = self.frames.cursor();
        let fault = loop {
            let polled = slot::poll_with_slot(stack.innermost(), &slot);
            // A call's return value its caller did not take is lost, unless it carries
            // nothing (`()`).
            let lost_return = slot.sent.take().is_some() && carries_information::<R>();
            if let Some(misplaced) = slot.fault() {
                break Fault::Misplaced(misplaced);
            }
            break match polled {
                Poll::Pending => match slot.take_out() {
                    Out::Yielded(item) if !lost_return => {
                        stack.keep();
                        return Some(item);
                    }
                    Out::Delegated(Call::Nested(arg)) if !lost_return => {
                        stack.push(self.function.call(Rec::new(token), arg));
                        continue;
                    }
                    Out::Delegated(Call::Tail(arg)) if !lost_return => {
                        stack.replace(self.function.call(Rec::new(token), arg));
                        continue;
                    }
                    Out::Empty if !lost_return => Fault::AwaitedForeignFuture,
                    _ => Fault::ReturnValueUnread,
                },
                Poll::Ready(returned) => match slot.take_out() {
                    Out::Empty if !lost_return => {
                        stack.pop();
                        if stack.is_empty() {
                            stack.keep();
                            self.returned = Some(returned);
                            return None;
                        }
                        slot.sent.set(Some(returned));
                        continue;
                    }
                    Out::Yielded(_) => Fault::YieldedValueLost,
                    Out::Delegated(_) if !lost_return => Fault::CallAbandoned,
                    _ => Fault::ReturnValueUnread,
                },
            };
        };
        // Dropped without `keep`: every frame goes, then the misuse is reported.
        drop(stack);
        resume_failed(fault)
    }
}

impl<Y, A, R, F> Iterator for Recursive<Y, A, R, F>
where
    F: RecursiveFn<Y, A, R>,
{
    type Item = Y;

    /// Resumes the innermost call until the next value; `None` once the first call has
    /// returned (its value kept for [`take_return`](Recursive::take_return)), then forever
    /// after.
    #[inline]
    fn next(&mut self) -> Option<Y> {
        if self.frames.is_empty() {
            if self.first.is_some() {
                self.start();
            } else {
                return None;
            }
        }
        self.resume()
    }
}

impl<Y, A, R, F> FusedIterator for Recursive<Y, A, R, F> where F: RecursiveFn<Y, A, R> {}

impl<Y, A, R, F> fmt::Debug for Recursive<Y, A, R, F>
where
    F: RecursiveFn<Y, A, R>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recursive")
            .field("state", &self.state())
            .field("depth", &self.depth())
            .finish_non_exhaustive()
    }
}
