//! The grammar inside `generator! { ... }`, each form checked against the behaviour of the
//! Python it mirrors.

use yielding::{CoroutineState, Gen, GeneratorState, Thrown, generator};

#[test]
fn yield_statement_and_bare_yield() {
    // Python: `yield x` yields x; a bare `yield` yields None (here `()`).
    let items: Vec<i32> = generator! { yield 1; yield 2; }.collect();
    assert_eq!(items, [1, 2]);
    let units: Vec<()> = generator! { yield; yield; }.collect();
    assert_eq!(units.len(), 2);
}

#[test]
fn creating_runs_nothing() {
    // Python: calling a generator function runs none of its body.
    let flag = std::cell::Cell::new(false);
    let ran = &flag; // the body moves the reference in, like `async move`
    let mut g = generator! {
        ran.set(true);
        yield 1;
    };
    assert_eq!(g.state(), GeneratorState::Created);
    assert!(!flag.get());
    assert_eq!(g.next(), Some(1));
    assert!(flag.get());
}

#[test]
fn yield_is_an_expression_whose_value_is_the_sent_value() {
    // PEP 342: `x = yield y` binds x to the value passed to send().
    let mut g = generator! {
        let first: i32 = yield "ready";
        let mut total = first;
        total += yield "added first";
        yield if total > 10 { "big" } else { "small" };
    };
    assert_eq!(g.start(), Some("ready"));
    assert_eq!(g.send(4), Some("added first"));
    assert_eq!(g.send(9), Some("big"));
}

#[test]
fn yield_of_a_yield() {
    // Python: `yield (yield 1)` yields 1, then yields whatever was sent to the first.
    let mut g = generator!(i32, i32 => {
        yield (yield 1);
    });
    assert_eq!(g.start(), Some(1));
    assert_eq!(g.send(7), Some(7));
}

#[test]
fn return_and_tail_set_the_return_value() {
    // PEP 380: `return value` in a generator becomes StopIteration.value.
    let mut early = generator! {
        yield 1;
        if true {
            return "early";
        }
        yield 2;
        "late"
    };
    assert_eq!((&mut early).collect::<Vec<i32>>(), [1]);
    assert_eq!(early.take_return(), Some("early"));

    let mut tail = generator! { yield 1; "tail" };
    assert_eq!(tail.resume(()), Some(CoroutineState::Yielded(1)));
    assert_eq!(tail.resume(()), Some(CoroutineState::Complete("tail")));
}

#[test]
fn yield_from_a_generator_evaluates_to_its_return_value() {
    // PEP 380: the value of `yield from` is the delegate's return value.
    fn inner() -> Gen<i32, (), impl Future<Output = &'static str>> {
        generator! { yield 1; yield 2; "inner done" }
    }
    let mut outer = generator! {
        let result = yield from inner();
        yield 3;
        result
    };
    assert_eq!((&mut outer).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(outer.take_return(), Some("inner done"));
}

#[test]
fn yield_from_forwards_sends() {
    // PEP 380: values sent to the delegator go to the delegate.
    let inner = generator!(String, i32 -> i32 => {
        let a = yield "inner ready".to_string();
        let b = yield format!("got {a}");
        a + b
    });
    let mut outer = generator!(String, i32 => {
        let sum = yield from inner;
        yield format!("sum {sum}");
    });
    assert_eq!(outer.start().as_deref(), Some("inner ready"));
    assert_eq!(outer.send(4).as_deref(), Some("got 4"));
    assert_eq!(outer.send(6).as_deref(), Some("sum 10"));
}

#[test]
fn yield_from_a_borrowed_generator_and_from_iterables() {
    // PEP 380: `yield from` takes any iterable; a generator object stays usable afterwards.
    let mut inner = generator! { yield 1; yield 2; };
    let mut outer = generator! {
        yield from &mut inner;
        yield from vec![3, 4];
        yield from 5..7;
        yield from [7].iter().copied();
        inner.state()
    };
    assert_eq!((&mut outer).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(outer.take_return(), Some(GeneratorState::Closed));
}

#[test]
fn a_variable_named_from() {
    // `yield from;` with nothing after `from` yields the variable, as in Python.
    let from = 5;
    let g = generator! {
        yield from;
        yield (from) + 1;
    };
    assert_eq!(g.collect::<Vec<_>>(), [5, 6]);
}

#[test]
fn yields_in_branches_and_loops() {
    // Python: yield works in any statement position.
    let g = generator! {
        for i in 0..6 {
            match i % 3 {
                0 => yield i * 10,
                1 => {}
                _ => {
                    if i > 3 {
                        yield -i;
                    } else {
                        yield i;
                    }
                }
            }
        }
        let mut n = 0;
        while n < 2 {
            yield 100 + n;
            n += 1;
        }
    };
    assert_eq!(g.collect::<Vec<_>>(), [0, 2, 30, -5, 100, 101]);
}

#[test]
fn question_mark_in_a_result_returning_generator() {
    // Python: an exception raised in the body propagates out of next(); here `?` ends the
    // generator with the error as its return value.
    let mut g = generator!(u32, () -> Result<u32, std::num::ParseIntError> => {
        let mut sum = 0;
        for word in ["1", "2", "x", "4"] {
            let n: u32 = word.parse()?;
            sum += n;
            yield n;
        }
        Ok(sum)
    });
    assert_eq!((&mut g).collect::<Vec<_>>(), [1, 2]);
    assert!(g.take_return().unwrap().is_err());
}

#[test]
fn throw_with_the_macro() {
    // PEP 342: throw() raises at the paused yield; `(yield x)?` propagates it.
    let mut g = generator!(i32, Result<(), &'static str> -> Result<&'static str, &'static str> => {
        if (yield 1).is_err() {
            (yield -1)?; // handled; a throw here would propagate
        }
        (yield 2)?;
        Ok("finished")
    });
    assert_eq!(g.next(), Some(1));
    assert_eq!(g.throw("handled"), Thrown::Yielded(-1));
    assert_eq!(g.next(), Some(2));
    assert_eq!(g.throw("fatal"), Thrown::Raised("fatal"));
}

#[test]
fn header_forms() {
    // The types can be written out, any of them left to inference with `_`.
    let a = generator!(u8 => { yield 1; });
    let b = generator!(_, () => { yield 2u8; });
    let mut c = generator!(u8, () -> &str => { yield 3; "c" });
    let mut d = generator!(-> u8 => { yield 'd'; 4 });
    assert_eq!(a.chain(b).collect::<Vec<u8>>(), [1, 2]);
    assert_eq!((&mut c).count(), 1);
    assert_eq!(c.take_return(), Some("c"));
    assert_eq!(d.next(), Some('d'));
    assert_eq!(d.next(), None);
    assert_eq!(d.take_return(), Some(4));
}

#[test]
fn borrowing_a_slice_parameter() {
    // Captures work like `async move`: moving a reference in makes the generator borrow.
    fn evens(values: &[i32]) -> impl Iterator<Item = i32> + '_ {
        generator! {
            for &v in values {
                if v % 2 == 0 {
                    yield v;
                }
            }
        }
    }
    let data = vec![1, 2, 3, 4, 6];
    assert_eq!(evens(&data).collect::<Vec<_>>(), [2, 4, 6]);
}

#[test]
fn seed_pipeline_composes_with_any_iterator() {
    // The seed's section 7: even(square(range(10))).
    fn square(nums: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
        generator! { for n in nums { yield n * n; } }
    }
    fn even(nums: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
        generator! { for n in nums { if n % 2 == 0 { yield n; } } }
    }
    assert_eq!(even(square(0..10)).collect::<Vec<_>>(), [0, 4, 16, 36, 64]);
}

#[test]
fn macro_generators_are_send_when_their_body_is() {
    fn assert_send<T: Send>(value: T) -> T {
        value
    }
    let g = assert_send(generator! {
        let owned = vec![1, 2];
        for x in owned {
            yield x;
        }
    });
    let items = std::thread::spawn(move || g.collect::<Vec<i32>>())
        .join()
        .unwrap();
    assert_eq!(items, [1, 2]);
}

#[test]
fn a_final_yield_without_semicolon_still_receives_nothing() {
    // Python has no semicolons; a last `yield 1` written without one is still a plain
    // generator whose send type is `()`.
    fn one() -> impl Iterator<Item = i32> {
        generator! { yield 0; yield 1 }
    }
    assert_eq!(one().collect::<Vec<_>>(), [0, 1]);
}

#[test]
fn a_generator_inside_a_generator() {
    // Python: a generator function may define and delegate to another one.
    fn numbers() -> impl Iterator<Item = i32> {
        generator! {
            fn evens(limit: i32) -> impl Iterator<Item = i32> {
                generator! { for i in (0..limit).step_by(2) { yield i; } }
            }
            let odds = generator! { yield 1; yield 3; };
            yield from evens(4);
            yield from odds;
        }
    }
    assert_eq!(numbers().collect::<Vec<_>>(), [0, 2, 1, 3]);
}
