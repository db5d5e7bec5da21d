//! Generator pipelines on one thread: the tutorial's `square` and `even` stages, how items
//! flow through them, and the order in which dropping a pipeline runs each stage's cleanup.
//!
//! The expected logs are what CPython 3.11.7 prints for the same pipelines, written in
//! Python next to each test.

use std::cell::RefCell;
use std::future::Future;
use std::ops::{Add, Mul, Rem};
use std::rc::Rc;

use yielding::{Gen, generator};

/// Python: `def square(nums): for n in nums: yield n * n`, for any number type.
fn square<I>(nums: I) -> Gen<I::Item, (), impl Future<Output = ()>>
where
    I: IntoIterator,
    I::Item: Mul<Output = I::Item> + Clone,
{
    generator! {
        for n in nums {
            yield n.clone() * n;
        }
    }
}

/// Python: `def even(nums): for n in nums: if n % 2 == 0: yield n`, for integers and floats
/// alike (as Python's `n % 2 == 0` holds for `4.0`).
fn even<I>(nums: I) -> Gen<I::Item, (), impl Future<Output = ()>>
where
    I: IntoIterator,
    I::Item: Rem<Output = I::Item> + Add<Output = I::Item> + From<bool> + PartialEq + Copy,
{
    generator! {
        let zero = I::Item::from(false);
        let two = I::Item::from(true) + I::Item::from(true);
        for n in nums {
            if n % two == zero {
                yield n;
            }
        }
    }
}

/// A shared event log, so that a test can assert the order in which things ran.
#[derive(Clone, Default)]
struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    fn push(&self, event: impl Into<String>) {
        self.0.borrow_mut().push(event.into());
    }
    fn events(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// Stands for a Python `finally:` block: logs when it is dropped.
struct Finally(Log, &'static str);

impl Drop for Finally {
    fn drop(&mut self) {
        self.0.push(format!("{} finally", self.1));
    }
}

/// Python: `def source(n): log("source start"); for i in range(n): log(f"source {i}"); yield i`
fn source(log: Log, n: u64) -> impl Iterator<Item = u64> {
    generator! {
        log.push("source start");
        for i in 0..n {
            log.push(format!("source {i}"));
            yield i;
        }
    }
}

#[test]
fn each_item_passes_through_every_stage_before_the_next_is_produced() {
    // Python:
    //   p = even(traced("square", square(source(5))))
    //   log.append("built")
    //   for x in p: log.append(f"sink {x}")
    // where traced(name, it) logs f"{name} {x}" for each x it passes on, as `inspect` does.
    let log = Log::default();
    let traced = log.clone();
    let pipeline =
        even(square(source(log.clone(), 5)).inspect(move |n| traced.push(format!("square {n}"))));
    log.push("built");
    for n in pipeline {
        log.push(format!("sink {n}"));
    }
    // CPython 3.11.7 prints:
    // ['built', 'source start', 'source 0', 'square 0', 'sink 0', 'source 1', 'square 1',
    //  'source 2', 'square 4', 'sink 4', 'source 3', 'square 9', 'source 4', 'square 16',
    //  'sink 16']
    assert_eq!(
        log.events(),
        [
            "built",
            "source start",
            "source 0",
            "square 0",
            "sink 0",
            "source 1",
            "square 1",
            "source 2",
            "square 4",
            "sink 4",
            "source 3",
            "square 9",
            "source 4",
            "square 16",
            "sink 16",
        ]
    );
}

#[test]
fn nothing_runs_until_the_sink_pulls() {
    // Python: even(square(source(5))) runs no line of any stage until next() is called.
    let log = Log::default();
    let mut pipeline = even(square(source(log.clone(), 5)));
    assert!(log.events().is_empty());
    assert_eq!(pipeline.next(), Some(0));
    assert_eq!(log.events(), ["source start", "source 0"]);
    // The next pull runs only as far as the next even square: 1 is odd, 4 is even.
    assert_eq!(pipeline.next(), Some(4));
    assert_eq!(
        log.events(),
        ["source start", "source 0", "source 1", "source 2"]
    );
}

#[test]
fn the_seed_pipeline_gives_pythons_result() {
    // Python: list(even(square(range(10)))) == [0, 4, 16, 36, 64]
    assert_eq!(
        even(square(0..10)).collect::<Vec<u32>>(),
        [0, 4, 16, 36, 64]
    );
    assert_eq!(
        even(square(vec![-3i64, -2, 5, 6])).collect::<Vec<_>>(),
        [4, 36]
    );
    assert_eq!(square([1.5f64, 2.0]).collect::<Vec<_>>(), [2.25, 4.0]);
    assert_eq!(even([3.0f32, 4.0, 4.5]).collect::<Vec<_>>(), [4.0]);
    assert_eq!(even(0u8..=255).count(), 128);
    assert_eq!(even(-4i8..4).collect::<Vec<_>>(), [-4, -2, 0, 2]);
}

#[test]
fn stages_compose_with_iterator_adapters_on_either_side() {
    let words = ["1", "two", "3", "4", "5"];
    let numbers = words.iter().filter_map(|w| w.parse::<u64>().ok());
    let result: Vec<u64> = even(square(numbers).map(|n| n + 1))
        .take_while(|&n| n < 20)
        .collect();
    // squares 1, 9, 16, 25 -> plus one 2, 10, 17, 26 -> even 2, 10, 26 -> below 20
    assert_eq!(result, [2, 10]);
    // A stage is a generator: it has the protocol too.
    let mut stage = square(0..3);
    assert_eq!(stage.next(), Some(0));
    stage.close();
    assert_eq!(stage.next(), None);
}

#[test]
fn stages_pull_lazily_from_an_infinite_source() {
    // Python: itertools.islice(even(square(itertools.count())), 4) -> 0, 4, 16, 36
    assert_eq!(
        even(square(0u64..)).take(4).collect::<Vec<_>>(),
        [0, 4, 16, 36]
    );
}

// ---- cleanup order ----------------------------------------------------------------------

/// A stage with a `finally`, keeping its upstream in a local declared before the guard, so
/// that the guard drops first: Python's order.
///
/// Python: `def stage(name, nums): try: for n in nums: yield n  finally: log(f"{name} finally")`
fn stage(
    log: Log,
    name: &'static str,
    nums: impl IntoIterator<Item = u64>,
) -> impl Iterator<Item = u64> {
    generator! {
        let mut nums = nums.into_iter();
        let _finally = Finally(log, name);
        for n in &mut nums {
            yield n;
        }
    }
}

/// The same stage written with `for n in nums` after the guard: the loop's iterator lives
/// in the loop's inner scope, so the upstream drops before the guard.
fn stage_for_loop(
    log: Log,
    name: &'static str,
    nums: impl IntoIterator<Item = u64>,
) -> impl Iterator<Item = u64> {
    generator! {
        let _finally = Finally(log, name);
        for n in nums {
            yield n;
        }
    }
}

/// Python: `def src(n): try: for i in range(n): yield i  finally: log("source finally")`
fn finally_source(log: Log, n: u64) -> impl Iterator<Item = u64> {
    generator! {
        let _finally = Finally(log, "source");
        for i in 0..n {
            yield i;
        }
    }
}

#[test]
fn dropping_the_sink_runs_every_stages_cleanup_source_last() {
    // Python:
    //   p = stage("outer", stage("inner", src(10**9)))
    //   next(p), next(p)
    //   del p
    // CPython 3.11.7 prints ['outer finally', 'inner finally', 'source finally']: closing
    // `outer` runs its `finally`, then its frame releases `inner`, which is closed in turn.
    let log = Log::default();
    let mut sink = stage(
        log.clone(),
        "outer",
        stage(log.clone(), "inner", finally_source(log.clone(), u64::MAX)),
    );
    assert_eq!(sink.next(), Some(0));
    assert_eq!(sink.next(), Some(1));
    assert!(log.events().is_empty());
    drop(sink);
    assert_eq!(
        log.events(),
        ["outer finally", "inner finally", "source finally"]
    );
}

#[test]
fn closing_the_sink_runs_the_same_cleanup_in_the_same_order() {
    // Python: p = stage("outer", stage("inner", src(10**9))); next(p); p.close()
    // -> ['outer finally', 'inner finally', 'source finally']
    let log = Log::default();
    let inner = stage(log.clone(), "inner", finally_source(log.clone(), u64::MAX));
    let outer_log = log.clone();
    let mut sink = generator! {
        let mut nums = inner;
        let _finally = Finally(outer_log, "outer");
        for n in &mut nums {
            yield n;
        }
    };
    assert_eq!(sink.next(), Some(0));
    sink.close();
    assert_eq!(
        log.events(),
        ["outer finally", "inner finally", "source finally"]
    );
}

#[test]
fn a_for_loop_over_the_upstream_drops_it_first_reversing_pythons_order() {
    // Rust drops a suspended generator's live locals as it would on leaving their scopes:
    // the inner scope first. `for n in nums` keeps the upstream in the loop's scope, inside
    // the scope of `_finally`, so the upstream (and its own upstream, first) drops before
    // this stage's guard: the source's cleanup runs first. Python's order is the reverse
    // (the test above); binding the upstream before the guard gives it.
    let log = Log::default();
    let mut sink = stage_for_loop(
        log.clone(),
        "outer",
        stage_for_loop(log.clone(), "inner", finally_source(log.clone(), u64::MAX)),
    );
    assert_eq!(sink.next(), Some(0));
    drop(sink);
    assert_eq!(
        log.events(),
        ["source finally", "inner finally", "outer finally"]
    );
}

#[test]
fn exhaustion_runs_the_cleanup_from_the_source_outwards() {
    // Python: p = stage("outer", stage("inner", src(3))); list(p)
    // -> [0, 1, 2], with log ['source finally', 'inner finally', 'outer finally']: the source
    // finishes first, and each stage finishes when its upstream does.
    let log = Log::default();
    let sink = stage(
        log.clone(),
        "outer",
        stage(log.clone(), "inner", finally_source(log.clone(), 3)),
    );
    assert_eq!(sink.collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(
        log.events(),
        ["source finally", "inner finally", "outer finally"]
    );
}

#[test]
fn dropping_an_unstarted_pipeline_runs_no_cleanup() {
    // Python: p = stage("outer", stage("inner", src(3))); del p -> [] (no frame ever ran,
    // so no `try` was entered). Rust: no guard was ever created.
    let log = Log::default();
    let sink = stage(
        log.clone(),
        "outer",
        stage(log.clone(), "inner", finally_source(log.clone(), 3)),
    );
    drop(sink);
    assert!(log.events().is_empty());
}

#[test]
fn dropping_the_seed_pipeline_drops_its_source() {
    let log = Log::default();
    let mut sink = even(square(finally_source(log.clone(), u64::MAX)));
    assert_eq!(sink.next(), Some(0));
    assert_eq!(sink.next(), Some(4));
    drop(sink);
    assert_eq!(log.events(), ["source finally"]);
}
