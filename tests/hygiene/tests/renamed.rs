//! `generator!` through a dependency renamed in `Cargo.toml`: this crate knows `yielding`
//! only as `renamed_yielding`.

// A decoy: were the expansion to name the crate `yielding` instead of using `$crate`, it
// would resolve to this empty module and fail to compile.
mod yielding {}

use renamed_yielding::{Gen, generator};

#[test]
fn yields_through_the_full_path() {
    let g = renamed_yielding::generator! {
        yield 1;
        yield 2;
    };
    assert_eq!(g.collect::<Vec<i32>>(), [1, 2]);
}

#[test]
fn yield_from_a_generator_and_an_iterable() {
    let inner = renamed_yielding::generator! { yield 1; yield 2; "inner done" };
    let mut outer = renamed_yielding::generator! {
        let r = yield from inner;
        yield from [3, 4];
        yield from vec![5];
        r
    };
    assert_eq!((&mut outer).collect::<Vec<i32>>(), [1, 2, 3, 4, 5]);
    assert_eq!(outer.take_return(), Some("inner done"));
}

#[test]
fn yield_from_a_macro_free_generator_by_reference() {
    let mut inner = Gen::new(|co| async move {
        co.yield_(10).await;
        "macro-free"
    });
    // The block captures by move, so capture the reference.
    let borrowed = &mut inner;
    let mut outer = generator! {
        let r = yield from borrowed;
        yield 11;
        r
    };
    assert_eq!((&mut outer).collect::<Vec<i32>>(), [10, 11]);
    assert_eq!(outer.take_return(), Some("macro-free"));
    drop(outer);
    // Delegating by reference left the inner generator finished, not moved.
    assert_eq!(inner.next(), None);
}

#[test]
fn header_send_and_return_types() {
    let mut running_total = generator!(i64, i64 -> Result<i64, &'static str> => {
        let mut total = 0;
        loop {
            let x = yield total;
            if x < 0 {
                return Err("negative");
            }
            total += x;
            if total > 100 {
                return Ok(total);
            }
        }
    });
    assert_eq!(running_total.start(), Some(0));
    assert_eq!(running_total.send(40), Some(40));
    assert_eq!(running_total.send(70), None);
    assert_eq!(running_total.take_return(), Some(Ok(110)));
}
