//! [`NextArg`]: the value `next()` sends, Python's `None`.

/// A send type with a value that means "nothing was sent": what `Iterator::next` sends
/// into a paused `yield_`.
///
/// In Python `next(g)` is `g.send(None)`. A generator is an [`Iterator`] when its send
/// type has such a value: `()`, `Option<T>` (which receives `None`), and `Result<T, E>`
/// whose `Ok` side has one (so generators that accept [`throw`](crate::Gen::throw) iterate
/// too). Generators that receive, say, `f64` are not iterators: there is no `f64` that
/// means nothing, and inventing one (`0.0`) would be a silent wrong answer.
///
/// Delegation to an iterator ([`Co::yield_from_iter`](crate::Co::yield_from_iter)) also
/// uses it, to tell a plain `next()` from a real send that an iterator cannot take.
///
/// ```
/// use yielding::NextArg;
///
/// assert_eq!(<Option<u8>>::next_arg(), None);
/// assert!(Ok::<(), String>(()).is_next_arg());
/// assert!(!Some(3).is_next_arg());
/// ```
pub trait NextArg {
    /// The value that `next()` sends.
    ///
    /// ```
    /// use yielding::NextArg;
    ///
    /// assert_eq!(<Result<(), String>>::next_arg(), Ok(()));
    /// ```
    fn next_arg() -> Self;

    /// Whether `self` is that value, so carries nothing.
    ///
    /// ```
    /// use yielding::NextArg;
    ///
    /// assert!(None::<u8>.is_next_arg());
    /// assert!(!Err::<(), _>("thrown").is_next_arg());
    /// ```
    fn is_next_arg(&self) -> bool;
}

impl NextArg for () {
    #[inline(always)]
    fn next_arg() -> Self {}
    #[inline(always)]
    fn is_next_arg(&self) -> bool {
        true
    }
}

impl<T> NextArg for Option<T> {
    #[inline(always)]
    fn next_arg() -> Self {
        None
    }
    #[inline(always)]
    fn is_next_arg(&self) -> bool {
        self.is_none()
    }
}

impl<T: NextArg, E> NextArg for Result<T, E> {
    #[inline(always)]
    fn next_arg() -> Self {
        Ok(T::next_arg())
    }
    #[inline(always)]
    fn is_next_arg(&self) -> bool {
        matches!(self, Ok(t) if t.is_next_arg())
    }
}
