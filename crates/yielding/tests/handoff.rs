//! The engine's hand-off between a driver and its body: no yield point can reach a slot
//! from a thread other than the one resuming the generator, and no yielded value is lost
//! without a word. Each route is a clear panic (or, for the one that cannot unwind safely,
//! an abort with a message); none is a data race, a value on the wrong thread, or a
//! silent loss. These tests also run under Miri, ThreadSanitizer and AddressSanitizer
//! (see `.ci/run`).

use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use futures::executor::block_on;
use yielding::{AsyncGen, Co, Gen, GeneratorState};

#[path = "support/panics.rs"]
mod panics;
use panics::{CountingWaker, panic_message};

/// Polls `future` once, on a scoped thread, with `waker` (the body's), and returns the
/// panic message that poll must end in.
fn poll_on_another_thread<F: Future + Send>(future: Pin<&mut F>, waker: &Waker) -> String {
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                panic_message(move || {
                    let _ = future.poll(&mut Context::from_waker(waker));
                })
            })
            .join()
            .expect("the scoped thread reports the panic, it does not die of it")
    })
}

const OTHER_THREAD: &str = "on a thread other than the one resuming its generator";

/// Counts the values of one kind that are alive, to prove none is lost or dropped twice.
#[derive(Debug)]
struct Tracked(&'static str, Rc<Cell<i32>>);

impl Tracked {
    fn new(name: &'static str, alive: &Rc<Cell<i32>>) -> Self {
        alive.set(alive.get() + 1);
        Tracked(name, Rc::clone(alive))
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.1.set(self.1.get() - 1);
    }
}

#[test]
fn a_yield_polled_on_a_scoped_thread_with_the_bodys_waker_panics_there() {
    // The route: the body lends its waker and its handle to a scoped thread, which
    // builds a `yield_` of a `!Send` value there and polls it. It must not reach the slot
    // the resuming thread is using; the generator goes on undisturbed.
    let message = Rc::new(RefCell::new(String::new()));
    let report = Rc::clone(&message);
    let mut g = Gen::new(|co: Co<Rc<u32>>| async move {
        poll_fn(|cx: &mut Context<'_>| {
            *report.borrow_mut() = yield_built_on_another_thread(&co, cx.waker());
            Poll::Ready(())
        })
        .await;
        co.yield_(Rc::new(2)).await;
    });
    assert_eq!(g.next().as_deref(), Some(&2));
    assert!(
        message.borrow().contains(OTHER_THREAD),
        "{}",
        message.borrow()
    );
    assert_eq!(g.next(), None);
}

#[test]
fn a_paused_yield_polled_on_another_thread_cannot_take_the_sent_value() {
    // The value sent in must be taken on the resuming thread: a scoped thread polling the
    // paused `yield_` would race the driver on the slot. (With a `!Send` sent value the
    // paused future is `!Send` too, and this does not compile; `threads.rs` asserts that.)
    let message = Rc::new(RefCell::new(String::new()));
    let report = Rc::clone(&message);
    let mut g = Gen::with_send(|co: Co<u32, String>| async move {
        let mut paused = pin!(co.yield_(1));
        let mut polls = 0;
        let sent = poll_fn(|cx: &mut Context<'_>| {
            polls += 1;
            if polls == 2 {
                // The second resume: the sent value is in the slot.
                *report.borrow_mut() = poll_on_another_thread(paused.as_mut(), cx.waker());
            }
            paused.as_mut().poll(cx)
        })
        .await;
        co.yield_(sent.len() as u32).await;
    });
    assert_eq!(g.start(), Some(1));
    assert_eq!(g.send("hello".to_string()), Some(5));
    assert!(
        message.borrow().contains(OTHER_THREAD),
        "{}",
        message.borrow()
    );
}

#[test]
fn a_yield_from_polled_on_another_thread_panics_there() {
    let message = Rc::new(RefCell::new(String::new()));
    let report = Rc::clone(&message);
    let mut inner = Gen::new(|co: Co<u32>| async move {
        co.yield_(1).await;
        co.yield_(2).await;
        "inner done"
    });
    let mut g = Gen::new(|co: Co<u32>| async move {
        {
            let mut refused = pin!(co.yield_from(&mut inner));
            poll_fn(|cx: &mut Context<'_>| {
                *report.borrow_mut() = poll_on_another_thread(refused.as_mut(), cx.waker());
                Poll::Ready(())
            })
            .await;
            // That future panicked, so it is spent; the delegate was not touched.
        }
        assert_eq!(inner.state(), GeneratorState::Created);
        // PEP 380: the delegate's return value becomes the value of yield from.
        co.yield_from(&mut inner).await
    });
    assert_eq!((&mut g).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(g.take_return(), Some("inner done"));
    assert!(
        message.borrow().contains(OTHER_THREAD),
        "{}",
        message.borrow()
    );
}

/// Builds a `yield_` of an `Rc` made on a scoped thread, from the body's shared handle,
/// and polls it there with the body's waker; returns the panic message that must end it.
fn yield_built_on_another_thread(co: &Co<Rc<u32>>, waker: &Waker) -> String {
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                panic_message(move || {
                    let mut made_there = co.yield_(Rc::new(1));
                    let _ = Pin::new(&mut made_there).poll(&mut Context::from_waker(waker));
                })
            })
            .join()
            .unwrap()
    })
}

#[test]
fn an_async_generators_yield_polled_on_another_thread_panics_there() {
    let message = Rc::new(RefCell::new(String::new()));
    let report = Rc::clone(&message);
    let mut g = AsyncGen::new(|co: Co<Rc<u32>>| async move {
        poll_fn(|cx: &mut Context<'_>| {
            *report.borrow_mut() = yield_built_on_another_thread(&co, cx.waker());
            Poll::Ready(())
        })
        .await;
        co.yield_(Rc::new(2)).await;
    });
    block_on(async {
        assert_eq!(g.anext().await.as_deref(), Some(&2));
        assert_eq!(g.anext().await, None);
    });
    assert!(
        message.borrow().contains(OTHER_THREAD),
        "{}",
        message.borrow()
    );
}

#[test]
fn the_bodys_waker_may_still_wake_the_task_from_another_thread() {
    // What a waker is for: a real future's I/O thread wakes the task. Only yield points are
    // tied to the resuming thread; waking and cloning the waker work from anywhere.
    let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
    let task_waker = Waker::from(Arc::clone(&counter));
    let mut g = AsyncGen::new(|co: Co<u32>| async move {
        let mut woken = false;
        poll_fn(|cx: &mut Context<'_>| {
            if woken {
                return Poll::Ready(());
            }
            woken = true;
            let waker = cx.waker();
            std::thread::scope(|scope| {
                scope.spawn(move || {
                    waker.wake_by_ref();
                    // A clone may outlive the poll: it is the task's own waker.
                    let kept = waker.clone();
                    std::thread::spawn(move || kept.wake()).join().unwrap();
                });
            });
            Poll::Pending
        })
        .await;
        co.yield_(7).await;
    });
    let mut cx = Context::from_waker(&task_waker);
    let mut next = pin!(g.anext());
    assert_eq!(next.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(counter.0.load(Ordering::SeqCst), 2);
    assert_eq!(next.as_mut().poll(&mut cx), Poll::Ready(Some(7)));
}

#[test]
fn a_yield_abandoned_by_select_before_the_body_returns_is_a_panic_not_a_loss() {
    // The example: the value was handed to the driver, then the body returned.
    let alive = Rc::new(Cell::new(0));
    let made = Rc::clone(&alive);
    let mut g = Gen::new(|co: Co<Tracked>| async move {
        let yielded = co.yield_(Tracked::new("lost", &made));
        let _ = futures::future::select(yielded, std::future::ready(())).await;
    });
    let message = panic_message(|| {
        g.next();
    });
    assert!(message.contains("never delivered"), "{message}");
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.next().map(|t| t.0), None);
    assert_eq!(alive.get(), 0, "the undelivered value is dropped, once");
}

#[test]
fn an_item_a_delegate_produced_then_abandoned_by_select_is_a_panic_not_a_loss() {
    let alive = Rc::new(Cell::new(0));
    let made = Rc::clone(&alive);
    let inner = Gen::new(move |co: Co<Tracked>| async move {
        co.yield_(Tracked::new("from the delegate", &made)).await;
    });
    let mut g = Gen::new(|co: Co<Tracked>| async move {
        // The delegation starts its delegate, which yields; then the other branch is ready,
        // and the body returns without the item ever being delivered.
        let other = std::future::ready(());
        let _ = futures::future::select(pin!(co.yield_from(inner)), pin!(other)).await;
    });
    let message = panic_message(|| {
        g.next();
    });
    assert!(message.contains("never delivered"), "{message}");
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(alive.get(), 0);
}

#[test]
fn an_async_generator_that_returns_past_an_offered_yield_panics() {
    // `select!` between a yield and a shutdown signal that is already ready: the value was
    // offered, then the body returned without it being delivered.
    let mut g = AsyncGen::new(|co: Co<String>| async move {
        let _ = futures::future::select(
            co.yield_("offered".to_string()),
            std::future::ready("shutdown"),
        )
        .await;
    });
    let message = panic_message(|| {
        block_on(g.anext());
    });
    assert!(message.contains("never delivered"), "{message}");
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn a_shutdown_raced_ahead_of_each_yield_loses_nothing() {
    // The documented way to race a yield: poll the other future first. When shutdown wins,
    // the paused yield is dropped and the `()` of `anext` it would have received carries
    // nothing, so nothing is lost and nothing panics.
    let (stop, mut stopped) = futures::channel::oneshot::channel::<()>();
    let mut stop = Some(stop);
    let mut g = AsyncGen::new(|co: Co<u32>| async move {
        let mut i = 0;
        loop {
            let mut next = pin!(co.yield_(i));
            let shut = poll_fn(|cx: &mut Context<'_>| {
                if Pin::new(&mut stopped).poll(cx).is_ready() {
                    return Poll::Ready(true);
                }
                next.as_mut().poll(cx).map(|()| false)
            })
            .await;
            if shut {
                return i;
            }
            i += 1;
        }
    });
    block_on(async {
        assert_eq!(g.anext().await, Some(0));
        assert_eq!(g.anext().await, Some(1));
        stop.take().unwrap().send(()).unwrap();
        assert_eq!(g.anext().await, None);
        assert_eq!(g.take_return(), Some(1));
    });
}

#[test]
fn a_sent_value_that_carries_information_is_still_never_dropped_silently() {
    // The rule for `()` does not extend to values: a sent `u32` nobody takes is a panic.
    let mut g = Gen::with_send(|co: Co<u32, u32>| async move {
        let mut first = Box::pin(co.yield_(1));
        let _ = futures::poll!(first.as_mut());
        futures::pending!();
        drop(first);
        co.yield_(2).await;
    });
    assert_eq!(g.start(), Some(1));
    let message = panic_message(|| {
        g.send(42);
    });
    assert!(message.contains("was not received"), "{message}");
}

/// Set in the child process of the test below, which runs the aborting route.
const ABORT_CHILD: &str = "YIELDING_HANDOFF_ABORT_CHILD";

#[test]
fn a_registered_yield_from_dropped_on_another_thread_aborts_with_a_message() {
    // A `yield_from` in a delegate's body registers with its driver's slot during the poll
    // that first polls it, to be pushed on the delegation stack. Dropped on another thread within that poll, it could neither withdraw from the slot
    // (the resuming thread owns it) nor leave a pointer to freed memory there, and an
    // unwind would free it all the same: so the process aborts, saying why. The route
    // runs in a child process (this test binary, re-executed).
    if std::env::var_os(ABORT_CHILD).is_some() {
        // Registration happens in a delegate's body: the outermost body's `yield_from`s
        // start their stacks themselves.
        let mut innermost = Gen::new(|co: Co<u32>| async move { co.yield_(1).await });
        let delegate = Gen::new(|co: Co<u32>| async move {
            let mut registered = Some(Box::pin(co.yield_from(&mut innermost)));
            poll_fn(|cx: &mut Context<'_>| {
                let mut future = registered.take().unwrap();
                let _ = future.as_mut().poll(cx);
                std::thread::scope(|scope| {
                    scope.spawn(move || drop(future));
                });
                Poll::Ready(())
            })
            .await;
        });
        let mut g = Gen::new(|co: Co<u32>| async move { co.yield_from(delegate).await });
        g.next();
        unreachable!("the drop on the other thread aborts the process");
    }
    if cfg!(miri) {
        return; // Miri cannot run a child process.
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_registered_yield_from_dropped_on_another_thread_aborts_with_a_message",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ABORT_CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "the child must not succeed: {stderr}"
    );
    assert!(
        stderr.contains("dropped on another thread during the resume that registered it"),
        "{stderr}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(output.status.signal(), Some(6), "SIGABRT: {stderr}");
    }
}
