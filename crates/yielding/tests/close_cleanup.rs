//! Cleanup that knows it is a close: the `on_close` guard, Python's
//! `except GeneratorExit:` beside `finally:` (which is `Drop`).
//!
//! Each test states the CPython 3.11 behaviour it mirrors. In Python:
//!
//! ```python
//! def g(log):
//!     try:
//!         yield 1
//!         yield 2
//!     except GeneratorExit:
//!         log.append("closed")
//!         raise
//!     finally:
//!         log.append("finally")
//! ```
//!
//! `close()` (or garbage collection) while paused logs `closed, finally`; running to the
//! end logs `finally`; an exception raised in the body logs `finally`; `close()` before
//! the first `next()` logs nothing. Here only `close()` runs the guard: dropping a paused
//! generator runs its `finally`s but not its guards (documented on `on_close`).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::executor::block_on;
use yielding::{AsyncGen, Co, Gen, Rec, Recursive, Thrown, generator, on_close};

#[path = "support/panics.rs"]
mod panics;
use panics::panic_message;

use static_assertions::{assert_impl_all, assert_not_impl_any};
use yielding::{OnClose, TryAsyncGen, TryGen};

// The guard is its closure: it crosses threads when the closure does.
assert_impl_all!(OnClose<fn()>: Send, Sync, Unpin, std::fmt::Debug);
assert_not_impl_any!(OnClose<Box<dyn FnOnce()>>: Send, Sync);
// The try forms wrap a generator and are Send exactly when it is (a boxed body here).
// Used only in static_assertions' `const _` items, which rustc 1.85 (the MSRV) does not
// count as uses: without the allows it warns that they are never used.
#[allow(dead_code)]
type Body = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;
assert_impl_all!(TryGen<u8, (), Body>: Send, Unpin, std::fmt::Debug);
assert_impl_all!(TryAsyncGen<u8, (), Body>: Send, Unpin, std::fmt::Debug);
#[allow(dead_code)]
type LocalBody = Pin<Box<dyn Future<Output = Result<(), String>>>>;
assert_not_impl_any!(TryGen<u8, (), LocalBody>: Send);

type Log = Rc<RefCell<Vec<String>>>;

/// A `finally:` block: logs when dropped, whatever the reason.
struct Finally(&'static str, Log);

impl Drop for Finally {
    fn drop(&mut self) {
        self.1.borrow_mut().push(format!("finally {}", self.0));
    }
}

/// The body above: `finally` declared first, so the close guard drops (runs) first.
async fn body(co: Co<u32>, name: &'static str, log: Log) {
    let _finally = Finally(name, log.clone());
    let _closed = on_close(|| log.borrow_mut().push(format!("closed {name}")));
    co.yield_(1).await;
    co.yield_(2).await;
}

fn logged() -> Log {
    Rc::default()
}

fn taken(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.borrow_mut())
}

#[test]
fn close_while_paused_runs_the_close_cleanup_then_finally() {
    // Python: g.close() at a yield raises GeneratorExit there: `closed`, then `finally`.
    let log = logged();
    let mut g = Gen::new(|co| body(co, "g", log.clone()));
    assert_eq!(g.next(), Some(1));
    g.close();
    assert_eq!(taken(&log), ["closed g", "finally g"]);
    // Closing again does nothing (PEP 342: close() of a finished generator is a no-op).
    g.close();
    assert!(taken(&log).is_empty());
}

#[test]
fn dropping_a_paused_generator_runs_finally_but_no_guard() {
    // Python closes a paused generator when it is garbage collected: `closed, finally`.
    // Here a drop without `close()` runs the `finally`s only, as `on_close` documents:
    // marking every drop would cost every generator its speed.
    let log = logged();
    let mut g = Gen::new(|co| body(co, "g", log.clone()));
    g.next();
    drop(g);
    assert_eq!(taken(&log), ["finally g"]);
}

#[test]
fn running_to_the_end_runs_only_finally() {
    // Python: list(g(log)) logs only `finally`.
    let log = logged();
    let g = Gen::new(|co| body(co, "g", log.clone()));
    assert_eq!(g.collect::<Vec<_>>(), [1, 2]);
    assert_eq!(taken(&log), ["finally g"]);
}

#[test]
fn leaving_the_guards_scope_runs_nothing() {
    // Python: the `except GeneratorExit` clause covers only its `try` block.
    let log = logged();
    let mut g = Gen::new(|co| {
        let log = log.clone();
        async move {
            {
                let _closed = on_close(|| log.borrow_mut().push("closed in block".into()));
                co.yield_(1).await;
            }
            co.yield_(2).await;
        }
    });
    assert_eq!(g.next(), Some(1));
    assert_eq!(g.next(), Some(2));
    g.close();
    assert!(taken(&log).is_empty());
}

#[test]
fn a_panic_in_the_body_runs_only_finally() {
    // Python: an exception raised in the body runs `finally`, not `except GeneratorExit`.
    let log = logged();
    let mut g = Gen::new(|co| {
        let log = log.clone();
        async move {
            let _finally = Finally("g", log.clone());
            let _closed = on_close(|| log.borrow_mut().push("closed g".into()));
            co.yield_(1).await;
            panic!("boom");
        }
    });
    g.next();
    assert_eq!(
        panic_message(|| {
            g.next();
        }),
        "boom"
    );
    drop(g);
    assert_eq!(taken(&log), ["finally g"]);
}

#[test]
fn a_thrown_error_that_propagates_runs_only_finally() {
    // Python: g.throw(ValueError) that propagates out runs `finally` only.
    let log = logged();
    let mut g = Gen::with_send(|co: Co<u32, Result<(), &'static str>>| {
        let log = log.clone();
        async move {
            let _finally = Finally("g", log.clone());
            let _closed = on_close(|| log.borrow_mut().push("closed g".into()));
            co.yield_(1).await?;
            Ok::<(), &'static str>(())
        }
    });
    g.next();
    assert_eq!(g.throw("error"), Thrown::Raised("error"));
    assert_eq!(taken(&log), ["finally g"]);
}

#[test]
fn closing_a_generator_that_never_started_runs_nothing() {
    // Python: close() before the first next() runs none of the body, not even `finally`
    // (the `try` was never entered).
    let log = logged();
    let mut g = Gen::new(|co| body(co, "g", log.clone()));
    g.close();
    assert!(taken(&log).is_empty());
    assert_eq!(g.next(), None);
}

#[test]
fn a_paused_generator_held_by_a_closed_body_is_closed_too() {
    // Python: closing the outer generator releases its frame, and with it the paused
    // generator held in a local, which is closed in turn: the outer's `except
    // GeneratorExit` runs at its yield first, then the inner one's.
    let log = logged();
    let mut outer = Gen::new(|co| {
        let log = log.clone();
        async move {
            let mut inner = Gen::new(|co| body(co, "inner", log.clone()));
            inner.next();
            let _closed = on_close(|| log.borrow_mut().push("closed outer".into()));
            co.yield_(1).await;
            drop(inner);
        }
    });
    outer.next();
    outer.close();
    assert_eq!(
        taken(&log),
        ["closed outer", "closed inner", "finally inner"]
    );
}

#[test]
fn closing_a_delegator_closes_the_delegate_first() {
    // PEP 380: close() of the delegating generator calls the subiterator's close() first:
    // `closed inner, finally inner`, then the outer's.
    let log = logged();
    let mut outer = Gen::new(|co| {
        let log = log.clone();
        async move {
            let _finally = Finally("outer", log.clone());
            let _closed = on_close(|| log.borrow_mut().push("closed outer".into()));
            co.yield_from(Gen::new(|co| body(co, "inner", log.clone())))
                .await;
        }
    });
    assert_eq!(outer.next(), Some(1));
    outer.close();
    assert_eq!(
        taken(&log),
        [
            "closed inner",
            "finally inner",
            "closed outer",
            "finally outer"
        ]
    );
}

#[test]
fn a_delegate_that_finished_is_not_closed_with_its_delegator() {
    // Python: after `yield from inner` returns, closing the outer runs only its own handler.
    let log = logged();
    let mut outer = Gen::new(|co| {
        let log = log.clone();
        async move {
            let _closed = on_close(|| log.borrow_mut().push("closed outer".into()));
            co.yield_from(Gen::new(|co| body(co, "inner", log.clone())))
                .await;
            co.yield_(3).await;
        }
    });
    assert_eq!(outer.by_ref().take(3).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(taken(&log), ["finally inner"]);
    outer.close();
    assert_eq!(taken(&log), ["closed outer"]);
}

#[test]
fn a_panicking_close_cleanup_restores_the_mark() {
    let mut g = Gen::new(|co| async move {
        let _closed = on_close(|| panic!("cleanup failed"));
        co.yield_(1).await;
    });
    g.next();
    assert_eq!(panic_message(|| g.close()), "cleanup failed");
    // The mark did not outlive the close: a guard dropped as a body returns does nothing.
    let log = logged();
    let g = Gen::new(|co| body(co, "after", log.clone()));
    assert_eq!(g.count(), 2);
    assert_eq!(taken(&log), ["finally after"]);
}

#[test]
fn a_guard_outside_any_close_never_runs() {
    let log = logged();
    {
        let _guard = on_close(|| log.borrow_mut().push("closed".into()));
    }
    let guard = on_close(|| log.borrow_mut().push("closed".into()));
    drop(guard);
    assert!(taken(&log).is_empty());
}

#[test]
fn the_macro_form_has_the_same_guard() {
    // The guard needs no yield handle, so `generator!` bodies use it as it is.
    let log = logged();
    let make = || {
        let log = log.clone();
        generator! {
            let _finally = Finally("g", log.clone());
            let _closed = on_close(|| log.borrow_mut().push("closed g".into()));
            yield 1;
            yield 2;
        }
    };
    let mut g = make();
    g.next();
    g.close();
    assert_eq!(taken(&log), ["closed g", "finally g"]);
    assert_eq!(make().count(), 2);
    assert_eq!(taken(&log), ["finally g"]);
}

/// Pending forever, waking nobody: a task that never finishes.
struct Never;

impl Future for Never {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

#[test]
fn async_generators_close_on_aclose_even_while_awaiting() {
    // PEP 525: aclose() throws GeneratorExit at the paused yield: `closed, finally`.
    let log = logged();
    let make = || {
        let log = log.clone();
        AsyncGen::new(move |co: Co<u32>| async move {
            let _finally = Finally("g", log.clone());
            let _closed = on_close(|| log.borrow_mut().push("closed g".into()));
            co.yield_(1).await;
            Never.await;
            co.yield_(2).await;
        })
    };
    let mut g = make();
    block_on(async {
        assert_eq!(g.anext().await, Some(1));
        g.aclose().await;
    });
    assert_eq!(taken(&log), ["closed g", "finally g"]);
    // Closed while it awaits (a task that gave up on it): the body did not finish.
    let mut g = make();
    block_on(async { assert_eq!(g.anext().await, Some(1)) });
    let waiting = futures::FutureExt::now_or_never(g.anext());
    assert_eq!(waiting, None, "still waiting");
    block_on(g.aclose());
    assert_eq!(taken(&log), ["closed g", "finally g"]);
}

#[test]
fn recursive_generators_close_their_calls_innermost_first() {
    // Python: closing a recursive generator closes each `yield from` level, innermost
    // first: each level's `except GeneratorExit` runs before the level above it.
    let log = logged();
    let walk = |rec: Rec<u32, u32>, n: u32| {
        let log = log.clone();
        async move {
            let _closed = on_close(|| log.borrow_mut().push(format!("closed {n}")));
            rec.yield_(n).await;
            if n < 2 {
                rec.recurse(n + 1).await;
            }
        }
    };
    let mut g = Recursive::new(walk, 0);
    assert_eq!(g.by_ref().take(3).collect::<Vec<_>>(), [0, 1, 2]);
    g.close();
    assert_eq!(taken(&log), ["closed 2", "closed 1", "closed 0"]);
    // Run to the end: no call is closed.
    let mut g = Recursive::new(walk, 0);
    assert_eq!(g.by_ref().count(), 3);
    g.close();
    assert!(taken(&log).is_empty());
}
