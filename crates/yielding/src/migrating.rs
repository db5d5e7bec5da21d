//! Migrating from genawaiter and from async-stream: each of their main forms and its
//! equivalent here.
//!
//! Neither crate is a dependency, so their code is shown as text (genawaiter 0.99,
//! async-stream 0.3); every yielding snippet is a doctest.
//!
//! # From genawaiter
//!
//! genawaiter's low-level API is this crate's core API: a body is an `async` block (or an
//! `async fn`) given a yield handle `co`, and `co.yield_(x).await` evaluates to the value
//! the caller resumes it with. Most of a migration is renaming.
//!
//! | genawaiter | yielding |
//! |---|---|
//! | `rc::Gen::new(\|co\| async move { co.yield_(x).await; })` | [`Gen::new`]`(\|co\| async move { co.yield_(x).await; })`, or [`Gen::with_send`] when it receives values |
//! | `Gen::new(producer)`, `async fn producer(co: Co<Y, R>)` | the same, with [`Co`]`<Y, S>` (`S`, the resume type, defaults to `()`) |
//! | `gen!({ let v = yield_!(x); })`, `rc_producer!({ .. })`, `#[producer_fn]` | [`generator!`]` { let v = yield x; }`; a reusable body is a function returning `impl `[`Generator`] |
//! | `sync::Gen`: a generator that is `Send` | [`Gen`]: `Send` whenever its body is |
//! | `sync::GenBoxed<Y, R, C>` | `Gen<Y, R, Pin<Box<dyn Future<Output = C> + Send>>>` |
//! | `stack::let_gen!(g, { .. })`, `let_gen_using!(g, producer)`, `unsafe { stack::Gen::new(&mut shelf, producer) }` | [`Gen::new_in`]`(place.as_mut(), producer)` after `let mut place = pin!(None);`, safe; or a function returning [`Unplaced`] and [`place!`] |
//! | `g.resume()`, `g.resume_with(arg)` (the first `arg` is dropped) | [`g.resume(arg)`](crate::Gen::resume), `g.resume(())` for `resume()` (the first `arg` is dropped too); Python's [`g.start()`](crate::Gen::start) then [`g.send(arg)`](crate::Gen::send) |
//! | `GeneratorState::Yielded(y)`, `GeneratorState::Complete(c)`; resuming after `Complete` panics | `Some(`[`CoroutineState::Yielded`]`(y))`, `Some(`[`CoroutineState::Complete`]`(c))`, then `None` forever. (yielding's [`GeneratorState`] is something else: `Created`, `Suspended`, `Running`, `Closed`, Python's `inspect.getgeneratorstate`) |
//! | `g.into_iter()`, when the resume and completion types are `()` | `g` is an [`Iterator`] itself, when the send type has a [`NextArg`]; the return value, of any type, waits in [`take_return`](crate::Gen::take_return) |
//! | `async_resume`, `Stream` (feature `futures03`): a body that awaits real futures | [`AsyncGen`], [`async_generator!`] (see [From async-stream](#from-async-stream)); a [`Gen`] panics on a future that is not ready |
//! | delegating: `for x in sub.into_iter() { co.yield_(x).await }`, each item re-yielded at every level | `let r = yield from sub;` ([`Co::yield_from`]): O(1) per item at any depth, and `r` is `sub`'s return value |
//!
//! What yielding adds: a return value after iterating ([`Gen::take_return`]), [`Gen::throw`]
//! (when the send type is `Result<T, E>`), [`Gen::close`], `yield from` in O(1),
//! `impl `[`Generator`]`<Item = Y, Return = R>` to name a generator function's return type,
//! [`Recursive`] for recursion without a generator per call, and [`SharedGen`] for a
//! generator resumed through a shared reference.
//!
//! ## A producer function, `rc::Gen` and `sync::Gen`
//!
//! ```text
//! use genawaiter::rc::{Co, Gen}; // or genawaiter::sync::{Co, Gen}
//!
//! async fn odds(co: Co<u32>) {
//!     let mut n = 1;
//!     while n < 10 {
//!         co.yield_(n).await;
//!         n += 2;
//!     }
//! }
//! let odd: Vec<u32> = Gen::new(odds).into_iter().collect();
//! ```
//!
//! ```
//! use yielding::{Co, Gen};
//!
//! async fn odds(co: Co<u32>) {
//!     let mut n = 1;
//!     while n < 10 {
//!         co.yield_(n).await;
//!         n += 2;
//!     }
//! }
//! let odd: Vec<u32> = Gen::new(odds).collect();
//! assert_eq!(odd, [1, 3, 5, 7, 9]);
//!
//! // sync::Gen: any generator whose body is Send can move to another thread.
//! let g = Gen::new(odds);
//! assert_eq!(std::thread::spawn(move || g.sum::<u32>()).join().unwrap(), 25);
//! ```
//!
//! ## `gen!`, `yield_!`, `resume_with` and `GeneratorState`
//!
//! ```text
//! use genawaiter::{rc::gen, yield_, GeneratorState};
//!
//! let mut g = gen!({
//!     let n: i32 = yield_!(10);
//!     yield_!(n * 2);
//!     "done"
//! });
//! assert_eq!(g.resume_with(0), GeneratorState::Yielded(10)); // 0 is dropped
//! assert_eq!(g.resume_with(4), GeneratorState::Yielded(8));
//! assert_eq!(g.resume_with(0), GeneratorState::Complete("done"));
//! // g.resume_with(0) again panics
//! ```
//!
//! ```
//! use yielding::CoroutineState::{Complete, Yielded};
//! use yielding::generator;
//!
//! let mut g = generator! {
//!     let n: i32 = yield 10;
//!     yield n * 2;
//!     "done"
//! };
//! assert_eq!(g.resume(0), Some(Yielded(10))); // 0 is dropped
//! assert_eq!(g.resume(4), Some(Yielded(8)));
//! assert_eq!(g.resume(0), Some(Complete("done")));
//! assert_eq!(g.resume(0), None); // and None forever
//!
//! // Python's protocol: start, send, and the return value kept for take_return.
//! let mut g = generator! {
//!     let n: i32 = yield 10;
//!     yield n * 2;
//!     "done"
//! };
//! assert_eq!(g.start(), Some(10));
//! assert_eq!(g.send(4), Some(8));
//! assert_eq!(g.send(0), None);
//! assert_eq!(g.take_return(), Some("done"));
//! ```
//!
//! A body reused by several generators (`rc_producer!`, `#[producer_fn]`) is a function:
//!
//! ```
//! use yielding::{Generator, generator};
//!
//! fn multiples_of(num: u32) -> impl Generator<Item = u32> {
//!     generator! {
//!         let mut cur = num;
//!         loop {
//!             yield cur;
//!             cur += num;
//!         }
//!     }
//! }
//! assert_eq!(multiples_of(10).take(3).collect::<Vec<_>>(), [10, 20, 30]);
//! ```
//!
//! ## `sync::GenBoxed`
//!
//! A generator type that can be named, for a struct field or a `static`:
//!
//! ```
//! use std::future::Future;
//! use std::pin::Pin;
//! use yielding::Gen;
//!
//! type GenBoxed<Y, C = ()> = Gen<Y, (), Pin<Box<dyn Future<Output = C> + Send>>>;
//!
//! let g: GenBoxed<u32> = Gen::new(|co| Box::pin(async move { co.yield_(1).await }) as _);
//! assert_eq!(g.collect::<Vec<_>>(), [1]);
//! ```
//!
//! ## `stack::let_gen!` and `stack::Gen`: no allocation
//!
//! ```text
//! use genawaiter::stack::let_gen_using;
//!
//! let_gen_using!(g, |co| async move {
//!     for i in 0..3 {
//!         co.yield_(i).await;
//!     }
//! });
//! let v: Vec<i32> = g.into_iter().collect();
//! ```
//!
//! ```
//! use core::pin::pin;
//! use std::future::Future;
//! use yielding::{Gen, Unplaced};
//!
//! let mut place = pin!(None);
//! let g = Gen::new_in(place.as_mut(), |co| async move {
//!     for i in 0..3 {
//!         co.yield_(i).await;
//!     }
//! });
//! assert_eq!(g.collect::<Vec<i32>>(), [0, 1, 2]);
//!
//! // A generator function whose caller chooses: place! pins it on the caller's stack.
//! fn count(n: u32) -> Unplaced<u32, (), impl Future<Output = ()>> {
//!     Unplaced::new(move |co| async move {
//!         for i in 0..n {
//!             co.yield_(i).await;
//!         }
//!     })
//! }
//! yielding::place!(let g = count(3));
//! assert_eq!(g.collect::<Vec<_>>(), [0, 1, 2]);
//! ```
//!
//! ## Recursion and delegation
//!
//! ```text
//! fn walk(tree: &Tree) -> genawaiter::rc::Gen<u32, (), impl Future<Output = ()> + '_> {
//!     Gen::new(move |co| async move {
//!         co.yield_(tree.value).await;
//!         for child in &tree.children {
//!             for x in walk(child).into_iter() {
//!                 co.yield_(x).await; // every item passes through every level
//!             }
//!         }
//!     })
//! }
//! ```
//!
//! ```
//! use yielding::{Generator, Rec, Recursive, generator};
//!
//! struct Tree {
//!     value: u32,
//!     children: Vec<Tree>,
//! }
//!
//! // yield from: O(1) per item at any depth, and it evaluates to the child's return value.
//! fn walk(tree: &Tree) -> impl Generator<Item = u32, Return = usize> + '_ {
//!     generator! {
//!         yield tree.value;
//!         let mut nodes = 1;
//!         for child in &tree.children {
//!             nodes += yield from walk(child);
//!         }
//!         nodes
//!     }
//! }
//!
//! let leaf = |value| Tree { value, children: vec![] };
//! let tree = Tree { value: 1, children: vec![leaf(2), Tree { value: 3, children: vec![leaf(4)] }] };
//! let mut g = walk(&tree);
//! assert_eq!(g.by_ref().collect::<Vec<_>>(), [1, 2, 3, 4]);
//! assert_eq!(g.take_return(), Some(4));
//!
//! // Recursive: each call is a frame on the generator's own stack, not a generator.
//! async fn walk_rec<'a>(rec: Rec<u32, &'a Tree, usize>, tree: &'a Tree) -> usize {
//!     rec.yield_(tree.value).await;
//!     let mut nodes = 1;
//!     for child in &tree.children {
//!         nodes += rec.recurse(child).await;
//!     }
//!     nodes
//! }
//! let mut g = Recursive::new(walk_rec, &tree);
//! assert_eq!(g.by_ref().collect::<Vec<_>>(), [1, 2, 3, 4]);
//! assert_eq!(g.take_return(), Some(4));
//! ```
//!
//! ## `throw` and `close`
//!
//! genawaiter has neither; dropping its generator drops the body's locals.
//!
//! ```
//! use yielding::{GeneratorState, Thrown, generator};
//!
//! // A send type Result<T, E> makes a generator that can be thrown into.
//! let mut counter = generator!(u32, Result<(), &str> => {
//!     let mut n = 0;
//!     while n < 10 {
//!         match (yield n) {
//!             Ok(()) => n += 1,
//!             Err(_reset) => n = 0, // the paused yield evaluates to the thrown error
//!         }
//!     }
//! });
//! assert_eq!(counter.next(), Some(0));
//! assert_eq!(counter.next(), Some(1));
//! assert_eq!(counter.throw("reset"), Thrown::Yielded(0));
//! counter.close(); // drops the body's locals now: Python's `finally`
//! assert_eq!(counter.state(), GeneratorState::Closed);
//! assert_eq!(counter.next(), None);
//! ```
//!
//! # From async-stream
//!
//! | async-stream | yielding |
//! |---|---|
//! | `stream! { .. yield x; .. }` | [`async_generator!`]` { .. yield x; .. }`: an [`AsyncGen`], a `Stream` |
//! | `try_stream! { let v = read().await?; yield v; }` | [`try_async_generator!`]` { let v = read().await?; yield v; }`: a [`TryAsyncGen`], a stream of `Result<Y, E>` whose last item is the `Err` |
//! | `for await x in input { .. }` | the same, in both macros |
//! | the body returns `()` | the body may return a value, kept for [`AsyncGen::take_return`] (the `Ok` side in [`try_async_generator!`]) |
//! | `for await x in input { yield x; }` to pass a stream on | `yield from input;`: a stream, an async generator (then it evaluates to its return value) or an iterable |
//! | `fn f() -> impl Stream<Item = T>` | the same, best with `+ Unpin`; or `-> AsyncGen<T, (), impl Future<Output = R>>`, which keeps `asend`, `athrow`, `aclose` and the return value |
//! | `pin_mut!(s); while let Some(x) = s.next().await { .. }` | `while let Some(x) = s.next().await { .. }`: an [`AsyncGen`] is `Unpin`; or [`s.anext()`](crate::AsyncGen::anext), with no `StreamExt` |
//! | — | `let v = yield x;` and [`asend`](crate::AsyncGen::asend), [`athrow`](crate::AsyncGen::athrow), [`aclose`](crate::AsyncGen::aclose), [`state`](crate::AsyncGen::state): Python's async generators (PEP 525) |
//!
//! ## `stream!` and `pin_mut!`
//!
//! ```text
//! use async_stream::stream;
//! use futures_util::{pin_mut, stream::StreamExt};
//!
//! let s = stream! {
//!     for i in 0..3 {
//!         yield i;
//!     }
//! };
//! pin_mut!(s);
//! while let Some(value) = s.next().await {
//!     println!("got {value}");
//! }
//! ```
//!
//! ```
//! use futures::StreamExt;
//! use yielding::async_generator;
//!
//! let mut s = async_generator! {
//!     for i in 0..3 {
//!         std::future::ready(()).await; // any future: a timer, a channel, I/O
//!         yield i;
//!     }
//! };
//! futures::executor::block_on(async {
//!     while let Some(value) = s.next().await {
//!         println!("got {value}");
//!     }
//! });
//! ```
//!
//! ## `for await`, and returning a stream
//!
//! ```text
//! fn zero_to_three() -> impl Stream<Item = u32> {
//!     stream! {
//!         for i in 0..3 {
//!             yield i;
//!         }
//!     }
//! }
//!
//! fn double<S: Stream<Item = u32>>(input: S) -> impl Stream<Item = u32> {
//!     stream! {
//!         for await value in input {
//!             yield value * 2;
//!         }
//!     }
//! }
//! ```
//!
//! ```
//! use std::future::Future;
//! use futures::{Stream, StreamExt};
//! use yielding::{AsyncGen, async_generator};
//!
//! // The concrete type keeps the whole protocol; `impl Stream<Item = u32> + Unpin` works too.
//! fn zero_to_three() -> AsyncGen<u32, (), impl Future<Output = ()>> {
//!     async_generator! {
//!         for i in 0..3 {
//!             yield i;
//!         }
//!     }
//! }
//!
//! fn double<S: Stream<Item = u32>>(input: S) -> impl Stream<Item = u32> + Unpin {
//!     async_generator! {
//!         for await value in input {
//!             yield value * 2;
//!         }
//!     }
//! }
//!
//! let doubled: Vec<u32> = futures::executor::block_on(double(zero_to_three()).collect());
//! assert_eq!(doubled, [0, 2, 4]);
//! ```
//!
//! ## `try_stream!`
//!
//! ```text
//! fn parse(words: Vec<&'static str>) -> impl Stream<Item = Result<u32, ParseIntError>> {
//!     try_stream! {
//!         for word in words {
//!             yield word.parse::<u32>()?;
//!         }
//!     }
//! }
//! ```
//!
//! ```
//! use std::num::ParseIntError;
//! use futures::{Stream, StreamExt};
//! use yielding::try_async_generator;
//!
//! fn parse(words: Vec<&'static str>) -> impl Stream<Item = Result<u32, ParseIntError>> + Unpin {
//!     try_async_generator! {
//!         for word in words {
//!             yield word.parse::<u32>()?;
//!         }
//!     }
//! }
//!
//! let parsed: Vec<_> = futures::executor::block_on(parse(vec!["1", "x", "3"]).collect());
//! assert_eq!(parsed[0], Ok(1));
//! assert!(parsed[1].is_err()); // the error ends the stream
//! assert_eq!(parsed.len(), 2);
//! ```
//!
//! ## What async-stream has no form for: `asend`, `athrow`, `aclose`, a return value
//!
//! ```
//! use yielding::{Thrown, async_generator};
//!
//! // Send type Result<u32, E>: values come in through asend, errors through athrow. The
//! // return type is a Result too, so that an error the body does not handle can leave it.
//! let mut total = async_generator!(u32, Result<u32, &str> -> Result<u32, &str> => {
//!     let mut sum = 0;
//!     while sum < 100 {
//!         match (yield sum) {
//!             Ok(x) => sum += x,
//!             Err(_) => sum = 0,
//!         }
//!     }
//!     Ok(sum)
//! });
//! futures::executor::block_on(async {
//!     assert_eq!(total.astart().await, Some(0));
//!     assert_eq!(total.asend(Ok(5)).await, Some(5));
//!     assert_eq!(total.athrow("reset").await, Thrown::Yielded(0));
//!     assert_eq!(total.asend(Ok(120)).await, None); // finished
//!     assert_eq!(total.take_return(), Some(Ok(120)));
//!     total.aclose().await; // a no-op now; on a paused generator it drops the body's locals
//! });
//! ```
//!
//! [`AsyncGen`]: crate::AsyncGen
//! [`AsyncGen::take_return`]: crate::AsyncGen::take_return
//! [`Co`]: crate::Co
//! [`Co::yield_from`]: crate::Co::yield_from
//! [`CoroutineState::Complete`]: crate::CoroutineState::Complete
//! [`CoroutineState::Yielded`]: crate::CoroutineState::Yielded
//! [`Gen`]: crate::Gen
//! [`Gen::close`]: crate::Gen::close
//! [`Gen::new`]: crate::Gen::new
//! [`Gen::new_in`]: crate::Gen::new_in
//! [`Gen::take_return`]: crate::Gen::take_return
//! [`Gen::throw`]: crate::Gen::throw
//! [`Gen::with_send`]: crate::Gen::with_send
//! [`Generator`]: crate::Generator
//! [`GeneratorState`]: crate::GeneratorState
//! [`NextArg`]: crate::NextArg
//! [`Recursive`]: crate::Recursive
//! [`SharedGen`]: crate::SharedGen
//! [`TryAsyncGen`]: crate::TryAsyncGen
//! [`Unplaced`]: crate::Unplaced
//! [`async_generator!`]: crate::async_generator
//! [`generator!`]: crate::generator
//! [`place!`]: crate::place
//! [`try_async_generator!`]: crate::try_async_generator
