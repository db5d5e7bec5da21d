//! The hand-written baselines and the workload inputs, shared by the stable harness
//! (`benches/generators`) and the nightly crate (`benches/native`) through `#[path]`, so
//! that every row of both measures itself against the same code and checks the same
//! checksums. Plain std, no dependencies: the nightly crate has none.

use std::hint::black_box;
use std::sync::OnceLock;

/// The consumer of every iterator workload: sums the items, each through `black_box`, so
/// that nothing is constant-folded or summed in closed form.
#[inline(always)]
pub(crate) fn consume(items: impl Iterator<Item = u64>) -> u64 {
    let mut sum = 0u64;
    for x in items {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// The Fibonacci seeds, through `black_box` so no implementation sees constants.
#[inline(always)]
pub(crate) fn fib_seeds() -> (u64, u64) {
    black_box((0, 1))
}

/// The values W3 sends in: `0.0, 1.0, 2.0, ...`. No `black_box` is needed here: f64
/// addition and division cannot be reassociated, so nothing folds, and a `black_box` store
/// and reload per input would only put a memory round trip into every row.
#[inline(always)]
pub(crate) fn average_input(i: u64) -> f64 {
    i as f64
}

/// The hand-written baseline of W1, creation, the chains and memory: `0..n` as a struct.
pub(crate) struct Upto {
    pub(crate) next: u64,
    pub(crate) end: u64,
}

impl Iterator for Upto {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.next < self.end {
            let x = self.next;
            self.next += 1;
            Some(x)
        } else {
            None
        }
    }
}

#[inline(never)]
pub(crate) fn w1_hand(n: u64) -> u64 {
    consume(Upto { next: 0, end: n })
}

/// W2's baseline: the infinite Fibonacci sequence, wrapping.
struct Fib {
    a: u64,
    b: u64,
}

impl Iterator for Fib {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        let x = self.a;
        (self.a, self.b) = (self.b, self.a.wrapping_add(self.b));
        Some(x)
    }
}

#[inline(never)]
pub(crate) fn w2_hand(n: u64) -> u64 {
    let (a, b) = fib_seeds();
    consume(Fib { a, b }.take(n as usize))
}

/// W3's baseline: the running average as a plain struct with a `send` method.
struct Averager {
    total: f64,
    count: f64,
}

impl Averager {
    #[inline]
    fn send(&mut self, x: f64) -> f64 {
        self.total += x;
        self.count += 1.0;
        self.total / self.count
    }
}

/// W3's checksum: the sum of the yielded averages (the priming 0.0 first), as bits.
#[inline(never)]
pub(crate) fn w3_hand(n: u64) -> u64 {
    let mut average = Averager {
        total: 0.0,
        count: 0.0,
    };
    let mut sum = 0.0;
    sum += black_box(0.0);
    for i in 0..n {
        sum += black_box(average.send(average_input(i)));
    }
    sum.to_bits()
}

/// W4's first stage as a hand-written Iterator.
struct Square<I>(I);

impl<I: Iterator<Item = u64>> Iterator for Square<I> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        let x = self.0.next()?;
        Some(x.wrapping_mul(x))
    }
}

/// W4's second stage as a hand-written Iterator.
struct Even<I>(I);

impl<I: Iterator<Item = u64>> Iterator for Even<I> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        loop {
            let x = self.0.next()?;
            if x % 2 == 0 {
                return Some(x);
            }
        }
    }
}

#[inline(never)]
pub(crate) fn w4_hand(n: u64) -> u64 {
    consume(Even(Square(0..n)))
}

/// Levels of W5's tree.
pub(crate) const LEVELS: u32 = 20;

/// Nodes in W5's tree: items per whole walk.
pub(crate) const NODES: u64 = (1 << LEVELS) - 1;

/// A binary tree node, as a Python user would write it.
pub(crate) struct Tree {
    pub(crate) value: u64,
    pub(crate) left: Option<Box<Tree>>,
    pub(crate) right: Option<Box<Tree>>,
}

/// A complete tree of `levels` levels whose in-order values start at `*next`.
fn build(levels: u32, next: &mut u64) -> Box<Tree> {
    let left = (levels > 1).then(|| build(levels - 1, next));
    let value = *next;
    *next += 1;
    let right = (levels > 1).then(|| build(levels - 1, next));
    Box::new(Tree { value, left, right })
}

/// The one tree every W5 row walks, built on first use (call it before timing). `'static`,
/// so that the stackful peers, whose bodies must be `'static`, can borrow it. Its values are
/// assigned in order, so every walk yields 0, 1, 2, ...
pub(crate) fn tree() -> &'static Tree {
    static TREE: OnceLock<Box<Tree>> = OnceLock::new();
    TREE.get_or_init(|| build(LEVELS, &mut 0))
}

/// Runs `n` items of whole walks and one partial walk, each walk a fresh iterator; the
/// partial one is dropped while suspended, as deep as the tree.
#[inline(always)]
pub(crate) fn walks<I: Iterator<Item = u64>>(n: u64, walk: impl Fn(&'static Tree) -> I) -> u64 {
    let tree = tree();
    let mut sum = 0u64;
    for _ in 0..n / NODES {
        sum = sum.wrapping_add(consume(walk(tree)));
    }
    let rest = n % NODES;
    if rest > 0 {
        sum = sum.wrapping_add(consume(walk(tree).take(rest as usize)));
    }
    sum
}

/// W5's baseline: the in-order walk with an explicit stack of the nodes whose value and
/// right subtree are still to come.
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
pub(crate) fn w5_hand(n: u64) -> u64 {
    walks(n, InOrder::new)
}

/// Creation's baseline: each of `n` rounds makes an iterator that would yield `seed` then
/// `seed + 1`, through `black_box` as a generator handed to other code would be, and takes
/// its first item.
#[inline(never)]
pub(crate) fn creation_hand(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut it = black_box(Upto {
            next: seed,
            end: seed + 2,
        });
        sum = sum.wrapping_add(it.next().unwrap_or(0));
    }
    sum
}
