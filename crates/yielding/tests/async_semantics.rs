//! Async generators against PEP 525, on `futures::executor::block_on` so that nothing here
//! depends on tokio. (tests/async_tokio.rs runs them on tokio's multi-thread runtime.)

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use futures::StreamExt;
use futures::executor::block_on;
use yielding::{AsyncGen, Co, CoroutineState, GeneratorState, Thrown, async_generator, generator};

fn assert_fused<S: futures::stream::FusedStream>(stream: &S) -> bool {
    stream.is_terminated()
}

#[path = "support/log.rs"]
mod log;
use log::{Finally, Log};
#[path = "support/panics.rs"]
mod panics;
use panics::CountingWaker;

/// A future that is pending the first time, waking its task at once: a real `Pending`.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[test]
fn async_for_over_an_async_generator() {
    // PEP 525: `async for x in agen()` iterates, awaiting between items.
    let g = async_generator! {
        for i in 0..3 {
            YieldNow(false).await;
            yield i;
        }
    };
    let items: Vec<i32> = block_on(g.collect());
    assert_eq!(items, [0, 1, 2]);
}

#[test]
fn creating_runs_nothing_and_exhaustion_stays_exhausted() {
    // PEP 525: calling an async generator function runs nothing; after StopAsyncIteration
    // every __anext__ raises it again.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = AsyncGen::new(|co| async move {
        body_log.push("ran");
        co.yield_(1).await;
    });
    assert!(log.events().is_empty());
    block_on(async {
        assert_eq!(g.anext().await, Some(1));
        assert_eq!(g.anext().await, None);
        for _ in 0..10 {
            assert_eq!(g.anext().await, None);
            assert_eq!(g.next().await, None);
        }
    });
    assert!(assert_fused(&g));
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn asend_delivers_the_value_of_the_paused_yield() {
    // PEP 525: `await agen.asend(v)` sends v into the paused yield.
    let mut avg = async_generator! {
        let (mut total, mut count) = (0.0, 0.0);
        loop {
            let x: f64 = yield if count > 0.0 { total / count } else { 0.0 };
            YieldNow(false).await;
            total += x;
            count += 1.0;
        }
    };
    block_on(async {
        assert_eq!(avg.astart().await, Some(0.0));
        assert_eq!(avg.asend(10.0).await, Some(10.0));
        assert_eq!(avg.asend(20.0).await, Some(15.0));
    });
}

#[test]
#[should_panic(expected = "asend() to a just-created async generator")]
fn asend_to_a_just_created_generator_panics() {
    // PEP 525 (as PEP 342): a non-None asend to a just-started generator raises TypeError.
    let mut g = AsyncGen::with_send(|co: Co<i32, i32>| async move {
        co.yield_(0).await;
    });
    block_on(g.asend(1));
}

type Throwable = Co<i32, Result<(), &'static str>>;

#[test]
fn athrow_handled_by_the_body() {
    // PEP 525: athrow() raises at the paused yield; a body that catches it and yields again
    // makes athrow() return that value.
    let mut g = AsyncGen::with_send(|co: Throwable| async move {
        let mut handled = 0;
        loop {
            if co.yield_(handled).await.is_err() {
                YieldNow(false).await;
                handled += 1;
            }
        }
    });
    block_on(async {
        assert_eq!(g.anext().await, Some(0));
        assert_eq!(g.athrow("x").await, Thrown::Yielded(1));
    });
}

#[test]
fn athrow_unhandled_finishes_the_generator() {
    // PEP 525: an exception athrow()n and not caught propagates to the caller, and the
    // generator is finished.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = AsyncGen::with_send(|co: Throwable| async move {
        let _f = Finally {
            log: body_log,
            name: "body",
        };
        co.yield_(1).await?;
        Ok::<_, &str>(())
    });
    block_on(async {
        assert_eq!(g.anext().await, Some(1));
        assert_eq!(g.athrow("fatal").await, Thrown::Raised("fatal"));
        assert_eq!(g.anext().await, None);
    });
    assert_eq!(log.events(), ["finally body"]);
}

#[test]
fn athrow_into_a_just_created_generator_closes_it_unrun() {
    // PEP 525 (as PEP 342): throwing into an unstarted generator closes it without running
    // the body, and the exception goes back to the caller.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = AsyncGen::with_send(|co: Throwable| async move {
        body_log.push("ran");
        co.yield_(1).await?;
        Ok::<_, &str>(())
    });
    assert_eq!(block_on(g.athrow("early")), Thrown::Raised("early"));
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(log.events().is_empty());
}

#[test]
fn aclose_before_start_twice_and_after_exhaustion() {
    // PEP 525: aclose() on an unstarted generator closes it without running the body;
    // aclose() twice, or after exhaustion, does nothing.
    let log = Log::default();
    let body_log = log.clone();
    let mut unstarted = AsyncGen::new(|co| async move {
        body_log.push("ran");
        co.yield_(1).await;
    });
    block_on(async {
        unstarted.aclose().await;
        unstarted.aclose().await;
        assert_eq!(unstarted.anext().await, None);
    });
    assert!(log.events().is_empty());

    let mut finished = async_generator! { yield 1; "done" };
    block_on(async {
        assert_eq!(finished.anext().await, Some(1));
        assert_eq!(finished.anext().await, None);
        finished.aclose().await;
        assert_eq!(finished.take_return(), Some("done"));
    });
}

#[test]
fn aclose_of_a_suspended_generator_runs_cleanup() {
    // PEP 525: aclose() throws GeneratorExit at the paused yield, running `finally`.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = AsyncGen::new(|co| async move {
        let _f = Finally {
            log: body_log,
            name: "body",
        };
        loop {
            co.yield_(1).await;
        }
    });
    block_on(async {
        g.anext().await;
        g.aclose().await;
    });
    assert_eq!(log.events(), ["finally body"]);
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn a_real_pending_goes_back_with_the_callers_waker() {
    // The body awaits a future that is pending until woken; the generator must return
    // Pending (not spin), and the future must hold the caller's waker.
    let (tx, rx) = futures::channel::oneshot::channel::<i32>();
    let mut g = AsyncGen::new(|co| async move {
        let value = rx.await.unwrap();
        co.yield_(value).await;
    });
    let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
    let waker = Waker::from(Arc::clone(&counter));
    let mut cx = Context::from_waker(&waker);
    assert_eq!(g.poll_anext(&mut cx), Poll::Pending);
    assert_eq!(g.state(), GeneratorState::Running);
    assert_eq!(counter.0.load(Ordering::SeqCst), 0, "nothing woke it yet");
    tx.send(42).unwrap();
    assert_eq!(
        counter.0.load(Ordering::SeqCst),
        1,
        "the channel woke the caller's task"
    );
    assert_eq!(g.poll_anext(&mut cx), Poll::Ready(Some(42)));
}

#[test]
fn a_dropped_anext_is_resumed_by_the_next_one() {
    // Cancelling an `anext` (dropping its future) mid-await leaves the generator waiting;
    // the next `anext` goes on from there and gets the item.
    let (tx, rx) = futures::channel::oneshot::channel::<i32>();
    let mut g = AsyncGen::new(|co| async move {
        co.yield_(rx.await.unwrap()).await;
    });
    let mut cx = Context::from_waker(Waker::noop());
    {
        let mut first = std::pin::pin!(g.anext());
        assert_eq!(first.as_mut().poll(&mut cx), Poll::Pending);
    }
    tx.send(7).unwrap();
    assert_eq!(block_on(g.anext()), Some(7));
}

#[test]
fn yield_from_an_async_generator_forwards_sends_and_returns_its_value() {
    // PEP 380 within async generators: the delegate's items pass out, sent values go in,
    // and `yield from` evaluates to its return value.
    let inner = async_generator!(String, i32 -> i32 => {
        let a = yield "inner ready".to_string();
        YieldNow(false).await;
        let b = yield format!("got {a}");
        a + b
    });
    let mut outer = async_generator!(String, i32 => {
        let sum = yield from inner;
        yield format!("sum {sum}");
    });
    block_on(async {
        assert_eq!(outer.astart().await.as_deref(), Some("inner ready"));
        assert_eq!(outer.asend(4).await.as_deref(), Some("got 4"));
        assert_eq!(outer.asend(6).await.as_deref(), Some("sum 10"));
        assert_eq!(outer.asend(0).await, None);
    });
}

#[test]
fn yield_from_a_stream_a_generator_and_an_iterable() {
    // PEP 380: `yield from` takes any iterable; in an async generator also a stream.
    let sync_inner = generator! { yield "sync"; };
    let stream = futures::stream::iter(["stream"]);
    let outer = async_generator! {
        yield from sync_inner;
        yield from stream;
        YieldNow(false).await;
        yield from ["iter"];
    };
    let items: Vec<&str> = block_on(outer.collect());
    assert_eq!(items, ["sync", "stream", "iter"]);
}

#[test]
fn a_sync_generator_still_rejects_real_futures() {
    // The engine is shared, but a synchronous generator has no task to wake.
    let mut g = generator! {
        YieldNow(false).await;
        yield 1;
    };
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.next()));
    assert!(caught.is_err());
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn resume_reports_each_step() {
    // PEP 525 via the std-shaped resume: Yielded, then Complete once, then nothing.
    let mut g = AsyncGen::with_send(|co: Co<&str, u8>| async move {
        let n = co.yield_("first").await;
        YieldNow(false).await;
        n + 1
    });
    block_on(async {
        assert_eq!(g.resume(0).await, Some(CoroutineState::Yielded("first")));
        assert_eq!(g.resume(41).await, Some(CoroutineState::Complete(42)));
        assert_eq!(g.resume(0).await, None);
    });
}
