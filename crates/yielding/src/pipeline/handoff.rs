//! The queue between a [`threaded`](super::threaded) stage's two threads: batches of items,
//! bounded, with hysteresis on both sides, so that each wake-up hands over many items.
//!
//! Why not `std::sync::mpsc::sync_channel`, which this replaced: a channel wakes a waiting
//! receiver at every send and a blocked sender at every receive. With batches of 256 items
//! and a consumer faster than its producer, that is one wake-up (a futex call and a context
//! switch on each side) per batch, whatever the capacity; with cheap stages on a 2-core
//! machine that a third process kept busy, the wake-ups made a log pipeline 1.6× slower
//! than no stage at all (BENCHMARKS.md, "Pipelines"). Here a waiting consumer is woken only
//! when half the queue is full (or after [`HUNGRY_AFTER`], or at the end), and a blocked
//! producer only when the queue has drained to half, so a wake-up hands over about half
//! the capacity. No crate offers a bounded queue with both watermarks (crossbeam's and
//! flume's channels wake per message, as std's does), and this one is a mutex, two condition
//! variables and a `VecDeque`: no `unsafe`.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::any::Any;
use core::sync::atomic::{AtomicU8, Ordering};
use core::time::Duration;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// How long a waiting consumer lets batches accumulate before it takes what there is, and,
/// finding nothing, asks the producer to hand over each item as it comes. A producer that
/// keeps up never sees the request and its batches stay full; a slow source (a socket, a
/// pipe) gets each item through within about this long.
const HUNGRY_AFTER: Duration = Duration::from_millis(1);

/// The largest batch. Large enough that the queue's cost (a lock, an allocation) is a few
/// nanoseconds per item; small enough that a batch of small items stays in the L1 cache.
const MAX_BATCH: usize = 256;

/// The largest capacity honoured; larger ones are treated as this.
pub(super) const MAX_CAPACITY: usize = 1 << 24;

/// How a capacity in items is split into batches and queue slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Layout {
    /// Items per batch, at most.
    pub(super) batch: usize,
    /// Batches the queue holds while the producer goes on (0: a rendezvous).
    pub(super) slots: usize,
}

impl Layout {
    /// The most that can run ahead is the consumer's current batch less the item it just
    /// took (`batch - 1`), the queue and the producer's batch in the making: the producer
    /// hands a full batch over and then waits while the queue holds more than `slots`, so
    /// the two together hold at most `(slots + 1) * batch`. That is `(slots + 2) * batch -
    /// 1`, which this keeps within `capacity`. A batch is a sixteenth of the capacity, so
    /// the queue has about 14 slots and a wake-up (half of them) hands over about 7 batches.
    pub(super) fn for_capacity(capacity: usize) -> Layout {
        assert!(
            capacity > 0,
            "yielding: a threaded stage needs a capacity of at least 1 item"
        );
        let capacity = capacity.min(MAX_CAPACITY);
        let batch = (capacity / 16).clamp(1, MAX_BATCH);
        let slots = (capacity + 1) / batch - 2;
        Layout { batch, slots }
    }

    pub(super) fn run_ahead(self) -> usize {
        (self.slots + 2) * self.batch - 1
    }

    /// A waiting consumer is woken when the queue holds this many batches.
    fn wake_consumer_at(self) -> usize {
        (self.slots / 2).max(1)
    }

    /// A producer waiting for room is woken when the queue is down to this many batches.
    fn wake_producer_at(self) -> usize {
        self.slots / 2
    }
}

/// How the upstream ended.
pub(super) enum End {
    /// It returned `None`, and dropping it did not panic.
    Exhausted,
    /// It panicked producing the item after the last one queued.
    ItemPanicked(Box<dyn Any + Send>),
    /// It was exhausted, and dropping it (its cleanup) panicked.
    CleanupPanicked(Box<dyn Any + Send>),
}

/// What the consumer takes: a batch, or the end once every batch has been taken.
pub(super) enum Taken<T> {
    Batch(Vec<T>),
    End(End),
}

/// What the consumer asks of the producer, which reads it at every item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Request {
    /// Fill your batch.
    Run,
    /// The consumer has waited longer than [`HUNGRY_AFTER`]: hand over what you have.
    Hungry,
    /// The consumer is gone: stop after the current item.
    Stop,
}

const RUN: u8 = 0;
const HUNGRY: u8 = 1;
const STOP: u8 = 2;

struct Queue<T> {
    batches: VecDeque<Vec<T>>,
    /// Set by the producer after its last batch.
    end: Option<End>,
    /// The consumer is gone: nothing more is queued.
    abandoned: bool,
    /// The queue length at which to wake the waiting consumer; 0 when it is not waiting.
    consumer_waits_for: usize,
    /// The producer waits for room.
    producer_waits: bool,
}

/// The state the two threads share.
pub(super) struct Handoff<T> {
    queue: Mutex<Queue<T>>,
    /// Signalled when the consumer may go on: enough batches, or the end.
    items_ready: Condvar,
    /// Signalled when the producer may go on: room in the queue, or the consumer gone.
    room_ready: Condvar,
    request: AtomicU8,
    layout: Layout,
}

impl<T> Handoff<T> {
    pub(super) fn new(layout: Layout) -> Self {
        Handoff {
            queue: Mutex::new(Queue {
                batches: VecDeque::new(),
                end: None,
                abandoned: false,
                consumer_waits_for: 0,
                producer_waits: false,
            }),
            items_ready: Condvar::new(),
            room_ready: Condvar::new(),
            request: AtomicU8::new(RUN),
            layout,
        }
    }

    pub(super) fn layout(&self) -> Layout {
        self.layout
    }

    /// No code that can panic runs while the lock is held (items are never dropped under
    /// it), so the lock is never poisoned; if it were, the queue would still be consistent.
    fn lock(&self) -> MutexGuard<'_, Queue<T>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // ---- the producer's side ---------------------------------------------------------

    /// Read at every item, so one relaxed load: the queue's lock orders everything else.
    #[inline]
    pub(super) fn request(&self) -> Request {
        match self.request.load(Ordering::Relaxed) {
            RUN => Request::Run,
            HUNGRY => Request::Hungry,
            _ => Request::Stop,
        }
    }

    /// Queues a batch, then waits while the queue is full. Hands the batch back if the
    /// consumer is gone (nothing is queued after it left, so it drops every queued item
    /// once); returns `false` if it left while the producer waited.
    pub(super) fn hand_over(&self, batch: Vec<T>) -> Result<bool, Vec<T>> {
        if self.request() == Request::Hungry {
            // The consumer may be gone already; then STOP stays.
            let _ =
                self.request
                    .compare_exchange(HUNGRY, RUN, Ordering::Relaxed, Ordering::Relaxed);
        }
        let mut queue = self.lock();
        if queue.abandoned {
            return Err(batch);
        }
        queue.batches.push_back(batch);
        self.wake_consumer(&mut queue, false);
        while queue.batches.len() > self.layout.slots && !queue.abandoned {
            queue.producer_waits = true;
            queue = self
                .room_ready
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
        Ok(!queue.abandoned)
    }

    /// Queues the last batch and the end. Hands both back if the consumer is gone.
    pub(super) fn end(&self, last: Vec<T>, end: End) -> Result<(), (Vec<T>, End)> {
        let mut queue = self.lock();
        if queue.abandoned {
            return Err((last, end));
        }
        if !last.is_empty() {
            queue.batches.push_back(last);
        }
        queue.end = Some(end);
        self.wake_consumer(&mut queue, true);
        Ok(())
    }

    /// Wakes a waiting consumer once the queue holds what it waits for, or at the end.
    fn wake_consumer(&self, queue: &mut Queue<T>, ended: bool) {
        let waits_for = queue.consumer_waits_for;
        if waits_for != 0 && (ended || queue.batches.len() >= waits_for) {
            queue.consumer_waits_for = 0;
            self.items_ready.notify_one();
        }
    }

    // ---- the consumer's side ---------------------------------------------------------

    /// The next batch, or the end once every batch is taken. Waits for batches to
    /// accumulate (see the module docs), and for the producer.
    pub(super) fn take(&self) -> Taken<T> {
        let mut queue = self.lock();
        let mut hungry = false;
        loop {
            queue.consumer_waits_for = 0;
            if let Some(batch) = queue.batches.pop_front() {
                if queue.producer_waits && queue.batches.len() <= self.layout.wake_producer_at() {
                    queue.producer_waits = false;
                    self.room_ready.notify_one();
                }
                return Taken::Batch(batch);
            }
            if let Some(end) = queue.end.take() {
                return Taken::End(end);
            }
            if hungry {
                queue.consumer_waits_for = 1;
                queue = self
                    .items_ready
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            } else {
                queue.consumer_waits_for = self.layout.wake_consumer_at();
                let (woken, waited) = self
                    .items_ready
                    .wait_timeout(queue, HUNGRY_AFTER)
                    .unwrap_or_else(PoisonError::into_inner);
                queue = woken;
                if waited.timed_out() && queue.batches.is_empty() && queue.end.is_none() {
                    hungry = true;
                    let _ = self.request.compare_exchange(
                        RUN,
                        HUNGRY,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    );
                }
            }
        }
    }

    /// The consumer leaves: the producer is told to stop, and everything queued is handed
    /// back to be dropped outside the lock.
    pub(super) fn abandon(&self) -> (VecDeque<Vec<T>>, Option<End>) {
        self.request.store(STOP, Ordering::Relaxed);
        let mut queue = self.lock();
        queue.abandoned = true;
        let left = (core::mem::take(&mut queue.batches), queue.end.take());
        self.room_ready.notify_one();
        left
    }
}

#[cfg(test)]
mod tests {
    use alloc::sync::Arc;
    use alloc::vec::Vec;
    use std::thread;

    use super::{End, Handoff, Layout, MAX_BATCH, MAX_CAPACITY, Request, Taken};

    /// A producer thread handing `0..items` over in batches, as `threaded`'s does.
    fn produce(handoff: &Arc<Handoff<u32>>, items: u32) -> thread::JoinHandle<()> {
        let handoff = Arc::clone(handoff);
        thread::spawn(move || {
            let batch_size = handoff.layout().batch;
            let mut batch = Vec::new();
            for item in 0..items {
                batch.push(item);
                if batch.len() == batch_size || handoff.request() == Request::Hungry {
                    match handoff.hand_over(core::mem::take(&mut batch)) {
                        Ok(true) => {}
                        Ok(false) | Err(_) => return,
                    }
                }
            }
            let _ = handoff.end(batch, End::Exhausted);
        })
    }

    #[test]
    fn every_item_arrives_in_order_then_the_end() {
        for capacity in [1, 2, 5, 40, 1000] {
            let handoff = Arc::new(Handoff::new(Layout::for_capacity(capacity)));
            let producer = produce(&handoff, 300);
            let mut got = Vec::new();
            loop {
                match handoff.take() {
                    Taken::Batch(batch) => got.extend(batch),
                    Taken::End(End::Exhausted) => break,
                    Taken::End(_) => panic!("the producer does not panic"),
                }
            }
            producer.join().unwrap();
            assert_eq!(got, (0..300).collect::<Vec<_>>(), "capacity {capacity}");
        }
    }

    #[test]
    fn a_producer_that_ends_on_unwind_does_not_leave_the_consumer_waiting() {
        let handoff = Arc::new(Handoff::new(Layout::for_capacity(64)));
        let producer = {
            let handoff = Arc::clone(&handoff);
            thread::spawn(move || {
                assert_eq!(handoff.hand_over(alloc::vec![7]).ok(), Some(true));
                // What `threaded`'s producer does when it unwinds before queuing an end.
                let _ = handoff.end(Vec::new(), End::Exhausted);
            })
        };
        assert!(matches!(handoff.take(), Taken::Batch(batch) if batch == [7]));
        assert!(matches!(handoff.take(), Taken::End(End::Exhausted)));
        producer.join().unwrap();
    }

    #[test]
    fn an_abandoned_queue_hands_back_what_it_holds_and_takes_nothing_more() {
        for capacity in [1, 3, 64] {
            let handoff = Arc::new(Handoff::new(Layout::for_capacity(capacity)));
            let producer = produce(&handoff, 10_000);
            let first = match handoff.take() {
                Taken::Batch(batch) => batch,
                Taken::End(_) => panic!("10,000 items do not end at once"),
            };
            assert_eq!(first[0], 0);
            let (queued, end) = handoff.abandon();
            assert!(end.is_none(), "the producer was stopped before its end");
            assert_eq!(handoff.request(), Request::Stop);
            producer.join().unwrap();
            // Nothing was queued after the consumer left, and what was queued follows on.
            let after: Vec<u32> = queued.into_iter().flatten().collect();
            let expected: Vec<u32> = (first.len() as u32..).take(after.len()).collect();
            assert_eq!(after, expected, "capacity {capacity}");
            assert!(handoff.hand_over(alloc::vec![1]).is_err());
        }
    }

    #[test]
    fn layouts_stay_within_their_capacity() {
        for capacity in (1..5000).chain([65_536, 1 << 20, MAX_CAPACITY, usize::MAX]) {
            let layout = Layout::for_capacity(capacity);
            assert!(layout.batch >= 1 && layout.batch <= MAX_BATCH);
            assert!(layout.run_ahead() <= capacity, "{capacity}: {layout:?}");
            // The consumer's wake-up mark is reachable: the producer queues up to
            // `slots + 1` batches before it waits.
            assert!(layout.wake_consumer_at() <= layout.slots + 1);
            assert!(layout.wake_producer_at() <= layout.slots);
        }
        assert_eq!(Layout::for_capacity(1), Layout { batch: 1, slots: 0 });
        assert_eq!(
            Layout::for_capacity(1024),
            Layout {
                batch: 64,
                slots: 14
            }
        );
        assert_eq!(
            Layout::for_capacity(16_384),
            Layout {
                batch: 256,
                slots: 62
            }
        );
    }
}
