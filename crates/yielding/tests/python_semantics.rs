//! Conformance: each test mirrors a behaviour of CPython's generators, named in its comment.
//! Where Rust's types make a Python error impossible, the test says what stands in for it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use yielding::{Co, CoroutineState, Gen, GeneratorState, Thrown};

#[path = "support/log.rs"]
mod log;
use log::{Finally, Log};

#[path = "support/panics.rs"]
mod panics;
use panics::panic_message;

// ---- laziness -------------------------------------------------------------------------

#[test]
fn creating_a_generator_runs_nothing() {
    // Python: calling a generator function runs none of its body.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = Gen::new(|co| async move {
        body_log.push("started");
        co.yield_(1).await;
    });
    assert!(log.events().is_empty());
    assert_eq!(g.state(), GeneratorState::Created);
    assert_eq!(g.next(), Some(1));
    assert_eq!(log.events(), ["started"]);
}

#[test]
fn body_runs_only_up_to_the_next_yield() {
    // Python: each next() runs the body up to the following yield and no further.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = Gen::new(|co| async move {
        for i in 0..3 {
            body_log.push(format!("before {i}"));
            co.yield_(i).await;
            body_log.push(format!("after {i}"));
        }
    });
    assert_eq!(g.next(), Some(0));
    assert_eq!(log.events(), ["before 0"]);
    assert_eq!(g.next(), Some(1));
    assert_eq!(log.events(), ["before 0", "after 0", "before 1"]);
}

#[test]
fn infinite_generator_is_pulled_lazily() {
    // Python: itertools.islice(fibonacci(), 10) on an infinite generator terminates.
    let mut fib = Gen::new(|co| async move {
        let (mut a, mut b) = (0u64, 1u64);
        loop {
            co.yield_(a).await;
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    assert_eq!(
        fib.nth(90),
        Some(2_880_067_194_370_816_120),
        "fib(90), as tour.py prints"
    );
}

// ---- exhaustion and the return value ---------------------------------------------------

#[test]
fn exhausted_generator_stays_exhausted_forever() {
    // Python: after StopIteration, every next() raises StopIteration again; a second
    // `for` loop over the same generator runs zero times.
    let mut g = Gen::new(|co| async move {
        co.yield_(1).await;
        co.yield_(2).await;
    });
    assert_eq!((&mut g).collect::<Vec<_>>(), [1, 2]);
    for _ in 0..100 {
        assert_eq!(g.next(), None);
        assert_eq!(g.resume(()), None);
    }
    assert_eq!((&mut g).count(), 0);
    assert_eq!(g.size_hint(), (0, Some(0)));
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn send_after_exhaustion_reports_exhaustion() {
    // Python: send() to an exhausted generator raises StopIteration (no value), never
    // anything worse.
    let mut g = Gen::with_send(|co: Co<i32, i32>| async move {
        co.yield_(1).await;
    });
    g.start();
    assert_eq!(g.send(5), None);
    assert_eq!(g.send(6), None);
    assert_eq!(g.resume(7), None);
}

#[test]
fn return_value_is_delivered_exactly_once() {
    // PEP 380: `return value` in a generator raises StopIteration(value); it is raised once,
    // later next() calls raise a bare StopIteration.
    let mut g = Gen::new(|co| async move {
        co.yield_(1).await;
        "result"
    });
    assert_eq!(g.next(), Some(1));
    assert_eq!(g.take_return(), None, "not finished yet");
    assert_eq!(g.next(), None);
    assert_eq!(g.take_return(), Some("result"));
    assert_eq!(g.take_return(), None);
    assert_eq!(g.next(), None);
    assert_eq!(g.take_return(), None);
}

#[test]
fn resume_delivers_the_return_value_itself() {
    // PEP 380: StopIteration.value carries the return value to the code that resumed.
    let mut g = Gen::new(|co| async move {
        co.yield_('a').await;
        7
    });
    assert_eq!(g.resume(()), Some(CoroutineState::Yielded('a')));
    assert_eq!(g.resume(()), Some(CoroutineState::Complete(7)));
    assert_eq!(g.resume(()), None);
    assert_eq!(g.take_return(), None, "already delivered by resume");
}

#[test]
fn generator_that_never_yields_just_returns() {
    // Python: a generator function whose body returns at once raises StopIteration on the
    // first next().
    let mut g = Gen::new(|_co: Co<u8>| async move { 3 });
    assert_eq!(g.next(), None);
    assert_eq!(g.take_return(), Some(3));
}

// ---- send ------------------------------------------------------------------------------

#[test]
fn sent_value_becomes_the_value_of_the_paused_yield() {
    // PEP 342: "the value of the yield expression is the value passed to send()".
    let log = Log::default();
    let body_log = log.clone();
    let mut receiver = Gen::with_send(|co: Co<(), i32>| async move {
        let value = co.yield_(()).await;
        body_log.push(value.to_string());
    });
    assert_eq!(receiver.start(), Some(()));
    assert_eq!(receiver.send(10), None);
    assert_eq!(log.events(), ["10"]);
}

#[test]
fn running_average_keeps_state_between_sends() {
    // The seed's section 11: total and count persist between yields.
    let mut avg = Gen::with_send(|co: Co<f64, f64>| async move {
        let (mut total, mut count) = (0.0, 0.0);
        loop {
            let x = co
                .yield_(if count > 0.0 { total / count } else { 0.0 })
                .await;
            total += x;
            count += 1.0;
        }
    });
    assert_eq!(avg.start(), Some(0.0));
    assert_eq!(avg.send(10.0), Some(10.0));
    assert_eq!(avg.send(20.0), Some(15.0));
    assert_eq!(avg.send(30.0), Some(20.0));
}

#[test]
#[should_panic(expected = "send() to a just-created generator")]
fn send_to_a_just_created_generator_panics() {
    // PEP 342: send(non-None) to a just-started generator raises TypeError.
    let mut g = Gen::with_send(|co: Co<i32, i32>| async move {
        co.yield_(0).await;
    });
    g.send(1);
}

#[test]
fn first_resume_argument_is_not_observed() {
    // Python has no paused yield before the first resume; our documented rule for the
    // std-shaped `resume` is that its first argument is dropped unobserved.
    let mut g = Gen::with_send(|co: Co<i32, i32>| async move {
        let a = co.yield_(0).await;
        co.yield_(a).await;
    });
    assert_eq!(g.resume(99), Some(CoroutineState::Yielded(0)));
    assert_eq!(g.resume(5), Some(CoroutineState::Yielded(5)));
}

#[test]
fn next_sends_none_into_an_option_generator() {
    // Python: next(g) is g.send(None).
    let mut g = Gen::with_send(|co: Co<&str, Option<&str>>| async move {
        loop {
            let got = co.yield_("tick").await;
            if let Some(word) = got {
                co.yield_(word).await;
            }
        }
    });
    assert_eq!(g.next(), Some("tick"));
    assert_eq!(g.next(), Some("tick"));
    assert_eq!(g.send(Some("hello")), Some("hello"));
    assert_eq!(g.next(), Some("tick"));
}

#[test]
#[should_panic(expected = "already started")]
fn start_on_a_started_generator_panics() {
    // Python's priming next() on a running generator would send None; a typed send value
    // has no None, so start() refuses instead of inventing one.
    let mut g = Gen::with_send(|co: Co<i32, i32>| async move {
        co.yield_(0).await;
        co.yield_(1).await;
    });
    g.start();
    g.start();
}

#[test]
fn start_on_a_closed_generator_reports_exhaustion() {
    // Python: next() on an exhausted generator raises StopIteration, never worse.
    let mut g = Gen::with_send(|co: Co<i32, i32>| async move {
        co.yield_(0).await;
    });
    g.close();
    assert_eq!(g.start(), None);
}

// ---- throw -----------------------------------------------------------------------------

type Throwable<'a> = Co<i32, Result<(), &'a str>>;

#[test]
fn thrown_error_can_be_handled_by_the_body() {
    // PEP 342: throw() raises the exception at the paused yield; if the generator catches
    // it and yields again, throw() returns that value.
    let mut g = Gen::with_send(|co: Throwable| async move {
        let mut handled = 0;
        loop {
            match co.yield_(handled).await {
                Ok(()) => {}
                Err(_) => handled += 1,
            }
        }
    });
    assert_eq!(g.next(), Some(0));
    assert_eq!(g.throw("boom"), Thrown::Yielded(1));
    assert_eq!(g.next(), Some(1));
    assert_eq!(g.throw("again"), Thrown::Yielded(2));
}

#[test]
fn thrown_error_that_propagates_finishes_the_generator() {
    // PEP 342: if the generator does not catch the exception, it propagates to the caller
    // of throw() and the generator is closed.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = Gen::with_send(|co: Throwable| async move {
        let _cleanup = Finally {
            log: body_log,
            name: "body",
        };
        co.yield_(1).await?;
        co.yield_(2).await?;
        Ok("unreached")
    });
    assert_eq!(g.next(), Some(1));
    assert_eq!(g.throw("fatal"), Thrown::Raised("fatal"));
    assert_eq!(log.events(), ["finally body"]);
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.next(), None);
}

#[test]
fn throw_into_a_just_created_generator_closes_it_without_running_the_body() {
    // PEP 342: throw() into a just-started generator closes it without running the body,
    // and the exception is raised in the caller.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = Gen::with_send(|co: Throwable| async move {
        body_log.push("ran");
        co.yield_(1).await?;
        Ok::<_, &str>(())
    });
    assert_eq!(g.throw("early"), Thrown::Raised("early"));
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(log.events().is_empty());
    assert_eq!(g.next(), None);
}

#[test]
fn throw_into_a_finished_generator_raises_in_the_caller() {
    // Python: throw() on an exhausted generator re-raises the exception it was given.
    let mut g = Gen::with_send(|co: Throwable| async move {
        co.yield_(1).await?;
        Ok::<_, &str>(())
    });
    assert_eq!((&mut g).count(), 1);
    assert_eq!(g.throw("late"), Thrown::Raised("late"));
}

// ---- close and cleanup ---------------------------------------------------------------

#[test]
fn close_runs_cleanup_of_the_live_locals() {
    // PEP 342: close() raises GeneratorExit at the paused yield, so `finally` blocks run.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = Gen::new(|co| async move {
        let _outer = Finally {
            log: body_log.clone(),
            name: "outer",
        };
        {
            let _inner = Finally {
                log: body_log.clone(),
                name: "inner",
            };
            co.yield_(1).await;
        }
        co.yield_(2).await;
    });
    assert_eq!(g.next(), Some(1));
    assert!(log.events().is_empty());
    g.close();
    // Python runs the innermost `finally` first.
    assert_eq!(log.events(), ["finally inner", "finally outer"]);
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.next(), None);
}

#[test]
fn dropping_a_suspended_generator_runs_cleanup() {
    // Python: a generator garbage-collected while suspended is closed (PEP 342 __del__).
    let log = Log::default();
    let body_log = log.clone();
    let mut g = Gen::new(|co| async move {
        let _f = Finally {
            log: body_log,
            name: "body",
        };
        co.yield_(1).await;
    });
    g.next();
    drop(g);
    assert_eq!(log.events(), ["finally body"]);
}

#[test]
fn close_on_a_created_generator_runs_nothing() {
    // PEP 342: close() on a generator that has not started just marks it closed.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = Gen::new(|co| async move {
        body_log.push("ran");
        co.yield_(1).await;
    });
    g.close();
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.next(), None);
    assert!(log.events().is_empty());
}

#[test]
fn close_on_a_finished_generator_is_a_no_op() {
    // PEP 342: close() on an exhausted generator does nothing; the return value already
    // reported stays reported.
    let mut g = Gen::new(|co| async move {
        co.yield_(1).await;
        5
    });
    assert_eq!((&mut g).count(), 1);
    g.close();
    g.close();
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.take_return(), Some(5));
}

#[test]
fn completion_drops_locals_before_reporting() {
    // Python: `finally` runs as the body returns, before StopIteration reaches the caller.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = Gen::new(|co| async move {
        let _f = Finally {
            log: body_log,
            name: "body",
        };
        co.yield_(1).await;
    });
    g.next();
    assert!(log.events().is_empty());
    assert_eq!(g.next(), None);
    assert_eq!(log.events(), ["finally body"]);
}

// ---- delegation (PEP 380) --------------------------------------------------------------

#[test]
fn yield_from_passes_items_through_and_evaluates_to_the_return_value() {
    // PEP 380: the delegate's yields go to the caller; its return value becomes the value
    // of the `yield from` expression.
    let inner = Gen::new(|co| async move {
        co.yield_(1).await;
        co.yield_(2).await;
        "inner done"
    });
    let mut outer = Gen::new(|co| async move {
        let got = co.yield_from(inner).await;
        co.yield_(3).await;
        got
    });
    assert_eq!((&mut outer).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(outer.take_return(), Some("inner done"));
}

#[test]
fn yield_from_forwards_sends_to_the_delegate() {
    // PEP 380: values sent to the delegating generator are sent to the delegate.
    let inner = Gen::with_send(|co: Co<String, i32>| async move {
        let a = co.yield_("inner ready".into()).await;
        let b = co.yield_(format!("inner got {a}")).await;
        a + b
    });
    let mut outer = Gen::with_send(|co: Co<String, i32>| async move {
        let sum = co.yield_from(inner).await;
        co.yield_(format!("sum {sum}")).await;
    });
    assert_eq!(outer.start().as_deref(), Some("inner ready"));
    assert_eq!(outer.send(4).as_deref(), Some("inner got 4"));
    assert_eq!(outer.send(6).as_deref(), Some("sum 10"));
}

#[test]
fn yield_from_forwards_throw_to_the_delegate() {
    // PEP 380: exceptions thrown into the delegating generator are thrown into the
    // delegate; if the delegate handles it, delegation continues.
    let inner = Gen::with_send(|co: Throwable| async move {
        let mut seen = 0;
        loop {
            if co.yield_(seen).await.is_err() {
                seen += 10;
            }
            if seen >= 20 {
                return Ok::<_, &str>(seen);
            }
        }
    });
    let mut outer = Gen::with_send(|co: Throwable| async move {
        let inner_result = co.yield_from(inner).await?;
        co.yield_(inner_result + 1).await?;
        Ok::<_, &str>(())
    });
    assert_eq!(outer.next(), Some(0));
    assert_eq!(outer.throw("x"), Thrown::Yielded(10));
    assert_eq!(outer.throw("y"), Thrown::Yielded(21));
}

#[test]
fn unhandled_throw_propagates_out_of_delegate_and_delegator() {
    // PEP 380: if the delegate does not handle the thrown exception, it propagates into
    // the delegating generator at the `yield from`, and on to the caller.
    let log = Log::default();
    let (inner_log, outer_log) = (log.clone(), log.clone());
    let inner = Gen::with_send(move |co: Throwable| async move {
        let _f = Finally {
            log: inner_log,
            name: "inner",
        };
        co.yield_(1).await?;
        Ok(())
    });
    let mut outer = Gen::with_send(move |co: Throwable| async move {
        let _f = Finally {
            log: outer_log,
            name: "outer",
        };
        co.yield_from(inner).await?;
        co.yield_(2).await?;
        Ok(())
    });
    assert_eq!(outer.next(), Some(1));
    assert_eq!(outer.throw("fatal"), Thrown::Raised("fatal"));
    assert_eq!(log.events(), ["finally inner", "finally outer"]);
}

#[test]
fn closing_the_delegator_closes_the_delegate_first() {
    // PEP 380: close() on the delegating generator closes the delegate first, so the
    // innermost `finally` runs first.
    let log = Log::default();
    let (inner_log, outer_log) = (log.clone(), log.clone());
    let inner = Gen::new(move |co| async move {
        let _f = Finally {
            log: inner_log,
            name: "inner",
        };
        co.yield_(1).await;
    });
    let mut outer = Gen::new(move |co| async move {
        let _f = Finally {
            log: outer_log,
            name: "outer",
        };
        co.yield_from(inner).await;
    });
    assert_eq!(outer.next(), Some(1));
    outer.close();
    assert_eq!(log.events(), ["finally inner", "finally outer"]);
}

#[test]
fn delegating_to_an_exhausted_generator_yields_nothing() {
    // PEP 380: `yield from` an exhausted generator yields nothing and evaluates to its
    // StopIteration value. Here the unclaimed return value is still there to be had.
    let mut inner = Gen::new(|co| async move {
        co.yield_(1).await;
        "kept"
    });
    assert_eq!((&mut inner).count(), 1);
    let mut outer = Gen::new(|co| async move { co.yield_from(inner).await });
    assert_eq!(outer.next(), None);
    assert_eq!(outer.take_return(), Some("kept"));
}

#[test]
#[should_panic(expected = "return value was already taken")]
fn delegating_to_an_exhausted_generator_whose_value_was_taken_panics() {
    // Python evaluates `yield from` of such a generator to None; a typed return value has
    // no None, so this is a clear panic rather than a made-up value.
    let mut inner = Gen::new(|co| async move {
        co.yield_(1).await;
        5
    });
    for _ in &mut inner {}
    inner.take_return();
    let mut outer = Gen::new(|co| async move { co.yield_from(inner).await });
    outer.next();
}

#[test]
fn yield_from_a_borrowed_generator_leaves_it_usable() {
    // Python: the delegate is an object the caller may still hold; after `yield from`
    // finishes it is exhausted and stays so.
    let mut inner = Gen::new(|co| async move {
        co.yield_(1).await;
        co.yield_(2).await;
    });
    let mut outer = Gen::new(|co| async move {
        co.yield_from(&mut inner).await;
        inner.state()
    });
    assert_eq!((&mut outer).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(outer.take_return(), Some(GeneratorState::Closed));
}

#[test]
fn yield_from_any_iterable() {
    // PEP 380: `yield from` accepts any iterable, not just generators.
    let mut g = Gen::new(|co| async move {
        co.yield_from_iter(vec![1, 2]).await;
        co.yield_from_iter(3..5).await;
        co.yield_from_iter(std::iter::empty()).await;
    });
    assert_eq!((&mut g).collect::<Vec<_>>(), [1, 2, 3, 4]);
}

#[test]
fn send_into_an_iterator_delegate_stops_the_delegation() {
    // PEP 380: an iterator without send() cannot take a non-None value; Python raises
    // AttributeError in the delegating generator. `yield_from_iter_until_sent` hands the
    // value to the body instead, for a body that handles it.
    let mut g = Gen::with_send(|co: Co<i32, Option<i32>>| async move {
        let interrupted = co.yield_from_iter_until_sent(0..10).await;
        co.yield_(interrupted.flatten().unwrap_or(-1) * 100).await;
    });
    assert_eq!(g.next(), Some(0));
    assert_eq!(g.next(), Some(1), "next() keeps the iterator going");
    assert_eq!(g.send(Some(7)), Some(700));
}

#[test]
fn a_paused_generator_is_delegated_to_by_iterating_it() {
    // Python 3.11: `yield from g` with `g` already paused resumes it with next():
    //     def inner(): yield 1; yield 2; yield 3; return "r"
    //     i = inner(); next(i)
    //     def outer(): yield from i
    //     list(outer())  # [2, 3]
    // Rust cannot make a "next" value for an arbitrary send type, so `yield_from` refuses
    // a paused generator with a message; iterating it (`yield_from_iter(&mut g)`) goes on
    // from where it is, and its return value stays in it.
    let mut inner = Gen::new(|co| async move {
        co.yield_(1).await;
        co.yield_(2).await;
        co.yield_(3).await;
        "r"
    });
    assert_eq!(inner.next(), Some(1));
    let message = panic_message(|| {
        let mut paused = Gen::new(|co| async move { co.yield_(1).await });
        paused.next();
        let outer = Gen::new(|co| async move { co.yield_from(&mut paused).await });
        outer.for_each(drop);
    });
    assert!(message.contains("already started"), "{message}");
    assert!(message.contains("yield_from_iter(&mut g)"), "{message}");
    let resumed = &mut inner;
    let outer = Gen::new(|co| async move {
        co.yield_from_iter(resumed).await;
    });
    assert_eq!(outer.collect::<Vec<_>>(), [2, 3]);
    assert_eq!(inner.take_return(), Some("r"));
}

#[test]
fn send_into_an_unhandled_iterator_delegate_raises_there() {
    // Python 3.11:
    //     def g():
    //         yield from iter([1, 2, 3])
    //         print("after")            # never reached
    //     it = g(); next(it); it.send(42)
    //     # AttributeError: 'list_iterator' object has no attribute 'send'
    // `yield_from_iter` whose value nobody takes panics there, naming it; the body stops.
    let after = &std::cell::Cell::new(false);
    let mut g = Gen::with_send(|co: Co<i32, Option<i32>>| async move {
        co.yield_from_iter([1, 2, 3]).await;
        after.set(true);
    });
    assert_eq!(g.next(), Some(1));
    let message = panic_message(|| {
        g.send(Some(42));
    });
    assert!(message.contains("`yield from` an iterable"), "{message}");
    assert!(
        message.contains("python_semantics.rs"),
        "names the call: {message}"
    );
    assert!(!after.get(), "the body did not carry on");
    assert_eq!(g.state(), GeneratorState::Closed);
    // A throw is the same: Python raises the thrown error at the `yield from`.
    let mut g = Gen::with_send(|co: Co<i32, Result<(), &str>>| async move {
        co.yield_from_iter(0..3).await;
        Ok::<(), &str>(())
    });
    g.next();
    let message = panic_message(|| {
        let _ = g.throw("boom");
    });
    assert!(message.contains("`yield from` an iterable"), "{message}");
}

#[test]
fn recursive_delegation_walks_a_tree() {
    // Python: `def walk(t): ... yield from walk(child)` flattens a tree in order.
    #[derive(Debug)]
    enum Tree {
        Leaf(u32),
        Node(Vec<Tree>),
    }
    type Walk<'t> = Gen<u32, (), std::pin::Pin<Box<dyn std::future::Future<Output = u32> + 't>>>;
    // Returns the number of leaves below, to check return values flow up each level.
    fn walk(tree: &Tree) -> Walk<'_> {
        Gen::new(|co| {
            Box::pin(async move {
                match tree {
                    Tree::Leaf(v) => {
                        co.yield_(*v).await;
                        1
                    }
                    Tree::Node(children) => {
                        let mut leaves = 0;
                        for child in children {
                            leaves += co.yield_from(walk(child)).await;
                        }
                        leaves
                    }
                }
            }) as std::pin::Pin<Box<dyn std::future::Future<Output = u32>>>
        })
    }
    fn deep(depth: u32) -> Tree {
        if depth == 0 {
            Tree::Leaf(depth)
        } else {
            Tree::Node(vec![
                Tree::Leaf(depth),
                deep(depth - 1),
                Tree::Leaf(depth + 100),
            ])
        }
    }
    let tree = deep(20);
    let mut g = walk(&tree);
    let items: Vec<u32> = (&mut g).collect();
    let expected: Vec<u32> = (1..=20)
        .rev()
        .chain([0])
        .chain((1..=20).map(|d| d + 100))
        .collect();
    assert_eq!(items, expected);
    assert_eq!(g.take_return(), Some(41));
}

// ---- state transitions ---------------------------------------------------------------

#[test]
fn state_follows_python_getgeneratorstate() {
    // inspect.getgeneratorstate: GEN_CREATED -> GEN_SUSPENDED -> GEN_CLOSED.
    let mut g = Gen::new(|co| async move {
        co.yield_(1).await;
        co.yield_(2).await;
    });
    assert_eq!(g.state(), GeneratorState::Created);
    g.next();
    assert_eq!(g.state(), GeneratorState::Suspended);
    g.next();
    assert_eq!(g.state(), GeneratorState::Suspended);
    g.next();
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn state_is_running_inside_the_resume() {
    // inspect.getgeneratorstate(g) called from inside g is GEN_RUNNING; re-entering it is
    // ValueError: generator already executing.
    use std::cell::OnceCell;
    use yielding::{AlreadyRunning, SharedGen};
    type Probe = Box<dyn Fn() -> (GeneratorState, bool)>;
    let probe: Rc<OnceCell<Probe>> = Rc::default();
    let inside = Rc::clone(&probe);
    let g = Rc::new(SharedGen::new(Gen::new(move |co| async move {
        co.yield_((inside.get().unwrap())()).await;
    })));
    let me = Rc::downgrade(&g); // weak: no reference cycle, nothing leaks
    let _ = probe.set(Box::new(move || {
        let me = me.upgrade().unwrap();
        (me.state(), me.try_resume(()) == Err(AlreadyRunning))
    }));
    assert_eq!(g.state(), GeneratorState::Created);
    assert_eq!(g.next(), Some((GeneratorState::Running, true)));
    assert_eq!(g.state(), GeneratorState::Suspended);
}

// ---- a panic in the body -----------------------------------------------------------------

#[test]
fn panic_in_the_body_reaches_the_caller_and_closes_the_generator() {
    // Python: an exception raised in the body propagates out of next(), and the generator
    // is then finished: later next() raises StopIteration.
    let log = Log::default();
    let body_log = log.clone();
    let mut g = Gen::new(|co| async move {
        let _f = Finally {
            log: body_log,
            name: "body",
        };
        co.yield_(1).await;
        panic!("body failed");
    });
    assert_eq!(g.next(), Some(1));
    let caught = catch_unwind(AssertUnwindSafe(|| g.next())).unwrap_err();
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"body failed"));
    assert_eq!(
        log.events(),
        ["finally body"],
        "cleanup ran once, during the unwind"
    );
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.next(), None);
    drop(g);
    assert_eq!(log.events(), ["finally body"], "and never again");
}

#[test]
fn dropping_a_stack_pinned_generator_runs_cleanup_at_once() {
    // PEP 342: a suspended generator that goes away is closed. With the body in a place the
    // caller owns, cleanup still happens when the generator is dropped, not later with
    // the place.
    let log = Log::default();
    let body_log = log.clone();
    let mut place = std::pin::pin!(None);
    let mut g = Gen::new_in(place.as_mut(), |co| async move {
        let _f = Finally {
            log: body_log,
            name: "body",
        };
        co.yield_(1).await;
    });
    assert_eq!(g.next(), Some(1));
    drop(g);
    assert_eq!(log.events(), ["finally body"]);
    assert!(place.is_none());
}
