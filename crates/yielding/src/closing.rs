//! Cleanup that knows it is a close: Python's `except GeneratorExit:`, which runs only
//! when the generator is closed, against `finally:`, which runs always.
//!
//! Rust's `finally` is `Drop`, and a destructor cannot tell why it runs. So `close()` (of
//! a [`Gen`](crate::Gen), an [`AsyncGen`](crate::AsyncGen) or a
//! [`Recursive`](crate::Recursive)) marks this thread as closing while it drops a paused
//! body, and the [`OnClose`] guard reads that mark. A body that returns, or unwinds from
//! its own panic, drops its locals without it. The mark has no generator identity and
//! needs none: only the locals of the body being closed (and of what they own) are dropped
//! while it is set. That is also what lets a `generator!` body, which has no handle, use it.
//!
//! Only `close()` marks, not a generator's `Drop`. A generator's drop is inlined into
//! whatever holds it, often another body's `poll` or a consumer's loop, and any code there
//! that might run on a drop (a thread-local swap, even a call never taken) kept the
//! bodies' state out of registers: W1 went from 1.0x to 6-9x the hand-written loop and W4
//! from 0.8x to 8x, whichever way it was written. `close()` is called where it is needed.

use core::cell::Cell;
use core::fmt;

std::thread_local! {
    // Whether the innermost body this thread is dropping is being closed.
    static CLOSING: Cell<bool> = const { Cell::new(false) };
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
/// reads (locals drop in reverse order of declaration, so declare the guard after it).
///
/// A close is [`Gen::close`](crate::Gen::close), [`AsyncGen::aclose`](crate::AsyncGen::aclose)
/// or [`Recursive::close`](crate::Recursive::close) while the body is paused, and it
/// reaches delegates and paused generators the body owns: closing a generator closes the
/// one it delegates to first, whose guards run first, as Python's `close()` passes
/// `GeneratorExit` down. **Dropping** a paused generator without `close()` drops its
/// locals (every `finally`) but runs no guard, where Python's garbage collector would call
/// `close()`: marking every drop would slow every generator (see `closing` in the
/// source). Close a generator whose guards should run. Like any destructor the cleanup
/// cannot yield (Python's "generator ignored GeneratorExit" cannot happen); a panic in it
/// while a panic already unwinds aborts.
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
/// g.close();
/// assert!(closed.get());
/// ```
#[must_use = "the cleanup runs when the guard is dropped by a close; bind it to a variable"]
pub struct OnClose<F: FnOnce()> {
    cleanup: Option<F>,
}

impl<F: FnOnce()> Drop for OnClose<F> {
    fn drop(&mut self) {
        if is_closing() {
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
