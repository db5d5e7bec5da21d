//! The hand-off between a generator's driver and its body: the crate's only `unsafe` code.
//!
//! Each resume puts a [`Slot`] on the driver's stack frame and polls the body with a waker
//! whose data pointer is the slot's address. A [`Yield`](crate::Yield) future finds the slot
//! again through `cx.waker()`, writes the yielded value into it, and reads the sent value
//! out of it on the next resume. Nothing is allocated and nothing is shared between
//! threads, which is what makes a resume as cheap as a hand-written `Iterator::next`
//! (a shared `Rc<Cell<_>>` slot measured 3.6× slower; see DESIGN.md).
//!
//! Soundness rests on three checks, all made in [`slot_in`]:
//! 1. The waker's vtable is [`SLOT_VTABLE`], a private static: only [`poll_with_slot`]
//!    builds such a waker, and only for the duration of one poll. Cloning it produces
//!    an ordinary no-op waker, so no waker carrying a slot address outlives the poll.
//! 2. The slot's [`Token`] equals the token of the `Co` handle doing the lookup. Tokens
//!    come from a global counter, so they are unique per generator, forever.
//! 3. A generator's slot is always a `Slot<Y, S>` of the same `Y` and `S` as the `Co<Y, S>`
//!    handed to its body: both are created together, in `Gen`'s constructors, with the one
//!    token. Equal tokens therefore imply equal types.
//!
//! Any other case (a foreign executor's waker, another generator's slot) is a panic with a
//! message that names the misuse, never a read through a wrong pointer.

use core::cell::Cell;
use core::future::Future;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::ptr;
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

/// Identifies one generator for its whole life; never reused.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) struct Token(u64);

impl Token {
    /// Marks a `yield_` future that has completed; no generator has this token.
    pub(crate) const SPENT: Token = Token(0);

    /// A token no other generator has had or will have. A 64-bit counter incremented once
    /// per generator cannot wrap in practice (centuries at one increment per nanosecond).
    pub(crate) fn fresh() -> Token {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Token(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// The per-resume slot: the value sent in, and the value yielded out. `repr(C)` puts
/// `token` first, so a pointer to any `Slot<Y, S>` can be read as a pointer to a `Token`
/// before its types are known.
///
/// The protocol, kept small because every `yield_` in a body inlines its half of it:
/// a fresh `yield_` puts its value in `yielded` (finding it occupied means two yields at
/// once); a paused `yield_` takes `sent` (finding it empty means it is being polled again in
/// the resume where it yielded). The driver checks the rest once per resume: something was
/// yielded, and the sent value was taken.
#[repr(C)]
pub(crate) struct Slot<Y, S> {
    token: Token,
    pub(crate) sent: Cell<Option<S>>,
    pub(crate) yielded: Cell<Option<Y>>,
}

impl<Y, S> Slot<Y, S> {
    #[inline(always)]
    pub(crate) fn new(token: Token, sent: Option<S>) -> Self {
        Slot {
            token,
            sent: Cell::new(sent),
            yielded: Cell::new(None),
        }
    }
}

/// The vtable that marks a waker as carrying a slot address. Its functions never read the
/// data pointer, so a waker built from it is harmless even after the slot is gone; and
/// `clone` hands out a plain no-op waker, so no copy of the slot address escapes the poll.
static SLOT_VTABLE: RawWakerVTable =
    RawWakerVTable::new(clone_as_noop, ignore_data, ignore_data, ignore_data);

fn clone_as_noop(_: *const ()) -> RawWaker {
    let noop = Waker::noop();
    RawWaker::new(noop.data(), noop.vtable())
}

fn ignore_data(_: *const ()) {}

/// Polls `body` once with a waker that carries `slot`'s address.
#[inline(always)]
pub(crate) fn poll_with_slot<F: Future, Y, S>(
    body: Pin<&mut F>,
    slot: &Slot<Y, S>,
) -> Poll<F::Output> {
    let raw = RawWaker::new(ptr::from_ref(slot).cast::<()>(), &SLOT_VTABLE);
    // SAFETY: `Waker::from_raw` requires the vtable functions to be thread-safe and to
    // uphold the `RawWaker` contract for the data pointer. None of SLOT_VTABLE's functions
    // dereference the pointer (`clone` returns an unrelated no-op waker; wake and drop do
    // nothing), so the contract holds whatever the pointer's lifetime.
    let waker = unsafe { Waker::from_raw(raw) };
    // Its drop is the no-op `ignore_data`; skipping it saves an indirect call per resume,
    // which the optimiser cannot see through across crates (measured: 7x on W1).
    let waker = ManuallyDrop::new(waker);
    body.poll(&mut Context::from_waker(&waker))
}

/// Why [`slot_in`] could not find the generator's slot.
pub(crate) enum Misuse {
    /// The waker is not a generator's: the future is polled by some other executor,
    /// or the handle is used outside any generator.
    ForeignWaker,
    /// The waker is another generator's.
    OtherGenerator,
}

/// Finds the slot of the generator whose token is `token`, if `cx` is that generator's
/// resume.
#[inline(always)]
pub(crate) fn slot_in<'cx, Y, S>(
    cx: &'cx Context<'_>,
    token: Token,
) -> Result<&'cx Slot<Y, S>, Misuse> {
    let waker = cx.waker();
    if !ptr::eq(waker.vtable(), &SLOT_VTABLE) {
        return Err(Misuse::ForeignWaker);
    }
    let data = waker.data();
    // SAFETY: only `poll_with_slot` builds a waker with SLOT_VTABLE (the static is private
    // and clones get another vtable), and its data pointer is then a `&Slot<_, _>` that
    // lives until that poll returns. `cx` borrows that waker, so the slot is alive for
    // `'cx`. Every `Slot` is `repr(C)` with the `Token` first, so reading a `Token` from
    // its address is valid whatever its type parameters.
    let found = unsafe { *data.cast::<Token>() };
    if found != token {
        return Err(Misuse::OtherGenerator);
    }
    // SAFETY: as above the slot is alive for `'cx`; and since tokens are unique per
    // generator and a generator's slot and `Co` share their `Y` and `S` (see the module
    // docs), equal tokens mean this slot really is a `Slot<Y, S>`. Access goes through a
    // shared reference and `Cell`, matching the shared borrow the driver holds.
    Ok(unsafe { &*data.cast::<Slot<Y, S>>() })
}
