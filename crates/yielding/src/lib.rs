//! Python's generators on stable Rust: `yield`, `send`, `throw`, `close`, return values and
//! `yield from` delegation. A simple generator, or a coroutine driven by `send`, runs at the
//! speed of a hand-written iterator (1.0× in the crate's benchmark, W1–W3); see
//! [Speed](#speed) for where it does not yet.
//!
//! # Quickstart
//!
//! [`generator!`] takes a block written with Python's `yield` and makes a generator of it:
//! an [`Iterator`] that also has `send`, `throw`, `close` and a return value.
//!
//! ```
//! use yielding::{Generator, generator};
//!
//! // An infinite sequence, used as an ordinary Iterator. A generator function returns
//! // `impl Generator<Item = ..>` (with `Return = ..` when it returns a value).
//! fn fibonacci() -> impl Generator<Item = u64> {
//!     generator! {
//!         let (mut a, mut b) = (0u64, 1u64);
//!         loop {
//!             yield a;
//!             (a, b) = (b, a + b);
//!         }
//!     }
//! }
//! let first: Vec<u64> = fibonacci().take(10).collect();
//! println!("{first:?}");
//!
//! // send(): the value of `yield` is what the caller sent.
//! let mut average = generator! {
//!     let (mut total, mut count) = (0.0, 0.0);
//!     loop {
//!         let x: f64 = yield if count > 0.0 { total / count } else { 0.0 };
//!         total += x;
//!         count += 1.0;
//!     }
//! };
//! println!("{:?}", average.start()); // prime it, as Python's next(g)
//! println!("{:?}", average.send(10.0));
//! println!("{:?}", average.send(20.0));
//! # assert_eq!(first, [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]);
//! # assert_eq!(average.send(30.0), Some(20.0));
//! ```
//!
//! Output:
//!
//! ```text
//! [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]
//! Some(0.0)
//! Some(10.0)
//! Some(15.0)
//! ```
//!
//! ## Without macros
//!
//! The macro expands to the core API, which works as well on its own and suits rustfmt and
//! rust-analyzer better. A body is an `async` block given a yield handle, `co`; each
//! `co.yield_(value).await` pauses the body with a value, keeping its local state, and
//! evaluates to what the caller sends back.
//!
//! ```
//! use yielding::{Co, Gen, Generator};
//!
//! fn fibonacci() -> impl Generator<Item = u64> {
//!     Gen::new(|co| async move {
//!         let (mut a, mut b) = (0u64, 1u64);
//!         loop {
//!             co.yield_(a).await;
//!             (a, b) = (b, a + b);
//!         }
//!     })
//! }
//! assert_eq!(fibonacci().take(5).collect::<Vec<_>>(), [0, 1, 1, 2, 3]);
//!
//! let mut average = Gen::with_send(|co: Co<f64, f64>| async move {
//!     let (mut total, mut count) = (0.0, 0.0);
//!     loop {
//!         let x = co.yield_(if count > 0.0 { total / count } else { 0.0 }).await;
//!         total += x;
//!         count += 1.0;
//!     }
//! });
//! assert_eq!(average.start(), Some(0.0));
//! assert_eq!(average.send(10.0), Some(10.0));
//! ```
//!
//! # Python → yielding
//!
//! | Python | yielding |
//! |---|---|
//! | `def g(): ... yield x` | `generator! { ... yield x; ... }`, or `Gen::new(\|co\| async move { ... co.yield_(x).await; ... })` |
//! | calling `g()` runs nothing | creating a [`Gen`] runs nothing; the body starts at the first resume |
//! | `next(g)`, `for x in g` | [`Iterator::next`], `for x in g` |
//! | `v = yield x`; `g.send(v)` | `let v = yield x;` (or `co.yield_(x).await`); [`Gen::send`] |
//! | priming `next(g)` before `send` | [`Gen::start`] (or `next()`) |
//! | `StopIteration.value` | [`Gen::take_return`], or `Complete(value)` from [`Gen::resume`] |
//! | exhausted stays exhausted | every later resume returns `None`; never panics |
//! | `g.throw(e)`: yields, stops, or raises | [`Gen::throw`], when the send type is `Result<T, E>`: [`Thrown::Yielded`], [`Thrown::Returned`], [`Thrown::Raised`] |
//! | `g.close()`, `finally:` | [`Gen::close`] or drop; cleanup is `Drop` of the live locals |
//! | `except GeneratorExit:` | `let _closed = `[`on_close`]`(\|\| ...);` runs only when `close()` drops it (a plain drop runs `Drop`s, no guard) |
//! | `def f() -> Generator[Y, S, R]` | `fn f() -> impl `[`Generator`]`<S, Item = Y, Return = R>` (`S` defaults to `()`) |
//! | `r = yield from sub` | `let r = yield from sub;` (or `co.`[`yield_from`](Co::yield_from)`(sub).await`), O(1) per item for a `Gen` or an `impl Generator` |
//! | `yield from iterable` | `yield from iterable;` (or `co.`[`yield_from_iter`](Co::yield_from_iter)`(iterable).await`); a send or throw into the statement form panics, as Python raises there, and the expression form hands it back: `if let Some(v) = yield from iterable { .. }` |
//! | `inspect.getgeneratorstate(g)` | [`Gen::state`] |
//! | "generator already executing" | impossible through `&mut`; through a [`SharedGen`], `next`/`send`/`throw`/`close` panic with that message and their `try_` forms return [`AlreadyRunning`] |
//! | `async for x in s:`; an exception reaching `async for` | `for await x in s { .. }` in [`async_generator!`]; [`try_async_generator!`] ends the stream with the `Err` |
//!
//! # The protocol
//!
//! - **Resuming.** [`Gen::resume`] mirrors std's nightly `Coroutine::resume` and reports
//!   [`CoroutineState::Yielded`] or [`CoroutineState::Complete`]. [`Iterator::next`],
//!   [`Gen::send`] and [`Gen::start`] are Python's spellings.
//! - **The first resume.** The body starts at its top, where no `yield_` is paused to
//!   receive a value. [`Gen::send`] on a just-created generator therefore panics, as
//!   Python's raises `TypeError`; [`Gen::start`] and `next()` start it. Python's priming
//!   `g.send(None)` is `g.start()` here: `send` takes any send type, and stable Rust cannot
//!   ask a value of an arbitrary type whether it is a "None" (that would need
//!   specialization), so `send` cannot start a generator for some values and refuse others.
//!   For the same reason `yield from` a generator that is already paused panics (Python
//!   resumes it with `next()`); `co.yield_from_iter(&mut g)` goes on with it when its send
//!   type has a [`NextArg`]. [`Gen::resume`]
//!   accepts any first argument and drops it unobserved, as a std coroutine written
//!   `|_| ...` would.
//! - **Return value.** Delivered exactly once: as `Complete(value)` by [`Gen::resume`],
//!   as [`Thrown::Returned`] by [`Gen::throw`], or kept for [`Gen::take_return`] when `next`, `send` or `start` saw the
//!   end. Iterating with `for` leaves it there, unclaimed until the generator is dropped.
//! - **Exhaustion is fused.** Once finished (or closed, or ended by a panic), every resume
//!   returns `None`, forever, without panicking. [`Gen`] is a [`FusedIterator`](core::iter::FusedIterator)
//!   whose `size_hint` is `(0, Some(0))` from then on.
//! - **`next()` and the send type.** `next()` sends [`NextArg::next_arg`]: `()`, `None`
//!   for `Option<T>`, `Ok(..)` for `Result<T, E>`. A generator is an `Iterator` when its send
//!   type has such a value.
//! - **`throw`.** A generator that can be thrown into receives `Result<T, E>`: the paused
//!   `yield_` evaluates to `Err(e)`, which the body handles or propagates with `?`. A throw
//!   has Python's three outcomes, one [`Thrown`]: `Yielded(value)`, `Returned(value)`, or
//!   `Raised(e)`, whether the body let the error out or never ran (fresh or finished).
//!   Generators with any other send type have no `throw` and pay nothing for it.
//! - **`close` and `finally`.** Python's `finally` is Rust's `Drop`: closing or dropping a
//!   paused generator drops its live locals, innermost delegate first. Cleanup cannot yield,
//!   so Python's "generator ignored GeneratorExit" cannot happen.
//! - **Delegation.** [`Co::yield_from`] passes items out and sends, throws and closing in,
//!   and evaluates to the delegate's return value. Recursive generators work as they are:
//!   the body already lives behind a pointer, so a generator that delegates to itself has a
//!   finite size. Unlike CPython's (and nightly Rust's), a resume reaches the innermost
//!   delegate directly, so an item costs the same at any depth, and a chain 100,000 deep
//!   resumes, closes and drops on a 2 MiB thread stack (see [`Co::yield_from`]).
//! - **Recursive generators without a generator per call.** [`Recursive`] runs one
//!   function whose calls of itself ([`Rec::recurse`], Python's `yield from f(x)`) are
//!   frames on the generator's own stack: no allocation per call, about 2× an
//!   explicit-stack iterator on a tree walk, and a million calls deep on a 2 MiB stack.
//!
//! ```
//! use yielding::{Generator, generator};
//!
//! enum Tree {
//!     Leaf(u32),
//!     Node(Vec<Tree>),
//! }
//!
//! // Yields the leaves in order and returns how many there were.
//! fn walk(tree: &Tree) -> impl Generator<Item = u32, Return = usize> + '_ {
//!     generator! {
//!         match tree {
//!             Tree::Leaf(v) => {
//!                 yield *v;
//!                 1
//!             }
//!             Tree::Node(children) => {
//!                 let mut leaves = 0;
//!                 for child in children {
//!                     leaves += yield from walk(child);
//!                 }
//!                 leaves
//!             }
//!         }
//!     }
//! }
//!
//! let tree = Tree::Node(vec![Tree::Leaf(1), Tree::Node(vec![Tree::Leaf(2), Tree::Leaf(3)])]);
//! let mut leaves = walk(&tree);
//! assert_eq!((&mut leaves).collect::<Vec<_>>(), [1, 2, 3]);
//! assert_eq!(leaves.take_return(), Some(3));
//! ```
//!
//! # Async generators
//!
//! [`async_generator!`] and [`AsyncGen`] are Python's async generators (PEP 525): a body
//! that yields like a generator's and may also `.await` any future between yields. With
//! the `stream` feature an [`AsyncGen`] is a `futures_core::Stream`; its protocol is
//! [`AsyncGen::anext`], [`AsyncGen::asend`], [`AsyncGen::athrow`], [`AsyncGen::aclose`] and a
//! return value. It runs on the same engine as [`Gen`]: the slot's waker forwards to the
//! waker of the task polling the generator, so a real `Pending` reaches that task.
//!
//! ```
//! use yielding::async_generator;
//!
//! let mut numbers = async_generator! {
//!     let mut sent: Option<i32> = None;
//!     for i in 0..3 {
//!         std::future::ready(()).await;
//!         if let Some(add) = sent {
//!             yield i + add;
//!         }
//!         sent = yield i;
//!     }
//! };
//! futures::executor::block_on(async {
//!     assert_eq!(numbers.anext().await, Some(0));
//!     assert_eq!(numbers.asend(Some(100)).await, Some(101));
//! });
//! ```
//!
//! # Memory
//!
//! [`Gen::new`] allocates once, for the body; resuming never allocates. [`Gen::new_in`]
//! puts the body in a place the caller pinned, such as the stack, and allocates nothing.
//! A generator's size is its body's locals plus a few words.
//!
//! A generator *function* that returns [`Unplaced`] leaves that choice to its caller:
//! iterating it boxes the body, and [`place!`] pins it on the caller's stack. A pipeline
//! of such functions, each placed by the caller, compiles to one loop:
//!
//! ```
//! use std::future::Future;
//! use yielding::Unplaced;
//!
//! fn square(items: impl IntoIterator<Item = u64>) -> Unplaced<u64, (), impl Future<Output = ()>> {
//!     Unplaced::new(|co| async move {
//!         for x in items {
//!             co.yield_(x * x).await;
//!         }
//!     })
//! }
//!
//! fn even(items: impl IntoIterator<Item = u64>) -> Unplaced<u64, (), impl Future<Output = ()>> {
//!     Unplaced::new(|co| async move {
//!         for x in items {
//!             if x % 2 == 0 {
//!                 co.yield_(x).await;
//!             }
//!         }
//!     })
//! }
//!
//! // Boxed: each stage is one allocation, and the result can go anywhere.
//! assert_eq!(even(square(0..5)).into_iter().collect::<Vec<_>>(), [0, 4, 16]);
//!
//! // Placed on this stack frame: no allocation.
//! yielding::place!(let squares = square(0..5));
//! yielding::place!(let evens = even(squares));
//! assert_eq!(evens.collect::<Vec<_>>(), [0, 4, 16]);
//! ```
//!
//! # Speed
//!
//! The crate's benchmark (`benches/generators`, BENCHMARKS.md) measures every workload as
//! a ratio to a hand-written iterator in the same run. In short, with the default release
//! profile and with fat LTO: yielding `0..N`, an infinite Fibonacci and a send-driven
//! running average (W1–W3) are 1.0×, boxed or pinned, with the macro or without; the
//! tutorial's two-stage pipeline (W4) is 0.5–0.8× with both stages placed by the caller and
//! 3.2–4.5× with both boxed; creating a pinned generator and taking its first item costs
//! about 3 ns, a boxed one about 12 ns (the allocation). A recursive tree walk is about
//! 2× an explicit-stack iterator with [`Recursive`], and 8–15× with one `Gen` per node.
//!
//! # Threads
//!
//! A generator is [`Send`] when its body is: everything it holds across a `yield_` is
//! `Send`. A body that holds an `Rc` across a yield makes the generator `!Send`:
//!
//! ```compile_fail,E0277
//! use std::rc::Rc;
//! use yielding::Gen;
//!
//! fn assert_send<T: Send>(_: T) {}
//!
//! let g = Gen::new(|co| async move {
//!     let shared = Rc::new(1);
//!     co.yield_(*shared).await;
//!     drop(shared);
//! });
//! assert_send(g); // error: `Rc<i32>` cannot be sent between threads safely
//! ```
//!
//! A body's yield points run only on the thread that resumes the generator. A body may lend
//! its waker and its yield handle to a scoped thread (both are `Sync`), but a `yield_` or
//! `yield_from` polled there panics before it touches the generator's state, so no value
//! crosses threads the types do not allow and nothing races. The waker itself works from
//! any thread: waking it wakes the task polling an async generator. Without the `std`
//! feature there is no way to tell threads apart, so the types forbid it instead: [`Co`]
//! and [`Yield`] are then neither `Send` nor `Sync`, and so a generator is not `Send`.
//!
//! # Guarantees
//!
//! - **A panic in the body** propagates to the caller of the resume. The locals the body
//!   held are dropped by the unwinding, once. The generator is then
//!   [`Closed`](GeneratorState::Closed): later resumes return `None`.
//! - **A panic in a `Drop` during [`close`](Gen::close)** propagates to the caller of
//!   `close`; the other locals are still dropped, and the generator is closed.
//! - **Every value is dropped exactly once** on every path: completion, close, drop,
//!   throw, panic, and each of these inside a delegation.
//!
//! # Misuse
//!
//! Each of these is a panic with a message that names the mistake; none is undefined
//! behaviour, a hang or a wrong answer:
//!
//! - **Awaiting a foreign future** (a timer, a channel) inside a synchronous generator: the
//!   generator has no executor to wake it. The resume panics and the generator is closed.
//! - **A yield handle used outside its body**, for example smuggled out and polled
//!   elsewhere, or polled by an executor such as `block_on`: the `yield_` future panics.
//! - **A yield point polled on another thread** than the one resuming its generator (a
//!   scoped thread given the body's waker): it panics there, before touching anything.
//!   (One case cannot unwind safely: a `yield_from` in a delegate's body, boxed, polled
//!   once and dropped on another thread within that poll. It aborts the process with a
//!   message.)
//! - **A yield handle used inside another generator**, whatever its item type: that
//!   generator's resume panics once its body pauses (the yield point records the misuse
//!   and does nothing, so that a correct yield point calls nothing). Each handle works
//!   only in the body it was given to.
//! - **Two `yield_` futures awaited at once** (`join!`, `select!`): panics.
//! - **A yielded value that would be lost.** Polling a `yield_` hands its value to the
//!   driver; polling a `yield_from` starts its delegate, which may yield. If the body then
//!   drops that future (a `select!` whose other branch was ready) and returns, the value
//!   was never delivered: the resume panics and the generator is closed. In the same way, a
//!   value sent in that no paused `yield_` receives panics, unless it carries nothing
//!   (`()`, as `next()` and `anext()` send): so racing a yield against a shutdown signal
//!   polled *first* (a `biased` select, the yield last) loses nothing.
//! - **Re-entrant resumption.** Impossible through `&mut Gen`; through a [`SharedGen`] it
//!   is [`AlreadyRunning`] ("generator already executing").
//!
//! # Cargo features
//!
//! - `std` (default): std conveniences, the thread check of yield points (see
//!   [Threads](#threads)), and [`on_close`]. Without it the crate is `no_std` and needs
//!   only `alloc`, and generators are not `Send`.
//! - `io` (default): `yielding::io`, constant-memory line and record readers (needs `std`).
//! - `gzip`: gzip input for `yielding::io`, through flate2's `MultiGzDecoder`.
//! - `stream` (default): [`AsyncGen`] implements `futures_core::Stream` and `FusedStream`.
//! - `macros` (default): [`generator!`], [`async_generator!`], [`try_generator!`] and
//!   [`try_async_generator!`], through the `yielding-macros` crate, pinned to this crate's
//!   exact version.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![doc(test(attr(deny(warnings))))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod async_generator;
#[cfg(feature = "std")]
mod closing;
mod co;
mod generator;
#[cfg(feature = "io")]
pub mod io;
mod macros;
pub mod migrating;
mod next_arg;
#[cfg(feature = "std")]
pub mod pipeline;
mod protocol;
#[allow(unsafe_code)]
mod raw;
mod recursive;
mod shared;
mod state;
mod try_gen;
mod unplaced;

pub use async_generator::AsyncGen;
#[cfg(feature = "std")]
pub use closing::{OnClose, on_close};
pub use co::{Co, Yield};
pub use generator::Gen;
pub use next_arg::NextArg;
pub use protocol::{Generator, YieldFrom};
pub use recursive::{Rec, RecYield, Recurse, Recursive, RecursiveFn, TailCall};
pub use shared::{AlreadyRunning, SharedGen};
pub use state::{CoroutineState, GeneratorState, MayRaise, Thrown};
pub use try_gen::{TryAsyncGen, TryGen};
pub use unplaced::Unplaced;

#[doc(hidden)]
#[path = "macro_support.rs"]
pub mod __private;

#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

/// Without `std` nothing can check which thread a yield point runs on, so the types forbid
/// crossing threads instead (see `Co`'s docs). Run with `--no-default-features --lib`.
#[cfg(all(test, not(feature = "std")))]
mod no_std_thread_bounds {
    use static_assertions::assert_not_impl_any;

    use crate::{Co, Yield};

    assert_not_impl_any!(Co<u8>: Send, Sync);
    assert_not_impl_any!(Yield<u8, ()>: Send, Sync);
}
