//! Creation + first item.
//!
//! Each of `n` rounds creates a generator that would yield `seed` then `seed + 1`, pulls its
//! first item and drops it while it is suspended. The new generator goes through
//! `black_box`, as a generator handed to other code would, so the optimizer cannot elide its
//! allocation.

use std::hint::black_box;
use std::pin::pin;

use corosensei::{Coroutine, CoroutineResult, Yielder};
use generator::{Gn, done};
use yielding::Gen;

use super::baselines::creation_hand as hand;
use super::measure::{Imp, Workload, row};
use super::shared::CHECK_SIZES;

#[inline(never)]
fn yielding(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut g = black_box(Gen::new(|co| async move {
            co.yield_(seed).await;
            co.yield_(seed + 1).await;
        }));
        sum = sum.wrapping_add(g.next().unwrap_or(0));
    }
    sum
}

#[inline(never)]
fn yielding_in(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut place = pin!(None);
        let mut g = black_box(Gen::new_in(place.as_mut(), |co| async move {
            co.yield_(seed).await;
            co.yield_(seed + 1).await;
        }));
        sum = sum.wrapping_add(g.next().unwrap_or(0));
    }
    sum
}

#[inline(never)]
fn genawaiter_rc(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut g = black_box(genawaiter::rc::Gen::new(|co| async move {
            co.yield_(seed).await;
            co.yield_(seed + 1).await;
        }));
        if let genawaiter::GeneratorState::Yielded(x) = g.resume() {
            sum = sum.wrapping_add(x);
        }
    }
    sum
}

#[inline(never)]
fn genawaiter_stack(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        genawaiter::stack::let_gen_using!(g, |co| async move {
            co.yield_(seed).await;
            co.yield_(seed + 1).await;
        });
        let g = black_box(g);
        if let genawaiter::GeneratorState::Yielded(x) = g.resume() {
            sum = sum.wrapping_add(x);
        }
    }
    sum
}

#[inline(never)]
fn corosensei(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut c = black_box(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
            y.suspend(seed);
            y.suspend(seed + 1);
        }));
        if let CoroutineResult::Yield(x) = c.resume(()) {
            sum = sum.wrapping_add(x);
        }
    }
    sum
}

#[inline(never)]
fn generator_rs(n: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..n {
        let seed = black_box(i);
        let mut g = black_box(Gn::<()>::new_scoped(move |mut s| {
            s.yield_(seed);
            s.yield_(seed + 1);
            done!()
        }));
        sum = sum.wrapping_add(g.next().unwrap_or(0));
    }
    sum
}

/// The workload, baseline first.
pub(crate) fn workload() -> Workload {
    Workload {
        key: "creation",
        title: "Creation + first item (then drop while suspended)",
        per: "generator",
        count_allocations: true,
        check_sizes: CHECK_SIZES,
        rows: vec![
            row(Imp::Hand, "hand-written Iterator", hand),
            row(Imp::YieldingBoxed, "yielding `Gen::new` (boxed)", yielding),
            row(
                Imp::YieldingStack,
                "yielding `Gen::new_in` (stack)",
                yielding_in,
            ),
            row(Imp::GenawaiterRc, "genawaiter `rc`", genawaiter_rc),
            row(Imp::GenawaiterStack, "genawaiter `stack`", genawaiter_stack),
            row(
                Imp::Corosensei,
                "corosensei (+ a 1 MiB mmap'd stack)",
                corosensei,
            ),
            row(
                Imp::GeneratorRs,
                "generator-rs (+ a 32 KiB mmap'd stack)",
                generator_rs,
            ),
        ],
        skipped: Vec::new(),
        notes: vec![
            "Heap allocations are counted by the bench binary's counting `#[global_allocator]` \
             over 1000 rounds; the stackful peers' `mmap`'d stacks are not heap allocations \
             and are not counted. Dropping a suspended corosensei or generator-rs coroutine \
             unwinds its stack."
                .to_owned(),
        ],
    }
}
