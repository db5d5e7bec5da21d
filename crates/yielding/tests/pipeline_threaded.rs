//! The threaded stage: order, backpressure, panics and errors, stopping the producer when
//! the consumer is dropped, cleanup order across the thread boundary, and borrowing through
//! a scope. No test asserts a duration: waits are for something to happen (with a generous
//! limit so that a bug fails instead of hanging), never for it to happen quickly.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use static_assertions::{assert_impl_all, assert_not_impl_any};
use yielding::generator;
use yielding::pipeline::{PipelineExt, Threaded, threaded, threaded_scoped};

assert_impl_all!(Threaded<'static, u8>: Send, Iterator, std::iter::FusedIterator, std::fmt::Debug);
assert_not_impl_any!(Threaded<'static, u8>: Sync);
assert_not_impl_any!(Threaded<'static, std::rc::Rc<u8>>: Send);

/// Waits until `condition` holds; panics (failing the test) if it does not within 10 s.
fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "gave up waiting for: {what}");
        thread::sleep(Duration::from_millis(1));
    }
}

/// Lets the producer thread run for a while, so that it would overrun a bound if it could.
fn let_the_producer_run() {
    thread::sleep(Duration::from_millis(30));
}

/// An infinite upstream that counts the items it has produced.
fn counting(produced: &Arc<AtomicUsize>) -> impl Iterator<Item = usize> + Send + 'static {
    let produced = Arc::clone(produced);
    (0..).inspect(move |_| {
        produced.fetch_add(1, Ordering::SeqCst);
    })
}

/// Sets a flag when dropped: the upstream's cleanup (Python's `finally`).
struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A panic payload as text.
fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

// ---- order and threads --------------------------------------------------------------

#[test]
fn items_arrive_in_order() {
    for capacity in [1, 2, 3, 7, 64, 1000, 100_000] {
        let got: Vec<u32> = threaded(0..10_000, capacity).collect();
        assert_eq!(got, (0..10_000).collect::<Vec<_>>(), "capacity {capacity}");
    }
    assert_eq!(threaded(Vec::<u8>::new(), 4).next(), None);
    let words = vec!["a".to_string(), "b".to_string()];
    assert_eq!(threaded(words, 4).collect::<Vec<_>>(), ["a", "b"]);
}

#[test]
fn the_upstream_runs_on_its_own_thread() {
    let consumer = thread::current().id();
    let names: Vec<(bool, Option<String>)> = (0..3)
        .map(move |_| {
            let here = thread::current();
            (here.id() != consumer, here.name().map(str::to_string))
        })
        .threaded(4)
        .collect();
    assert!(
        names
            .iter()
            .all(|(elsewhere, name)| *elsewhere && name.as_deref() == Some("yielding-pipeline"))
    );
}

#[test]
fn a_generator_pipeline_splits_across_the_boundary() {
    fn parse(lines: Vec<String>) -> impl Iterator<Item = u64> + Send {
        generator! {
            for line in lines {
                yield line.parse::<u64>().unwrap();
            }
        }
    }
    fn square(nums: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
        generator! {
            for n in nums {
                yield n * n;
            }
        }
    }
    let lines: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
    let total: u64 = square(parse(lines).threaded(128)).sum();
    assert_eq!(total, (0..5000u64).map(|n| n * n).sum());
}

#[test]
fn the_iterator_is_fused_and_its_size_hint_exact_once_finished() {
    let mut it = threaded([1, 2, 3], 8);
    assert_eq!(it.size_hint().1, None);
    assert_eq!(it.by_ref().count(), 3);
    assert_eq!(it.size_hint(), (0, Some(0)));
    for _ in 0..3 {
        assert_eq!(it.next(), None);
    }
    assert!(format!("{it:?}").contains("finished: true"));
}

#[test]
#[should_panic(expected = "capacity of at least 1")]
fn a_capacity_of_zero_panics() {
    let _ = threaded(0..3, 0);
}

// ---- backpressure -------------------------------------------------------------------

#[test]
fn at_most_capacity_items_run_ahead() {
    for capacity in [1, 2, 5, 16, 100, 1024] {
        let produced = Arc::new(AtomicUsize::new(0));
        let mut consumer = threaded(counting(&produced), capacity);
        let mut consumed = 0;
        for step in [1, 1, 3, 10, 50, 200] {
            for _ in 0..step {
                assert_eq!(consumer.next(), Some(consumed));
                consumed += 1;
            }
            // The producer now runs until the buffer is full, and must then stop.
            let_the_producer_run();
            let ahead = produced.load(Ordering::SeqCst) - consumed;
            assert!(
                ahead <= capacity,
                "capacity {capacity}: {ahead} items ran ahead after {consumed}"
            );
        }
        // And it did use the buffer: it ran ahead by at least half of it.
        eventually("the producer fills the buffer", || {
            produced.load(Ordering::SeqCst) - consumed >= capacity.div_ceil(2)
        });
    }
}

#[test]
fn a_slow_consumer_never_sees_more_than_capacity_ahead() {
    // Checked at every item, while the producer is racing.
    let capacity = 32;
    let produced = Arc::new(AtomicUsize::new(0));
    let consumer = threaded(counting(&produced), capacity);
    for (consumed, item) in consumer.take(2000).enumerate() {
        assert_eq!(item, consumed);
        let ahead = produced.load(Ordering::SeqCst) - (consumed + 1);
        assert!(ahead <= capacity, "{ahead} ahead at item {consumed}");
        if consumed % 100 == 0 {
            thread::yield_now();
        }
    }
}

#[test]
fn a_slow_source_is_not_held_back_until_a_batch_fills() {
    // Each item of the source waits for a permit, which comes well after the consumer has
    // started waiting for it. A waiting consumer gets each item as soon as it is produced;
    // were items held back until a batch (256 items at this capacity) filled, the consumer
    // would never receive item 0, so never acknowledge it, and the permits would stop.
    let (permit_tx, permit_rx) = mpsc::channel::<()>();
    let (ack_tx, ack_rx) = mpsc::channel::<u32>();
    let source = (0..3).inspect(move |_| {
        permit_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("no permit: the previous item never reached the consumer");
    });
    let permits = thread::spawn(move || {
        for i in 0..3 {
            thread::sleep(Duration::from_millis(50)); // the consumer is waiting by now
            permit_tx.send(()).unwrap();
            let acked = ack_rx.recv_timeout(Duration::from_secs(10));
            assert_eq!(
                acked,
                Ok(i),
                "item {i} was held back in the producer's batch"
            );
        }
    });
    let mut consumer = threaded(source, 4096);
    for expected in 0..3 {
        assert_eq!(consumer.next(), Some(expected));
        ack_tx.send(expected).unwrap();
    }
    permits.join().unwrap();
    assert_eq!(consumer.next(), None);
}

#[test]
fn a_small_capacity_sends_every_item_at_once() {
    // Below a capacity of 8, batches hold one item: an item reaches the consumer even if
    // the source then blocks before the consumer is waiting.
    let (received_tx, received_rx) = mpsc::channel::<()>();
    let source = (0..3).inspect(move |&i| {
        if i > 0 {
            received_rx
                .recv_timeout(Duration::from_secs(10))
                .expect("the consumer never received the previous item");
        }
    });
    let mut consumer = threaded(source, 7);
    for expected in 0..3 {
        assert_eq!(consumer.next(), Some(expected));
        let _ = received_tx.send(());
    }
    assert_eq!(consumer.next(), None);
}

// ---- panics and errors --------------------------------------------------------------

#[test]
fn a_panic_upstream_reaches_the_consumer_where_the_item_would_have_come() {
    for capacity in [1, 4, 1000] {
        let upstream = (0..10).inspect(|&i| {
            if i == 5 {
                panic!("upstream failed at 5");
            }
        });
        let mut consumer = threaded(upstream, capacity);
        for expected in 0..5 {
            assert_eq!(consumer.next(), Some(expected));
        }
        let payload = panic::catch_unwind(AssertUnwindSafe(|| consumer.next()))
            .expect_err("the sixth item must be the panic");
        assert_eq!(message(&*payload), "upstream failed at 5");
        // Finished afterwards, like a generator that panicked.
        assert_eq!(consumer.next(), None);
        assert_eq!(consumer.next(), None);
    }
}

#[test]
fn a_panic_in_a_generator_upstream_drops_its_locals_before_the_consumer_sees_it() {
    let cleaned = Arc::new(AtomicBool::new(false));
    let guard = SetOnDrop(Arc::clone(&cleaned));
    let upstream = generator! {
        let _guard = guard;
        yield 1;
        panic!("generator failed");
    };
    let mut consumer = threaded(upstream, 8);
    assert_eq!(consumer.next(), Some(1));
    let payload = panic::catch_unwind(AssertUnwindSafe(|| consumer.next())).unwrap_err();
    assert_eq!(message(&*payload), "generator failed");
    assert!(cleaned.load(Ordering::SeqCst));
}

#[test]
fn an_err_item_is_just_an_item() {
    let upstream: Vec<Result<u32, String>> = vec![Ok(1), Err("bad line 2".into()), Ok(3)];
    let got: Vec<Result<u32, String>> = threaded(upstream.clone(), 2).collect();
    assert_eq!(got, upstream);
    // And `collect::<Result<..>>` stops at the first error, as it does without a thread.
    let first_error: Result<Vec<u32>, String> = threaded(upstream, 2).collect();
    assert_eq!(first_error, Err("bad line 2".into()));
}

#[test]
fn a_panic_in_the_upstreams_cleanup_reaches_the_consumer_after_the_last_item() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("cleanup failed");
        }
    }
    let upstream = generator! {
        let _guard = PanicOnDrop;
        yield 1;
        yield 2;
    };
    let mut consumer = threaded(upstream, 16);
    assert_eq!(consumer.next(), Some(1));
    assert_eq!(consumer.next(), Some(2));
    let payload = panic::catch_unwind(AssertUnwindSafe(|| consumer.next())).unwrap_err();
    assert_eq!(message(&*payload), "cleanup failed");
    assert_eq!(consumer.next(), None);
}

#[test]
fn dropping_the_consumer_propagates_a_panic_in_the_upstreams_cleanup() {
    // As dropping a one-thread pipeline would: the cleanup is part of dropping it.
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("cleanup failed while stopping");
        }
    }
    let upstream = generator! {
        let _guard = PanicOnDrop;
        for i in 0.. {
            yield i;
        }
    };
    let mut consumer = threaded(upstream, 4);
    assert_eq!(consumer.next(), Some(0));
    let payload = panic::catch_unwind(AssertUnwindSafe(move || drop(consumer))).unwrap_err();
    assert_eq!(message(&*payload), "cleanup failed while stopping");
}

#[test]
fn a_panic_in_the_cleanup_after_the_last_item_reaches_a_consumer_dropped_early() {
    // The upstream is exhausted and dropping it panics while the consumer has taken
    // nothing: the consumer's drop gets the panic whether the producer had queued its end
    // by then or not, as dropping a one-thread pipeline would run that drop. (A generator's
    // locals drop when its body finishes, inside `next`, so the upstream here is a plain
    // iterator whose own `Drop` panics.)
    struct PanicOnDrop {
        items: std::ops::Range<u32>,
        dropping: Arc<AtomicBool>,
    }
    impl Iterator for PanicOnDrop {
        type Item = u32;
        fn next(&mut self) -> Option<u32> {
            self.items.next()
        }
    }
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            self.dropping.store(true, Ordering::SeqCst);
            panic!("cleanup failed after the last item");
        }
    }
    for wait_for_the_cleanup in [true, false] {
        let dropping = Arc::new(AtomicBool::new(false));
        let upstream = PanicOnDrop {
            items: 0..3,
            dropping: Arc::clone(&dropping),
        };
        let consumer = threaded(upstream, 64);
        if wait_for_the_cleanup {
            eventually("the upstream is dropped", || {
                dropping.load(Ordering::SeqCst)
            });
            let_the_producer_run();
        }
        let payload = panic::catch_unwind(AssertUnwindSafe(move || drop(consumer))).unwrap_err();
        assert_eq!(message(&*payload), "cleanup failed after the last item");
        assert!(
            dropping.load(Ordering::SeqCst),
            "joined: the upstream was dropped"
        );
    }
}

#[test]
fn a_panic_in_an_item_the_consumer_never_reached_is_not_its_own() {
    // The producer runs ahead into a panic at item 3; the consumer stops after item 0. A
    // one-thread pipeline would never have produced item 3, so dropping does not panic.
    let upstream = (0..10).inspect(|&i| {
        if i == 3 {
            panic!("read-ahead failure");
        }
    });
    let mut consumer = threaded(upstream, 64);
    assert_eq!(consumer.next(), Some(0));
    let_the_producer_run();
    drop(consumer);
}

// ---- dropping the consumer ----------------------------------------------------------

#[test]
fn dropping_the_consumer_stops_an_infinite_producer() {
    for capacity in [1, 16, 1024] {
        let produced = Arc::new(AtomicUsize::new(0));
        let cleaned = Arc::new(AtomicBool::new(false));
        let guard = SetOnDrop(Arc::clone(&cleaned));
        let counter = counting(&produced);
        let upstream = generator! {
            let _guard = guard;
            for i in counter {
                yield i;
            }
        };
        let mut consumer = threaded(upstream, capacity);
        let taken = 100;
        for expected in 0..taken {
            assert_eq!(consumer.next(), Some(expected));
        }
        drop(consumer); // joins the producer thread: this returning is the proof it stopped
        assert!(cleaned.load(Ordering::SeqCst), "the upstream was dropped");
        let at_drop = produced.load(Ordering::SeqCst);
        assert!(
            at_drop <= taken + capacity,
            "capacity {capacity}: {at_drop} produced for {taken} taken"
        );
        let_the_producer_run();
        assert_eq!(
            produced.load(Ordering::SeqCst),
            at_drop,
            "the counter stopped"
        );
    }
}

#[test]
fn dropping_stops_a_slow_producer_without_waiting_for_its_batch_to_fill() {
    // Each item takes a while and the buffer is large: the producer is never blocked on a
    // full channel, so only the request to stop ends it. A producer that stopped only when
    // a send failed would first fill a batch of 256 items.
    let produced = Arc::new(AtomicUsize::new(0));
    let counter = counting(&produced);
    let slow = counter.inspect(|_| thread::sleep(Duration::from_millis(1)));
    let mut consumer = threaded(slow, 1 << 20);
    for expected in 0..3 {
        assert_eq!(consumer.next(), Some(expected));
    }
    drop(consumer);
    let at_drop = produced.load(Ordering::SeqCst);
    assert!(at_drop < 3 + 128, "{at_drop} produced for 3 taken");
    let_the_producer_run();
    assert_eq!(produced.load(Ordering::SeqCst), at_drop);
}

#[test]
fn breaking_out_of_a_for_loop_stops_the_producer() {
    let produced = Arc::new(AtomicUsize::new(0));
    for item in threaded(counting(&produced), 8) {
        if item == 10 {
            break;
        }
    }
    let at_break = produced.load(Ordering::SeqCst);
    assert!(at_break <= 11 + 8);
    let_the_producer_run();
    assert_eq!(produced.load(Ordering::SeqCst), at_break);
}

#[test]
fn dropping_before_the_first_item_stops_the_producer() {
    let produced = Arc::new(AtomicUsize::new(0));
    let consumer = threaded(counting(&produced), 4);
    eventually("the producer starts", || {
        produced.load(Ordering::SeqCst) > 0
    });
    drop(consumer);
    let at_drop = produced.load(Ordering::SeqCst);
    assert!(at_drop <= 4);
    let_the_producer_run();
    assert_eq!(produced.load(Ordering::SeqCst), at_drop);
}

#[test]
fn dropping_runs_cleanup_in_pythons_order_across_the_thread_boundary() {
    // outer (this thread) -> threaded -> inner -> source (the producer thread).
    // Python, with the threaded stage as an ordinary one in the middle, gives
    // ['outer finally', 'inner finally', 'source finally'] (pipeline_stages.rs); the
    // drop joins the producer, so the upstream's cleanup has run when it returns.
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<String>>>);
    struct Finally(Log, &'static str);
    impl Drop for Finally {
        fn drop(&mut self) {
            (self.0)
                .0
                .lock()
                .unwrap()
                .push(format!("{} finally", self.1));
        }
    }
    fn stage(
        log: Log,
        name: &'static str,
        nums: impl IntoIterator<Item = u64>,
    ) -> impl Iterator<Item = u64> {
        generator! {
            let mut nums = nums.into_iter();
            let _finally = Finally(log, name);
            for n in &mut nums {
                yield n;
            }
        }
    }
    fn sendable_stage(
        log: Log,
        name: &'static str,
        nums: impl IntoIterator<Item = u64, IntoIter: Send> + Send,
    ) -> impl Iterator<Item = u64> + Send {
        generator! {
            let mut nums = nums.into_iter();
            let _finally = Finally(log, name);
            for n in &mut nums {
                yield n;
            }
        }
    }
    let log = Log::default();
    let source_log = log.clone();
    let source = generator! {
        let _finally = Finally(source_log, "source");
        for i in 0.. {
            yield i;
        }
    };
    let upstream = sendable_stage(log.clone(), "inner", source);
    let mut sink = stage(log.clone(), "outer", upstream.threaded(16));
    assert_eq!(sink.next(), Some(0));
    assert_eq!(sink.next(), Some(1));
    drop(sink);
    assert_eq!(
        *log.0.lock().unwrap(),
        ["outer finally", "inner finally", "source finally"]
    );
}

// ---- scoped -------------------------------------------------------------------------

#[test]
fn a_scoped_stage_borrows_from_the_stack() {
    let text: String = (0..1000).map(|i| format!("{i}\n")).collect();
    let (total, count) = thread::scope(|s| {
        let numbers = text.lines().map(|line| line.parse::<u64>().unwrap());
        let mut total = 0;
        let mut count = 0;
        for n in threaded_scoped(s, numbers, 32) {
            total += n;
            count += 1;
        }
        (total, count)
    });
    assert_eq!((total, count), ((0..1000u64).sum(), 1000));
}

#[test]
fn a_scoped_stage_stops_when_dropped_and_propagates_panics() {
    let produced = Arc::new(AtomicUsize::new(0));
    let data: Vec<usize> = (0..100_000).collect();
    thread::scope(|s| {
        let counted = data.iter().inspect(|_| {
            produced.fetch_add(1, Ordering::SeqCst);
        });
        let mut consumer = counted.threaded_scoped(s, 16);
        assert_eq!(consumer.next(), Some(&0));
        drop(consumer);
        let at_drop = produced.load(Ordering::SeqCst);
        assert!(at_drop <= 1 + 16);
        let_the_producer_run();
        assert_eq!(produced.load(Ordering::SeqCst), at_drop);

        let failing = data.iter().map(|&i| {
            assert!(i < 2, "scoped upstream failed");
            i
        });
        let mut consumer = threaded_scoped(s, failing, 16);
        assert_eq!(consumer.next(), Some(0));
        assert_eq!(consumer.next(), Some(1));
        let payload = panic::catch_unwind(AssertUnwindSafe(|| consumer.next())).unwrap_err();
        assert_eq!(message(&*payload), "scoped upstream failed");
    });
}

/// An item that counts its drops and panics in one of them.
struct Counted {
    index: usize,
    panic_at: usize,
    dropped: Arc<AtomicUsize>,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::SeqCst);
        if self.index == self.panic_at {
            panic!("item {} failed to drop", self.index);
        }
    }
}

#[test]
fn a_panicking_item_destructor_while_dropping_joins_the_producer_and_drops_every_item() {
    // Issue 14: dropping the stage with items buffered, one of whose destructors panics,
    // unwound before the producer was joined: the upstream's cleanup ran later on a
    // detached thread, some items were never dropped, and the channel leaked. Now the
    // panic reaches the dropper only after the thread is joined, with every item dropped
    // once: the one in the consumer's batch, those in the channel, those in flight.
    for (capacity, panic_at) in [(64, 5), (64, 1), (8, 3), (1, 1), (256, 100)] {
        let produced = Arc::new(AtomicUsize::new(0));
        let dropped = Arc::new(AtomicUsize::new(0));
        let cleaned = Arc::new(AtomicBool::new(false));
        let guard = SetOnDrop(Arc::clone(&cleaned));
        let (made, gone) = (Arc::clone(&produced), Arc::clone(&dropped));
        let upstream = generator! {
            let _guard = guard;
            for index in 0.. {
                made.fetch_add(1, Ordering::SeqCst);
                yield Counted { index, panic_at, dropped: Arc::clone(&gone) };
            }
        };
        let mut consumer = threaded(upstream, capacity);
        drop(consumer.next());
        // The panicking item is within the producer's run-ahead: wait until it exists.
        eventually("the producer makes the panicking item", || {
            produced.load(Ordering::SeqCst) > panic_at
        });
        let payload = panic::catch_unwind(AssertUnwindSafe(move || drop(consumer)))
            .expect_err("the item's panic reaches the dropper");
        assert_eq!(
            message(&*payload),
            format!("item {panic_at} failed to drop")
        );
        assert!(
            cleaned.load(Ordering::SeqCst),
            "joined: the upstream's cleanup ran"
        );
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            produced.load(Ordering::SeqCst),
            "capacity {capacity}: every item produced was dropped once"
        );
    }
}
