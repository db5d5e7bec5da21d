//! Memory: one allocation per generator by default, none with `Gen::new_in`, and none per
//! item either way. Counted with a counting global allocator, per thread so that tests
//! running in parallel do not disturb each other.

use std::pin::pin;

use yielding::{Co, Gen};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations_in;

/// Items per generator; fewer under Miri (`.ci/run`), where 100,000 take over 7 minutes.
const ITEMS: u64 = if cfg!(miri) { 1_000 } else { 100_000 };
/// Sends, and items per delegate, in the tests that use fewer.
const FEWER: u32 = if cfg!(miri) { 1_000 } else { 10_000 };

#[test]
fn heap_generator_allocates_once_and_never_per_item() {
    let (mut g, at_creation) = allocations_in(|| {
        Gen::new(|co| async move {
            for i in 0..ITEMS {
                co.yield_(i).await;
            }
        })
    });
    assert_eq!(at_creation, 1);
    let (sum, while_iterating) = allocations_in(|| (&mut g).sum::<u64>());
    assert_eq!(sum, (ITEMS - 1) * ITEMS / 2);
    assert_eq!(while_iterating, 0);
}

#[test]
fn stack_pinned_generator_never_allocates() {
    let (sum, allocations) = allocations_in(|| {
        let mut place = pin!(None);
        let g = Gen::new_in(place.as_mut(), |co| async move {
            for i in 0..ITEMS {
                co.yield_(i).await;
            }
        });
        g.sum::<u64>()
    });
    assert_eq!(sum, (ITEMS - 1) * ITEMS / 2);
    assert_eq!(allocations, 0);
}

#[test]
fn sending_never_allocates() {
    let mut avg = Gen::with_send(|co: Co<f64, f64>| async move {
        let (mut total, mut count) = (0.0, 0.0);
        loop {
            let x = co
                .yield_(if count > 0.0 { total / count } else { 0.0 })
                .await;
            total += x;
            count += 1.0;
        }
    });
    avg.start();
    let (last, allocations) = allocations_in(|| {
        let mut last = None;
        for i in 0..FEWER {
            last = avg.send(f64::from(i));
        }
        last
    });
    assert_eq!(last, Some(f64::from(FEWER - 1) / 2.0));
    assert_eq!(allocations, 0);
}

#[test]
fn delegation_allocates_only_to_create_the_delegate() {
    let mut outer = Gen::new(|co| async move {
        let inner = Gen::new(|co| async move {
            for i in 0..FEWER {
                co.yield_(i).await;
            }
        });
        co.yield_from(inner).await;
        co.yield_from_iter(0..FEWER).await;
    });
    outer.next(); // creates the delegate
    let (count, allocations) = allocations_in(|| (&mut outer).count());
    assert_eq!(count, 2 * FEWER as usize - 1);
    assert_eq!(allocations, 0);
}
