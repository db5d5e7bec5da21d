//! Async generators on tokio's multi-thread runtime: timers, channels, `select!`
//! cancellation and `tokio::spawn`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use yielding::{AsyncGen, Co, GeneratorState, async_generator};

/// Counts its drops: the cleanup of a generator's body.
struct Cleanup(Arc<AtomicUsize>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timers_between_yields() {
    let ticks = async_generator! {
        for i in 0..3u32 {
            tokio::time::sleep(Duration::from_millis(2)).await;
            yield i;
        }
    };
    assert_eq!(ticks.collect::<Vec<_>>().await, [0, 1, 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_feeds_the_generator() {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(4);
    let producer = tokio::spawn(async move {
        for i in 1..=5 {
            tx.send(i).await.unwrap();
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let squares = async_generator! {
        while let Some(n) = rx.recv().await {
            yield n * n;
        }
        "channel closed"
    };
    let mut squares = std::pin::pin!(squares);
    let mut seen = Vec::new();
    while let Some(sq) = squares.next().await {
        seen.push(sq);
    }
    assert_eq!(seen, [1, 4, 9, 16, 25]);
    assert_eq!(squares.take_return(), Some("channel closed"));
    producer.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn select_cancellation_runs_the_losers_cleanup() {
    let cleanups = Arc::new(AtomicUsize::new(0));
    let guard = Cleanup(Arc::clone(&cleanups));
    let mut slow = AsyncGen::new(|co: Co<u32>| async move {
        let _guard = guard;
        tokio::time::sleep(Duration::from_secs(3600)).await;
        co.yield_(1).await;
    });
    let winner = tokio::select! {
        item = slow.anext() => item,
        _ = tokio::time::sleep(Duration::from_millis(5)) => None,
    };
    assert_eq!(winner, None);
    assert_eq!(
        slow.state(),
        GeneratorState::Running,
        "left waiting on its timer"
    );
    assert_eq!(cleanups.load(Ordering::SeqCst), 0);
    drop(slow);
    assert_eq!(
        cleanups.load(Ordering::SeqCst),
        1,
        "dropping it ran the cleanup, once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_async_generator_runs_in_tokio_spawn() {
    let mut doubler = AsyncGen::with_send(|co: Co<u64, u64>| async move {
        let mut x = co.yield_(0).await;
        loop {
            tokio::task::yield_now().await;
            x = co.yield_(2 * x).await;
        }
    });
    let handle = tokio::spawn(async move {
        let mut out = vec![doubler.astart().await];
        for i in 1..=3 {
            out.push(doubler.asend(i).await);
        }
        out
    });
    assert_eq!(handle.await.unwrap(), [Some(0), Some(2), Some(4), Some(6)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_consumed_across_worker_threads_keeps_order() {
    let numbers = async_generator! {
        for i in 0..200u32 {
            if i % 10 == 0 {
                tokio::task::yield_now().await;
            }
            yield i;
        }
    };
    let collected = tokio::spawn(numbers.collect::<Vec<_>>()).await.unwrap();
    assert_eq!(collected, (0..200).collect::<Vec<_>>());
}
