//! A stage on another core: [`threaded`] runs the upstream part of a pipeline on its own
//! thread, with a bounded buffer between the threads.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::fmt;
use core::iter::FusedIterator;
use core::sync::atomic::{AtomicU8, Ordering};
use core::time::Duration;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread::{self, JoinHandle, Scope, ScopedJoinHandle};

/// The largest batch the producer sends at once. Large enough that the channel's cost
/// (one send, one receive, one allocation) is a few nanoseconds per item; small enough
/// that a batch of small items stays in the L1 cache.
const MAX_BATCH: usize = 256;

/// The largest capacity honoured; larger ones are treated as this. The channel allocates
/// its slots up front (one per `MAX_BATCH` items of capacity), so this bounds that
/// allocation to about 2.5 MB whatever the caller asks for.
const MAX_CAPACITY: usize = 1 << 24;

/// How long the consumer waits for a batch before it asks the producer to send what it
/// has. A producer that keeps up never sees the request, and its batches stay full; a
/// slow source (a socket, a pipe) gets each item through within about this long.
const HUNGRY_AFTER: Duration = Duration::from_millis(1);

/// The producer runs and fills its batch.
const RUN: u8 = 0;
/// The consumer has waited longer than [`HUNGRY_AFTER`]: send what you have.
const HUNGRY: u8 = 1;
/// The consumer is gone: stop after the current item.
const STOP: u8 = 2;

/// What goes through the channel: items in order, then possibly the panic that ended the
/// upstream.
enum Message<T> {
    Items(Vec<T>),
    Panicked(Box<dyn Any + Send>),
}

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

/// How a capacity in items is split into batches and channel slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Layout {
    /// Items per batch, at most.
    batch: usize,
    /// Batches the channel holds (0: a rendezvous).
    slots: usize,
}

impl Layout {
    /// The most that can run ahead is the consumer's current batch less the item it just
    /// took (`batch - 1`), the channel (`slots * batch`) and the producer's full batch
    /// waiting to be sent (`batch`): `(slots + 2) * batch - 1`, which this keeps within
    /// `capacity`.
    fn for_capacity(capacity: usize) -> Layout {
        assert!(
            capacity > 0,
            "yielding: a threaded stage needs a capacity of at least 1 item"
        );
        let capacity = capacity.min(MAX_CAPACITY);
        let batch = (capacity / 4).clamp(1, MAX_BATCH);
        let slots = (capacity + 1) / batch - 2;
        Layout { batch, slots }
    }

    fn run_ahead(self) -> usize {
        (self.slots + 2) * self.batch - 1
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
/// - **Batching.** Items cross between the threads in batches of up to `capacity / 4`
///   items (at most 256), so the channel's cost per item stays at a few nanoseconds; sent
///   one by one, each item cost 6 to 14 µs in the pipeline benchmark (BENCHMARKS.md),
///   most of it waking the other thread. A consumer that has waited for about a millisecond asks the
///   producer to send what it has, and from then on each item goes as soon as it is
///   produced, so a slow source (a socket, a pipe) is not held back until a batch fills.
///   An item produced while the consumer was still busy can wait in the producer's batch
///   until the source produces the next one (or ends); with a capacity below 8, batches
///   hold one item and every item goes at once.
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
    let (sender, receiver) = mpsc::sync_channel(layout.slots);
    let state = Arc::new(AtomicU8::new(RUN));
    let upstream = upstream.into_iter();
    let producer_state = Arc::clone(&state);
    let handle = producer_thread()
        .spawn(move || produce(upstream, &sender, &producer_state, layout.batch))
        .expect("yielding: failed to spawn the thread of a threaded stage");
    Threaded::new(receiver, state, Producer::Spawned(handle), layout)
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
    let (sender, receiver) = mpsc::sync_channel(layout.slots);
    let state = Arc::new(AtomicU8::new(RUN));
    let upstream = upstream.into_iter();
    let producer_state = Arc::clone(&state);
    let handle = producer_thread()
        .spawn_scoped(scope, move || {
            produce(upstream, &sender, &producer_state, layout.batch)
        })
        .expect("yielding: failed to spawn the thread of a threaded stage");
    Threaded::new(receiver, state, Producer::Scoped(handle), layout)
}

fn producer_thread() -> thread::Builder {
    thread::Builder::new().name("yielding-pipeline".into())
}

/// The producer thread's whole life. Returns a panic that the consumer did not receive
/// because it was gone: one from dropping `upstream`, which its drop then resumes.
fn produce<I: Iterator>(
    mut upstream: I,
    sender: &SyncSender<Message<I::Item>>,
    state: &AtomicU8,
    batch_size: usize,
) -> Unclaimed {
    let mut batch = Vec::with_capacity(batch_size);
    let pumped = panic::catch_unwind(AssertUnwindSafe(|| {
        pump(&mut upstream, &mut batch, sender, state, batch_size)
    }));
    // The upstream's cleanup, on this thread, before the consumer hears the end.
    let cleaned = panic::catch_unwind(AssertUnwindSafe(move || drop(upstream)));
    match pumped {
        // The consumer is gone; what was in flight is nobody's.
        Ok(false) => cleaned.err(),
        Ok(true) => {
            // Exhausted: the last, partial batch, then a panic from the cleanup.
            if !batch.is_empty() && sender.send(Message::Items(batch)).is_err() {
                return cleaned.err();
            }
            match cleaned {
                Ok(()) => None,
                Err(payload) => send_panic(sender, payload),
            }
        }
        Err(payload) => {
            // The items produced before the panic, then the panic. If the cleanup panicked
            // too, that second panic was reported by the hook and goes no further, as
            // Rust does with a panic while unwinding (minus the abort).
            let delivered = batch.is_empty() || sender.send(Message::Items(batch)).is_ok();
            if delivered {
                // A consumer that left meanwhile never asked for the item that panicked.
                let _ = sender.send(Message::Panicked(payload));
            }
            None
        }
    }
}

/// Sends the panic that ended the upstream; returns it if the consumer is gone.
fn send_panic<T>(sender: &SyncSender<Message<T>>, payload: Box<dyn Any + Send>) -> Unclaimed {
    match sender.send(Message::Panicked(payload)) {
        Ok(()) => None,
        Err(mpsc::SendError(Message::Panicked(payload))) => Some(payload),
        Err(mpsc::SendError(Message::Items(_))) => None,
    }
}

/// Pulls items and sends them in batches. Returns `true` when `upstream` is exhausted
/// (its last items still in `batch`), `false` when the consumer is gone.
fn pump<I: Iterator>(
    upstream: &mut I,
    batch: &mut Vec<I::Item>,
    sender: &SyncSender<Message<I::Item>>,
    state: &AtomicU8,
    batch_size: usize,
) -> bool {
    for item in upstream.by_ref() {
        batch.push(item);
        let now = state.load(Ordering::Relaxed);
        if batch.len() < batch_size && now == RUN {
            continue;
        }
        if now == STOP {
            return false;
        }
        if now == HUNGRY {
            // The consumer may be gone already; then STOP stays.
            let _ = state.compare_exchange(HUNGRY, RUN, Ordering::Relaxed, Ordering::Relaxed);
        }
        let full = core::mem::replace(batch, Vec::with_capacity(batch_size));
        if sender.send(Message::Items(full)).is_err() {
            return false;
        }
        // A consumer being dropped drains the channel (see `Threaded`'s drop), which
        // completes the send that blocked: the stop may have come meanwhile, and then no
        // further item is pulled.
        if state.load(Ordering::Relaxed) == STOP {
            return false;
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
    /// `None` once the upstream has finished (or panicked) and its thread is joined.
    receiver: Option<Receiver<Message<T>>>,
    state: Arc<AtomicU8>,
    producer: Option<Producer<'scope>>,
    layout: Layout,
}

impl<'scope, T> Threaded<'scope, T> {
    fn new(
        receiver: Receiver<Message<T>>,
        state: Arc<AtomicU8>,
        producer: Producer<'scope>,
        layout: Layout,
    ) -> Self {
        Threaded {
            batch: Vec::new().into_iter(),
            receiver: Some(receiver),
            state,
            producer: Some(producer),
            layout,
        }
    }

    /// Waits for the next batch. Returns `false` when there is none: the upstream finished.
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> bool {
        let Some(receiver) = &self.receiver else {
            return false;
        };
        let message = match receiver.recv_timeout(HUNGRY_AFTER) {
            Ok(message) => Ok(message),
            Err(RecvTimeoutError::Timeout) => {
                let _ =
                    self.state
                        .compare_exchange(RUN, HUNGRY, Ordering::Relaxed, Ordering::Relaxed);
                receiver.recv().map_err(|_| ())
            }
            Err(RecvTimeoutError::Disconnected) => Err(()),
        };
        match message {
            Ok(Message::Items(items)) => {
                self.batch = items.into_iter();
                true
            }
            Ok(Message::Panicked(payload)) => {
                self.finish();
                panic::resume_unwind(payload)
            }
            Err(()) => {
                self.finish();
                false
            }
        }
    }

    /// The upstream is over: joins its thread. A panic the thread did not hand over
    /// through the channel (there is none unless the thread itself failed) resumes here.
    fn finish(&mut self) {
        self.receiver = None;
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
        match self.receiver {
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
        self.state.store(STOP, Ordering::Relaxed);
        let mut first_panic: Option<Box<dyn Any + Send>> = None;
        let batch = core::mem::replace(&mut self.batch, Vec::new().into_iter());
        drop_contained(batch, &mut first_panic);
        // Receiving, not dropping the receiver: a channel dropped with batches in it stops
        // at the first destructor that panics, and leaks the rest. The producer, told to
        // stop, sends at most what it holds and then drops its sender, which ends this.
        if let Some(receiver) = self.receiver.take() {
            while let Ok(message) = receiver.recv() {
                match message {
                    Message::Items(items) => drop_contained(items, &mut first_panic),
                    // A panic the producer met running ahead, at an item the consumer
                    // never asked for: a one-thread pipeline would never have met it.
                    Message::Panicked(payload) => drop(payload),
                }
            }
        }
        if let Some(producer) = self.producer.take() {
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
        f.debug_struct("Threaded")
            .field("max_run_ahead", &self.layout.run_ahead())
            .field("batch_size", &self.layout.batch)
            .field("buffered", &self.batch.len())
            .field("finished", &self.receiver.is_none())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{Layout, MAX_BATCH, MAX_CAPACITY};

    #[test]
    fn layouts_stay_within_their_capacity() {
        for capacity in (1..5000).chain([65_536, 1 << 20, MAX_CAPACITY, usize::MAX]) {
            let layout = Layout::for_capacity(capacity);
            assert!(layout.batch >= 1 && layout.batch <= MAX_BATCH);
            assert!(layout.run_ahead() <= capacity, "{capacity}: {layout:?}");
        }
        assert_eq!(Layout::for_capacity(1), Layout { batch: 1, slots: 0 });
        assert_eq!(
            Layout::for_capacity(1024),
            Layout {
                batch: 256,
                slots: 2
            }
        );
    }
}
