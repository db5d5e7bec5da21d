//! `generator!`'s expansion names everything by absolute path and hides its own bindings:
//! a crate root that shadows `core` and `std`, and user variables named like the
//! expansion's own, change nothing. (Renamed and re-exported dependencies are tested by
//! the `yielding-hygiene-tests` package.)

// A test file is its own crate root: these shadow `core::...` and `std::...` for every
// relative path in this crate, including any that the expansion might write.
mod core {}
mod std {}

use yielding::generator;

#[test]
fn crate_root_shadowing_core_and_std() {
    // Inferred types, a tail return value, and both kinds of `yield from`.
    let inner = generator! { yield 1; yield 2; "inner done" };
    let mut outer = generator! {
        let r = yield from inner;
        yield from [3, 4];
        r
    };
    assert_eq!((&mut outer).collect::<Vec<i32>>(), [1, 2, 3, 4]);
    assert_eq!(outer.take_return(), Some("inner done"));
}

#[test]
fn crate_root_shadowing_core_and_std_with_header() {
    // The header's `returning` path, `?`, and a sent value.
    let mut parse = generator!(u32, u32 -> Result<u32, ::std::num::ParseIntError> => {
        let mut total = 0;
        for word in ["1", "2", "x"] {
            let n: u32 = word.parse()?;
            total += yield n;
        }
        Ok(total)
    });
    assert_eq!(parse.start(), Some(1));
    assert_eq!(parse.send(10), Some(2));
    assert_eq!(parse.send(20), None);
    assert!(parse.take_return().expect("finished").is_err());

    let mut sum = generator!(u32, u32 -> Result<u32, ::std::num::ParseIntError> => {
        let mut total = 0;
        for word in ["1", "2"] {
            total += yield word.parse::<u32>()?;
        }
        Ok(total)
    });
    assert_eq!(sum.start(), Some(1));
    assert_eq!(sum.send(10), Some(2));
    assert_eq!(sum.send(20), None);
    assert_eq!(sum.take_return(), Some(Ok(30)));
}

#[test]
fn user_variable_named_like_the_yield_handle() {
    // Captured from outside the macro: the handle's parameter does not shadow it.
    let __yielding_co = 10;
    let mut g = generator! {
        yield __yielding_co;
        // Declared inside the body: it does not shadow the handle the next `yield` uses.
        let __yielding_co = __yielding_co + 1;
        yield __yielding_co;
        yield from [__yielding_co + 1];
        __yielding_co * 2
    };
    assert_eq!((&mut g).collect::<Vec<i32>>(), [10, 11, 12]);
    assert_eq!(g.take_return(), Some(22));
}

#[test]
fn user_variable_named_co() {
    let co = 5;
    let mut g = generator! {
        let got: i32 = yield co;
        let co = got * 2;
        yield co;
        co + 1
    };
    assert_eq!(g.start(), Some(5));
    assert_eq!(g.send(3), Some(6));
    assert_eq!(g.send(0), None);
    assert_eq!(g.take_return(), Some(7));
}

#[test]
fn user_variable_named_from() {
    // `yield from;` yields the variable; `yield (from)` too; `yield from x` delegates.
    let from = 7;
    let g = generator! {
        yield from;
        yield (from);
        yield from [from + 1];
    };
    assert_eq!(g.collect::<Vec<i32>>(), [7, 7, 8]);
}

#[test]
fn a_user_trait_with_a_yield_method_cannot_capture_the_yields() {
    // The expansion calls the handle's method by path, so a blanket trait of the user's
    // with a by-value `yield_` (which method lookup would try first) is never chosen.
    #[allow(dead_code)] // never called: that is what the test proves
    trait Hijack: Sized {
        fn yield_(self, _value: i32) -> ::std::future::Ready<()> {
            ::std::future::ready(())
        }
    }
    impl<T> Hijack for T {}
    let g = yielding::generator!(i32 => {
        yield 1;
        yield 2;
    });
    assert_eq!(g.collect::<Vec<_>>(), [1, 2]);
}
