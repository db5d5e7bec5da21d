//! `Recursive`: recursive generators whose calls are frames on the generator's own stack.
//!
//! Each test compares with a plain recursive function collecting into a `Vec` (the naive
//! reference) or with what Python's recursive generators do, cited where it is the oracle.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use proptest::prelude::*;
use static_assertions::{assert_impl_all, assert_not_impl_any};
use yielding::{GeneratorState, Rec, RecYield, Recurse, Recursive, TailCall};

#[path = "support/panics.rs"]
mod panics;
use panics::panic_message;

#[path = "support/proptest_config.rs"]
mod proptest_config;
use proptest_config::config;

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations_in;

// The handle and its futures cross threads as `Co` and `Yield` do (with `std`): each yield
// point checks the thread it runs on.
assert_impl_all!(Rec<u8, String, u16>: Send, Sync, Unpin, std::fmt::Debug);
assert_impl_all!(RecYield<u8, String, u16>: Send, Unpin, std::fmt::Debug);
assert_impl_all!(Recurse<u8, String, u16>: Send, Unpin, std::fmt::Debug);
assert_impl_all!(TailCall<u8, String, u16>: Send, Unpin, std::fmt::Debug);
assert_not_impl_any!(Recurse<u8, String, Rc<u8>>: Send);
assert_not_impl_any!(TailCall<u8, Rc<u8>, u16>: Send);

/// A `Recursive` is `Send` when its function, frames and values are, and `Unpin` always
/// (its frames live on the heap).
fn assert_send_unpin<T: Send + Unpin>(_: &T) {}

// ---------------------------------------------------------------------------------------
// Trees: the walk against the naive reference
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Tree {
    value: u32,
    left: Option<Box<Tree>>,
    right: Option<Box<Tree>>,
}

fn arb_tree() -> impl Strategy<Value = Tree> {
    let leaf = any::<u32>().prop_map(|value| Tree {
        value,
        left: None,
        right: None,
    });
    leaf.prop_recursive(8, 64, 2, |inner| {
        (
            any::<u32>(),
            proptest::option::of(inner.clone()),
            proptest::option::of(inner),
        )
            .prop_map(|(value, left, right)| Tree {
                value,
                left: left.map(Box::new),
                right: right.map(Box::new),
            })
    })
}

async fn in_order<'a>(rec: Rec<u32, &'a Tree, usize>, t: &'a Tree) -> usize {
    let mut nodes = 1;
    if let Some(left) = &t.left {
        nodes += rec.recurse(left).await;
    }
    rec.yield_(t.value).await;
    if let Some(right) = &t.right {
        nodes += rec.recurse(right).await;
    }
    nodes
}

/// The same walk with the right child as a tail call: its count is added by passing the
/// count so far down, since the tail call's return value is this call's.
async fn in_order_tail<'a>(
    rec: Rec<u32, (&'a Tree, usize), usize>,
    (t, before): (&'a Tree, usize),
) -> usize {
    let mut nodes = before + 1;
    if let Some(left) = &t.left {
        nodes += rec.recurse((left, 0)).await;
    }
    rec.yield_(t.value).await;
    match &t.right {
        Some(right) => rec.tail_call((right, nodes)).await,
        None => nodes,
    }
}

fn in_order_reference(t: &Tree, out: &mut Vec<u32>) -> usize {
    let mut nodes = 1;
    if let Some(left) = &t.left {
        nodes += in_order_reference(left, out);
    }
    out.push(t.value);
    if let Some(right) = &t.right {
        nodes += in_order_reference(right, out);
    }
    nodes
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn walk_matches_the_naive_recursion(tree in arb_tree()) {
        let mut expected = Vec::new();
        let nodes = in_order_reference(&tree, &mut expected);
        let mut g = Recursive::new(in_order, &tree);
        prop_assert_eq!(g.by_ref().collect::<Vec<_>>(), expected);
        // Every call's return value reached its caller: the first call's counts them all.
        prop_assert_eq!(g.take_return(), Some(nodes));
    }

    #[test]
    fn a_walk_with_tail_calls_matches_the_naive_recursion(tree in arb_tree()) {
        let mut expected = Vec::new();
        let nodes = in_order_reference(&tree, &mut expected);
        let mut g = Recursive::new(in_order_tail, (&tree, 0));
        prop_assert_eq!(g.by_ref().collect::<Vec<_>>(), expected);
        prop_assert_eq!(g.take_return(), Some(nodes));
    }

    #[test]
    fn stopping_anywhere_drops_every_live_call(tree in arb_tree(), stop in 0usize..80) {
        let mut expected = Vec::new();
        in_order_reference(&tree, &mut expected);
        let live = Rc::new(Cell::new(0usize));
        let mut g = Recursive::new(counted, (&tree, &live));
        let taken: Vec<u32> = g.by_ref().take(stop).collect();
        prop_assert_eq!(&taken[..], &expected[..stop.min(expected.len())]);
        prop_assert_eq!(live.get(), g.depth());
        drop(g);
        prop_assert_eq!(live.get(), 0);
    }
}

/// The in-order walk, each call counted in `live` while it lasts.
async fn counted<'a>(
    rec: Rec<u32, (&'a Tree, &'a Rc<Cell<usize>>)>,
    (t, live): (&'a Tree, &'a Rc<Cell<usize>>),
) {
    let _alive = Alive::new(live);
    if let Some(left) = &t.left {
        rec.recurse((left, live)).await;
    }
    rec.yield_(t.value).await;
    if let Some(right) = &t.right {
        rec.recurse((right, live)).await;
    }
}

/// Counts the live frames holding one.
struct Alive(Rc<Cell<usize>>);

impl Alive {
    fn new(count: &Rc<Cell<usize>>) -> Self {
        count.set(count.get() + 1);
        Alive(Rc::clone(count))
    }
}

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

// ---------------------------------------------------------------------------------------
// The common recursive generators, against Python
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
enum Nested {
    Int(i64),
    List(Vec<Nested>),
}

/// Python:
/// ```python
/// def flatten(x):
///     for item in x:
///         if isinstance(item, list):
///             yield from flatten(item)
///         else:
///             yield item
/// list(flatten([1, [2, [3, []], 4], [[5]]]))  # [1, 2, 3, 4, 5]
/// ```
#[test]
fn flattening_a_nested_list_matches_python() {
    async fn flatten<'a>(rec: Rec<i64, &'a [Nested]>, items: &'a [Nested]) {
        for item in items {
            match item {
                Nested::List(inner) => rec.recurse(inner).await,
                Nested::Int(x) => rec.yield_(*x).await,
            }
        }
    }
    use Nested::{Int, List};
    let data = [
        Int(1),
        List(vec![Int(2), List(vec![Int(3), List(vec![])]), Int(4)]),
        List(vec![List(vec![Int(5)])]),
    ];
    let flat: Vec<i64> = Recursive::new(flatten, &data[..]).collect();
    assert_eq!(flat, [1, 2, 3, 4, 5]);
}

/// Python's recursive permutations, in its order:
/// ```python
/// def permutations(items):
///     if len(items) <= 1:
///         yield items
///         return
///     for i in range(len(items)):
///         for rest in permutations(items[:i] + items[i+1:]):
///             yield [items[i]] + rest
/// list(permutations([1, 2, 3]))
/// # [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]]
/// ```
/// The Rust frame carries the chosen prefix down instead of prepending on the way up.
#[test]
fn permutations_match_python() {
    async fn permutations(
        rec: Rec<Vec<u8>, (Vec<u8>, Vec<u8>)>,
        (prefix, rest): (Vec<u8>, Vec<u8>),
    ) {
        if rest.len() <= 1 {
            let mut all = prefix;
            all.extend(rest);
            return rec.yield_(all).await;
        }
        for i in 0..rest.len() {
            let mut prefix = prefix.clone();
            prefix.push(rest[i]);
            let mut others = rest.clone();
            others.remove(i);
            rec.recurse((prefix, others)).await;
        }
    }
    let all: Vec<Vec<u8>> = Recursive::new(permutations, (vec![], vec![1, 2, 3])).collect();
    assert_eq!(
        all,
        [
            [1, 2, 3],
            [1, 3, 2],
            [2, 1, 3],
            [2, 3, 1],
            [3, 1, 2],
            [3, 2, 1]
        ]
    );
    // n! of them; fewer under Miri, whose interpreter is slow.
    let (n, expected) = if cfg!(miri) { (4, 24) } else { (6, 720) };
    let count = Recursive::new(permutations, (vec![], (0..n).collect())).count();
    assert_eq!(count, expected);
}

/// A recursive-descent tokenizer for s-expressions: each list is a call, which yields its
/// tokens with their depth and returns how many atoms it held.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Open(usize),
    Atom(&'a str, usize),
    Close(usize),
}

async fn list<'a>(
    rec: Rec<Result<Token<'a>, String>, (&'a Cell<&'a str>, usize), usize>,
    (input, depth): (&'a Cell<&'a str>, usize),
) -> usize {
    rec.yield_(Ok(Token::Open(depth))).await;
    let mut atoms = 0;
    loop {
        let rest = input.get().trim_start();
        match rest.chars().next() {
            None => {
                rec.yield_(Err(format!("unclosed list at depth {depth}")))
                    .await;
                return atoms;
            }
            Some(')') => {
                input.set(&rest[1..]);
                rec.yield_(Ok(Token::Close(depth))).await;
                return atoms;
            }
            Some('(') => {
                input.set(&rest[1..]);
                atoms += rec.recurse((input, depth + 1)).await;
            }
            Some(_) => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
                    .unwrap_or(rest.len());
                input.set(&rest[end..]);
                atoms += 1;
                rec.yield_(Ok(Token::Atom(&rest[..end], depth))).await;
            }
        }
    }
}

#[test]
fn a_recursive_descent_tokenizer_reports_depths_and_counts() {
    let input = Cell::new("(define (f x) (g (h x)))");
    let input = Cell::new(input.get().strip_prefix('(').unwrap());
    let mut g = Recursive::new(list, (&input, 0));
    let tokens: Vec<_> = g.by_ref().map(Result::unwrap).collect();
    use Token::*;
    assert_eq!(
        tokens,
        [
            Open(0),
            Atom("define", 0),
            Open(1),
            Atom("f", 1),
            Atom("x", 1),
            Close(1),
            Open(1),
            Atom("g", 1),
            Open(2),
            Atom("h", 2),
            Atom("x", 2),
            Close(2),
            Close(1),
            Close(0),
        ]
    );
    assert_eq!(g.take_return(), Some(6));

    let input = Cell::new("(a (b");
    let input = Cell::new(input.get().strip_prefix('(').unwrap());
    let errors: Vec<String> = Recursive::new(list, (&input, 0))
        .filter_map(Result::err)
        .collect();
    assert_eq!(
        errors,
        ["unclosed list at depth 1", "unclosed list at depth 0"]
    );
}

// ---------------------------------------------------------------------------------------
// The generator protocol
// ---------------------------------------------------------------------------------------

#[test]
fn nothing_runs_before_the_first_resume() {
    let calls = Cell::new(0);
    let mut g = Recursive::new(
        |rec: Rec<u8, u8>, n| {
            calls.set(calls.get() + 1);
            async move { rec.yield_(n).await }
        },
        1,
    );
    assert_eq!(
        (calls.get(), g.state(), g.depth()),
        (0, GeneratorState::Created, 0)
    );
    assert_eq!(g.next(), Some(1));
    assert_eq!(
        (calls.get(), g.state(), g.depth()),
        (1, GeneratorState::Suspended, 1)
    );
}

#[test]
fn a_generator_never_resumed_allocates_nothing_and_calls_share_chunks() {
    async fn down(rec: Rec<u32, u32>, n: u32) {
        if n > 0 {
            rec.recurse(n - 1).await;
        }
        rec.yield_(n).await;
    }
    let (g, at_creation) = allocations_in(|| Recursive::new(down, 100));
    assert_eq!(at_creation, 0);
    drop(g);
    // 101 frames: a chunk per doubling, and the chunk list.
    let (sum, while_running) =
        allocations_in(|| Recursive::new(down, 100).map(u64::from).sum::<u64>());
    assert_eq!(sum, 5050);
    assert!(
        while_running <= 8,
        "{while_running} allocations for 101 frames"
    );
}

/// PEP 255: once a generator is exhausted, every further `next()` raises StopIteration.
#[test]
fn exhaustion_is_fused_and_the_return_value_is_given_once() {
    async fn two(rec: Rec<u8, (), &'static str>, (): ()) -> &'static str {
        rec.yield_(1).await;
        rec.yield_(2).await;
        "done"
    }
    let mut g = Recursive::new(two, ());
    assert_eq!(g.take_return(), None);
    assert_eq!(g.by_ref().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.depth(), 0);
    for _ in 0..3 {
        assert_eq!(g.next(), None);
    }
    assert_eq!(g.take_return(), Some("done"));
    assert_eq!(g.take_return(), None);
}

/// PEP 380: the delegate's return value becomes the value of `yield from`, at every level.
#[test]
fn every_call_returns_its_value_to_its_caller() {
    // fib(n) as a call tree, yielding every leaf: the return values add up the tree.
    async fn fib(rec: Rec<u32, u32, u64>, n: u32) -> u64 {
        if n < 2 {
            rec.yield_(n).await;
            return u64::from(n);
        }
        rec.recurse(n - 1).await + rec.recurse(n - 2).await
    }
    let mut g = Recursive::new(fib, 12);
    let leaves: Vec<u32> = g.by_ref().collect();
    assert_eq!(leaves.len(), 233); // fib(13) leaves in the call tree of fib(12)
    assert_eq!(g.take_return(), Some(144));
}

#[test]
fn close_drops_the_calls_innermost_first_and_is_final() {
    let log = RefCell::new(Vec::new());
    struct Logged<'a>(u32, &'a RefCell<Vec<u32>>);
    impl Drop for Logged<'_> {
        fn drop(&mut self) {
            self.1.borrow_mut().push(self.0);
        }
    }
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, n| {
            let log = &log;
            async move {
                let _logged = Logged(n, log);
                rec.yield_(n).await;
                rec.recurse(n + 1).await;
            }
        },
        0,
    );
    assert_eq!(g.by_ref().take(5).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    assert_eq!(g.depth(), 5);
    g.close();
    assert_eq!(*log.borrow(), [4, 3, 2, 1, 0]);
    assert_eq!(
        (g.state(), g.depth(), g.next()),
        (GeneratorState::Closed, 0, None)
    );
    assert_eq!(g.take_return(), None);

    // Closing before the first resume drops the first argument, and runs nothing.
    let mut g = Recursive::new(
        |rec: Rec<u32, Logged<'_>>, arg| async move {
            rec.yield_(arg.0).await;
        },
        Logged(99, &log),
    );
    g.close();
    assert_eq!(log.borrow().last(), Some(&99));
    assert_eq!(g.next(), None);
}

/// A panic in a frame propagates to the caller and leaves the generator closed (PEP 255: an
/// exception raised in the body ends the generator); every live call is dropped once.
#[test]
fn a_panic_at_any_depth_closes_the_generator() {
    let live = Rc::new(Cell::new(0usize));
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, n| {
            let live = Rc::clone(&live);
            async move {
                let _alive = Alive::new(&live);
                rec.yield_(n).await;
                assert!(n < 3, "boom at depth {n}");
                rec.recurse(n + 1).await;
            }
        },
        0,
    );
    assert_eq!(g.by_ref().take(4).collect::<Vec<_>>(), [0, 1, 2, 3]);
    let message = panic_message(|| {
        g.next();
    });
    assert_eq!(message, "boom at depth 3");
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.next(), None);
    // Python runs each frame's `finally` as the exception propagates: here every call is
    // dropped as the panic unwinds, the panicking one first.
    assert_eq!(live.get(), 0);
    assert_eq!(g.depth(), 0);
}

#[test]
fn a_panicking_destructor_still_drops_the_other_calls() {
    struct Bomb(bool, Rc<Cell<usize>>);
    impl Drop for Bomb {
        fn drop(&mut self) {
            self.1.set(self.1.get() + 1);
            assert!(!self.0, "bomb");
        }
    }
    let dropped = Rc::new(Cell::new(0));
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, n| {
            let bomb = Bomb(n == 2, Rc::clone(&dropped));
            async move {
                let _bomb = bomb;
                rec.yield_(n).await;
                rec.recurse(n + 1).await;
            }
        },
        0,
    );
    assert_eq!(g.by_ref().take(5).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    assert_eq!(panic_message(move || drop(g)), "bomb");
    assert_eq!(dropped.get(), 5, "each frame dropped exactly once");
}

#[test]
fn a_panic_in_the_function_itself_closes_the_generator() {
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, n| {
            assert!(n < 2, "no frame for {n}");
            async move {
                rec.yield_(n).await;
                rec.recurse(n + 1).await;
            }
        },
        0,
    );
    assert_eq!(g.by_ref().take(2).collect::<Vec<_>>(), [0, 1]);
    assert_eq!(
        panic_message(|| {
            g.next();
        }),
        "no frame for 2"
    );
    assert_eq!((g.state(), g.next()), (GeneratorState::Closed, None));
}

/// Frames of a zero-sized future take no memory and still run one at a time.
#[test]
fn zero_sized_frames() {
    struct Done;
    impl Future for Done {
        type Output = u8;
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u8> {
            Poll::Ready(7)
        }
    }
    let mut g = Recursive::new(|_: Rec<(), (), u8>, ()| Done, ());
    let (next, allocations) = allocations_in(|| g.next());
    assert_eq!(
        (next, allocations),
        (None, 1),
        "one allocation: the chunk list"
    );
    assert_eq!(g.take_return(), Some(7));
}

#[test]
fn recursive_generators_cross_threads() {
    async fn count(rec: Rec<u32, u32>, n: u32) {
        if n > 0 {
            rec.recurse(n - 1).await;
        }
        rec.yield_(n).await;
    }
    let mut g = Recursive::new(count, 10);
    assert_send_unpin(&g);
    assert_eq!(g.next(), Some(0));
    let rest: Vec<u32> = std::thread::spawn(move || g.collect()).join().unwrap();
    assert_eq!(rest, (1..=10).collect::<Vec<_>>());
}

// ---------------------------------------------------------------------------------------
// Depth: a million calls on a 2 MiB thread stack
// ---------------------------------------------------------------------------------------

/// Levels for the deep tests; fewer under Miri, whose interpreter is slow.
const DEEP: u32 = if cfg!(miri) { 2_000 } else { 1_000_000 };

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the deep test panicked (a stack overflow aborts instead)")
}

async fn chain(rec: Rec<u32, u32, u64>, n: u32) -> u64 {
    let below = if n > 0 { rec.recurse(n - 1).await } else { 0 };
    rec.yield_(n).await;
    below + u64::from(n)
}

#[test]
fn a_million_calls_deep_run_and_return_on_a_small_stack() {
    let (items, first, last, returned) = on_small_stack(|| {
        let mut g = Recursive::new(chain, DEEP);
        let mut items = 0u64;
        let first = g.next();
        let mut last = first;
        if first.is_some() {
            items += 1;
        }
        for x in g.by_ref() {
            items += 1;
            last = Some(x);
        }
        (items, first, last, g.take_return())
    });
    assert_eq!(items, u64::from(DEEP) + 1);
    assert_eq!((first, last), (Some(0), Some(DEEP)));
    let n = u64::from(DEEP);
    assert_eq!(returned, Some(n * (n + 1) / 2));
}

#[test]
fn a_million_calls_deep_drop_midway_on_a_small_stack() {
    let (depth, after) = on_small_stack(|| {
        let mut g = Recursive::new(chain, DEEP);
        assert_eq!(g.next(), Some(0)); // every call is live
        for _ in 0..DEEP / 2 {
            g.next();
        }
        let depth = g.depth();
        drop(g);
        // And closed before a full descent, with a million calls live.
        let mut g = Recursive::new(chain, DEEP);
        g.next();
        g.close();
        (depth, g.depth())
    });
    assert_eq!(depth, (DEEP + 1 - DEEP / 2) as usize);
    assert_eq!(after, 0);
}

/// Going up and down across a chunk boundary keeps the chunk it leaves, so it does not
/// allocate each time.
#[test]
fn bouncing_across_a_chunk_boundary_does_not_allocate() {
    // Each call yields, then recurses to `n` levels below it, `rounds` times.
    async fn bounce(rec: Rec<u32, (u32, u32)>, (depth, rounds): (u32, u32)) {
        if depth == 0 {
            return rec.yield_(0).await;
        }
        for _ in 0..rounds {
            rec.recurse((depth - 1, 1)).await;
        }
    }
    let mut g = Recursive::new(bounce, (200, 1));
    assert_eq!(g.next(), Some(0));
    drop(g);
    // 200 levels down once, then up to level 190 and down again 50 times.
    let mut g = Recursive::new(
        |rec: Rec<u32, (u32, u32)>, (depth, rounds): (u32, u32)| async move {
            if depth == 0 {
                return rec.yield_(0).await;
            }
            let below = if depth == 10 { 50 } else { rounds };
            for _ in 0..below {
                rec.recurse((depth - 1, 1)).await;
            }
        },
        (200, 1),
    );
    assert_eq!(g.next(), Some(0));
    let (rest, allocations) = allocations_in(|| g.by_ref().count());
    assert_eq!(rest, 49);
    assert_eq!(allocations, 0);
}

// ---------------------------------------------------------------------------------------
// Tail calls: the caller's frame is replaced, not kept
// ---------------------------------------------------------------------------------------

#[test]
fn a_chain_of_tail_calls_keeps_one_frame_on_a_small_stack() {
    async fn down(rec: Rec<u32, u32, u32>, n: u32) -> u32 {
        rec.yield_(n).await;
        if n == 0 {
            return 7;
        }
        rec.tail_call(n - 1).await
    }
    let (depths, returned, allocations) = on_small_stack(|| {
        let mut g = Recursive::new(down, DEEP);
        assert_eq!(g.next(), Some(DEEP));
        let mut depths = Vec::with_capacity(DEEP as usize / 1000 + 1);
        depths.push(g.depth());
        let (count, allocations) = allocations_in(|| {
            let mut count = 0;
            while let Some(n) = g.next() {
                count += 1;
                if n % 1000 == 0 {
                    depths.push(g.depth());
                }
            }
            count
        });
        assert_eq!(count, DEEP);
        (depths, g.take_return(), allocations)
    });
    assert!(depths.iter().all(|&d| d == 1), "{depths:?}");
    // The last call's return value is every call's, the first included.
    assert_eq!(returned, Some(7));
    assert_eq!(
        allocations, 0,
        "each call takes the frame of the one it replaces"
    );
}

#[test]
fn a_tail_call_drops_the_caller_before_the_call_starts() {
    // Python has no tail calls: in `return (yield from f(n + 1))` the caller's `finally`
    // runs after the callee's. A tail call is Rust's `become`: the caller is gone first.
    struct Logged<'a>(u32, &'a RefCell<Vec<String>>);
    impl Drop for Logged<'_> {
        fn drop(&mut self) {
            self.1.borrow_mut().push(format!("end {}", self.0));
        }
    }
    let log = RefCell::new(Vec::new());
    let g = Recursive::new(
        |rec: Rec<u32, u32>, n| {
            let log = &log;
            async move {
                log.borrow_mut().push(format!("start {n}"));
                let _end = Logged(n, log);
                rec.yield_(n).await;
                if n < 2 {
                    rec.tail_call(n + 1).await
                }
            }
        },
        0,
    );
    assert_eq!(g.collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(
        *log.borrow(),
        ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]
    );
}

#[test]
fn a_tail_calls_value_goes_to_the_replaced_calls_caller() {
    // As `return (yield from f(arg))`: the value of the tail-called `f(arg)` is the value
    // of the call it replaced, for that call's caller.
    let mut g = Recursive::new(
        |rec: Rec<u32, u32, u32>, n| async move {
            match n {
                0 => rec.recurse(1).await + 100,
                1 => {
                    rec.yield_(1).await;
                    rec.tail_call(2).await
                }
                _ => {
                    rec.yield_(n).await;
                    n * 3
                }
            }
        },
        0,
    );
    assert_eq!(g.by_ref().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(g.take_return(), Some(106));
}

#[test]
fn tail_calls_at_every_depth_across_chunk_boundaries() {
    // At every depth from 0 to past the third chunk, a call recurses down to it, then
    // tail-calls itself a few times there, each yielding: the frame replaced may be the
    // first, the last or the only frame of a chunk. Every frame is counted while it lives.
    const DEPTHS: u32 = if cfg!(miri) { 100 } else { 300 };
    /// Levels still to go down, tail calls still to make, the live-frame count.
    type Dive<'a> = (u32, u32, &'a Rc<Cell<usize>>);
    async fn dive<'a>(
        rec: Rec<(u32, usize), Dive<'a>, u32>,
        (below, tails, live): Dive<'a>,
    ) -> u32 {
        let _alive = Alive::new(live);
        if below > 0 {
            return rec.recurse((below - 1, tails, live)).await + 1;
        }
        rec.yield_((tails, live.get())).await;
        if tails == 0 {
            return 0;
        }
        rec.tail_call((0, tails - 1, live)).await
    }
    let live = Rc::new(Cell::new(0));
    for depth in 0..DEPTHS {
        let mut g = Recursive::new(dive, (depth, 3, &live));
        let mut seen = Vec::new();
        while let Some((tails, alive)) = g.next() {
            assert_eq!(alive, g.depth());
            assert_eq!(g.depth(), depth as usize + 1);
            seen.push(tails);
        }
        assert_eq!(seen, [3, 2, 1, 0]);
        assert_eq!(g.take_return(), Some(depth));
        assert_eq!(live.get(), 0);
        // Stopped midway, at the second tail call, the generator drops every frame.
        let mut g = Recursive::new(dive, (depth, 3, &live));
        assert_eq!(g.nth(1).map(|(tails, _)| tails), Some(2));
        drop(g);
        assert_eq!(live.get(), 0);
    }
}

#[test]
fn a_panicking_destructor_in_a_tail_call_closes_the_generator() {
    // Frame 2's destructor panics when the tail call to 3 replaces it: the new frame, made
    // but never polled, is dropped as the panic unwinds, and so are the frames below.
    struct Bomb(bool);
    impl Drop for Bomb {
        fn drop(&mut self) {
            assert!(!self.0, "bomb");
        }
    }
    let live = Rc::new(Cell::new(0));
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, n| {
            let alive = Alive::new(&live);
            async move {
                let _alive = alive;
                let _bomb = Bomb(n == 2);
                rec.yield_(n).await;
                if n < 2 {
                    rec.recurse(n + 1).await;
                } else {
                    rec.tail_call(n + 1).await
                }
            }
        },
        0,
    );
    assert_eq!(g.by_ref().take(3).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(live.get(), 3);
    assert_eq!(
        panic_message(|| {
            g.next();
        }),
        "bomb"
    );
    assert_eq!(
        live.get(),
        0,
        "every frame dropped, the unpolled new one included"
    );
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.next(), None);
}

#[test]
fn a_tail_call_and_a_yield_at_once_panic() {
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, n| async move {
            if n == 0 {
                futures::future::join(rec.tail_call(1), rec.yield_(5)).await;
            }
        },
        0,
    );
    let message = panic_message(|| {
        g.next();
    });
    assert!(message.contains("at once"), "{message}");
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn a_tail_call_future_dropped_before_the_frame_pauses_panics() {
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, n| async move {
            if n == 0 {
                PollOnce(Some(rec.tail_call(1))).await;
            }
        },
        0,
    );
    let message = panic_message(|| {
        g.next();
    });
    assert!(message.contains("still waiting for its call"), "{message}");
    assert_eq!(g.state(), GeneratorState::Closed);
}

// ---------------------------------------------------------------------------------------
// Misuse: a clear panic, never UB
// ---------------------------------------------------------------------------------------

#[test]
fn a_handle_used_in_another_recursive_generator_panics() {
    let stolen: RefCell<Option<Rec<u32, u32>>> = RefCell::new(None);
    let mut thief = Recursive::new(
        |rec: Rec<u32, u32>, n| {
            let stolen = &stolen;
            async move {
                *stolen.borrow_mut() = Some(rec);
                let _ = n;
            }
        },
        0,
    );
    assert_eq!(thief.next(), None);
    let mut victim = Recursive::new(
        |_own: Rec<u32, u32>, n| {
            let foreign = stolen.borrow_mut().take().unwrap();
            async move {
                foreign.yield_(n).await;
            }
        },
        5,
    );
    let message = panic_message(|| {
        victim.next();
    });
    assert!(
        message.contains("used inside a generator other than its own"),
        "{message}"
    );
    assert_eq!(victim.state(), GeneratorState::Closed);
}

#[test]
fn a_handle_used_outside_its_generator_panics() {
    let kept: RefCell<Option<Rec<u32, u32>>> = RefCell::new(None);
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, _| {
            *kept.borrow_mut() = Some(rec);
            async {}
        },
        0,
    );
    assert_eq!(g.next(), None);
    let rec = kept.borrow_mut().take().unwrap();
    let message = panic_message(|| futures::executor::block_on(rec.recurse(1)));
    assert!(message.contains("outside its generator"), "{message}");
}

#[test]
fn two_calls_at_once_panic() {
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, n| async move {
            if n == 0 {
                futures::future::join(rec.recurse(1), rec.recurse(2)).await;
            } else {
                rec.yield_(n).await;
            }
        },
        0,
    );
    let message = panic_message(|| {
        g.next();
    });
    assert!(message.contains("at once"), "{message}");
    assert_eq!(g.next(), None);
}

/// Polls a future once, then drops it.
struct PollOnce<F>(Option<F>);

impl<F: Future + Unpin> Future for PollOnce<F> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(mut inner) = self.0.take() {
            let _ = Pin::new(&mut inner).poll(cx);
        }
        Poll::Ready(())
    }
}

#[test]
fn a_call_future_dropped_before_its_call_runs_panics() {
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, n| async move {
            if n == 0 {
                PollOnce(Some(rec.recurse(1))).await;
            }
        },
        0,
    );
    let message = panic_message(|| {
        g.next();
    });
    assert!(message.contains("still waiting for its call"), "{message}");
    assert_eq!(g.state(), GeneratorState::Closed);
}

/// Pending once (without waking anyone: a generator's driver resumes it anyway), then ready.
struct PendingOnce(bool);

impl Future for PendingOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn a_return_value_nobody_reads_panics() {
    // The caller races its call against a yield polled first, then abandons the call
    // once the yield resumes: the call's value has nowhere to go.
    let mut g = Recursive::new(
        |rec: Rec<u32, u32, String>, n| async move {
            if n == 0 {
                // Asks for the call, then pauses on something else while it runs.
                PollOnce(Some(rec.recurse(1))).await;
                PendingOnce(false).await;
                rec.yield_(100).await;
                String::new()
            } else {
                format!("call {n}")
            }
        },
        0,
    );
    // The call ran when the first frame paused; its value was handed back, unread.
    let message = panic_message(|| {
        g.next();
    });
    assert!(message.contains("return value was never read"), "{message}");
}

#[test]
fn awaiting_a_foreign_future_in_a_frame_panics() {
    let mut g = Recursive::new(
        |_: Rec<u32, u32>, _| async {
            std::future::pending::<()>().await;
        },
        0,
    );
    let message = panic_message(|| {
        g.next();
    });
    assert!(
        message.contains("awaited a future that is not its own"),
        "{message}"
    );
}

#[test]
fn a_yield_polled_after_it_completed_panics() {
    let mut g = Recursive::new(
        |rec: Rec<u32, u32>, _| async move {
            let mut y = rec.yield_(1);
            (&mut y).await;
            (&mut y).await;
        },
        0,
    );
    assert_eq!(g.next(), Some(1));
    let message = panic_message(|| {
        g.next();
    });
    assert!(message.contains("polled after it completed"), "{message}");
}
