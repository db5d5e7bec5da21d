//! W5: an in-order walk of a complete binary tree, 20 levels deep (2^20 − 1 nodes), written
//! recursively with delegation. The baseline is a hand-written in-order `Iterator` with an
//! explicit stack (`Vec<&Tree>`), and W5's ratios are to it, not to a flat loop.
//!
//! The tree, the baseline and `walks` (whole walks, then a partial one dropped while
//! suspended) are in `benches/baselines.rs`, shared with the nightly crate.

use std::future::Future;

use corosensei::{Coroutine, Yielder};
use generator::{Generator, Gn, Scope, done};
use yielding::{Gen, Rec, Recursive, generator};

use super::baselines::{Tree, w5_hand as hand, walks};
use super::measure::{Imp, Workload, row};
use super::shared::{CHECK_SIZES, CoroIter};

// ---------------------------------------------------------------------------------------
// yielding
// ---------------------------------------------------------------------------------------

/// The recursive generator function. A recursive `impl Future` body type compiles as it
/// is: each level's body lives behind the `Box` of its `Gen`, so the type is finite. The
/// return type must be `Gen`, though: returning `impl Iterator` also compiles, but then
/// `yield from` could only iterate (`yield_from_iter`), not delegate.
fn walk<'a>(t: &'a Tree) -> Gen<u64, (), impl Future<Output = ()> + 'a> {
    Gen::new(move |co| async move {
        if let Some(left) = &t.left {
            co.yield_from(walk(left)).await;
        }
        co.yield_(t.value).await;
        if let Some(right) = &t.right {
            co.yield_from(walk(right)).await;
        }
    })
}

#[inline(never)]
fn yielding(n: u64) -> u64 {
    walks(n, walk)
}

/// The same with the macro's `yield from`, which delegates to a `Gen`.
fn walk_macro<'a>(t: &'a Tree) -> Gen<u64, (), impl Future<Output = ()> + 'a> {
    generator! {
        if let Some(left) = &t.left {
            yield from walk_macro(left);
        }
        yield t.value;
        if let Some(right) = &t.right {
            yield from walk_macro(right);
        }
    }
}

#[inline(never)]
fn macro_(n: u64) -> u64 {
    walks(n, walk_macro)
}

/// The same walk as one `Recursive` generator: each recursive call is a frame pushed on
/// the generator's own stack, not a generator.
async fn walk_frames<'a>(rec: Rec<u64, &'a Tree>, t: &'a Tree) {
    if let Some(left) = &t.left {
        rec.recurse(left).await;
    }
    rec.yield_(t.value).await;
    if let Some(right) = &t.right {
        rec.recurse(right).await;
    }
}

#[inline(never)]
fn recursive(n: u64) -> u64 {
    walks(n, |t| Recursive::new(walk_frames, t))
}

/// The same, with the right child as a tail call: the frame of a node whose value is out
/// is replaced by its right child's, as the explicit-stack Iterator pops a node before
/// pushing its right subtree.
async fn walk_frames_tail<'a>(rec: Rec<u64, &'a Tree>, t: &'a Tree) {
    if let Some(left) = &t.left {
        rec.recurse(left).await;
    }
    rec.yield_(t.value).await;
    if let Some(right) = &t.right {
        rec.tail_call(right).await
    }
}

#[inline(never)]
fn recursive_tail(n: u64) -> u64 {
    walks(n, |t| Recursive::new(walk_frames_tail, t))
}

// ---------------------------------------------------------------------------------------
// Peers
// ---------------------------------------------------------------------------------------

/// genawaiter has no delegation: each level re-yields its child's items.
fn genawaiter_walk<'a>(t: &'a Tree) -> genawaiter::rc::Gen<u64, (), impl Future<Output = ()> + 'a> {
    genawaiter::rc::Gen::new(move |co| async move {
        if let Some(left) = &t.left {
            for x in genawaiter_walk(left).into_iter() {
                co.yield_(x).await;
            }
        }
        co.yield_(t.value).await;
        if let Some(right) = &t.right {
            for x in genawaiter_walk(right).into_iter() {
                co.yield_(x).await;
            }
        }
    })
}

#[inline(never)]
fn genawaiter_rc(n: u64) -> u64 {
    walks(n, |t| genawaiter_walk(t).into_iter())
}

/// corosensei, nested: each level a coroutine (with its own stack) re-yielding its child's.
fn corosensei_walk(t: &'static Tree) -> CoroIter {
    CoroIter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        if let Some(left) = &t.left {
            for x in corosensei_walk(left) {
                y.suspend(x);
            }
        }
        y.suspend(t.value);
        if let Some(right) = &t.right {
            for x in corosensei_walk(right) {
                y.suspend(x);
            }
        }
    }))
}

#[inline(never)]
fn corosensei_nested(n: u64) -> u64 {
    walks(n, corosensei_walk)
}

/// corosensei, recursion: one coroutine, whose body is a plain recursive function that
/// suspends the whole stack from any depth.
fn corosensei_recurse(y: &Yielder<(), u64>, t: &Tree) {
    if let Some(left) = &t.left {
        corosensei_recurse(y, left);
    }
    y.suspend(t.value);
    if let Some(right) = &t.right {
        corosensei_recurse(y, right);
    }
}

#[inline(never)]
fn corosensei_recursion(n: u64) -> u64 {
    walks(n, |t| {
        CoroIter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
            corosensei_recurse(y, t)
        }))
    })
}

/// generator-rs, nested: each level a generator delegating with generator-rs's own
/// `yield_from`, which re-yields each item of the child.
fn generator_rs_walk(t: &'static Tree) -> Generator<'static, (), u64> {
    Gn::<()>::new_scoped(move |mut s| {
        if let Some(left) = &t.left {
            s.yield_from(generator_rs_walk(left));
        }
        s.yield_(t.value);
        if let Some(right) = &t.right {
            s.yield_from(generator_rs_walk(right));
        }
        done!()
    })
}

#[inline(never)]
fn generator_rs_nested(n: u64) -> u64 {
    walks(n, generator_rs_walk)
}

/// generator-rs, recursion inside one generator's stack.
fn generator_rs_recurse(s: &mut Scope<'_, 'static, (), u64>, t: &Tree) {
    if let Some(left) = &t.left {
        generator_rs_recurse(s, left);
    }
    s.yield_(t.value);
    if let Some(right) = &t.right {
        generator_rs_recurse(s, right);
    }
}

#[inline(never)]
fn generator_rs_recursion(n: u64) -> u64 {
    walks(n, |t| {
        Gn::<()>::new_scoped(move |mut s| {
            generator_rs_recurse(&mut s, t);
            done!()
        })
    })
}

/// The workload, baseline first.
pub(crate) fn workload() -> Workload {
    const NO_INLINE_PLACE: &str = "n/a: a recursive body cannot hold its child in a place \
                                   of its own (the type would be infinitely large)";
    Workload {
        key: "W5",
        title: "W5: recursive in-order tree walk via `yield from`, 20 levels (2^20 − 1 nodes)",
        per: "item",
        count_allocations: false,
        check_sizes: CHECK_SIZES,
        rows: vec![
            row(
                Imp::Hand,
                "hand-written explicit-stack Iterator (`Vec<&Tree>`)",
                hand,
            ),
            row(
                Imp::YieldingRecursive,
                "yielding `Recursive` + `rec.recurse` (a frame per call, no generator)",
                recursive,
            ),
            row(
                Imp::YieldingRecursiveTail,
                "yielding `Recursive` + `rec.recurse`, `rec.tail_call` for the right child",
                recursive_tail,
            ),
            row(
                Imp::YieldingBoxed,
                "yielding `Gen::new` + `co.yield_from` (boxed)",
                yielding,
            ),
            row(
                Imp::YieldingMacro,
                "yielding `generator!` + `yield from`",
                macro_,
            ),
            row(
                Imp::GenawaiterRc,
                "genawaiter `rc`, each level re-yields its child's items",
                genawaiter_rc,
            ),
            row(
                Imp::Corosensei,
                "corosensei, a coroutine per node, re-yielding",
                corosensei_nested,
            ),
            row(
                Imp::CorosenseiRecursion,
                "corosensei, plain recursion in one coroutine",
                corosensei_recursion,
            ),
            row(
                Imp::GeneratorRs,
                "generator-rs, a generator per node, its `yield_from`",
                generator_rs_nested,
            ),
            row(
                Imp::GeneratorRsRecursion,
                "generator-rs, plain recursion in one generator",
                generator_rs_recursion,
            ),
        ],
        skipped: vec![
            (
                Imp::YieldingStack,
                "yielding `Gen::new_in` (stack)".to_owned(),
                NO_INLINE_PLACE.to_owned(),
            ),
            (
                Imp::GenawaiterStack,
                "genawaiter `stack`".to_owned(),
                NO_INLINE_PLACE.to_owned(),
            ),
        ],
        notes: vec![
            "Ratios in this table are to the explicit-stack Iterator, not to a flat loop. \
             Every item costs the generators one resume per level it passes through unless \
             delegation is O(1); the tree is 20 levels deep. The nested stackful rows create \
             (and `mmap`) one coroutine stack per node."
                .to_owned(),
            "Dropping a generator-rs generator suspended inside its `yield_from` leaks the \
             delegates' stacks (seen in /proc/self/maps); each sample's partial walk leaks up \
             to 19 of them here, which a run can afford."
                .to_owned(),
        ],
    }
}
