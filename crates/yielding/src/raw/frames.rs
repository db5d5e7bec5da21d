//! The frame stack of a [`Recursive`](crate::Recursive) generator: every live call of its
//! recursive function, pinned in place, innermost on top.
//!
//! A recursive generator function's calls are all futures of one type `T` (the function's
//! return type), so they can live in plain arrays instead of a box each. The driver polls
//! only the innermost one, through a direct call that the optimiser can inline, and pushes
//! and pops them as calls start and return; the depth is limited only by memory, since
//! nothing here recurses on the machine stack.
//!
//! # Soundness
//!
//! - **Pinning.** Frames are futures, usually `!Unpin`, and are polled through a
//!   `Pin<&mut T>`, so a frame must never move until it is dropped. Frames live in chunks
//!   allocated once and never reallocated: growing adds a chunk, it never copies one. A
//!   chunk is freed only when it holds no frame, so every frame is dropped where it was
//!   written. Only [`Frames::innermost`] hands a frame out, as a pin borrowed from
//!   `&mut self`, so no two references to a frame exist at once.
//! - **Initialisation.** The frames in use are exactly the first `len` slots of the current
//!   chunk and every slot of the chunks before it (which are full). `push` writes a slot
//!   before counting it and `pop` stops counting a slot before dropping what is in it, so
//!   a panicking destructor can never cause a second drop of the same frame. `replace` (a
//!   tail call) is a `pop` and a `push` of the same slot: it stops counting the old frame,
//!   drops it in place, writes the new one there and counts it again, so the new frame
//!   takes the old one's place without moving any other.
//! - **Ownership.** `Frames<T>` owns its frames as a `Vec<T>` would: it is `Send` or `Sync`
//!   when `T` is, and dropping it drops every frame, innermost first, without recursion.
//!   If one frame's destructor panics, the others are still dropped (a second panic aborts,
//!   as with a `Vec`).
//! - **Zero-sized frames** (possible with a hand-written future) take no memory: their
//!   chunks are dangling, well-aligned pointers, never allocated or freed.

use alloc::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use alloc::vec::Vec;
use core::marker::PhantomData;
use core::pin::Pin;
use core::ptr::{self, NonNull};

/// How many bytes of frames the first chunk holds; each later chunk holds twice as many
/// frames as the one before it, so a stack `n` frames deep takes O(log n) allocations.
const FIRST_CHUNK_BYTES: usize = 2048;

/// The live frames of one recursive generator, innermost last (see the module docs).
pub(crate) struct Frames<T> {
    /// The current chunk: the one holding the innermost frame (or, empty, the first).
    base: NonNull<T>,
    /// How many frames the current chunk holds.
    len: usize,
    /// How many frames the current chunk has room for (0 before the first is allocated).
    cap: usize,
    /// Which of `chunks` is the current one.
    current: usize,
    /// Every chunk allocated and not yet freed, with its capacity: the full ones before
    /// `current`, and at most one empty spare after it, kept so that a walk going up and
    /// down across a chunk boundary does not allocate each time.
    chunks: Vec<(NonNull<T>, usize)>,
    /// Owns `T`s, for the drop check and auto traits.
    _owns: PhantomData<T>,
}

// SAFETY: `Frames<T>` owns its frames as `Vec<T>` does: it hands them out only through
// `&mut self`, and moving it between threads moves the frames' ownership with it.
unsafe impl<T: Send> Send for Frames<T> {}
// The frames live on the heap and stay where they are when the stack moves.
impl<T> Unpin for Frames<T> {}

// SAFETY: `&Frames<T>` gives no access to any frame (every method touching one takes
// `&mut self`), so sharing it shares nothing.
unsafe impl<T: Sync> Sync for Frames<T> {}

impl<T> Frames<T> {
    /// An empty stack; it allocates nothing until the first push.
    pub(crate) const fn new() -> Self {
        Frames {
            base: NonNull::dangling(),
            len: 0,
            cap: 0,
            current: 0,
            chunks: Vec::new(),
            _owns: PhantomData,
        }
    }

    /// Whether there is no frame.
    #[inline(always)]
    pub(crate) fn is_empty(&self) -> bool {
        // Only the first chunk may be current while empty (see `pop`).
        self.len == 0
    }

    /// How many frames there are.
    pub(crate) fn depth(&self) -> usize {
        let below: usize = self.chunks[..self.current]
            .iter()
            .map(|&(_, cap)| cap)
            .sum();
        below + self.len
    }

    /// The stack's top, to push, pop and resume frames through until the cursor is
    /// [kept](Cursor::keep). The cursor keeps the top in its own fields, which the
    /// optimiser can hold in registers across the frames' polls; through `&mut self` they
    /// would be reloaded after every poll, since a frame's writes go through pointers the
    /// optimiser cannot tell apart from `self`.
    ///
    /// A cursor dropped without `keep` (a frame's poll or destructor panicked, or the
    /// driver gave up) clears the stack: every frame is dropped, innermost first.
    #[inline(always)]
    pub(crate) fn cursor(&mut self) -> Cursor<'_, T> {
        Cursor {
            base: self.base,
            len: self.len,
            cap: self.cap,
            kept: false,
            frames: self,
        }
    }

    /// Drops every frame, innermost first, and frees the chunks.
    pub(crate) fn clear(&mut self) {
        while !self.is_empty() {
            // If a destructor panics, the cursor's drop clears the rest while the panic
            // unwinds (a second panic aborts, as a `Vec` of panicking elements does).
            let mut top = self.cursor();
            top.pop();
            top.keep();
        }
        self.free_chunks();
    }

    /// Makes the chunk after the current one current, allocating it if there is no spare.
    #[cold]
    #[inline(never)]
    fn next_chunk(&mut self) {
        // The first push allocates the first chunk; after that the current chunk is full.
        let next = if self.cap == 0 { 0 } else { self.current + 1 };
        if next == self.chunks.len() {
            let cap = match self.chunks.last() {
                Some(&(_, cap)) => cap.saturating_mul(2),
                None => (FIRST_CHUNK_BYTES / size_of::<T>().max(1)).max(4),
            };
            self.chunks.push((allocate::<T>(cap), cap));
        }
        (self.base, self.cap) = self.chunks[next];
        self.current = next;
        self.len = 0;
    }

    /// Makes the (full) chunk before the current one current, keeping the one it leaves as
    /// the spare and freeing any spare beyond it.
    #[cold]
    #[inline(never)]
    fn previous_chunk(&mut self) {
        while self.chunks.len() > self.current + 1 + 1 {
            let (chunk, cap) = self.chunks.pop().expect("a spare chunk");
            // SAFETY: chunks after the current one hold no frame, and this one was
            // allocated by `allocate` with this capacity.
            unsafe { free(chunk, cap) };
        }
        self.current -= 1;
        (self.base, self.cap) = self.chunks[self.current];
        self.len = self.cap;
    }

    /// Frees every chunk; there must be no frame left.
    fn free_chunks(&mut self) {
        debug_assert!(self.is_empty());
        for (chunk, cap) in self.chunks.drain(..) {
            // SAFETY: no frame is left in any chunk, and each was allocated by `allocate`
            // with this capacity.
            unsafe { free(chunk, cap) };
        }
        (self.base, self.len, self.cap, self.current) = (NonNull::dangling(), 0, 0, 0);
    }
}

/// The top of a [`Frames`] stack, cached while the driver runs frames (see
/// [`Frames::cursor`]); written back when the cursor is dropped, unwinding included, and
/// the stack cleared then unless the cursor was [kept](Cursor::keep).
pub(crate) struct Cursor<'a, T> {
    /// The current chunk (mirrors `Frames::base`, which only the slow paths change).
    base: NonNull<T>,
    /// How many frames the current chunk holds; `Frames::len` is stale until the drop.
    len: usize,
    /// The current chunk's capacity (mirrors `Frames::cap`).
    cap: usize,
    /// Set by [`Cursor::keep`]; a cursor dropped without it clears the stack.
    kept: bool,
    frames: &'a mut Frames<T>,
}

impl<T> Cursor<'_, T> {
    /// Whether there is no frame.
    #[inline(always)]
    pub(crate) fn is_empty(&self) -> bool {
        // Only the first chunk may be current while empty (see `pop`).
        self.len == 0
    }

    /// The innermost frame, pinned where it lies.
    ///
    /// # Panics
    /// If there is no frame (the driver never asks then).
    #[inline(always)]
    pub(crate) fn innermost(&mut self) -> Pin<&mut T> {
        assert!(self.len != 0, "yielding: no frame to resume");
        // SAFETY: the slot `len - 1` of the current chunk holds a live frame (see the
        // module docs, "Initialisation"), which never moves until it is dropped
        // ("Pinning"). The borrow of the cursor, which borrows the stack, keeps every other
        // access out while the pin lives.
        unsafe { Pin::new_unchecked(&mut *self.base.as_ptr().add(self.len - 1)) }
    }

    /// Pushes `frame` as the new innermost frame.
    #[inline(always)]
    pub(crate) fn push(&mut self, frame: T) {
        if self.len == self.cap {
            self.frames.next_chunk();
            (self.base, self.len, self.cap) = (self.frames.base, 0, self.frames.cap);
        }
        // SAFETY: `len < cap`, so slot `len` of the current chunk is inside its allocation
        // and holds no frame; writing it moves nothing that is pinned.
        unsafe { self.base.as_ptr().add(self.len).write(frame) };
        self.len += 1;
    }

    /// Drops the innermost frame.
    ///
    /// # Panics
    /// If there is no frame (the driver never asks then); and whatever the frame's
    /// destructor panics with, after the frame is no longer counted.
    #[inline(always)]
    pub(crate) fn pop(&mut self) {
        assert!(self.len != 0, "yielding: no frame to drop");
        self.len -= 1;
        // SAFETY: slot `len` (before the decrement, `len - 1`) held the innermost live
        // frame; it is no longer counted, so it is dropped exactly once, here, where it
        // was written.
        let frame = unsafe { self.base.as_ptr().add(self.len) };
        if self.len == 0 && self.frames.current > 0 {
            self.frames.previous_chunk();
            (self.base, self.len, self.cap) = (self.frames.base, self.frames.cap, self.frames.cap);
        }
        // SAFETY: see above; `previous_chunk` freed no chunk holding this frame (it keeps
        // the chunk it leaves as the spare). If the destructor panics, the cursor's drop
        // still records that the frame is gone.
        unsafe { ptr::drop_in_place(frame) };
    }

    /// Drops the innermost frame and puts `frame` where it was: a tail call.
    ///
    /// # Panics
    /// If there is no frame (the driver never asks then); and whatever the old frame's
    /// destructor panics with, after it is no longer counted (`frame` is then dropped
    /// too, unpolled, as the panic unwinds).
    #[inline(always)]
    pub(crate) fn replace(&mut self, frame: T) {
        if self.len == 1 && self.frames.current > 0 {
            // The only frame of a chunk other than the first: uncounting it in place would
            // leave a later chunk current while empty, which `pop` never does.
            self.pop();
            return self.push(frame);
        }
        assert!(self.len != 0, "yielding: no frame to replace");
        self.len -= 1;
        // SAFETY: `len` (before the decrement, `len - 1`) is a slot inside the current
        // chunk's allocation.
        let slot = unsafe { self.base.as_ptr().add(self.len) };
        // SAFETY: the slot held the innermost live frame; it is no longer counted, so it is
        // dropped exactly once, here, where it was written. The current chunk stays
        // current (frames remain in it, or it is the first chunk), so the stack is valid
        // if the destructor panics.
        unsafe { ptr::drop_in_place(slot) };
        // SAFETY: the slot is inside the current chunk and now holds no frame; writing it
        // moves nothing that is pinned.
        unsafe { slot.write(frame) };
        self.len += 1;
    }
}

impl<T> Cursor<'_, T> {
    /// Writes the top back and leaves the frames as they are.
    #[inline(always)]
    pub(crate) fn keep(mut self) {
        self.kept = true;
    }
}

impl<T> Drop for Cursor<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        self.frames.len = self.len;
        if !self.kept {
            self.frames.clear();
        }
    }
}

impl<T> Drop for Frames<T> {
    fn drop(&mut self) {
        self.clear();
    }
}

/// The layout of a chunk of `cap` frames.
fn layout<T>(cap: usize) -> Layout {
    Layout::array::<T>(cap).unwrap_or_else(|_| {
        panic!("yielding: a recursive generator's frame stack outgrew the address space")
    })
}

/// A chunk with room for `cap` frames of `T`; dangling if `T` is zero-sized.
fn allocate<T>(cap: usize) -> NonNull<T> {
    let layout = layout::<T>(cap);
    if layout.size() == 0 {
        return NonNull::dangling();
    }
    // SAFETY: the layout's size is not zero.
    let chunk = unsafe { alloc(layout) };
    match NonNull::new(chunk.cast::<T>()) {
        Some(chunk) => chunk,
        None => handle_alloc_error(layout),
    }
}

/// Frees a chunk returned by [`allocate`].
///
/// # Safety
/// `chunk` came from `allocate::<T>(cap)`, holds no frame, and is not used again.
unsafe fn free<T>(chunk: NonNull<T>, cap: usize) {
    let layout = layout::<T>(cap);
    if layout.size() != 0 {
        // SAFETY: allocated with this layout (the caller's contract).
        unsafe { dealloc(chunk.as_ptr().cast(), layout) };
    }
}
