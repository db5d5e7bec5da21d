//! Delegation in O(1) per item: the outermost driver resumes the innermost delegate
//! directly, through a stack of nodes that live inside the bodies themselves.
//!
//! Without this, `yield from` is a loop in the delegating body: every resume of the
//! outermost generator polls every body down the chain, so an item costs O(depth), and a
//! chain 100,000 deep costs milliseconds per item (CPython, genawaiter and nightly `gen`
//! blocks all work that way). Instead, a `yield_from` registers a [`Node`] with the driver
//! of its generator: the node holds a type-erased pointer to the delegate and the three
//! functions that resume, resume-with-its-own-delegations and close it.
//!
//! The first node the outermost generator's own body registers becomes the *bottom* of a
//! stack whose links (`parent`, `child`) live in the nodes, so nothing is allocated, and
//! which the bottom node records the top of. Each resume polls the outermost body, which is
//! suspended at the bottom node's `yield_from`, and that node resumes the top delegate
//! directly ([`run_from`]): one step, however deep the stack. A delegate on the stack that
//! itself delegates hands its new node up instead of driving it; a delegate that finishes
//! is popped, and its delegator's body is polled again to take the return value.
//!
//! The stack is driven from inside the body, not from the generator, so a generator whose
//! body never delegates has no delegation code on its resume path at all. (A check in the
//! driver cost the boxed W1 8x and the two-stage W4 2x: an out-of-line call on the resume
//! path, even one never taken, keeps the optimiser from holding a body's state in
//! registers.)
//!
//! # Why the pointers stay valid
//! A node is a field of the future `yield_from` returns, which is pinned while it is
//! polled. A node, and the delegate it points to, are dereferenced from the stack only
//! while the body that registered it is suspended *at* that `yield_from` (or, for the
//! bottom, while that `yield_from` is being polled): a body is polled again only after
//! every delegate above it has finished, and delegates are closed innermost first before
//! any body holding their nodes is dropped. So the node has not been dropped, and the borrow of the
//! delegate it holds (its `'d`) is still alive, because borrowck keeps the borrows of a
//! future held across an `.await` alive until the future is dropped.
//!
//! That argument needs the node to really be held across the suspension, not leaked: a
//! body could poll a boxed `yield_from` future once, `mem::forget` it (its borrow of the
//! delegate then ends), drop the delegate and then suspend. The driver therefore accepts a
//! registration only if the node lies inside the registering body's own memory (the pinned
//! `F` of the generator): memory that is only reused after the values in it are dropped,
//! which a leak cannot bypass. A node anywhere else (a boxed future inside the body, or a
//! body that is itself a `Pin<Box<dyn Future>>`) is rejected: the body is polled again at
//! once, and that `yield_from` falls back to resuming its delegate itself, through every
//! level in between, which is correct but O(depth) (the fallback is sound because the
//! node's owner is then being polled, so it is alive).
//!
//! A registration is live only during the poll that made it: the node's `Drop` takes it
//! back out of the slot if the future is dropped within that poll, and the driver takes
//! every registration out of the slot before the slot goes away (on unwinding too, through
//! [`Registration`]'s `Drop`). So `Stage::Registered`'s slot pointer is valid whenever the
//! node reads it.

use core::cell::Cell;
use core::marker::{PhantomData, PhantomPinned};
use core::mem;
use core::pin::Pin;
use core::ptr::{self, NonNull};
use core::task::{Context, Poll, Waker};

use super::slot::{self, Misuse, Out, Token};

/// A generator that the outermost driver can resume in place of the body that delegates
/// to it. Implemented by `Gen` and `AsyncGen`.
pub(crate) trait Delegate<Y, S> {
    /// One poll of this delegate's own body. A delegate on the stack drives no delegations
    /// of its own: a `yield_from` in its body comes back as [`Step::Delegated`], to be
    /// pushed. `outer` is the waker of the task driving the outermost generator, if async.
    fn resume_directly(&mut self, sent: Option<S>, outer: Option<&Waker>) -> Poll<Step<Y, S>>;

    /// A complete resume, the delegate's own delegations included: the fallback for a
    /// registration the driver could not accept. `None` once the delegate has finished
    /// (its return value kept for the delegator to take).
    fn resume_nested(&mut self, sent: Option<S>, outer: &Waker) -> Poll<Option<Y>>;

    /// Closes the delegate: drops its body and its live locals.
    fn close_delegate(&mut self);
}

/// What resuming a delegate directly produced.
pub(crate) enum Step<Y, S> {
    Yielded(Y),
    /// The delegate's body delegated in turn; the new node goes on top of the stack.
    Delegated(Accepted<Y, S>),
    /// The delegate returned; its value is kept in it for the delegator to take.
    Finished,
}

/// Where a node is in its life.
enum Stage<Y, S> {
    /// Created, not yet polled.
    Idle,
    /// In the slot of the poll in progress, whose `out` cell this points to, on the
    /// thread this identifies (see `slot::current_thread`).
    Registered(NonNull<Cell<Out<Y, Registration<Y, S>>>>, usize),
    /// The bottom of a stack: polling it resumes the top delegate ([`run_from`]).
    Bottom,
    /// On a stack above the bottom: its delegate is resumed directly; the node itself is
    /// not polled until that delegate finishes.
    Stacked,
    /// Rejected by the driver: the `yield_from` resumes its delegate itself.
    Nested,
    /// The delegate finished: the next poll completes the `yield_from`.
    Done,
    /// Taken out of the protocol by a misuse panic or by closing; never polled again.
    Detached,
}

impl<Y, S> Clone for Stage<Y, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Y, S> Copy for Stage<Y, S> {}

type ResumeDirectly<Y, S> = unsafe fn(NonNull<()>, Option<S>, Option<&Waker>) -> Poll<Step<Y, S>>;
type ResumeNested<Y, S> = unsafe fn(NonNull<()>, Option<S>, &Waker) -> Poll<Option<Y>>;

/// One delegation: the part of a `yield_from` future that the driver links into its stack.
/// Lifetime-free so that nodes of delegates with different borrows can link to each
/// other; [`Delegation`] carries the borrow.
pub(crate) struct Node<Y, S> {
    token: Token,
    delegate: NonNull<()>,
    resume_directly: ResumeDirectly<Y, S>,
    resume_nested: ResumeNested<Y, S>,
    close: unsafe fn(NonNull<()>),
    /// The node below this one on the driver's stack; `None` at the bottom, whose
    /// delegator is the driver's own body.
    parent: Cell<Option<NonNull<Node<Y, S>>>>,
    /// The node above this one on the driver's stack, if any: how a node being dropped
    /// finds the delegates it must close first.
    child: Cell<Option<NonNull<Node<Y, S>>>>,
    /// On the bottom node only: the top of the stack, the delegate each resume goes to.
    top: Cell<Option<NonNull<Node<Y, S>>>>,
    stage: Cell<Stage<Y, S>>,
    /// The driver holds this node's address across resumes.
    _pinned: PhantomPinned,
}

// SAFETY: a node holds no `Y` or `S`, only pointers into the generator chain it belongs
// to. Those are dereferenced only by that chain's driver, through `&mut` of the outermost
// generator, or by the node's own `yield_from` future while it is polled (which checks it
// runs on the resuming thread before it touches the slot); so moving the chain to another
// thread moves every user of the pointers with it. The one pointer that leads outside the
// chain, a `Registered` node's slot cell, lives for one poll only, and the node's `Drop`
// refuses to touch it from another thread. The delegate's own Send-ness is not erased:
// the `yield_from` future also holds the delegate (or the `&mut` to it), so a body
// holding a `!Send` delegate stays `!Send`. (The node is not `Sync`: nothing needs it.)
unsafe impl<Y, S> Send for Node<Y, S> {}

/// The `yield_from` half of a delegation: a node that borrows its delegate for `'d`.
pub(crate) struct Delegation<'d, Y, S> {
    node: Node<Y, S>,
    _delegate: PhantomData<&'d mut ()>,
}

impl<'d, Y, S> Delegation<'d, Y, S> {
    /// A delegation to `delegate`, for the generator whose yield handle has `token`.
    pub(crate) fn new<D: Delegate<Y, S> + 'd>(token: Token, delegate: &'d mut D) -> Self {
        Delegation {
            node: Node {
                token,
                delegate: NonNull::from(delegate).cast(),
                resume_directly: resume_directly::<Y, S, D>,
                resume_nested: resume_nested::<Y, S, D>,
                close: close::<Y, S, D>,
                parent: Cell::new(None),
                child: Cell::new(None),
                top: Cell::new(None),
                stage: Cell::new(Stage::Idle),
                _pinned: PhantomPinned,
            },
            _delegate: PhantomData,
        }
    }

    /// Polls the delegation: registers it with the driver on the first poll, completes
    /// once the delegate has finished. `Err` is a misuse for the caller to report.
    pub(crate) fn poll_delegation(
        self: Pin<&mut Self>,
        cx: &Context<'_>,
    ) -> Poll<Result<(), Failure>> {
        let node = &self.into_ref().get_ref().node;
        let stage = node.stage.get();
        match stage {
            // Polled again in the poll that registered it (by a join, say): still waiting.
            Stage::Registered(..) => return Poll::Pending,
            Stage::Done => return Poll::Ready(Ok(())),
            Stage::Stacked | Stage::Detached => return Poll::Ready(Err(Failure::Detached)),
            Stage::Idle | Stage::Bottom | Stage::Nested => {}
        }
        let slot = match slot::slot_in::<Y, S, Registration<Y, S>>(cx, node.token) {
            Ok(slot) => slot,
            // Left in the slot for its driver to report after this poll.
            Err(Misuse::Recorded) => return Poll::Pending,
            Err(misuse) => return Poll::Ready(Err(Failure::Misplaced(misuse))),
        };
        let stage = match stage {
            // In the outermost body, the node takes its own place: the bottom of a new stack
            // if it lies inside the body, the nested fallback if not, and it goes on at once
            // in this poll. The driver never polls the body twice in a resume, which keeps
            // the body's poll to one call site, and inlinable, in every generator.
            Stage::Idle if !slot.as_delegate() => {
                if slot.is_occupied() {
                    return Poll::Ready(Err(Failure::TwoAtOnce));
                }
                let at = ptr::from_ref(node).addr();
                if slot.inside_body(at, mem::size_of::<Node<Y, S>>()) {
                    node.stage.set(Stage::Bottom);
                    node.top.set(Some(NonNull::from(node)));
                    Stage::Bottom
                } else {
                    node.stage.set(Stage::Nested);
                    Stage::Nested
                }
            }
            // In a delegate's body, the node registers, to be pushed on the stack that
            // resumes that delegate.
            Stage::Idle => {
                let ours = Registration {
                    node: NonNull::from(node),
                };
                return match slot.put(Out::Delegated(ours)) {
                    Ok(()) => {
                        let cell = NonNull::from(slot.out_cell());
                        node.stage
                            .set(Stage::Registered(cell, slot::current_thread()));
                        Poll::Pending
                    }
                    // Dropping the registration detaches this node.
                    Err(_ours) => Poll::Ready(Err(Failure::TwoAtOnce)),
                };
            }
            other => other,
        };
        let step = match stage {
            Stage::Bottom => run_from(NonNull::from(node), slot.sent.take(), slot.outer()),
            // The fallback: this future resumes its delegate itself.
            _ => {
                let sent = slot.sent.take();
                // SAFETY: the stage is `Nested`, so no stack holds this node; `self` is
                // being polled, so it is alive, and with it the borrow `'d` of the
                // delegate, which nothing else uses while this poll runs.
                unsafe { (node.resume_nested)(node.delegate, sent, cx.waker()) }
                    .map(|item| item.map(Poll::Ready))
            }
        };
        match step {
            // If something else was yielded meanwhile, the delegate's item is dropped with
            // the misuse panic.
            Poll::Ready(Some(Poll::Ready(item))) => match slot.put_yield(item) {
                Ok(()) => Poll::Pending,
                Err(_item) => Poll::Ready(Err(Failure::TwoAtOnce)),
            },
            Poll::Ready(Some(Poll::Pending)) | Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                node.stage.set(Stage::Done);
                Poll::Ready(Ok(()))
            }
        }
    }
}

impl<Y, S> Drop for Node<Y, S> {
    fn drop(&mut self) {
        match self.stage.get() {
            Stage::Registered(cell, thread) => {
                if thread != slot::current_thread() {
                    dropped_on_another_thread();
                }
                // SAFETY: a `Registered` node's registration is still in the slot of the
                // poll in progress (see the module docs): the driver sets another stage
                // whenever it takes a registration out, and the slot outlives the poll.
                // This is the thread running that poll, the only one using the slot.
                let cell = unsafe { cell.as_ref() };
                match cell.replace(Out::Empty) {
                    Out::Delegated(ours) if ptr::eq(ours.node.as_ptr(), self) => {
                        mem::forget(ours);
                    }
                    other => cell.set(other),
                }
            }
            Stage::Bottom | Stage::Stacked => close_from_the_top(NonNull::from(&*self)),
            Stage::Idle | Stage::Nested | Stage::Done | Stage::Detached => {}
        }
    }
}

/// Closes the delegate of `bottom`, a stacked node whose body is being dropped, and every
/// delegate stacked above it, innermost first. This is how closing or dropping a generator
/// closes its delegation chain: in a loop, so a chain of any depth needs no deep recursion
/// (each delegate's body is dropped after the nodes in it are detached, so their drops do
/// nothing). If a delegate's cleanup panics, the rest are still closed (a second panic
/// aborts, as in any drop).
#[cold]
#[inline(never)]
fn close_from_the_top<Y, S>(bottom: NonNull<Node<Y, S>>) {
    struct CloseTheRest<Y, S>(Option<NonNull<Node<Y, S>>>, NonNull<Node<Y, S>>);
    impl<Y, S> Drop for CloseTheRest<Y, S> {
        fn drop(&mut self) {
            if let Some(next) = self.0 {
                close_down_to(next, self.1);
            }
        }
    }
    fn close_down_to<Y, S>(mut at: NonNull<Node<Y, S>>, bottom: NonNull<Node<Y, S>>) {
        loop {
            // SAFETY: `at` is `bottom` or stacked above it. `bottom` is being dropped, so
            // it is alive; the nodes above it live in the bodies of the delegates below
            // them, which are closed only after them, top down.
            let node = unsafe { at.as_ref() };
            node.stage.set(Stage::Detached);
            let below = (at != bottom).then(|| node.parent.get()).flatten();
            let rest = CloseTheRest(below, bottom);
            // SAFETY: as above, the delegate is alive; `close` was made for its type.
            unsafe { (node.close)(node.delegate) };
            mem::forget(rest);
            match below {
                Some(next) => at = next,
                None => return,
            }
        }
    }
    let mut top = bottom;
    // SAFETY: as in `close_down_to`.
    while let Some(child) = unsafe { top.as_ref() }.child.get() {
        top = child;
    }
    close_down_to(top, bottom);
}

/// A `yield_from` future registered in a resume in progress was dropped on another thread
/// (a scoped thread given a boxed `yield_from` future), so it can neither withdraw its
/// registration from the resuming thread's slot nor leave it there to dangle. Unwinding
/// would free the node all the same, so this aborts. Only `std` can get here: without it,
/// yield points cannot cross threads at all.
#[cold]
#[inline(never)]
fn dropped_on_another_thread() -> ! {
    #[cfg(feature = "std")]
    {
        std::eprintln!(
            "yielding: a `yield_from` future was dropped on another thread during the resume \
             that registered it; its registration cannot be withdrawn safely, so the process \
             aborts"
        );
        std::process::abort()
    }
    #[cfg(not(feature = "std"))]
    unreachable!("without std, yield points cannot reach another thread")
}

/// Why a yield point (a `yield_` or a `yield_from`) could not go on. Holds no value, so
/// that reporting it costs a yield point one call and nothing else.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Failure {
    /// Its yield handle is used outside its generator.
    Misplaced(Misuse),
    /// Something was already yielded or delegated in this resume.
    TwoAtOnce,
    /// Polled after a misuse panic took it out of the protocol, or while its delegate
    /// is still running: neither can happen through the crate's drivers.
    Detached,
}

/// A registration in a slot, until the driver takes it. Dropping it (a misuse panic, or a
/// slot dropped while unwinding) takes the node out of the protocol.
pub(crate) struct Registration<Y, S> {
    node: NonNull<Node<Y, S>>,
}

impl<Y, S> Registration<Y, S> {
    /// Accepts the registration if its node lies inside `body`, the registering
    /// generator's own pinned body (see the module docs); otherwise marks it for the
    /// nested fallback and returns `None`. Either way the registering body is polled
    /// again next, except by a delegate on a stack, which hands an accepted node up.
    #[inline(always)]
    pub(crate) fn accept<F>(self, body: *const F) -> Option<Accepted<Y, S>> {
        let node = self.node;
        mem::forget(self);
        let start = body.addr();
        let end = start + mem::size_of::<F>();
        let at = node.as_ptr().addr();
        let inside = start <= at && at + mem::size_of::<Node<Y, S>>() <= end;
        // SAFETY: a registration in a slot points to a live node (see the module docs).
        let stage = unsafe { &node.as_ref().stage };
        if inside {
            stage.set(Stage::Stacked);
            Some(Accepted { node })
        } else {
            stage.set(Stage::Nested);
            None
        }
    }
}

impl<Y, S> Drop for Registration<Y, S> {
    fn drop(&mut self) {
        // SAFETY: a registration in a slot points to a live node (see the module docs).
        unsafe { self.node.as_ref() }.stage.set(Stage::Detached);
    }
}

/// A node whose registration a delegate's driver accepted, to be pushed on the stack by
/// [`run_from`]. (The outermost body's nodes start their stacks themselves, in
/// [`Delegation::poll_delegation`].)
pub(crate) struct Accepted<Y, S> {
    node: NonNull<Node<Y, S>>,
}

/// Resumes the top delegate of the stack whose bottom is `bottom` with `sent`, and goes on
/// down and up the stack until something is yielded (`Ready(Some(Ready))`) or a real future
/// is awaited (`Ready(Some(Pending))`). `Ready(None)` once the bottom's own delegate has
/// finished: its `yield_from` then completes. If a delegate panics, the unwinding drops
/// the bottom node with the body holding it, and that closes the delegates.
///
/// Out of line, and given only the bottom node by value: no pointer into the generator
/// reaches it.
#[inline(never)]
fn run_from<Y, S>(
    bottom: NonNull<Node<Y, S>>,
    mut sent: Option<S>,
    outer: Option<&Waker>,
) -> Poll<Option<Poll<Y>>> {
    // SAFETY: nodes on the stack are alive, and so are their delegates: the body holding
    // each node is suspended at it, and is polled or dropped only after the node is popped
    // (see the module docs). The bottom is being polled.
    let bottom = unsafe { bottom.as_ref() };
    loop {
        let Some(top) = bottom.top.get() else {
            return Poll::Ready(None);
        };
        // SAFETY: as above: the top is on the stack.
        let node = unsafe { top.as_ref() };
        // SAFETY: as above; and `resume_directly` was made for this delegate's type.
        let step = unsafe { (node.resume_directly)(node.delegate, sent.take(), outer) };
        match step {
            Poll::Ready(Step::Yielded(item)) => return Poll::Ready(Some(Poll::Ready(item))),
            Poll::Ready(Step::Delegated(child)) => {
                // SAFETY: an accepted node is alive (see the module docs).
                unsafe { child.node.as_ref() }.parent.set(Some(top));
                node.child.set(Some(child.node));
                bottom.top.set(Some(child.node));
            }
            Poll::Ready(Step::Finished) => {
                node.stage.set(Stage::Done);
                let parent = node.parent.get();
                if let Some(parent) = parent {
                    // SAFETY: as above: the parent is on the stack.
                    unsafe { parent.as_ref() }.child.set(None);
                }
                bottom.top.set(parent);
            }
            Poll::Pending => return Poll::Ready(Some(Poll::Pending)),
        }
    }
}

/// # Safety
/// `delegate` points to a live `D`, not otherwise in use.
unsafe fn resume_directly<Y, S, D: Delegate<Y, S>>(
    delegate: NonNull<()>,
    sent: Option<S>,
    outer: Option<&Waker>,
) -> Poll<Step<Y, S>> {
    // SAFETY: the caller's contract.
    unsafe { delegate.cast::<D>().as_mut() }.resume_directly(sent, outer)
}

/// # Safety
/// As for [`resume_directly`].
unsafe fn resume_nested<Y, S, D: Delegate<Y, S>>(
    delegate: NonNull<()>,
    sent: Option<S>,
    outer: &Waker,
) -> Poll<Option<Y>> {
    // SAFETY: the caller's contract.
    unsafe { delegate.cast::<D>().as_mut() }.resume_nested(sent, outer)
}

/// # Safety
/// As for [`resume_directly`].
unsafe fn close<Y, S, D: Delegate<Y, S>>(delegate: NonNull<()>) {
    // SAFETY: the caller's contract.
    unsafe { delegate.cast::<D>().as_mut() }.close_delegate();
}
