//! The hand-off between a generator's driver and its body: the crate's only `unsafe` code.
//!
//! Each resume puts a [`Slot`] on the driver's stack frame and polls the body with a waker
//! whose data pointer is the slot's address. A [`Yield`](crate::Yield) future finds the slot
//! again through `cx.waker()`, writes the yielded value into it, and reads the sent value
//! out of it on the next resume. An async generator's slot also records the waker of the
//! task polling it, which the slot's waker forwards to, so that real futures awaited in
//! the body wake that task. Nothing is allocated and nothing is shared between threads, which is what makes a resume as cheap as a hand-written `Iterator::next`
//! (a shared `Rc<Cell<_>>` slot measured 3.6× slower; see DESIGN.md).
//!
//! Soundness rests on four checks, all made in [`slot_in`]:
//! 1. The waker's vtable is [`SLOT_VTABLE`], a private static: only [`poll_with_slot`]
//!    builds such a waker, and only for the duration of one poll. Cloning it produces the
//!    waker of the task driving an async generator, or a no-op waker for a synchronous
//!    one, so no waker carrying a slot address outlives the poll.
//! 2. The poll runs on the thread running the resume ([`current_thread`], recorded in the
//!    slot's header). The waker and the yield handle are `Sync`, so a body can lend both to
//!    a scoped thread; the slot's `Cell`s are only ever touched by the resuming thread.
//!    Without `std` this check does not exist, and `Co` and `Yield` are `!Send + !Sync`
//!    instead, so no yield point can reach another thread.
//! 3. The slot's [`Token`] equals the token of the `Co` handle doing the lookup. Tokens
//!    are unique per generator, forever.
//! 4. A generator's slot is always a `Slot<Y, S, D>` of the same types as the yield
//!    handle its body holds: a `Gen`'s slots are `Slot<Y, S, Registration<Y, S>>` and its
//!    `Co<Y, S>` is created with its token in `Gen`'s constructors; a `Recursive`'s slots are
//!    `Slot<Y, R, A>` and every frame's `Rec<Y, A, R>` is created by its driver with its
//!    token. No token serves two generators, so equal tokens imply equal types.
//!
//! A foreign executor's waker, or another thread, is a panic with a message that names
//! the misuse, never a read through a wrong pointer. Another generator's slot (on this
//! thread) gets a [`Fault`] code in its header, which its driver reports after the poll:
//! that way no yield point calls out on its hot path, which is what lets a whole resume
//! inline (BENCHMARKS.md, "Engine v2").

use core::cell::Cell;
use core::future::Future;
use core::mem::{self, ManuallyDrop};
use core::pin::Pin;
use core::ptr;
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use super::delegation::Registration;

/// How many tokens a thread takes at a time (see [`Token::fresh`]).
#[cfg(feature = "std")]
const BLOCK: u64 = 1024;

/// Identifies one generator for its whole life; never reused.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) struct Token(u64);

impl Token {
    /// Marks a `yield_` future that has completed; no generator has this token.
    pub(crate) const SPENT: Token = Token(0);

    /// A token no other generator has had or will have. A 64-bit counter incremented once
    /// per generator cannot wrap in practice (centuries at one increment per nanosecond).
    ///
    /// With `std`, each thread takes a block of tokens at a time and hands them out from a
    /// thread-local counter: one locked add per block instead of one per generator, which
    /// is most of a generator's creation cost after the allocation. Blocks never overlap,
    /// so tokens stay unique across threads. Blocks are aligned to their size, so the
    /// counter alone says when its block is used up: one thread-local load and one store
    /// per generator.
    #[inline]
    pub(crate) fn fresh() -> Token {
        #[cfg(feature = "std")]
        {
            use core::cell::Cell;
            std::thread_local! {
                // The next token of this thread's block; a multiple of BLOCK (0 at first)
                // when the block is used up.
                static NEXT: Cell<u64> = const { Cell::new(0) };
            }
            // A thread being torn down has no thread-locals left; it takes a block per
            // token.
            if let Ok(token) = NEXT.try_with(|next| {
                let mut token = next.get();
                if token % BLOCK == 0 {
                    token = Self::take_block();
                }
                next.set(token + 1);
                Token(token)
            }) {
                return token;
            }
            Token(Self::take_block())
        }
        // Without thread-locals, one locked add per generator.
        #[cfg(not(feature = "std"))]
        {
            static NEXT: AtomicU64 = AtomicU64::new(1);
            Token(NEXT.fetch_add(1, Ordering::Relaxed))
        }
    }

    /// The first token of a block of BLOCK tokens no one else has. The first block is
    /// skipped, so no token is `SPENT`.
    #[cfg(feature = "std")]
    #[cold]
    fn take_block() -> u64 {
        static NEXT_BLOCK: AtomicU64 = AtomicU64::new(BLOCK);
        NEXT_BLOCK.fetch_add(BLOCK, Ordering::Relaxed)
    }
}

/// Identifies the thread that runs a resume, so that a yield point polled on any other
/// thread (a scoped thread handed the body's waker and yield handle) is refused before it
/// touches the slot, whose `Cell`s only the resuming thread may use.
///
/// With `std`, it is the address of a thread-local: distinct for every thread alive at the
/// same time, which is all the check needs (the resuming thread is alive throughout its
/// slot's life, and so is any thread polling inside that resume). It is one
/// `fs`-relative address on x86-64 Linux, and once a body is inlined into its driver the
/// two reads fold into one and the comparison disappears.
///
/// Without `std` there is no portable way to tell threads apart, so the types forbid what
/// cannot be checked instead: `Co` and `Yield` are then neither `Send` nor `Sync` (see
/// `co.rs`), and no yield point can reach another thread.
#[inline(always)]
pub(crate) fn current_thread() -> usize {
    #[cfg(feature = "std")]
    {
        std::thread_local! {
            // One byte, not a zero-sized type, so that every thread's copy has its own
            // address. `const` and drop-free, so access never fails and never registers
            // a destructor.
            static HERE: u8 = const { 0 };
        }
        // `try_with` cannot fail for a drop-free `const` thread-local; if it ever did, the
        // fallback is an address no thread-local has, so the check refuses rather than
        // accepts.
        HERE.try_with(|here| ptr::from_ref(here).addr())
            .unwrap_or(usize::MAX)
    }
    #[cfg(not(feature = "std"))]
    {
        0
    }
}

/// The part of a slot that does not depend on its types: `repr(C)` and first in every
/// `Slot<Y, S>`, so it can be read through a slot's address before the types are known.
/// Written once, before the poll the slot is made for, and never during it (but for
/// `fault`, which only the resuming thread touches): so any thread may read the rest while
/// the slot is alive.
#[repr(C)]
struct Header {
    token: Token,
    /// [`current_thread`] of the resuming thread.
    thread: usize,
    /// The waker of the task driving an async generator, or null for a synchronous one.
    /// Only read during the poll the slot was made for, while it is alive.
    outer: *const Waker,
    /// The address range of the generator's pinned body, where a `yield_from` node must
    /// lie to be driven directly (see `raw::delegation`).
    body: (usize, usize),
    /// Whether the generator is resumed as a delegate on another generator's stack, which
    /// pushes the nodes its body registers, rather than as the outermost generator, whose
    /// body's first node starts a stack of its own.
    as_delegate: bool,
    /// The [`Fault`] a yield point of another generator left here instead of calling out
    /// to panic. The driver reports it once the poll returns.
    fault: Cell<Option<Fault>>,
}

/// A misuse found by a yield point that is reported by the driver, after the poll, rather
/// than where it was found: a yield point that calls nothing keeps a body small enough to
/// inline into its driver, which is most of a resume's speed (see BENCHMARKS.md, W3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// A yield handle of another generator, used in this one's body.
    OtherGenerator,
    /// A `yield_` future polled again after it completed.
    PolledAfterCompletion,
}

/// What a [`Slot`] records of the generator it is made for, besides its token.
#[derive(Clone, Copy)]
pub(crate) struct Resume<'a> {
    /// See [`Header::outer`].
    pub(crate) outer: Option<&'a Waker>,
    /// The body's address and size (see [`Header::body`]).
    pub(crate) body: (*const (), usize),
    /// See [`Header::as_delegate`].
    pub(crate) as_delegate: bool,
}

/// What a body left in its slot when its poll returned.
pub(crate) enum Out<Y, D> {
    /// Nothing: the body finished, or (async) waits on a real future.
    Empty,
    /// The value of a `yield_`.
    Yielded(Y),
    /// A request to run something else before this body goes on: for a `Gen`, a
    /// `yield_from` asking the driver to resume its delegate directly from now on (a
    /// [`Registration`]); for a `Recursive`, the argument of a recursive call, for which the
    /// driver pushes a new frame.
    Delegated(D),
}

/// The per-resume slot: the value sent in, and what the body gives back.
///
/// The protocol, kept small because every `yield_` in a body inlines its half of it:
/// a fresh `yield_` puts its value in `out` (finding it occupied means two yields at
/// once); a paused `yield_` takes `sent` (finding it empty means it is
/// being polled again in the resume where it yielded). A `yield_from` puts its registration
/// in `out` the same way. The driver checks the rest once per resume: something was yielded
/// or delegated, or (only in an async generator) the body is waiting on a real future; the
/// sent value was taken; and nothing yielded is left behind when the body returns.
///
/// `S` is what the driver hands back in (a `Gen`'s sent value; a `Recursive`'s return value
/// of a finished call) and `D` what a body may ask of it besides a yield (see [`Out`]).
#[repr(C)]
pub(crate) struct Slot<Y, S, D = Registration<Y, S>> {
    header: Header,
    pub(crate) sent: Cell<Option<S>>,
    out: Cell<Out<Y, D>>,
}

impl<Y, S, D> Slot<Y, S, D> {
    /// A slot for one resume on this thread. `outer` is the waker of the task polling an
    /// async generator, which must outlive the slot (it does: both live for one poll);
    /// `None` for a synchronous generator, whose body has no task to wake.
    #[inline(always)]
    pub(crate) fn new(token: Token, sent: Option<S>, resume: Resume<'_>) -> Self {
        let start = resume.body.0.addr();
        Slot {
            header: Header {
                token,
                thread: current_thread(),
                outer: resume.outer.map_or(ptr::null(), ptr::from_ref),
                body: (start, start + resume.body.1),
                as_delegate: resume.as_delegate,
                fault: Cell::new(None),
            },
            sent: Cell::new(sent),
            out: Cell::new(Out::Empty),
        }
    }

    /// Hands `value` to the driver. If something was already there (two yields at once),
    /// the slot keeps that and `value` comes back, for its yield point to keep while it
    /// reports the misuse.
    #[inline(always)]
    pub(crate) fn put_yield(&self, value: Y) -> Result<(), Y> {
        if self.is_occupied() {
            return Err(value);
        }
        // It was empty: nothing to drop.
        mem::forget(self.out.replace(Out::Yielded(value)));
        Ok(())
    }

    /// Puts `out` in the slot; if something was already there, the slot keeps that and
    /// `out` comes back.
    #[inline(always)]
    pub(crate) fn put(&self, out: Out<Y, D>) -> Result<(), Out<Y, D>> {
        if self.is_occupied() {
            return Err(out);
        }
        mem::forget(self.out.replace(out));
        Ok(())
    }

    /// Whether something was yielded or delegated in this resume already.
    #[inline(always)]
    pub(crate) fn is_occupied(&self) -> bool {
        // SAFETY: a plain read of the cell's discriminant. `Slot` is `!Sync` and only the
        // resuming thread reaches it (see `slot_in`), no reference into the cell exists
        // (`Cell` never gives one out), and nothing else runs during this read.
        !matches!(unsafe { &*self.out.as_ptr() }, Out::Empty)
    }

    /// What the body left: the driver takes it once, right after the poll.
    #[inline(always)]
    pub(crate) fn take_out(&self) -> Out<Y, D> {
        self.out.replace(Out::Empty)
    }

    /// Where a registration lives until the driver takes it.
    pub(super) fn out_cell(&self) -> &Cell<Out<Y, D>> {
        &self.out
    }

    /// The misuse a yield point recorded during the poll, if any.
    #[inline(always)]
    pub(crate) fn fault(&self) -> Option<Fault> {
        self.header.fault.get()
    }

    /// Whether `len` bytes at `at` lie inside the generator's pinned body.
    pub(super) fn inside_body(&self, at: usize, len: usize) -> bool {
        let (start, end) = self.header.body;
        start <= at && at + len <= end
    }

    /// Whether the generator is resumed as a delegate on another's stack.
    pub(super) fn as_delegate(&self) -> bool {
        self.header.as_delegate
    }

    /// The waker of the task polling an async generator, for the delegates it resumes.
    pub(super) fn outer(&self) -> Option<&Waker> {
        // SAFETY: `outer` is null or points to the waker of the poll this slot was made
        // for, which outlives the slot (see `Slot::new`).
        unsafe { self.header.outer.as_ref() }
    }
}

/// The vtable that marks a waker as carrying a slot address. Such a waker exists only
/// inside `poll_with_slot`, for one poll, and is never handed out by value: `clone` returns
/// a clone of the outer task's waker (or a no-op waker for a synchronous generator), so no
/// copy of the slot address outlives the poll, and these functions only ever run while the
/// slot is alive. They may run on any thread (a `&Waker` is `Send`), so they read only the
/// header's `outer`, which nothing writes during the poll.
static SLOT_VTABLE: RawWakerVTable =
    RawWakerVTable::new(clone_outer, wake_outer, wake_outer, ignore_data);

/// The outer waker recorded in the slot at `data`, if any.
fn outer_waker<'a>(data: *const ()) -> Option<&'a Waker> {
    // SAFETY: `data` is the address of a live `Slot<_, _>`: these functions are reached
    // only through the waker `poll_with_slot` builds, during its poll (see SLOT_VTABLE).
    // Every `Slot` starts with a `Header` (`repr(C)`), never written during the poll. Its
    // `outer` is null, or points to the waker of the poll's
    // task, alive for that poll and `Sync`.
    unsafe { (*data.cast::<Header>()).outer.as_ref() }
}

fn clone_outer(data: *const ()) -> RawWaker {
    let waker = match outer_waker(data) {
        Some(outer) => outer.clone(),
        None => Waker::noop().clone(),
    };
    let raw = RawWaker::new(waker.data(), waker.vtable());
    // Ownership of the clone passes to the returned `RawWaker`.
    core::mem::forget(waker);
    raw
}

fn wake_outer(data: *const ()) {
    if let Some(outer) = outer_waker(data) {
        outer.wake_by_ref();
    }
}

fn ignore_data(_: *const ()) {}

/// The address of a pinned body, for the range a `yield_from` node must lie in (see
/// `raw::delegation`), and the pin to poll it through.
///
/// Taking it with `&*body` would retag the whole body as shared, read-only, and so
/// invalidate the mutable borrows an `async` block holds into itself across an `.await`
/// (Miri reports it, under Stacked and Tree Borrows alike). A mutable reference to a body
/// that is `!Unpin`, as every `async` block is, is not retagged; the address is taken from
/// it as a raw pointer, and the pin handed back is a reborrow of that same pointer.
#[inline(always)]
pub(crate) fn with_address<F>(body: Pin<&mut F>) -> (Pin<&mut F>, *const F) {
    // SAFETY: nothing is moved out of the pinned body: the pointer only gives its address,
    // and the `Pin` rebuilt from it points to the same place, which stays pinned.
    unsafe {
        let raw = ptr::from_mut(body.get_unchecked_mut());
        (Pin::new_unchecked(&mut *raw), raw.cast_const())
    }
}

/// Polls `body` once with a waker that carries `slot`'s address.
#[inline(always)]
pub(crate) fn poll_with_slot<F: Future, Y, S, D>(
    body: Pin<&mut F>,
    slot: &Slot<Y, S, D>,
) -> Poll<F::Output> {
    let raw = RawWaker::new(ptr::from_ref(slot).cast::<()>(), &SLOT_VTABLE);
    // SAFETY: `Waker::from_raw` requires the vtable functions to be thread-safe and to
    // uphold the `RawWaker` contract for the data pointer. They only read the slot's
    // header's `outer`, which nothing writes during the poll, and the outer waker, which
    // is `Sync`; and they only run during this poll, while `slot` is alive (see
    // SLOT_VTABLE).
    let waker = unsafe { Waker::from_raw(raw) };
    // Its drop is the no-op `ignore_data`; skipping it saves an indirect call per resume,
    // which the optimiser cannot see through across crates (measured: 7x on W1).
    let waker = ManuallyDrop::new(waker);
    body.poll(&mut Context::from_waker(&waker))
}

/// Why a yield point could not use the slot it was polled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Misuse {
    /// The waker is not a generator's: the future is polled by some other executor,
    /// or the handle is used outside any generator.
    ForeignWaker,
    /// The waker is a generator's, but the poll runs on a thread other than the one
    /// resuming that generator.
    OtherThread,
    /// The waker is another generator's (or the yield point's generator has finished with
    /// it): recorded in that generator's slot for its driver to report, as
    /// [`Fault`], so the yield point only returns `Pending`.
    Recorded,
    /// As `Recorded`, a second time in one poll.
    RecordedTwice,
}

/// Finds the slot of the generator whose token is `token`, if `cx` is that generator's
/// resume and this is the thread running it.
///
/// The hot path is three compares on data the driver wrote just before the poll: once the
/// body is inlined into its driver, they fold away. Nothing here takes the address of
/// `cx` or of the slot out of line, which would keep the slot in memory.
#[inline(always)]
pub(crate) fn slot_in<'cx, Y, S, D>(
    cx: &'cx Context<'_>,
    token: Token,
) -> Result<&'cx Slot<Y, S, D>, Misuse> {
    let waker = cx.waker();
    if !ptr::eq(waker.vtable(), &SLOT_VTABLE) {
        return Err(Misuse::ForeignWaker);
    }
    let data = waker.data();
    // SAFETY: only `poll_with_slot` builds a waker with SLOT_VTABLE (the static is private
    // and clones get another vtable), and its data pointer is then a `&Slot<_, _>` that
    // lives until that poll returns. `cx` borrows that waker, so the slot is alive for
    // `'cx`. Every `Slot` is `repr(C)` with the `Header` first, and the header is written
    // before the poll and never during it, so it can be read from any thread, whatever the
    // slot's type parameters.
    let (found, thread) = unsafe {
        let header = data.cast::<Header>();
        ((*header).token, (*header).thread)
    };
    if thread != current_thread() {
        return Err(Misuse::OtherThread);
    }
    if found != token {
        // SAFETY: as above, a live slot's header, and this is its resuming thread, the only
        // one that touches `fault`.
        let fault = unsafe { &(*data.cast::<Header>()).fault };
        // A second misuse in the same poll would mean the body goes on polling yield
        // points that never pause it (a `select` in a loop, say): that one panics where
        // it is, so that nothing spins.
        if fault.get().is_some() {
            return Err(Misuse::RecordedTwice);
        }
        let code = if token == Token::SPENT {
            Fault::PolledAfterCompletion
        } else {
            Fault::OtherGenerator
        };
        fault.set(Some(code));
        return Err(Misuse::Recorded);
    }
    // SAFETY: as above the slot is alive for `'cx`. Tokens are unique per generator and a
    // generator's slots and yield handles share their `Y`, `S` and `D` (see the module
    // docs), so equal tokens mean this slot really is a `Slot<Y, S, D>`. And this is the thread running the
    // resume, the only one that uses the slot's cells, through shared references, as the
    // driver does.
    Ok(unsafe { &*data.cast::<Slot<Y, S, D>>() })
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::Token;
    use std::collections::HashSet;
    use std::vec::Vec;

    #[test]
    fn tokens_are_unique_across_threads_and_blocks() {
        // 3000 per thread crosses two block boundaries on each of four threads.
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..3000).map(|_| Token::fresh()).collect::<Vec<_>>()))
            .collect();
        let mut seen = HashSet::new();
        for thread in threads {
            for token in thread.join().unwrap() {
                assert_ne!(token, Token::SPENT);
                assert!(seen.insert(token.0), "token {} handed out twice", token.0);
            }
        }
        assert_eq!(seen.len(), 12_000);
    }
}
