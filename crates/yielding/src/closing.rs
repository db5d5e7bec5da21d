//! Cleanup that knows it is a close: Python's `except GeneratorExit:`, which runs only
//! when the generator is closed, against `finally:`, which runs always.
//!
//! Rust's `finally` is `Drop`, and a destructor cannot tell why it runs. So a generator
//! closed (or dropped) while paused marks this thread as closing while it drops its body,
//! and the [`OnClose`] guard reads that mark. A body that returns, or unwinds
//! from its own panic, drops its locals without it, and a generator that never started
//! clears it while its unstarted body is dropped (nothing of it ran, so nothing of it is
//! being closed).
//!
//! The mark has no generator identity, and needs none: only the locals of the body being
//! dropped (and of the generators it holds or delegates to, which mark their own drops)
//! are dropped while it is set. That is also what lets a `generator!` body, which has no
//! handle, use it.
//!
//! Setting the mark costs a thread-local swap and an unwind guard around the body's drop,
//! which more than doubled the cost of creating, starting and dropping a stack-pinned
//! generator (3.9× → 6.7× the hand-written baseline). So it is set only while a guard is
//! alive somewhere in the process ([`guards_alive`]): a program that never uses `on_close`
//! pays one relaxed load per close. A guard alive when a close begins is counted, so the
//! mark is set for every body that could hold one.

use core::cell::Cell;
use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};

std::thread_local! {
    // Whether the innermost body this thread is dropping is being closed.
    static CLOSING: Cell<bool> = const { Cell::new(false) };
}

/// How many [`OnClose`] guards are alive, on any thread. Relaxed is enough: a guard in a
/// body reaches the thread that closes it only through whatever moved the generator
/// there, which orders the increment before the close.
static GUARDS: AtomicUsize = AtomicUsize::new(0);

/// Whether any guard could be dropped by a close now, so that bodies must be marked.
#[inline(always)]
pub(crate) fn guards_alive() -> bool {
    GUARDS.load(Ordering::Relaxed) != 0
}

/// Runs `drop_body` with the closing mark set to `closing`, restoring the mark of any drop
/// this one happens inside, unwinding included.
pub(crate) fn dropping_body(closing: bool, drop_body: impl FnOnce()) {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            // A `const`, drop-free thread-local is never torn down, so this cannot fail.
            let _ = CLOSING.try_with(|mark| mark.set(self.0));
        }
    }
    let previous = CLOSING
        .try_with(|mark| mark.replace(closing))
        .unwrap_or(false);
    let _restore = Restore(previous);
    drop_body();
}

/// Whether the code running now is the cleanup of a generator being closed.
fn is_closing() -> bool {
    CLOSING.try_with(Cell::get).unwrap_or(false)
}

/// A guard that runs `cleanup` when it is dropped because the generator whose body holds
/// it is being closed (Python's `except GeneratorExit:`), and does nothing when it goes
/// out of scope otherwise: the body moving on past it, returning, or unwinding from a
/// panic. To ask the question in a destructor of your own, let the guard set a flag it
/// reads (guards drop in reverse order of declaration, so declare the guard after it).
///
/// Close means [`Gen::close`](crate::Gen::close) or dropping the generator while it is
/// paused (an [`AsyncGen`](crate::AsyncGen) also while it awaits: a cancelled task), or a
/// [`Recursive`](crate::Recursive) closed or dropped with calls live. It reaches delegates:
/// closing a generator closes the one it delegates to first, whose guards run first, as
/// Python's `close()` passes `GeneratorExit` down. Like any destructor it cannot yield
/// (Python's "generator ignored GeneratorExit" cannot happen); a panic in `cleanup` while
/// a panic already unwinds aborts.
///
/// It needs no handle, so it works in `generator!` bodies too. With the `std` feature (the
/// mark is a thread-local).
///
/// ```
/// use std::cell::RefCell;
/// use yielding::{generator, on_close};
///
/// // Python:
/// //     def g():
/// //         try:
/// //             yield 1
/// //         except GeneratorExit:
/// //             log.append("closed")
/// //             raise
/// //         finally:
/// //             log.append("finally")
/// struct Finally<'a>(&'a RefCell<Vec<&'static str>>);
/// impl Drop for Finally<'_> {
///     fn drop(&mut self) {
///         self.0.borrow_mut().push("finally");
///     }
/// }
///
/// let log = &RefCell::new(Vec::new());
/// let mut g = generator! {
///     let _finally = Finally(log);
///     let _closed = on_close(|| log.borrow_mut().push("closed"));
///     yield 1;
/// };
/// g.next();
/// g.close();
/// assert_eq!(*log.borrow(), ["closed", "finally"]);
///
/// log.borrow_mut().clear();
/// let g = generator! {
///     let _finally = Finally(log);
///     let _closed = on_close(|| log.borrow_mut().push("closed"));
///     yield 1;
/// };
/// assert_eq!(g.count(), 1); // ran to the end: no close
/// assert_eq!(*log.borrow(), ["finally"]);
/// ```
pub fn on_close<F: FnOnce()>(cleanup: F) -> OnClose<F> {
    GUARDS.fetch_add(1, Ordering::Relaxed);
    OnClose {
        cleanup: Some(cleanup),
    }
}

/// The guard of [`on_close`]: runs its cleanup if it is dropped while its generator is
/// being closed.
///
/// ```
/// use std::cell::Cell;
/// use yielding::{Gen, OnClose, on_close};
///
/// let closed = &Cell::new(false);
/// let mut g = Gen::new(|co| async move {
///     let _guard: OnClose<_> = on_close(|| closed.set(true));
///     co.yield_(()).await;
/// });
/// g.next();
/// drop(g); // dropping a paused generator closes it
/// assert!(closed.get());
/// ```
#[must_use = "the cleanup runs when the guard is dropped by a close; bind it to a variable"]
pub struct OnClose<F: FnOnce()> {
    cleanup: Option<F>,
}

impl<F: FnOnce()> Drop for OnClose<F> {
    fn drop(&mut self) {
        let closing = is_closing();
        // Counted until its cleanup has run, so that a close inside the cleanup still marks.
        struct Uncount;
        impl Drop for Uncount {
            fn drop(&mut self) {
                GUARDS.fetch_sub(1, Ordering::Relaxed);
            }
        }
        let _uncount = Uncount;
        if closing {
            if let Some(cleanup) = self.cleanup.take() {
                cleanup();
            }
        }
    }
}

impl<F: FnOnce()> fmt::Debug for OnClose<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnClose").finish_non_exhaustive()
    }
}
