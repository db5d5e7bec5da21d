//! W3: a send-driven running average.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;

use corosensei::{Coroutine, CoroutineResult, Yielder};
use generator::Gn;
use yielding::{Co, Gen, generator};

use super::baselines::{average_input, w3_hand as hand};
use super::measure::{Imp, Workload, row};
use super::shared::CHECK_SIZES;

#[inline(always)]
fn drive_yielding<F, P>(mut average: Gen<f64, f64, F, P>, n: u64) -> u64
where
    F: Future,
    P: std::ops::DerefMut<Target = Option<F>>,
{
    let mut sum = 0.0;
    sum += black_box(average.start().unwrap_or(f64::NAN));
    for i in 0..n {
        sum += black_box(average.send(average_input(i)).unwrap_or(f64::NAN));
    }
    sum.to_bits()
}

#[inline(never)]
fn yielding(n: u64) -> u64 {
    let average = Gen::with_send(|co: Co<f64, f64>| async move {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = co.yield_(0.0).await;
        loop {
            total += x;
            count += 1.0;
            x = co.yield_(total / count).await;
        }
    });
    drive_yielding(average, n)
}

#[inline(never)]
fn yielding_in(n: u64) -> u64 {
    let mut place = pin!(None);
    let average = Gen::with_send_in(place.as_mut(), |co: Co<f64, f64>| async move {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = co.yield_(0.0).await;
        loop {
            total += x;
            count += 1.0;
            x = co.yield_(total / count).await;
        }
    });
    drive_yielding(average, n)
}

#[inline(never)]
fn macro_(n: u64) -> u64 {
    let average = generator!(f64, f64 => {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = yield 0.0;
        loop {
            total += x;
            count += 1.0;
            x = yield total / count;
        }
    });
    drive_yielding(average, n)
}

/// Resumes a genawaiter generator (either API) and expects a yielded value.
macro_rules! genawaiter_yielded {
    ($resumed:expr) => {
        match $resumed {
            genawaiter::GeneratorState::Yielded(v) => v,
            genawaiter::GeneratorState::Complete(_) => f64::NAN,
        }
    };
}

#[inline(never)]
fn genawaiter_rc(n: u64) -> u64 {
    let mut average = genawaiter::rc::Gen::new(|co: genawaiter::rc::Co<f64, f64>| async move {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = co.yield_(0.0).await;
        loop {
            total += x;
            count += 1.0;
            x = co.yield_(total / count).await;
        }
    });
    // genawaiter drops the first resume's argument: this is the priming resume.
    let mut sum = 0.0;
    sum += black_box(genawaiter_yielded!(average.resume_with(0.0)));
    for i in 0..n {
        sum += black_box(genawaiter_yielded!(average.resume_with(average_input(i))));
    }
    sum.to_bits()
}

#[inline(never)]
fn genawaiter_stack(n: u64) -> u64 {
    genawaiter::stack::let_gen_using!(average, |co| async move {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = co.yield_(0.0).await;
        loop {
            total += x;
            count += 1.0;
            x = co.yield_(total / count).await;
        }
    });
    let mut sum = 0.0;
    sum += black_box(genawaiter_yielded!(average.resume_with(0.0)));
    for i in 0..n {
        sum += black_box(genawaiter_yielded!(average.resume_with(average_input(i))));
    }
    sum.to_bits()
}

#[inline(never)]
fn corosensei(n: u64) -> u64 {
    let mut average = Coroutine::new(|y: &Yielder<f64, f64>, _first: f64| {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = y.suspend(0.0);
        loop {
            total += x;
            count += 1.0;
            x = y.suspend(total / count);
        }
    });
    let yielded = |resumed: CoroutineResult<f64, _>| match resumed {
        CoroutineResult::Yield(v) => v,
        CoroutineResult::Return(_) => f64::NAN,
    };
    let mut sum = 0.0;
    sum += black_box(yielded(average.resume(0.0)));
    for i in 0..n {
        sum += black_box(yielded(average.resume(average_input(i))));
    }
    sum.to_bits()
}

/// generator-rs's `send` also drops the first resume's argument; `yield_` evaluates to
/// `None` only when resumed without a value, which `send` never does.
#[inline(never)]
fn generator_rs(n: u64) -> u64 {
    let mut average = Gn::<f64>::new_scoped(|mut s| {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = s.yield_(0.0).unwrap_or(f64::NAN);
        loop {
            total += x;
            count += 1.0;
            x = s.yield_(total / count).unwrap_or(f64::NAN);
        }
    });
    let mut sum = 0.0;
    sum += black_box(average.send(0.0));
    for i in 0..n {
        sum += black_box(average.send(average_input(i)));
    }
    sum.to_bits()
}

/// The workload, baseline first.
pub(crate) fn workload() -> Workload {
    Workload {
        key: "W3",
        title: "W3: send-driven running average (f64), prime then send N values",
        per: "send",
        count_allocations: false,
        check_sizes: CHECK_SIZES,
        rows: vec![
            row(Imp::Hand, "hand-written struct with `send`", hand),
            row(
                Imp::YieldingBoxed,
                "yielding `Gen::with_send` (boxed)",
                yielding,
            ),
            row(
                Imp::YieldingStack,
                "yielding `Gen::with_send_in` (stack)",
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
