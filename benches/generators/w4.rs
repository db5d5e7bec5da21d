//! W4: the seed's pipeline, even(square(0..N)), two generator stages.

use std::pin::pin;

use corosensei::{Coroutine, Yielder};
use generator::{Generator, Gn, done};
use std::future::Future;

use yielding::{Gen, Unplaced, generator};

use super::baselines::w4_hand as hand;
use super::measure::{Imp, Workload, row};
use super::shared::{CHECK_SIZES, CoroIter, consume};

#[inline(never)]
fn adapters(n: u64) -> u64 {
    consume((0..n).map(|x| x.wrapping_mul(x)).filter(|x| x % 2 == 0))
}

/// A generator function, as the seed writes `def square(nums)`.
fn square(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    Gen::new(|co| async move {
        for x in items {
            co.yield_(x.wrapping_mul(x)).await;
        }
    })
}

fn even(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    Gen::new(|co| async move {
        for x in items {
            if x % 2 == 0 {
                co.yield_(x).await;
            }
        }
    })
}

#[inline(never)]
fn yielding(n: u64) -> u64 {
    consume(even(square(0..n)))
}

/// The stack-pinned stages are written in place: a generator function cannot name the
/// type of the place its body goes in.
#[inline(never)]
fn yielding_in(n: u64) -> u64 {
    let mut square_place = pin!(None);
    let squares = Gen::new_in(square_place.as_mut(), |co| async move {
        for x in 0..n {
            co.yield_(x.wrapping_mul(x)).await;
        }
    });
    let mut even_place = pin!(None);
    let evens = Gen::new_in(even_place.as_mut(), |co| async move {
        for x in squares {
            if x % 2 == 0 {
                co.yield_(x).await;
            }
        }
    });
    consume(evens)
}

/// The same generator functions as `square` and `even`, written with `generator!`.
fn macro_square(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    generator! {
        for x in items {
            yield x.wrapping_mul(x);
        }
    }
}

fn macro_even(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    generator! {
        for x in items {
            if x % 2 == 0 {
                yield x;
            }
        }
    }
}

/// The seed's generator functions, returning their bodies unplaced so that the caller
/// decides where they live.
fn unplaced_square(
    items: impl IntoIterator<Item = u64>,
) -> Unplaced<u64, (), impl Future<Output = ()>> {
    Unplaced::new(|co| async move {
        for x in items {
            co.yield_(x.wrapping_mul(x)).await;
        }
    })
}

fn unplaced_even(
    items: impl IntoIterator<Item = u64>,
) -> Unplaced<u64, (), impl Future<Output = ()>> {
    Unplaced::new(|co| async move {
        for x in items {
            if x % 2 == 0 {
                co.yield_(x).await;
            }
        }
    })
}

/// `even(square(numbers))` as generator functions, each placed by the caller on this
/// stack frame. (Placing the inner stage inside the outer's body instead makes the pair
/// self-referential, which keeps both in memory: 8x, see BENCHMARKS.md.)
#[inline(never)]
fn unplaced_placed(n: u64) -> u64 {
    yielding::place!(let squares = unplaced_square(0..n));
    yielding::place!(let evens = unplaced_even(squares));
    consume(evens)
}

/// The same generator functions, iterated: both stages boxed.
#[inline(never)]
fn unplaced_boxed(n: u64) -> u64 {
    consume(unplaced_even(unplaced_square(0..n)).into_iter())
}

#[inline(never)]
fn macro_(n: u64) -> u64 {
    consume(macro_even(macro_square(0..n)))
}

fn genawaiter_square(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    genawaiter::rc::Gen::new(|co| async move {
        for x in items {
            co.yield_(x.wrapping_mul(x)).await;
        }
    })
    .into_iter()
}

fn genawaiter_even(items: impl IntoIterator<Item = u64>) -> impl Iterator<Item = u64> {
    genawaiter::rc::Gen::new(|co| async move {
        for x in items {
            if x % 2 == 0 {
                co.yield_(x).await;
            }
        }
    })
    .into_iter()
}

#[inline(never)]
fn genawaiter_rc(n: u64) -> u64 {
    consume(genawaiter_even(genawaiter_square(0..n)))
}

#[inline(never)]
fn genawaiter_stack(n: u64) -> u64 {
    genawaiter::stack::let_gen_using!(squares, |co| async move {
        for x in 0..n {
            co.yield_(x.wrapping_mul(x)).await;
        }
    });
    genawaiter::stack::let_gen_using!(evens, |co| async move {
        for x in squares.into_iter() {
            if x % 2 == 0 {
                co.yield_(x).await;
            }
        }
    });
    consume(evens.into_iter())
}

fn corosensei_square(items: impl IntoIterator<Item = u64> + 'static) -> CoroIter {
    CoroIter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        for x in items {
            y.suspend(x.wrapping_mul(x));
        }
    }))
}

fn corosensei_even(items: impl IntoIterator<Item = u64> + 'static) -> CoroIter {
    CoroIter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        for x in items {
            if x % 2 == 0 {
                y.suspend(x);
            }
        }
    }))
}

#[inline(never)]
fn corosensei(n: u64) -> u64 {
    consume(corosensei_even(corosensei_square(0..n)))
}

fn generator_rs_square(
    items: impl IntoIterator<Item = u64> + Send + 'static,
) -> Generator<'static, (), u64> {
    Gn::<()>::new_scoped(move |mut s| {
        for x in items {
            s.yield_(x.wrapping_mul(x));
        }
        done!()
    })
}

fn generator_rs_even(
    items: impl IntoIterator<Item = u64> + Send + 'static,
) -> Generator<'static, (), u64> {
    Gn::<()>::new_scoped(move |mut s| {
        for x in items {
            if x % 2 == 0 {
                s.yield_(x);
            }
        }
        done!()
    })
}

#[inline(never)]
fn generator_rs(n: u64) -> u64 {
    consume(generator_rs_even(generator_rs_square(0..n)))
}

/// The workload, baseline first.
pub(crate) fn workload() -> Workload {
    Workload {
        key: "W4",
        title: "W4: pipeline even(square(0..N)), two generator stages",
        per: "input item",
        count_allocations: false,
        check_sizes: CHECK_SIZES,
        rows: vec![
            row(Imp::Hand, "hand-written Iterator structs", hand),
            row(Imp::HandOther, "std `.map().filter()`", adapters),
            row(Imp::YieldingBoxed, "yielding `Gen::new` (boxed)", yielding),
            row(
                Imp::YieldingStack,
                "yielding `Gen::new_in` (stack)",
                yielding_in,
            ),
            row(Imp::YieldingMacro, "yielding `generator!`", macro_),
            row(
                Imp::YieldingFnsPlaced,
                "yielding generator functions (`Unplaced`), `place!` by the caller",
                unplaced_placed,
            ),
            row(
                Imp::YieldingFnsBoxed,
                "yielding generator functions (`Unplaced`), iterated (boxed)",
                unplaced_boxed,
            ),
            row(Imp::GenawaiterRc, "genawaiter `rc`", genawaiter_rc),
            row(Imp::GenawaiterStack, "genawaiter `stack`", genawaiter_stack),
            row(Imp::Corosensei, "corosensei", corosensei),
            row(
                Imp::GeneratorRs,
                "generator-rs `Gn::new_scoped`",
                generator_rs,
            ),
        ],
        skipped: Vec::new(),
        notes: Vec::new(),
    }
}
