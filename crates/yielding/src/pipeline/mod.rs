//! Generator pipelines: stages that compose with any `Iterator`, and a stage on another core.
//!
//! A stage is a generator function that takes anything iterable and yields; a pipeline is
//! stages nested in each other, as in Python. The Python tutorial's two stages, `square`
//! and `even`, are three lines each:
//!
//! ```
//! use yielding::{Generator, generator};
//!
//! // Python: def square(nums): for n in nums: yield n * n
//! fn square(nums: impl IntoIterator<Item = u32>) -> impl Generator<Item = u32> {
//!     generator! { for n in nums { yield n * n; } }
//! }
//!
//! // Python: def even(nums): for n in nums: if n % 2 == 0: yield n
//! fn even(nums: impl IntoIterator<Item = u32>) -> impl Generator<Item = u32> {
//!     generator! { for n in nums { if n % 2 == 0 { yield n; } } }
//! }
//!
//! // Python: result = even(square(range(10)))
//! let result = even(square(0..10));
//! assert_eq!(result.collect::<Vec<u32>>(), [0, 4, 16, 36, 64]);
//! ```
//!
//! # How items flow
//!
//! As in Python, building the pipeline runs nothing. Each item the sink pulls passes
//! through every stage before the next item is produced: no stage runs ahead and no
//! intermediate list is built, so memory stays constant however long the input.
//! Generator stages and `Iterator` adapters mix freely, on either side of each other.
//!
//! ```
//! use std::cell::RefCell;
//! use yielding::{Generator, generator};
//! # fn square(nums: impl IntoIterator<Item = u32>) -> impl Generator<Item = u32> {
//! #     generator! { for n in nums { yield n * n; } }
//! # }
//! # fn even(nums: impl IntoIterator<Item = u32>) -> impl Generator<Item = u32> {
//! #     generator! { for n in nums { if n % 2 == 0 { yield n; } } }
//! # }
//!
//! let log = &RefCell::new(Vec::new());
//! let source = generator! {
//!     for i in 1..=3 {
//!         log.borrow_mut().push(format!("source {i}"));
//!         yield i;
//!     }
//! };
//! let pipeline = even(square(source).inspect(|n| log.borrow_mut().push(format!("square {n}"))));
//! assert!(log.borrow().is_empty()); // nothing has run yet
//!
//! for n in pipeline {
//!     log.borrow_mut().push(format!("sink {n}"));
//! }
//! assert_eq!(
//!     *log.borrow(),
//!     ["source 1", "square 1", "source 2", "square 4", "sink 4", "source 3", "square 9"],
//! );
//! ```
//!
//! # Writing a stage
//!
//! A stage takes `impl IntoIterator` and returns `impl Generator`:
//!
//! ```
//! use yielding::{Generator, generator};
//!
//! /// Python: def running_total(nums): ...
//! fn running_total(nums: impl IntoIterator<Item = u64>) -> impl Generator<Item = u64> {
//!     generator! {
//!         let mut total = 0;
//!         for n in nums {
//!             total += n;
//!             yield total;
//!         }
//!     }
//! }
//!
//! assert_eq!(running_total([1, 2, 3]).collect::<Vec<_>>(), [1, 3, 6]);
//! ```
//!
//! ## Cleanup order
//!
//! Dropping the sink (or breaking out of its loop) drops every stage, because each stage
//! owns its upstream: each stage's cleanup (its `Drop` guards, Python's `finally`) runs,
//! and a stage that was never started has none to run, as in Python.
//!
//! In Python, closing the outermost generator runs its `finally` first; its frame then
//! releases the upstream generator, whose `finally` runs next, and so on: **the sink's stage
//! first, the source last**. In Rust the order follows where the stage keeps its
//! upstream, because a generator's live locals are dropped like any scope's: inner scopes
//! first, and within a scope, in reverse order of declaration.
//!
//! - Bind the upstream before the cleanup guard, and loop over `&mut` it: the guard is
//!   declared later, so it drops first, then the upstream. This is Python's order.
//! - `for n in nums` after the guard keeps the upstream in the loop's own (inner) scope,
//!   which drops before the guard: the source's cleanup runs first, and the sink's stage
//!   last, the reverse of Python's.
//!
//! ```
//! use std::cell::RefCell;
//! use yielding::generator;
//!
//! struct Finally<'a>(&'a RefCell<Vec<&'static str>>, &'static str);
//! impl Drop for Finally<'_> {
//!     fn drop(&mut self) {
//!         self.0.borrow_mut().push(self.1);
//!     }
//! }
//!
//! /// A stage with Python's cleanup order: its own cleanup, then its upstream's.
//! fn stage<'a>(
//!     log: &'a RefCell<Vec<&'static str>>,
//!     name: &'static str,
//!     upstream: impl IntoIterator<Item = u32> + 'a,
//! ) -> impl Iterator<Item = u32> + 'a {
//!     generator! {
//!         let mut upstream = upstream.into_iter(); // declared first: dropped last
//!         let _finally = Finally(log, name);
//!         for n in &mut upstream {
//!             yield n;
//!         }
//!     }
//! }
//!
//! let log = &RefCell::new(Vec::new());
//! let source = generator! {
//!     let _finally = Finally(log, "source");
//!     for i in 0.. {
//!         yield i;
//!     }
//! };
//! let mut sink = stage(log, "outer", stage(log, "inner", source));
//! assert_eq!(sink.next(), Some(0));
//! drop(sink);
//! assert_eq!(*log.borrow(), ["outer", "inner", "source"]); // Python's order
//! ```
//!
//! # Python's `itertools` in Rust
//!
//! Every tool in Python's `itertools` module has an equivalent in std's [`Iterator`] or in
//! the [`itertools`](https://docs.rs/itertools/0.14) crate, so this crate implements none
//! of them. What it adds is the stage itself: when no adapter fits, write a generator
//! function, as in Python.
//!
//! | Python | Rust | from |
//! |---|---|---|
//! | `count(start, step)` | `(start..).step_by(step)`; floats: `iter::successors(Some(start), \|x\| Some(x + step))` | std |
//! | `cycle(it)` | `it.cycle()`, for a `Clone` iterator; Python saves the items instead, so collect a generator's first: `items.iter().cycle()` | std |
//! | `repeat(x)`, `repeat(x, n)` | `iter::repeat(x)`, `iter::repeat_n(x, n)` | std |
//! | `islice(it, stop)`, `islice(it, start, stop, step)` | `.take(stop)`, `.skip(start).take(stop - start).step_by(step)`; one item: `.nth(i)` | std |
//! | `takewhile(pred, it)` | `.take_while(pred)` | std |
//! | `dropwhile(pred, it)` | `.skip_while(pred)` | std |
//! | `chain(a, b, c)`, `chain.from_iterable(its)` | `a.chain(b).chain(c)` or `itertools::chain!(a, b, c)`; `its.flatten()` | std, itertools |
//! | `tee(it)` | `it.tee()` (its items are `Clone`); `it.clone()` for a `Clone` iterator | itertools |
//! | `accumulate(it)`, `accumulate(it, f, initial=x)` | `.scan(..)`; `iter::once(x).chain(it.scan(x, ..))` | std |
//! | `groupby(it, key)` | `.chunk_by(key)`; a slice's `chunk_by` | itertools, std |
//! | `zip_longest(a, b, fillvalue=f)` | `a.zip_longest(b)`, items `EitherOrBoth`, filled with `.or(f, f)` | itertools |
//! | `pairwise(it)` | `.tuple_windows::<(_, _)>()` (its items are `Clone`); a slice's `windows(2)` | itertools, std |
//! | `batched(it, n)` | `.chunks(n)` (groups borrowed from the iterator), or owned `Vec`s with `.batching(\|it\| ..)`, as below; a slice's `chunks(n)` | itertools, std |
//!
//! Each row, with Python's result in the comment (CPython 3.12):
//!
//! ```
//! use std::iter;
//! use itertools::{EitherOrBoth, Itertools};
//!
//! // count(10, 3) -> 10, 13, 16, 19, ...; count(0.5, 0.25) -> 0.5, 0.75, 1.0, ...
//! assert_eq!((10..).step_by(3).take(4).collect_vec(), [10, 13, 16, 19]);
//! let floats = iter::successors(Some(0.5), |x| Some(x + 0.25));
//! assert_eq!(floats.take(3).collect_vec(), [0.5, 0.75, 1.0]);
//!
//! // cycle("ab") -> a, b, a, b, a, ...
//! assert_eq!("ab".chars().cycle().take(5).collect::<String>(), "ababa");
//!
//! // repeat(7, 3) -> [7, 7, 7]
//! assert_eq!(iter::repeat_n(7, 3).collect_vec(), [7, 7, 7]);
//!
//! // islice(range(20), 2, 11, 3) -> [2, 5, 8]; islice("abcdef", 3) -> a, b, c
//! assert_eq!((0..20).skip(2).take(11 - 2).step_by(3).collect_vec(), [2, 5, 8]);
//! assert_eq!("abcdef".chars().take(3).collect::<String>(), "abc");
//!
//! // takewhile(lambda x: x < 5, [1, 4, 6, 3]) -> [1, 4]; dropwhile(...) -> [6, 3]
//! assert_eq!([1, 4, 6, 3].into_iter().take_while(|&x| x < 5).collect_vec(), [1, 4]);
//! assert_eq!([1, 4, 6, 3].into_iter().skip_while(|&x| x < 5).collect_vec(), [6, 3]);
//!
//! // chain([1, 2], (3,), [4]) -> [1, 2, 3, 4]; chain.from_iterable([[1], [2, 3]]) -> [1, 2, 3]
//! assert_eq!(itertools::chain!([1, 2], [3], [4]).collect_vec(), [1, 2, 3, 4]);
//! assert_eq!([vec![1], vec![2, 3]].into_iter().flatten().collect_vec(), [1, 2, 3]);
//!
//! // a, b = tee(iter([1, 2, 3])); next(a) -> 1; list(b) -> [1, 2, 3]; list(a) -> [2, 3]
//! let (mut a, b) = [1, 2, 3].into_iter().tee();
//! assert_eq!(a.next(), Some(1));
//! assert_eq!(b.collect_vec(), [1, 2, 3]);
//! assert_eq!(a.collect_vec(), [2, 3]);
//!
//! // accumulate([1, 2, 3, 4]) -> [1, 3, 6, 10]
//! let sums = [1, 2, 3, 4].into_iter().scan(0, |total, x| {
//!     *total += x;
//!     Some(*total)
//! });
//! assert_eq!(sums.collect_vec(), [1, 3, 6, 10]);
//! // accumulate([3, 1, 4, 1, 5], max) -> [3, 3, 4, 4, 5]
//! let mut peaks = [3, 1, 4, 1, 5].into_iter();
//! let first = peaks.next().unwrap();
//! let peaks = iter::once(first).chain(peaks.scan(first, |peak, x| {
//!     *peak = x.max(*peak);
//!     Some(*peak)
//! }));
//! assert_eq!(peaks.collect_vec(), [3, 3, 4, 4, 5]);
//! // accumulate([1, 2, 3], initial=100) -> [100, 101, 103, 106]
//! let from_100 = iter::once(100).chain([1, 2, 3].into_iter().scan(100, |total, x| {
//!     *total += x;
//!     Some(*total)
//! }));
//! assert_eq!(from_100.collect_vec(), [100, 101, 103, 106]);
//!
//! // [(k, list(g)) for k, g in groupby("aaabccaa")]
//! //     -> [('a', [a, a, a]), ('b', [b]), ('c', [c, c]), ('a', [a, a])]
//! let runs = "aaabccaa".chars().chunk_by(|&c| c);
//! let runs = runs.into_iter().map(|(key, run)| (key, run.count())).collect_vec();
//! assert_eq!(runs, [('a', 3), ('b', 1), ('c', 2), ('a', 2)]);
//!
//! // zip_longest([1, 2, 3], "ab", fillvalue="-") -> [(1, 'a'), (2, 'b'), (3, '-')]
//! let pairs = [1, 2, 3].into_iter().zip_longest("ab".chars());
//! let filled = pairs.map(|pair| match pair {
//!     EitherOrBoth::Both(n, c) => (Some(n), c),
//!     EitherOrBoth::Left(n) => (Some(n), '-'),
//!     EitherOrBoth::Right(c) => (None, c),
//! });
//! assert_eq!(filled.collect_vec(), [(Some(1), 'a'), (Some(2), 'b'), (Some(3), '-')]);
//!
//! // pairwise([1, 2, 3, 4]) -> [(1, 2), (2, 3), (3, 4)]
//! let pairs = [1, 2, 3, 4].into_iter().tuple_windows::<(_, _)>();
//! assert_eq!(pairs.collect_vec(), [(1, 2), (2, 3), (3, 4)]);
//!
//! // batched(range(7), 3) -> [(0, 1, 2), (3, 4, 5), (6,)]
//! let batches = (0..7).batching(|it| {
//!     let batch = it.take(3).collect_vec();
//!     (!batch.is_empty()).then_some(batch)
//! });
//! assert_eq!(batches.collect_vec(), [vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
//! ```
//!
//! # A stage on another core
//!
//! [`threaded`] (or the method [`PipelineExt::threaded`]) runs everything upstream of it
//! on its own thread, with a bounded buffer between the two threads; the stages after it
//! run on the caller's thread at the same time. A CPU-bound pipeline of two balanced
//! stages then runs on two cores:
//!
//! ```
//! use yielding::generator;
//! use yielding::pipeline::PipelineExt;
//!
//! fn parse(lines: impl IntoIterator<Item = String>) -> impl Iterator<Item = u64> {
//!     generator! {
//!         for line in lines {
//!             yield line.parse().unwrap();
//!         }
//!     }
//! }
//!
//! let lines: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
//! let sum_of_squares: u64 = parse(lines)
//!     .threaded(1024) // parse runs on a second thread,
//!     .map(|n| n * n) // this on the caller's
//!     .sum();
//! assert_eq!(sum_of_squares, (0..10_000u64).map(|n| n * n).sum());
//! ```
//!
//! In the pipeline benchmark (`benches/pipeline.rs`, results in BENCHMARKS.md), parsing
//! then hashing 2,000,000 log lines ran 1.68–1.85× faster this way on two free cores than
//! on one. Cheap stages need a larger capacity (a log filter: 0.82–1.02× at 1,024 items,
//! 1.08–1.15× at 16,384), and with no free core a threaded stage at best breaks even; [`threaded`]'s
//! "Choosing the capacity" has the figures.
//!
//! Order is kept, at most `capacity` items run ahead, a panic upstream reaches the
//! consumer where the item would have come, and dropping the consumer stops the producer
//! and runs the upstream's cleanup; [`threaded`] has the details. The upstream must be
//! `Send` and `'static` ([`threaded_scoped`] lifts `'static`). A thread boundary is the
//! one place in a pipeline where items run ahead of the sink: up to `capacity` of them
//! are produced before the sink asks for them.

mod ext;
mod handoff;
mod threaded;

pub use ext::PipelineExt;
pub use threaded::{Threaded, threaded, threaded_scoped};
