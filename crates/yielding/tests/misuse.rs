//! Misuse of the API: each case is a panic with a message naming the mistake, and leaves
//! no double drop, no leak and no wrong answer behind. See the crate docs' "Misuse".

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use yielding::{Co, Gen, GeneratorState, SharedGen};

#[path = "support/panics.rs"]
mod panics;
use panics::panic_message;

/// A future that is pending once, as a timer or a channel would be.
struct PendingOnce(bool);

impl Future for PendingOnce {
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

/// Counts its drops, to prove every value is dropped exactly once.
struct DropCounter(Rc<Cell<u32>>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn awaiting_a_foreign_future_panics_and_closes_the_generator() {
    let drops = Rc::new(Cell::new(0));
    let local = DropCounter(Rc::clone(&drops));
    let mut g = Gen::new(|co| async move {
        let _held = local;
        co.yield_(1).await;
        PendingOnce(false).await;
        co.yield_(2).await;
    });
    assert_eq!(g.next(), Some(1));
    let message = panic_message(|| {
        g.next();
    });
    assert!(
        message.contains("awaited a future that is not its own yield_"),
        "{message}"
    );
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(
        drops.get(),
        1,
        "the live locals were dropped when it closed"
    );
    assert_eq!(g.next(), None, "and it stays exhausted");
    drop(g);
    assert_eq!(drops.get(), 1);
}

#[test]
fn an_escaped_yield_handle_polled_by_an_executor_panics() {
    let smuggled: Rc<RefCell<Option<Co<i32>>>> = Rc::default();
    let out = Rc::clone(&smuggled);
    let mut g = Gen::new(|co| async move {
        *out.borrow_mut() = Some(co);
    });
    assert_eq!(g.next(), None);
    let co = smuggled.borrow_mut().take().expect("the handle escaped");
    let message = panic_message(|| futures::executor::block_on(co.yield_(1)));
    assert!(
        message.contains("polled outside its generator"),
        "{message}"
    );
}

#[test]
fn a_yield_future_polled_by_an_executor_inside_the_body_panics() {
    let mut g = Gen::new(|co| async move {
        futures::executor::block_on(co.yield_(1));
    });
    let message = panic_message(|| {
        g.next();
    });
    assert!(
        message.contains("polled outside its generator"),
        "{message}"
    );
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn a_yield_future_polled_with_a_no_op_waker_panics() {
    let smuggled: Rc<RefCell<Option<Co<&str>>>> = Rc::default();
    let out = Rc::clone(&smuggled);
    let mut g = Gen::new(|co| async move {
        *out.borrow_mut() = Some(co);
    });
    g.next();
    let co = smuggled.borrow_mut().take().unwrap();
    let mut fut = pin!(co.yield_("stray"));
    let message = panic_message(|| {
        let _ = fut.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    });
    assert!(
        message.contains("polled outside its generator"),
        "{message}"
    );
}

#[test]
fn a_yield_handle_used_in_a_generator_of_another_item_type_panics() {
    let smuggled: Rc<RefCell<Option<Co<i32>>>> = Rc::default();
    let out = Rc::clone(&smuggled);
    let mut first = Gen::new(|co| async move {
        *out.borrow_mut() = Some(co);
    });
    first.next();
    let foreign = smuggled.borrow_mut().take().unwrap();
    let mut second = Gen::new(|co| async move {
        co.yield_("mine".to_string()).await;
        foreign.yield_(42).await; // an i32 into a generator of Strings
        co.yield_("unreached".to_string()).await;
    });
    assert_eq!(second.next().as_deref(), Some("mine"));
    let message = panic_message(|| {
        second.next();
    });
    assert!(
        message.contains("inside a generator other than its own"),
        "{message}"
    );
    assert_eq!(second.next(), None);
}

#[test]
fn a_yield_handle_used_in_another_generator_of_the_same_type_panics() {
    // Same types, so no memory hazard: but the value would reach the wrong caller, a
    // silent wrong answer. It panics instead.
    let smuggled: Rc<RefCell<Option<Co<i32>>>> = Rc::default();
    let out = Rc::clone(&smuggled);
    let mut first = Gen::new(|co| async move {
        *out.borrow_mut() = Some(co);
    });
    first.next();
    let foreign = smuggled.borrow_mut().take().unwrap();
    let mut second = Gen::new(|_co: Co<i32>| async move {
        foreign.yield_(42).await;
    });
    let message = panic_message(|| {
        second.next();
    });
    assert!(
        message.contains("inside a generator other than its own"),
        "{message}"
    );
}

#[test]
fn a_yield_handle_used_by_a_nested_generator_panics() {
    // The outer handle, awaited inside an inner generator that the outer body drives.
    let mut outer = Gen::new(|co: Co<i32>| async move {
        let co = &co;
        let mut inner = Gen::new(|_inner_co: Co<i32>| async move {
            co.yield_(1).await;
        });
        inner.next();
    });
    let message = panic_message(|| {
        outer.next();
    });
    assert!(
        message.contains("inside a generator other than its own"),
        "{message}"
    );
}

#[test]
fn two_yields_awaited_at_once_panic() {
    let drops = Rc::new(Cell::new(0));
    let (a, b) = (
        DropCounter(Rc::clone(&drops)),
        DropCounter(Rc::clone(&drops)),
    );
    let mut g = Gen::new(|co| async move {
        futures::join!(co.yield_(a), co.yield_(b));
    });
    let message = panic_message(|| {
        g.next();
    });
    assert!(message.contains("awaited at once"), "{message}");
    assert_eq!(drops.get(), 2, "both yielded values dropped exactly once");
    assert_eq!(g.next().map(|_| ()), None);
}

#[test]
fn re_entrant_resumption_through_a_shared_handle_panics() {
    // Python: ValueError: generator already executing.
    type Hook = Box<dyn Fn()>;
    let hook: Rc<std::cell::OnceCell<Hook>> = Rc::default();
    let inside = Rc::clone(&hook);
    let g = Rc::new(SharedGen::new(Gen::new(move |co| async move {
        (inside.get().unwrap())();
        co.yield_(1).await;
    })));
    let me = Rc::downgrade(&g); // weak: no reference cycle, nothing leaks
    let _ = hook.set(Box::new(move || {
        me.upgrade().unwrap().next();
    }));
    let message = panic_message(|| {
        g.next();
    });
    assert!(message.contains("generator already executing"), "{message}");
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn re_entrant_resumption_through_a_refcell_is_a_borrow_error() {
    // Without SharedGen, the shared handle's own check names the problem.
    type Hook = Box<dyn Fn()>;
    let hook: Rc<std::cell::OnceCell<Hook>> = Rc::default();
    let inside = Rc::clone(&hook);
    let g = Rc::new(RefCell::new(Gen::new(move |co| async move {
        (inside.get().unwrap())();
        co.yield_(1).await;
    })));
    let me = Rc::downgrade(&g); // weak: no reference cycle, nothing leaks
    let _ = hook.set(Box::new(move || {
        me.upgrade().unwrap().borrow_mut().next();
    }));
    let message = panic_message(|| {
        g.borrow_mut().next();
    });
    assert!(message.contains("already"), "{message}");
}

#[test]
fn delegating_to_a_suspended_generator_panics() {
    // Python would send None into it; a typed send value has no None to send.
    let mut inner = Gen::with_send(|co: Co<i32, i32>| async move {
        let x = co.yield_(1).await;
        co.yield_(x).await;
    });
    inner.start();
    let mut outer = Gen::with_send(|co: Co<i32, i32>| async move {
        co.yield_from(inner).await;
    });
    let message = panic_message(|| {
        outer.start();
    });
    assert!(message.contains("already started"), "{message}");
    assert_eq!(outer.state(), GeneratorState::Closed);
}

#[test]
fn a_sent_value_that_no_yield_receives_panics_instead_of_vanishing() {
    // The body polls a yield future once by hand, then drops it: the value sent to it has
    // no receiver. Silently dropping it would be a wrong answer.
    let mut g = Gen::with_send(|co: Co<i32, String>| async move {
        let mut first = Box::pin(co.yield_(1));
        let _ = futures::poll!(first.as_mut()); // yields 1
        futures::pending!(); // hands control back to the driver, as a paused yield would
        drop(first); // the value sent for it is never read
        co.yield_(2).await;
    });
    assert_eq!(g.start(), Some(1));
    let message = panic_message(|| {
        g.send("lost?".to_string());
    });
    assert!(message.contains("was not received"), "{message}");
    assert_eq!(g.state(), GeneratorState::Closed);
}
