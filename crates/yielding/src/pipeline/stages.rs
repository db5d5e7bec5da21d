//! The seed's two stages, `square` and `even`, as generator functions.

use core::future::Future;
use core::ops::{Add, Mul, Rem};

use crate::{Gen, generator};

/// Yields the square of each number (the seed's `square` stage):
///
/// ```python
/// def square(nums):
///     for n in nums:
///         yield n * n
/// ```
///
/// `nums` is anything iterable: a range, a `Vec`, another stage, any `Iterator` adapter.
/// As in Python, calling `square` runs nothing; each `next()` pulls exactly one number from
/// `nums`. The result is a [`Gen`], so it is an `Iterator` and also has the generator
/// protocol ([`close`](Gen::close), [`state`](Gen::state)).
///
/// ```
/// use yielding::pipeline::{even, square};
///
/// // Python: list(even(square(range(10)))) == [0, 4, 16, 36, 64]
/// let result: Vec<u32> = even(square(0..10)).collect();
/// assert_eq!(result, [0, 4, 16, 36, 64]);
///
/// // Stages compose with any Iterator, on either side.
/// let words = ["3", "x", "4"];
/// let squares: Vec<i64> = square(words.iter().filter_map(|w| w.parse::<i64>().ok()))
///     .map(|n| n + 1)
///     .collect();
/// assert_eq!(squares, [10, 17]);
/// ```
pub fn square<I>(nums: I) -> Gen<I::Item, (), impl Future<Output = ()>>
where
    I: IntoIterator,
    I::Item: Mul<Output = I::Item> + Clone,
{
    generator! {
        for n in nums {
            yield n.clone() * n;
        }
    }
}

/// Yields the numbers that are even, dropping the others (the seed's `even` stage):
///
/// ```python
/// def even(nums):
///     for n in nums:
///         if n % 2 == 0:
///             yield n
/// ```
///
/// Works for every integer and float type (as Python's `n % 2 == 0` does for `4.0`). Like
/// [`square`], it takes anything iterable, runs nothing until pulled, and pulls from
/// `nums` only as far as the next even number.
///
/// ```
/// use yielding::pipeline::even;
///
/// let mut evens = even([1, 3, 4, 5, 6]);
/// assert_eq!(evens.next(), Some(4)); // pulled 1, 3 and 4
/// assert_eq!(evens.next(), Some(6)); // pulled 5 and 6
/// assert_eq!(evens.next(), None);
///
/// assert_eq!(even([1.5, 2.0, 3.0]).collect::<Vec<f64>>(), [2.0]);
/// ```
pub fn even<I>(nums: I) -> Gen<I::Item, (), impl Future<Output = ()>>
where
    I: IntoIterator,
    I::Item: Rem<Output = I::Item> + Add<Output = I::Item> + From<bool> + PartialEq + Copy,
{
    generator! {
        let zero = I::Item::from(false);
        let two = I::Item::from(true) + I::Item::from(true);
        for n in nums {
            if n % two == zero {
                yield n;
            }
        }
    }
}
