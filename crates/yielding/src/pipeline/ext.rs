//! [`PipelineExt`]: the threaded stage as a method, for chains of adapters.

use std::thread::Scope;

use super::{Threaded, threaded, threaded_scoped};

/// Pipeline stages as `Iterator` methods, so that a thread boundary sits in a chain of
/// adapters where it runs: `source.map(parse).threaded(1024).map(hash)`.
///
/// Implemented for every `Iterator`; bring it into scope with
/// `use yielding::pipeline::PipelineExt`.
pub trait PipelineExt: Iterator + Sized {
    /// Runs this iterator (everything upstream of the call) on its own thread, with at most
    /// `capacity` items running ahead; the same as [`threaded`]`(self, capacity)`, which
    /// documents every guarantee.
    ///
    /// ```
    /// use yielding::pipeline::PipelineExt;
    ///
    /// let lines: Vec<String> = (1..=100).map(|i| i.to_string()).collect();
    /// let total: u64 = lines
    ///     .into_iter()
    ///     .map(|line| line.parse::<u64>().unwrap()) // on the producer thread
    ///     .threaded(64)
    ///     .map(|n| n * 2) // on this thread
    ///     .sum();
    /// assert_eq!(total, 10_100);
    /// ```
    ///
    /// # Panics
    ///
    /// If `capacity` is 0, or if the thread cannot be created.
    fn threaded(self, capacity: usize) -> Threaded<'static, Self::Item>
    where
        Self: Send + 'static,
        Self::Item: Send + 'static,
    {
        threaded(self, capacity)
    }

    /// Runs this iterator on a thread of `scope`, so that it may borrow from the stack;
    /// the same as [`threaded_scoped`]`(scope, self, capacity)`.
    ///
    /// ```
    /// use std::thread;
    /// use yielding::pipeline::PipelineExt;
    ///
    /// let words = vec!["a", "bb", "ccc"];
    /// let lengths: Vec<usize> =
    ///     thread::scope(|s| words.iter().map(|w| w.len()).threaded_scoped(s, 8).collect());
    /// assert_eq!(lengths, [1, 2, 3]);
    /// ```
    ///
    /// # Panics
    ///
    /// If `capacity` is 0, or if the thread cannot be created.
    fn threaded_scoped<'scope>(
        self,
        scope: &'scope Scope<'scope, '_>,
        capacity: usize,
    ) -> Threaded<'scope, Self::Item>
    where
        Self: Send + 'scope,
        Self::Item: Send + 'scope,
    {
        threaded_scoped(scope, self, capacity)
    }
}

impl<I: Iterator> PipelineExt for I {}
