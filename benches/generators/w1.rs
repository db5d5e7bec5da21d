//! W1: yield 0..N and sum.

use std::pin::pin;

use corosensei::{Coroutine, Yielder};
use generator::{Gn, done};
use yielding::{Gen, generator};

use super::baselines::w1_hand as hand;
use super::measure::{Imp, Workload, row};
use super::shared::{CHECK_SIZES, CoroIter, consume};

#[inline(never)]
fn yielding(n: u64) -> u64 {
    consume(Gen::new(|co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    }))
}

#[inline(never)]
fn yielding_in(n: u64) -> u64 {
    let mut place = pin!(None);
    consume(Gen::new_in(place.as_mut(), |co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    }))
}

#[inline(never)]
fn macro_(n: u64) -> u64 {
    consume(generator! {
        for i in 0..n {
            yield i;
        }
    })
}

#[inline(never)]
fn genawaiter_rc(n: u64) -> u64 {
    consume(
        genawaiter::rc::Gen::new(|co| async move {
            for i in 0..n {
                co.yield_(i).await;
            }
        })
        .into_iter(),
    )
}

#[inline(never)]
fn genawaiter_stack(n: u64) -> u64 {
    genawaiter::stack::let_gen_using!(g, |co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    });
    consume(g.into_iter())
}

#[inline(never)]
fn corosensei(n: u64) -> u64 {
    consume(CoroIter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        for i in 0..n {
            y.suspend(i);
        }
    })))
}

/// generator-rs ends a generator with `done!()`: a body that returned would hand its
/// return value out as one more item.
#[inline(never)]
fn generator_rs(n: u64) -> u64 {
    consume(Gn::<()>::new_scoped(move |mut s| {
        for i in 0..n {
            s.yield_(i);
        }
        done!()
    }))
}

/// The workload, baseline first.
pub(crate) fn workload() -> Workload {
    Workload {
        key: "W1",
        title: "W1: yield 0..N and sum (u64)",
        per: "item",
        count_allocations: false,
        check_sizes: CHECK_SIZES,
        rows: vec![
            row(Imp::Hand, "hand-written Iterator", hand),
            row(Imp::YieldingBoxed, "yielding `Gen::new` (boxed)", yielding),
            row(
                Imp::YieldingStack,
                "yielding `Gen::new_in` (stack)",
                yielding_in,
            ),
            row(Imp::YieldingMacro, "yielding `generator!`", macro_),
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
