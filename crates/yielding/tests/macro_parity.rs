//! The macros' Python parity, round 2: `yield from` an iterable whose value is thrown away,
//! errors that iterator and stream consumers see (`try_generator!`,
//! `try_async_generator!`), `for await` (Python's `async for`), and the macros' rough
//! edges. Each test cites the Python behaviour it mirrors.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use futures::executor::block_on;
use futures::{StreamExt, TryStreamExt};
use yielding::{
    GeneratorState, TryAsyncGen, TryGen, async_generator, generator, try_async_generator,
    try_generator,
};

/// The message of the panic `run` raises; fails the test if it does not panic.
fn panic_message<T>(run: impl FnOnce() -> T) -> String {
    let payload = match catch_unwind(AssertUnwindSafe(run)) {
        Ok(_) => panic!("expected a panic"),
        Err(payload) => payload,
    };
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .expect("a string panic message")
}

/// Counts its drops, to prove each value is dropped exactly once.
struct Tracked(Rc<Cell<usize>>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

// 1. `yield from iterable` whose value is thrown away.

#[test]
fn a_send_into_a_yield_from_statement_panics_at_it() {
    // Python: `yield from iter([1, 2, 3])` sent 42 raises AttributeError ("'list_iterator'
    // object has no attribute 'send'") at the `yield from`; the body does not carry on.
    let after = Cell::new(false);
    let after = &after;
    let mut g = generator!(i32, Option<i32> => {
        yield 0;
        yield from [1, 2, 3];
        after.set(true);
        yield 99;
    });
    assert_eq!(g.start(), Some(0));
    assert_eq!(g.next(), Some(1));
    let message = panic_message(|| g.send(Some(42)));
    assert!(message.contains("`yield from` an iterable"), "{message}");
    assert!(
        message.contains("if let Some(sent) = yield from"),
        "{message}"
    );
    assert!(!after.get(), "the body after the `yield from` never runs");
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.next(), None);
}

#[test]
fn a_throw_into_a_yield_from_statement_panics_at_it() {
    // Python: `g.throw(ValueError("boom"))` while paused in `yield from iter([1, 2, 3])`
    // raises ValueError at the `yield from`, which propagates out of the generator.
    let after = Cell::new(false);
    let after = &after;
    let mut g = generator!(i32, Result<(), &'static str> => {
        yield from vec![1, 2, 3];
        after.set(true);
        let _ = yield 99;
    });
    assert_eq!(g.next(), Some(1));
    let message = panic_message(|| g.throw("boom"));
    assert!(message.contains("`yield from`"), "{message}");
    assert!(!after.get());
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn a_yield_from_ending_a_discarded_block_is_the_statement_form() {
    // Python has no block values: `if c: yield from it` discards the `yield from`'s value
    // as any statement does, and a send there raises.
    let mut g = generator!(i32, Option<i32> => {
        if true { yield from [1, 2] } else { yield from [3] }
        yield 99;
    });
    assert_eq!(g.next(), Some(1));
    let message = panic_message(|| g.send(Some(7)));
    assert!(message.contains("`yield from`"), "{message}");
}

#[test]
fn the_expression_form_hands_the_sent_value_to_the_body() {
    // Python: code that expects the AttributeError catches it at the `yield from`; here the
    // `yield from`'s value is the sent value, for the body to handle.
    let mut g = generator!(i32, Option<i32> => {
        if let Some(Some(sent)) = yield from [1, 2, 3] {
            yield sent * 10;
        }
        let rest = yield from 4..6;
        assert_eq!(rest, None, "next() ran the range to its end");
        yield 7;
    });
    assert_eq!(g.next(), Some(1));
    assert_eq!(g.send(Some(4)), Some(40));
    assert_eq!(g.collect::<Vec<_>>(), [4, 5, 7]);
}

#[test]
fn next_runs_a_yield_from_statement_to_its_end() {
    // PEP 380: `next()` on the delegating generator takes the iterable's items in turn.
    let g = generator! {
        yield from [1, 2];
        for i in 3..5 {
            yield from [i]
        }
        yield from vec![5];
    };
    assert_eq!(g.collect::<Vec<i32>>(), [1, 2, 3, 4, 5]);
}

#[test]
fn a_yield_from_statement_of_a_generator_discards_its_return_value() {
    // Python: `yield from sub()` as a statement evaluates to sub's return value, unused.
    fn sub(n: i32) -> yielding::Gen<i32, (), impl Future<Output = &'static str>> {
        generator! { yield n; "sub done" }
    }
    let mut g = generator! {
        for i in 0..3 {
            yield from sub(i) // the loop body's value is `()`: the return value is dropped
        }
        "outer done"
    };
    assert_eq!((&mut g).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(g.take_return(), Some("outer done"));
}

#[test]
fn async_yield_from_statement_of_a_stream_or_iterable_panics_on_a_send() {
    // PEP 525 with PEP 380's `yield from` semantics: an asend into a stream or an iterable
    // that cannot take it raises at the `yield from`.
    let after = Rc::new(Cell::new(false));
    let flag = after.clone();
    let mut g = async_generator!(i32, Option<i32> => {
        yield from futures::stream::iter([1, 2, 3]);
        flag.set(true);
        yield 99;
    });
    assert_eq!(block_on(g.anext()), Some(1));
    let message = panic_message(|| block_on(g.asend(Some(5))));
    assert!(message.contains("`yield from` a stream"), "{message}");
    assert_eq!(block_on(g.anext()), None);
    assert!(!after.get());

    let mut g = async_generator!(i32, Result<(), String> => {
        yield from [1, 2, 3];
        let _ = yield 99;
    });
    assert_eq!(block_on(g.anext()), Some(1));
    let message = panic_message(|| block_on(g.athrow("boom".to_string())));
    assert!(message.contains("`yield from` an iterable"), "{message}");

    // `anext()` runs it through, and the expression form hands a value back.
    let items: Vec<i32> = block_on(
        async_generator! {
            yield from futures::stream::iter([1, 2]);
            yield from [3];
        }
        .collect(),
    );
    assert_eq!(items, [1, 2, 3]);
    let mut g = async_generator!(i32, Option<i32> => {
        if let Some(Some(sent)) = yield from futures::stream::iter([1, 2, 3]) {
            yield sent + 100;
        }
    });
    block_on(async {
        assert_eq!(g.anext().await, Some(1));
        assert_eq!(g.asend(Some(5)).await, Some(105));
        assert_eq!(g.anext().await, None);
    });
}

// 2. Errors that iterator and stream consumers see.

#[test]
fn try_async_generator_ends_the_stream_with_the_error() {
    // PEP 525: an exception raised in an async generator propagates to the `async for`
    // consuming it, after the items yielded before it; the generator's locals are freed.
    let drops = Rc::new(Cell::new(0));
    let counter = drops.clone();
    let stream = try_async_generator! {
        let _guard = Tracked(counter);
        for word in ["1", "2", "x", "4"] {
            futures::future::ready(()).await;
            let n: u32 = word.parse()?;
            yield n;
        }
    };
    let items: Vec<Result<u32, std::num::ParseIntError>> = block_on(stream.collect());
    assert_eq!(items.len(), 3);
    assert_eq!(items[..2], [Ok(1), Ok(2)]);
    assert!(items[2].is_err());
    assert_eq!(
        drops.get(),
        1,
        "the body's locals are dropped once, when it raises"
    );
}

#[test]
fn try_async_generator_is_a_try_stream() {
    // Python: `[x async for x in agen()]` raises the generator's exception.
    fn numbers(
        words: &'static [&'static str],
    ) -> impl futures::TryStream<Ok = u32, Error = String> {
        try_async_generator! {
            for word in words {
                yield word.parse::<u32>().map_err(|e| format!("{word}: {e}"))?;
            }
        }
    }
    assert_eq!(
        block_on(numbers(&["1", "2"]).try_collect::<Vec<_>>()),
        Ok(vec![1, 2])
    );
    assert_eq!(
        block_on(numbers(&["1", "x", "3"]).try_collect::<Vec<_>>()),
        Err("x: invalid digit found in string".to_string())
    );
}

#[test]
fn try_async_generator_keeps_its_ok_return_value_and_is_fused() {
    // PEP 525: an async generator ends with StopAsyncIteration, and stays ended. The body's
    // return value (not reachable from Python's `async for`) is the `Ok` side here.
    let mut g = try_async_generator!(u8, () -> Result<&'static str, String> => {
        yield 1;
        if true {
            return "early";
        }
        "late"
    });
    block_on(async {
        assert_eq!(g.anext().await, Some(Ok(1)));
        assert_eq!(g.anext().await, None);
        assert_eq!(g.anext().await, None);
    });
    assert_eq!(g.take_return(), Some(Ok("early")));
    assert!(futures::stream::FusedStream::is_terminated(&g));

    // After the error, nothing: the error is given once.
    let mut g: TryAsyncGen<u8, (), _> = try_async_generator! {
        Err("failed")?;
        yield 1;
    };
    block_on(async {
        assert_eq!(g.anext().await, Some(Err("failed")));
        assert_eq!(g.anext().await, None);
    });
    assert_eq!(g.take_return(), None);
}

#[test]
fn a_thrown_error_propagated_with_question_mark_is_the_last_item() {
    // PEP 525: `athrow(e)` raises e at the paused yield; unhandled, it propagates to the
    // consumer, here as the stream's last item.
    let mut g = try_async_generator!(u8, Result<(), String> -> Result<(), String> => {
        loop {
            (yield 1)?;
        }
    });
    block_on(async {
        assert_eq!(g.anext().await, Some(Ok(1)));
        let _ = g.get_mut().athrow("stop".to_string()).await;
        assert_eq!(g.get_mut().state(), GeneratorState::Closed);
    });
}

#[test]
fn plain_async_generator_keeps_its_error_as_the_return_value() {
    // The plain macro is not `try_`: `?` ends the stream normally, and the error is the
    // return value, for `take_return` (a stream consumer sees only the end).
    let mut g = async_generator!(u32, () -> Result<(), std::num::ParseIntError> => {
        yield 1;
        let n: u32 = "x".parse()?;
        yield n;
        Ok(())
    });
    let items: Vec<u32> = block_on((&mut g).collect());
    assert_eq!(items, [1]);
    assert!(g.take_return().expect("finished").is_err());
}

#[test]
fn try_generator_ends_the_iterator_with_the_error() {
    // Python: an exception raised in a generator reaches the `for` loop consuming it, after
    // the items yielded before it.
    let drops = Rc::new(Cell::new(0));
    let counter = drops.clone();
    let mut g: TryGen<u32, (), _> = try_generator! {
        let _guard = Tracked(counter);
        for word in ["1", "x", "3"] {
            yield word.parse::<u32>().map_err(|_| word)?;
        }
        "all parsed"
    };
    assert_eq!(g.next(), Some(Ok(1)));
    assert_eq!(drops.get(), 0);
    assert_eq!(g.next(), Some(Err("x")));
    assert_eq!(drops.get(), 1);
    assert_eq!(g.next(), None);
    assert_eq!(g.take_return(), None);

    let mut ok = try_generator!(u32, () -> Result<&'static str, String> => {
        yield 1;
        "all parsed"
    });
    assert_eq!((&mut ok).collect::<Result<Vec<_>, _>>(), Ok(vec![1]));
    assert_eq!(ok.take_return(), Some(Ok("all parsed")));
}

// 3. `for await`, Python's `async for`.

#[test]
fn for_await_iterates_a_stream_and_yields_inside() {
    // PEP 525: `async for x in stream: yield f(x)` inside an async generator.
    let g = async_generator! {
        for await x in futures::stream::iter([1, 2, 3]) {
            futures::future::ready(()).await;
            yield x * 10;
        }
        yield 0;
    };
    assert_eq!(block_on(g.collect::<Vec<i32>>()), [10, 20, 30, 0]);
}

#[test]
fn for_await_break_continue_labels_and_patterns() {
    // Python: `break` and `continue` in an `async for` act on that loop.
    let inner = async_generator! {
        for i in 0..10 {
            yield (i, i % 2 == 0);
        }
    };
    let g = async_generator! {
        'outer: for await (i, even) in inner {
            if !even {
                continue;
            }
            for await j in futures::stream::iter(0..3) {
                if i + j > 6 {
                    break 'outer;
                }
                if j == 2 {
                    break;
                }
                yield i * 10 + j;
            }
        }
    };
    assert_eq!(
        block_on(g.collect::<Vec<i32>>()),
        [0, 1, 20, 21, 40, 41, 60]
    );
}

#[test]
fn for_await_takes_sends_at_its_yields_and_drops_the_stream_on_break() {
    // PEP 525: `asend(v)` resumes the `yield` inside the `async for` with v; leaving the
    // loop early closes the iterated async generator.
    let drops = Rc::new(Cell::new(0));
    let counter = drops.clone();
    let source = async_generator! {
        let _guard = Tracked(counter);
        for i in 1.. {
            yield i;
        }
    };
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    let mut g = async_generator!(i32, Option<&'static str> => {
        for await x in source {
            let sent = yield x;
            log.borrow_mut().push(sent);
            if x == 2 {
                break;
            }
        }
        yield -1;
    });
    block_on(async {
        assert_eq!(g.anext().await, Some(1));
        assert_eq!(g.asend(Some("a")).await, Some(2));
        assert_eq!(drops.get(), 0);
        assert_eq!(g.asend(Some("b")).await, Some(-1));
        assert_eq!(drops.get(), 1, "the stream is dropped when the loop ends");
        assert_eq!(g.anext().await, None);
    });
    assert_eq!(*seen.borrow(), [Some("a"), Some("b")]);
}

// 4. Rough edges.

#[test]
#[deny(unused_parens)]
fn match_on_a_parenthesised_yield_is_not_linted() {
    // Python needs the parentheses: `match (yield x):`. So may Rust code, without a lint.
    let mut g = generator!(&'static str, i32 => {
        loop {
            match (yield "ready") {
                0 => break,
                n if (yield "checking") > n => {
                    yield "bigger";
                }
                _ => {
                    yield "not bigger";
                }
            }
        }
    });
    assert_eq!(g.start(), Some("ready"));
    assert_eq!(g.send(5), Some("checking"));
    assert_eq!(g.send(6), Some("bigger"));
    assert_eq!(g.send(0), Some("ready"));
    assert_eq!(g.send(0), None);
}

#[test]
fn yield_from_then_question_mark_applies_to_the_operand() {
    // `yield from x?` is `yield from (x?)`, as Python's `yield from` takes the whole
    // expression to its right; `(yield from g)?` applies `?` to the delegate's return value.
    fn parsed(word: &'static str) -> Result<Vec<u32>, std::num::ParseIntError> {
        Ok(vec![word.parse()?])
    }
    let mut g = generator!(u32, () -> Result<(), std::num::ParseIntError> => {
        yield from parsed("1")?;
        yield from parsed("x")?;
        yield 99;
        Ok(())
    });
    assert_eq!((&mut g).collect::<Vec<_>>(), [1]);
    assert!(g.take_return().expect("finished").is_err());

    fn checked(n: u32) -> yielding::Gen<u32, (), impl Future<Output = Result<u32, String>>> {
        generator! {
            yield n;
            if n > 1 { Err(format!("{n} is too big")) } else { Ok(n) }
        }
    }
    let mut g = generator!(u32, () -> Result<u32, String> => {
        let a = (yield from checked(1))?;
        let b = (yield from checked(2))?;
        Ok(a + b)
    });
    assert_eq!((&mut g).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(g.take_return(), Some(Err("2 is too big".to_string())));
}
