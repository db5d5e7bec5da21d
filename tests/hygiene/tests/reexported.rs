//! `generator!` through a crate that re-exports it: this crate depends on
//! `yielding-reexporter`, and on `yielding` only under another name.

// A decoy: were the expansion to name the crate `yielding` instead of using `$crate`, it
// would resolve to this empty module and fail to compile.
mod yielding {}

use yielding_reexporter::{Co, Gen, generator};

#[test]
fn yields_through_the_full_path() {
    let g = yielding_reexporter::generator! {
        yield "a";
        yield "b";
    };
    assert_eq!(g.collect::<Vec<_>>(), ["a", "b"]);
}

#[test]
fn yield_from_a_generator_and_an_iterable() {
    let inner = yielding_reexporter::generator! { yield 1; yield 2; 3 };
    let mut outer = yielding_reexporter::generator! {
        let r = yield from inner;
        yield from 10..12;
        r * 100
    };
    assert_eq!((&mut outer).collect::<Vec<i32>>(), [1, 2, 10, 11]);
    assert_eq!(outer.take_return(), Some(300));
}

#[test]
fn yield_from_a_macro_free_generator_with_send() {
    // Built with the re-exported `Gen` and `Co`: sent values reach the delegate.
    let doubler = Gen::with_send(|co: Co<i32, i32>| async move {
        let mut x = co.yield_(0).await;
        while x != 0 {
            x = co.yield_(2 * x).await;
        }
        "doubler done"
    });
    let mut outer = generator!(i32, i32 => {
        let r = yield from doubler;
        let last = yield -1;
        (r, last)
    });
    assert_eq!(outer.start(), Some(0));
    assert_eq!(outer.send(21), Some(42));
    assert_eq!(outer.send(0), Some(-1));
    assert_eq!(outer.send(5), None);
    assert_eq!(outer.take_return(), Some(("doubler done", 5)));
}

fn countdown(from: u32) -> impl Iterator<Item = u32> {
    generator!(u32 -> () => {
        for n in (1..=from).rev() {
            yield n;
        }
    })
}

#[test]
fn as_an_iterator_return_type() {
    assert_eq!(countdown(3).collect::<Vec<_>>(), [3, 2, 1]);
}
