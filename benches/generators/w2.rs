//! W2: infinite Fibonacci, the first N items summed.

use std::pin::pin;

use corosensei::{Coroutine, Yielder};
use generator::Gn;
use yielding::{Gen, generator};

use super::baselines::w2_hand as hand;
use super::measure::{Imp, Workload, row};
use super::shared::{CHECK_SIZES, CoroIter, consume, fib_seeds};

#[inline(never)]
fn yielding(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let fib = Gen::new(|co| async move {
        loop {
            co.yield_(a).await;
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(fib.take(n as usize))
}

#[inline(never)]
fn yielding_in(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let mut place = pin!(None);
    let fib = Gen::new_in(place.as_mut(), |co| async move {
        loop {
            co.yield_(a).await;
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(fib.take(n as usize))
}

#[inline(never)]
fn macro_(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let fib = generator! {
        loop {
            yield a;
            (a, b) = (b, a.wrapping_add(b));
        }
    };
    consume(fib.take(n as usize))
}

#[inline(never)]
fn genawaiter_rc(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let g = genawaiter::rc::Gen::new(|co| async move {
        loop {
            co.yield_(a).await;
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(g.into_iter().take(n as usize))
}

#[inline(never)]
fn genawaiter_stack(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    genawaiter::stack::let_gen_using!(g, |co| async move {
        loop {
            co.yield_(a).await;
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(g.into_iter().take(n as usize))
}

#[inline(never)]
fn corosensei(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let fib = Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        loop {
            y.suspend(a);
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(CoroIter(fib).take(n as usize))
}

#[inline(never)]
fn generator_rs(n: u64) -> u64 {
    let (mut a, mut b) = fib_seeds();
    let fib = Gn::<()>::new_scoped(move |mut s| {
        loop {
            s.yield_(a);
            (a, b) = (b, a.wrapping_add(b));
        }
    });
    consume(fib.take(n as usize))
}

/// The workload, baseline first.
pub(crate) fn workload() -> Workload {
    Workload {
        key: "W2",
        title: "W2: infinite Fibonacci (wrapping_add), first N items summed",
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
