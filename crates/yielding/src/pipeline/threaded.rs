//! A stage on another core: [`threaded`] runs the upstream part of a pipeline on its own
//! thread, with a bounded buffer between the threads.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::cell::Cell;
use core::fmt;
use core::iter::FusedIterator;
use core::marker::PhantomData;
use std::panic::{self, AssertUnwindSafe};
use std::thread::{self, JoinHandle, Scope, ScopedJoinHandle};

use super::handoff::{End, Handoff, Layout, Request, Taken};

/// A panic the consumer never received, handed back to it through the join.
type Unclaimed = Option<Box<dyn Any + Send>>;

enum Producer<'scope> {
    Spawned(JoinHandle<Unclaimed>),
    Scoped(ScopedJoinHandle<'scope, Unclaimed>),
}

impl Producer<'_> {
    fn join(self) -> thread::Result<Unclaimed> {
        match self {
            Producer::Spawned(handle) => handle.join(),
            Producer::Scoped(handle) => handle.join(),
        }
    }
}

/// Runs `upstream` on a new thread and yields its items, in order, on this one.
///
/// This is how a pipeline uses a second core: everything before `threaded` (a file reader
/// and a parsing stage, say) runs on the new thread, and everything after it on the
/// caller's, at the same time. The threads share a bounded buffer, so this is
/// Python's `queue.Queue(maxsize=capacity)` between a producer thread and a consumer, as
/// one `Iterator`.
///
/// ```
/// use yielding::generator;
/// use yielding::pipeline::threaded;
///
/// fn parse(lines: impl IntoIterator<Item = String>) -> impl Iterator<Item = u64> {
///     generator! {
///         for line in lines {
///             if let Ok(n) = line.trim().parse() {
///                 yield n;
///             }
///         }
///     }
/// }
///
/// let lines: Vec<String> = (0..1000).map(|i| format!("{i}\n")).collect();
/// // parse runs on another thread; the squaring and the sum on this one.
/// let total: u64 = threaded(parse(lines), 1024).map(|n| n * n).sum();
/// assert_eq!(total, (0..1000u64).map(|n| n * n).sum());
/// ```
///
/// # What it guarantees
///
/// - **Order** is kept: items come out in the order `upstream` produced them.
/// - **Backpressure.** At most `capacity` items run ahead: the upstream has produced at
///   most `capacity` items more than this iterator has returned. Then the producer thread
///   blocks until the consumer catches up, so memory stays bounded however fast the
///   upstream is.
/// - **Batching, and few wake-ups.** Items cross between the threads in batches of
///   `capacity / 16` items (at least 1, at most 256). A consumer that runs out of items
///   sleeps until half the buffer is full, and a producer that fills the buffer sleeps
///   until it is down to half, so each wake-up hands over about half the capacity instead
///   of one batch: waking a thread is a system call and a context switch, which cost more
///   than a cheap stage's work on hundreds of items. So a larger capacity means fewer
///   wake-ups; see "Choosing the capacity" below.
/// - **A slow source is not held back.** A consumer that has waited for about a
///   millisecond takes what there is, and, finding nothing, asks the producer to hand each
///   item over as soon as it is produced, so items from a socket or a pipe arrive within
///   about a millisecond of being produced. An item produced while the consumer was still
///   busy can wait in the producer's batch until the source produces the next one (or
///   ends); with a capacity below 32, batches hold one item, so every item is handed over
///   as soon as it is produced (and reaches a waiting consumer within about a millisecond).
/// - **Panics reach the consumer.** If `upstream` panics, the items it produced before
///   are delivered, and then `next()` resumes the panic on the consumer's thread, where
///   the next item would have come ([`std::panic::resume_unwind`]); the iterator is
///   finished afterwards. The panic hook reports it on the producer thread first, as for
///   any thread, under the name `yielding-pipeline`. Errors are items: an upstream of
///   `Result`s delivers each `Err` in its place.
/// - **Dropping stops the producer promptly.** Dropping this iterator (or breaking out of
///   a `for` loop over it) tells the producer to stop after the item it is producing,
///   drops the items in the buffer, and waits for the producer thread to finish. By the
///   time the drop returns, `upstream` has been dropped (on the producer thread), so its
///   cleanup (Python's `finally`) has run, as it has when a one-thread pipeline is
///   dropped. A panic in that cleanup propagates from the drop (unless the consumer is
///   already panicking); a panic in an item the consumer never reached does not.
///
/// # Choosing the capacity
///
/// The capacity bounds memory (at most that many items in flight) and sets how often the
/// threads wake each other: about once per half capacity. In the pipeline benchmark
/// (BENCHMARKS.md, "Pipelines", 2 cores, medians of 9 passes over 2,000,000 lines, the
/// range of two runs):
///
/// | pipeline (one thread's time per line) | `threaded(1024)` | `threaded(16384)` |
/// |---|---:|---:|
/// | parse, then hash (about 660 ns) | 1.68–1.75× | 1.69–1.85× |
/// | a log filter (about 70 ns) | 0.82–1.02× | 1.08–1.15× |
/// | parse, then hash, one core kept busy by another thread | 0.98–0.99× | 0.93–1.00× |
/// | a log filter, one core kept busy by another thread | 0.72–0.82× | 1.01–1.05× |
///
/// Speedups are over the same pipeline on one thread. Cheap stages need a large capacity:
/// with 1,024 items a log filter still woke a thread about every 500 lines, which cost
/// about what the second core gave. With batches of one item (`threaded(4)`) the
/// parse-then-hash pipeline ran at 0.19–0.20×. So: a few thousand items or more, and measure.
///
/// A threaded stage pays off only when each side has a core of its own. With another
/// thread keeping one of the two cores busy, the operating system runs both sides by
/// turns on the remaining core, and the best was to break even.
///
/// # Send and `'static`
///
/// `upstream` runs on another thread, so it must be [`Send`], and so must its items. A
/// generator is `Send` when everything its body holds across a `yield` is; one that holds
/// an `Rc` cannot be threaded:
///
/// ```compile_fail,E0277
/// use std::rc::Rc;
/// use yielding::generator;
/// use yielding::pipeline::threaded;
///
/// let shared = Rc::new(2);
/// let upstream = generator! {
///     for i in 0..10 {
///         yield i * *shared; // `shared` is held across the yield
///     }
/// };
/// threaded(upstream, 16); // error: `Rc<i32>` cannot be sent between threads safely
/// ```
///
/// The thread may outlive the caller's stack frame, so `upstream` must also be
/// `'static`: it owns its data (move it in, or share it with an `Arc`). To borrow from
/// the stack, use [`threaded_scoped`].
///
/// A producer that is blocked inside `upstream` (waiting on a socket that never sends,
/// say) only sees the request to stop when that call returns, so dropping this iterator
/// waits for it.
///
/// # Panics
///
/// If `capacity` is 0 (Python's `Queue(0)` is unbounded; here a bound is the point), or if
/// the operating system cannot create the thread. A capacity above 2<sup>24</sup> items is
/// taken as 2<sup>24</sup>.
pub fn threaded<I>(upstream: I, capacity: usize) -> Threaded<'static, I::Item>
where
    I: IntoIterator,
    I::IntoIter: Send + 'static,
    I::Item: Send + 'static,
{
    let layout = Layout::for_capacity(capacity);
    let handoff = Arc::new(Handoff::new(layout));
    let upstream = upstream.into_iter();
    let producer_side = Arc::clone(&handoff);
    let handle = producer_thread()
        .spawn(move || produce(upstream, &producer_side))
        .expect("yielding: failed to spawn the thread of a threaded stage");
    Threaded::new(handoff, Producer::Spawned(handle))
}

/// Like [`threaded`], with the producer thread in `scope`, so `upstream` may borrow from
/// the caller's stack.
///
/// Everything [`threaded`] guarantees holds here too. `upstream` must be `Send` and live
/// as long as the scope (`'scope`), instead of `'static`. Dropping the returned iterator
/// joins the thread as [`threaded`]'s does; the scope joins it too, at its end, if the
/// iterator was leaked (and a leaked iterator whose producer is waiting for room in the
/// buffer then blocks the scope's end forever).
///
/// ```
/// use std::thread;
/// use yielding::pipeline::threaded_scoped;
///
/// let text = "3\n1\n4\n1\n5\n".repeat(1000); // owned by this stack frame
/// let total: u64 = thread::scope(|s| {
///     let numbers = text.lines().map(|line| line.parse::<u64>().unwrap());
///     threaded_scoped(s, numbers, 256).sum()
/// });
/// assert_eq!(total, 14 * 1000);
/// ```
///
/// # Panics
///
/// As [`threaded`]: if `capacity` is 0, or if the thread cannot be created.
pub fn threaded_scoped<'scope, I>(
    scope: &'scope Scope<'scope, '_>,
    upstream: I,
    capacity: usize,
) -> Threaded<'scope, I::Item>
where
    I: IntoIterator,
    I::IntoIter: Send + 'scope,
    I::Item: Send + 'scope,
{
    let layout = Layout::for_capacity(capacity);
    let handoff = Arc::new(Handoff::new(layout));
    let upstream = upstream.into_iter();
    let producer_side = Arc::clone(&handoff);
    let handle = producer_thread()
        .spawn_scoped(scope, move || produce(upstream, &producer_side))
        .expect("yielding: failed to spawn the thread of a threaded stage");
    Threaded::new(handoff, Producer::Scoped(handle))
}

fn producer_thread() -> thread::Builder {
    thread::Builder::new().name("yielding-pipeline".into())
}

/// The producer thread's whole life. Returns a panic that the consumer did not receive
/// because it was gone: one from dropping `upstream` or the items it had not handed over,
/// which the consumer's drop then resumes.
fn produce<I: Iterator>(mut upstream: I, handoff: &Handoff<I::Item>) -> Unclaimed {
    let _end_on_unwind = EndOnUnwind(handoff);
    let mut batch = Vec::with_capacity(handoff.layout().batch);
    let pumped = panic::catch_unwind(AssertUnwindSafe(|| {
        pump(&mut upstream, &mut batch, handoff)
    }));
    // The upstream's cleanup, on this thread, before the consumer hears the end.
    let cleaned = panic::catch_unwind(AssertUnwindSafe(move || drop(upstream)));
    let end = match pumped {
        // The consumer is gone; what was in flight is nobody's.
        Ok(false) => return unclaimed(batch, cleaned.err()),
        Ok(true) => match cleaned {
            Ok(()) => End::Exhausted,
            Err(payload) => End::CleanupPanicked(payload),
        },
        // The items produced before the panic, then the panic. If the cleanup panicked
        // too, that second panic was reported by the hook and goes no further, as Rust
        // does with a panic while unwinding (minus the abort).
        Err(payload) => End::ItemPanicked(payload),
    };
    match handoff.end(batch, end) {
        Ok(()) => None,
        // The consumer left meanwhile: it never asked for the item that panicked, but a
        // panic in the cleanup is its own, as it is in a one-thread pipeline.
        Err((batch, End::CleanupPanicked(payload))) => unclaimed(batch, Some(payload)),
        Err((batch, End::Exhausted | End::ItemPanicked(_))) => unclaimed(batch, None),
    }
}

/// Ends the queue if the producer thread unwinds before it could (outside the code that
/// catches the upstream's panics), so the consumer is not left waiting: it takes the end,
/// joins this thread, and resumes the panic.
struct EndOnUnwind<'a, T>(&'a Handoff<T>);

impl<T> Drop for EndOnUnwind<'_, T> {
    fn drop(&mut self) {
        if thread::panicking() {
            let _ = self.0.end(Vec::new(), End::Exhausted);
        }
    }
}

/// Drops items the consumer will never take, on this thread; the first panic, of `earlier`
/// or of their destructors, goes to the consumer's drop through the join.
fn unclaimed<T>(items: Vec<T>, earlier: Unclaimed) -> Unclaimed {
    let mut first_panic = earlier;
    drop_contained(items, &mut first_panic);
    first_panic
}

/// Pulls items and hands them over in batches. Returns `true` when `upstream` is
/// exhausted (its last items still in `batch`), `false` when the consumer is gone (the
/// items not handed over still in `batch`).
fn pump<I: Iterator>(
    upstream: &mut I,
    batch: &mut Vec<I::Item>,
    handoff: &Handoff<I::Item>,
) -> bool {
    let batch_size = handoff.layout().batch;
    for item in upstream.by_ref() {
        batch.push(item);
        let request = handoff.request();
        if batch.len() < batch_size && request == Request::Run {
            continue;
        }
        if request == Request::Stop {
            return false;
        }
        let full = core::mem::replace(batch, Vec::with_capacity(batch_size));
        match handoff.hand_over(full) {
            Ok(true) => {}
            Ok(false) => return false,
            Err(full) => {
                *batch = full;
                return false;
            }
        }
    }
    true
}

/// The consumer's end of a [`threaded`] stage: an [`Iterator`] over the items the
/// upstream produces on its own thread.
///
/// `'scope` is `'static` for [`threaded`], and the scope's lifetime for
/// [`threaded_scoped`]. Dropping it stops the producer and joins its thread; see
/// [`threaded`] for every guarantee.
///
/// ```
/// use yielding::pipeline::{Threaded, threaded};
///
/// let mut evens: Threaded<'static, u64> = threaded((0..).filter(|n| n % 2 == 0), 64);
/// assert_eq!(evens.next(), Some(0));
/// assert_eq!(evens.next(), Some(2));
/// drop(evens); // the infinite producer stops, and its thread is joined
/// ```
pub struct Threaded<'scope, T> {
    /// The batch being handed out.
    batch: alloc::vec::IntoIter<T>,
    handoff: Arc<Handoff<T>>,
    /// `None` once the upstream has finished (or panicked) and its thread is joined.
    producer: Option<Producer<'scope>>,
    /// Not `Sync`, as when this was a channel's receiver: `&Threaded` has no use across
    /// threads, and a later hand-off may hold a `!Sync` end again.
    not_sync: PhantomData<Cell<()>>,
}

impl<'scope, T> Threaded<'scope, T> {
    fn new(handoff: Arc<Handoff<T>>, producer: Producer<'scope>) -> Self {
        Threaded {
            batch: Vec::new().into_iter(),
            handoff,
            producer: Some(producer),
            not_sync: PhantomData,
        }
    }

    /// Waits for the next batch. Returns `false` when there is none: the upstream finished.
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> bool {
        if self.producer.is_none() {
            return false;
        }
        match self.handoff.take() {
            Taken::Batch(items) => {
                self.batch = items.into_iter();
                true
            }
            Taken::End(End::Exhausted) => {
                self.finish();
                false
            }
            Taken::End(End::ItemPanicked(payload) | End::CleanupPanicked(payload)) => {
                self.finish();
                panic::resume_unwind(payload)
            }
        }
    }

    /// The upstream is over: joins its thread. A panic the thread did not hand over
    /// through the queue (there is none unless the thread itself failed) resumes here.
    fn finish(&mut self) {
        if let Some(producer) = self.producer.take() {
            match producer.join() {
                Ok(None) => {}
                Ok(Some(payload)) | Err(payload) => panic::resume_unwind(payload),
            }
        }
    }
}

impl<T> Iterator for Threaded<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(item) = self.batch.next() {
                return Some(item);
            }
            if !self.refill() {
                return None;
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.batch.len();
        match self.producer {
            Some(_) => (buffered, None),
            None => (buffered, Some(buffered)),
        }
    }
}

impl<T> FusedIterator for Threaded<'_, T> {}

/// Stops the producer after the item it is producing, drops the buffered items, and joins
/// the producer thread: `upstream`'s cleanup has run when this returns.
///
/// Panic-safe: every item is dropped exactly once and the thread is joined on every path.
/// An item whose destructor panics does not stop the others from being dropped; the first
/// such panic (or one from the upstream's cleanup) resumes once the thread is joined,
/// unless a panic is already unwinding. A panic the producer met running ahead, at an item
/// the consumer never took, is dropped: a one-thread pipeline would never have met it.
impl<T> Drop for Threaded<'_, T> {
    fn drop(&mut self) {
        let mut first_panic: Option<Box<dyn Any + Send>> = None;
        let batch = core::mem::replace(&mut self.batch, Vec::new().into_iter());
        drop_contained(batch, &mut first_panic);
        if let Some(producer) = self.producer.take() {
            // Nothing is queued after this: the producer drops, on its own thread, what it
            // has not handed over, and reports a panic in that through the join.
            let (queued, end) = self.handoff.abandon();
            for items in queued {
                drop_contained(items, &mut first_panic);
            }
            // A panic the producer met running ahead, at an item the consumer never asked
            // for: a one-thread pipeline would never have met it. One from the cleanup
            // after the last item is the consumer's, as in a one-thread pipeline.
            if let Some(End::CleanupPanicked(payload)) = end {
                first_panic.get_or_insert(payload);
            }
            match producer.join() {
                Ok(None) => {}
                Ok(Some(payload)) | Err(payload) => {
                    first_panic.get_or_insert(payload);
                }
            }
        }
        if let Some(payload) = first_panic {
            if !thread::panicking() {
                panic::resume_unwind(payload);
            }
        }
    }
}

/// Drops `items`, keeping the first panic of their destructors in `first_panic` instead of
/// unwinding (the items after one that panics are still dropped, as a `Vec` does).
fn drop_contained<I>(items: I, first_panic: &mut Option<Box<dyn Any + Send>>) {
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(move || drop(items))) {
        first_panic.get_or_insert(payload);
    }
}

impl<T> fmt::Debug for Threaded<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let layout = self.handoff.layout();
        f.debug_struct("Threaded")
            .field("max_run_ahead", &layout.run_ahead())
            .field("batch_size", &layout.batch)
            .field("buffered", &self.batch.len())
            .field("finished", &self.producer.is_none())
            .finish()
    }
}
