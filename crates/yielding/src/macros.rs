//! `generator!`: Python's `yield` syntax on stable Rust.

/// Creates a generator from a block written with Python's `yield` syntax.
///
/// The block is a generator's body, and the macro expands to
/// [`Gen::with_send`](crate::Gen::with_send) with an `async move` block, each `yield`
/// becoming an await on the yield handle: it costs nothing over the macro-free API.
///
/// ```
/// use yielding::generator;
///
/// fn fibonacci() -> impl Iterator<Item = u64> {
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
/// | `yield from sub` | delegate to a generator (by value or `&mut`) or anything iterable; evaluates to the generator's return value (for an iterable, see [`Co::yield_from_iter`](crate::Co::yield_from_iter)) |
/// | `return expr;`, or a tail expression | the return value |
/// | `?` | works when the return type is a `Result` (name it in the header if inference needs it) |
///
/// `from` after `yield` means delegation unless a `;` or `,` follows it (or nothing), so
/// `yield from;` yields a variable named `from`. Anywhere else write `yield (from)`.
///
/// # Types
///
/// Inferred where Rust can infer them. The send type is `()` when no `yield`'s value is
/// used; otherwise it is inferred from how the values are used. Write them out with a
/// header before `=>`, any of them `_`:
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
/// use yielding::generator;
///
/// fn evens(values: &[i32]) -> impl Iterator<Item = i32> + '_ {
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
/// The grammar and the type header are [`generator!`]'s. `yield from` also takes an async
/// generator or a `Stream`.
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
/// ```
#[cfg(feature = "macros")]
#[macro_export]
macro_rules! async_generator {
    ($($body:tt)*) => {
        $crate::__private::async_generator_impl!($crate; $($body)*)
    };
}
