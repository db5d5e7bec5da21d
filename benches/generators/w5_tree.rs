//! W5: an in-order walk of a complete binary tree, 20 levels deep (2^20 − 1 nodes), written
//! recursively with delegation. The baseline is a hand-written in-order `Iterator` with an
//! explicit stack (`Vec<&Tree>`), and W5's ratios are to it, not to a flat loop.
//!
//! The tree is built once, outside any timing, and leaked so that the stackful peers, whose
//! bodies must be `'static`, can borrow it. Its values are assigned in order, so every walk
//! yields 0, 1, 2, ... A row's `n` items are as many whole walks as fit, then a partial one
//! that is dropped while suspended, as deep as the tree.

use std::future::Future;
use std::sync::LazyLock;

use corosensei::{Coroutine, Yielder};
use generator::{Generator, Gn, Scope, done};
use yielding::{Gen, generator};

use super::measure::{Imp, Workload, row};
use super::shared::{CHECK_SIZES, CoroIter, consume};

/// Levels of the tree.
const LEVELS: u32 = 20;

/// Nodes in the tree: items per whole walk.
pub(crate) const NODES: u64 = (1 << LEVELS) - 1;

/// A binary tree node, as a Python user would write it.
pub(crate) struct Tree {
    value: u64,
    left: Option<Box<Tree>>,
    right: Option<Box<Tree>>,
}

/// The one tree every row walks.
static TREE: LazyLock<&'static Tree> = LazyLock::new(|| {
    let mut next = 0;
    Box::leak(build(LEVELS, &mut next))
});

/// A complete tree of `levels` levels whose in-order values start at `*next`.
fn build(levels: u32, next: &mut u64) -> Box<Tree> {
    let left = (levels > 1).then(|| build(levels - 1, next));
    let value = *next;
    *next += 1;
    let right = (levels > 1).then(|| build(levels - 1, next));
    Box::new(Tree { value, left, right })
}

/// Builds the tree now, so that no row's first sample pays for it.
pub(crate) fn prepare() {
    LazyLock::force(&TREE);
}

/// Runs `n` items of whole walks and one partial walk, each walk a fresh iterator.
#[inline(always)]
fn walks<I: Iterator<Item = u64>>(n: u64, walk: impl Fn(&'static Tree) -> I) -> u64 {
    let tree: &'static Tree = &TREE;
    let mut sum = 0u64;
    let mut left = n;
    while left >= NODES {
        sum = sum.wrapping_add(consume(walk(tree)));
        left -= NODES;
    }
    if left > 0 {
        sum = sum.wrapping_add(consume(walk(tree).take(left as usize)));
    }
    sum
}

// ---------------------------------------------------------------------------------------
// The baseline
// ---------------------------------------------------------------------------------------

/// The hand-written in-order walk: the stack of nodes whose right subtree is still to do.
struct InOrder<'a> {
    stack: Vec<&'a Tree>,
}

impl<'a> InOrder<'a> {
    fn new(root: &'a Tree) -> Self {
        let mut walk = InOrder {
            stack: Vec::with_capacity(LEVELS as usize),
        };
        walk.push_left_spine(Some(root));
        walk
    }

    #[inline]
    fn push_left_spine(&mut self, mut node: Option<&'a Tree>) {
        while let Some(t) = node {
            self.stack.push(t);
            node = t.left.as_deref();
        }
    }
}

impl Iterator for InOrder<'_> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        let t = self.stack.pop()?;
        self.push_left_spine(t.right.as_deref());
        Some(t.value)
    }
}

#[inline(never)]
fn hand(n: u64) -> u64 {
    walks(n, InOrder::new)
}

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
