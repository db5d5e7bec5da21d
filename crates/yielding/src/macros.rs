//! `generator!`: Python's `yield` syntax on stable Rust.

/// Creates a generator from a block written with Python's `yield` syntax.
///
/// The block is a generator's body, and the macro expands to
/// [`Gen::with_send`](crate::Gen::with_send) with an `async move` block, each `yield`
/// becoming an await on the yield handle: it costs nothing over the macro-free API.
///
/// ```
/// use yielding::{Generator, generator};
///
/// fn fibonacci() -> impl Generator<Item = u64> {
///     generator! {
///         let (mut a, mut b) = (0u64, 1u64);
///         loop {
///             yield a;
///             (a, b) = (b, a.wrapping_add(b));
///         }
///     }
/// }
///
/// assert_eq!(fibonacci().take(10).collect::<Vec<_>>(), [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]);
/// ```
///
/// # Grammar
///
/// | in the block | means |
/// |---|---|
/// | `yield expr;` | yield `expr` |
/// | `yield;` | yield `()` |
/// | `let v = yield expr;`, `total += yield x;` | `yield` is an expression: its value is what the caller sent |
/// | `yield from sub` | delegate to a generator (by value or `&mut`) or anything iterable; evaluates to the generator's return value (for an iterable, see [`Co::yield_from_iter_until_sent`](crate::Co::yield_from_iter_until_sent)) |
/// | `yield from items;` | its value unused (a statement, or the end of a block whose value is unused): a generator's return value is dropped; a value sent (or an error thrown) into an iterable or a stream panics, naming the `yield from`, where Python raises |
/// | `if let Some(sent) = yield from items { .. }` | its value used: an iterable or a stream stops at a value sent (or an error thrown) and hands it over; `None` when it ran to its end |
/// | `yield from x?` | `yield from (x?)`: the operand is everything to the right, as in Python; `(yield from g)?` applies `?` to the delegate's return value |
/// | `match (yield x) { .. }` | the parentheses are fine (Python needs them too) |
/// | `for await x in stream { .. }` | [`async_generator!`](crate::async_generator) only: Python's `async for`, over a `Stream` (`yield`, `break` and `continue` work inside) |
/// | `return expr;`, or a tail expression | the return value |
/// | `?` | works when the return type is a `Result` (name it in the header if inference needs it); the error is the return value, for [`Gen::take_return`](crate::Gen::take_return). [`try_generator!`](crate::try_generator) makes it the iterator's last item instead |
///
/// `from` after `yield` means delegation unless a `;` or `,` follows it (or nothing), so
/// `yield from;` yields a variable named `from`. Anywhere else write `yield (from)`.
///
/// ```
/// use yielding::generator;
///
/// // Python: `def g(): yield from [1, 2]` sent a value raises AttributeError there.
/// let mut quiet = generator!(i32, Option<i32> => { yield from [1, 2]; });
/// assert_eq!(quiet.next(), Some(1));
/// let sent = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| quiet.send(Some(5))));
/// assert!(sent.is_err()); // a panic naming the `yield from`
///
/// // Using the value handles it.
/// let mut handled = generator!(i32, Option<i32> => {
///     if let Some(Some(sent)) = yield from [1, 2] {
///         yield sent * 100;
///     }
/// });
/// assert_eq!(handled.next(), Some(1));
/// assert_eq!(handled.send(Some(5)), Some(500));
/// ```
///
/// # Types
///
/// Inferred where Rust can infer them. The send type is `()` when no `yield`'s value is
/// used; otherwise it is inferred from how the values are used. `let r = yield from items;`
/// of an iterable or a stream uses a sent value that nothing else may fix: name the send
/// type in the header then (`generator!(i32, () => { .. })`), or the compiler asks for it
/// ("type annotations needed"). Write them out with a header before `=>`, any of them `_`:
///
/// ```
/// use yielding::generator;
///
/// // generator!(Yield => { ... }), generator!(Yield, Send => { ... }),
/// // generator!(Yield, Send -> Return => { ... })
/// let mut running_average = generator!(f64, f64 => {
///     let (mut total, mut count) = (0.0, 0.0);
///     loop {
///         let x = yield if count > 0.0 { total / count } else { 0.0 };
///         total += x;
///         count += 1.0;
///     }
/// });
/// assert_eq!(running_average.start(), Some(0.0));
/// assert_eq!(running_average.send(10.0), Some(10.0));
/// assert_eq!(running_average.send(20.0), Some(15.0));
///
/// let mut parse_all = generator!(u32, () -> Result<u32, std::num::ParseIntError> => {
///     let mut sum = 0;
///     for word in ["1", "2", "x"] {
///         let n: u32 = word.parse()?;
///         sum += n;
///         yield n;
///     }
///     Ok(sum)
/// });
/// assert_eq!((&mut parse_all).collect::<Vec<_>>(), [1, 2]);
/// assert!(parse_all.take_return().unwrap().is_err());
/// ```
///
/// # Captures
///
/// The block captures like an `async move` block: it takes ownership of what it uses.
/// To iterate over borrowed data, capture the reference; the generator then borrows it:
///
/// ```
/// use yielding::{Generator, generator};
///
/// fn evens(values: &[i32]) -> impl Generator<Item = i32> + '_ {
///     generator! {
///         for &v in values {
///             if v % 2 == 0 {
///                 yield v;
///             }
///         }
///     }
/// }
///
/// let data = vec![1, 2, 3, 4];
/// assert_eq!(evens(&data).collect::<Vec<_>>(), [2, 4]);
/// ```
///
/// # Errors
///
/// `yield` inside a closure, a nested `async` block, a nested function or a macro call
/// within the block is a compile error at that `yield`: such code runs outside the
/// generator's own resumption, so it has nowhere to pause.
///
/// ```compile_fail
/// use yielding::generator;
///
/// let g = generator! {
///     let f = || yield 1; // error: `yield` cannot be used inside a closure
/// };
/// ```
///
/// # The trade-off
///
/// The macro reads like Python and expands to the core API with no cost, but rustfmt does
/// not format inside macro calls, and rust-analyzer sees the block only through the
/// expansion. The same generators written with [`Gen::new`](crate::Gen::new) and
/// `co.yield_(x).await` format and complete like any Rust code.
#[cfg(feature = "macros")]
#[macro_export]
macro_rules! generator {
    ($($body:tt)*) => {
        $crate::__private::generator_impl!($crate; $($body)*)
    };
}

/// Creates an async generator ([`AsyncGen`](crate::AsyncGen)) from a block written with
/// Python's `yield` syntax, in which real futures may also be awaited.
///
/// The grammar and the type header are [`generator!`](crate::generator)'s. `yield from` also takes an async
/// generator or a `Stream`, and `for await x in stream { .. }` is Python's `async for` (a
/// stream that cannot be named there can be polled by hand:
/// `while let Some(x) = stream.next().await { .. }`, with `futures::StreamExt`).
///
/// `?` in the body ends the generator with the error as its return value, kept for
/// [`AsyncGen::take_return`](crate::AsyncGen::take_return): a `Stream` consumer (`collect`,
/// `for_each`, `TryStreamExt`) sees the stream end, not the error. For an error that
/// consumers see, as Python's `async for` sees the exception, use
/// [`try_async_generator!`](crate::try_async_generator), whose stream ends with `Err(e)` as its last item.
///
/// ```
/// use yielding::async_generator;
///
/// let mut ticks = async_generator! {
///     for i in 0..3 {
///         std::future::ready(()).await; // a timer, a channel, I/O...
///         yield i;
///     }
/// };
/// futures::executor::block_on(async {
///     let mut seen = Vec::new();
///     while let Some(tick) = ticks.anext().await {
///         seen.push(tick);
///     }
///     assert_eq!(seen, [0, 1, 2]);
/// });
///
/// // Python: `async for x in source: yield x * 2`
/// let source = futures::stream::iter([1, 2, 3]);
/// let doubled = async_generator! {
///     for await x in source {
///         yield x * 2;
///     }
/// };
/// let doubled: Vec<i32> = futures::executor::block_on(futures::StreamExt::collect(doubled));
/// assert_eq!(doubled, [2, 4, 6]);
/// ```
#[cfg(feature = "macros")]
#[macro_export]
macro_rules! async_generator {
    ($($body:tt)*) => {
        $crate::__private::async_generator_impl!($crate; $($body)*)
    };
}

/// Creates a fallible generator, [`TryGen`](crate::TryGen): an [`Iterator`] of
/// `Result<Y, E>` whose `?` ends it with the error as its last item.
///
/// The grammar and the header are [`generator!`](crate::generator)'s. In the body, `?` (or `Err(e)?`) ends
/// the generator and the iterator gives `Err(e)` as its last item, as an exception raised
/// in a Python generator reaches the `for` loop consuming it. A `return value` or a tail
/// expression is the `Ok` side, kept for [`TryGen::take_return`](crate::TryGen::take_return).
/// A header's return type names the `Result`: `try_generator!(Y, S -> Result<R, E> => { .. })`.
///
/// ```
/// use yielding::try_generator;
///
/// let numbers = try_generator! {
///     for word in ["1", "2", "x", "4"] {
///         let n: u32 = word.parse()?;
///         yield n;
///     }
/// };
/// let seen: Vec<Result<u32, std::num::ParseIntError>> = numbers.collect();
/// assert_eq!(seen.len(), 3);
/// assert_eq!(seen[..2], [Ok(1), Ok(2)]);
/// assert!(seen[2].is_err());
///
/// // Or stop at the first error, as `collect` into a `Result` does.
/// let sum: Result<Vec<u32>, std::num::ParseIntError> = try_generator! {
///     for word in ["1", "2"] {
///         yield word.parse::<u32>()?;
///     }
/// }
/// .collect();
/// assert_eq!(sum, Ok(vec![1, 2]));
/// ```
#[cfg(feature = "macros")]
#[macro_export]
macro_rules! try_generator {
    ($($body:tt)*) => {
        $crate::__private::try_generator_impl!($crate; $($body)*)
    };
}

/// Creates a fallible async generator, [`TryAsyncGen`](crate::TryAsyncGen): a `Stream` of
/// `Result<Y, E>` (so a `TryStream`) whose `?` ends it with the error as its last item, as
/// async-stream's `try_stream!` does.
///
/// The grammar and the header are [`async_generator!`](crate::async_generator)'s, `for await` included. In the
/// body, `?` (or `Err(e)?`) ends the generator and the stream gives `Err(e)` as its last
/// item: PEP 525's exception raised in an async generator, which propagates to the
/// `async for` consuming it. A `return value` or a tail expression is the `Ok` side, kept
/// for [`TryAsyncGen::take_return`](crate::TryAsyncGen::take_return). The error type is
/// inferred from where the stream is used, or named in a header's return type:
/// `try_async_generator!(Y, S -> Result<R, E> => { .. })`.
///
/// ```
/// use futures::StreamExt;
/// use yielding::try_async_generator;
///
/// let parsed = try_async_generator! {
///     for word in ["1", "2", "x", "4"] {
///         std::future::ready(()).await; // a read, a request...
///         let n: u32 = word.parse()?;
///         yield n;
///     }
/// };
/// let seen: Vec<Result<u32, std::num::ParseIntError>> =
///     futures::executor::block_on(parsed.collect());
/// assert_eq!(seen.len(), 3);
/// assert_eq!(seen[..2], [Ok(1), Ok(2)]);
/// assert!(seen[2].is_err());
/// ```
#[cfg(feature = "macros")]
#[macro_export]
macro_rules! try_async_generator {
    ($($body:tt)*) => {
        $crate::__private::try_async_generator_impl!($crate; $($body)*)
    };
}
