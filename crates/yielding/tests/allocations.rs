//! Memory: one allocation per generator by default, none with `Gen::new_in`, and none per
//! item either way. Counted with a counting global allocator, per thread so that tests
//! running in parallel do not disturb each other.

use std::pin::pin;

use yielding::{Co, Gen};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations_in;

#[test]
fn heap_generator_allocates_once_and_never_per_item() {
    let (mut g, at_creation) = allocations_in(|| {
        Gen::new(|co| async move {
            for i in 0..100_000u64 {
                co.yield_(i).await;
            }
        })
    });
    assert_eq!(at_creation, 1);
    let (sum, while_iterating) = allocations_in(|| (&mut g).sum::<u64>());
    assert_eq!(sum, 99_999 * 100_000 / 2);
    assert_eq!(while_iterating, 0);
}

#[test]
fn stack_pinned_generator_never_allocates() {
    let (sum, allocations) = allocations_in(|| {
        let mut place = pin!(None);
        let g = Gen::new_in(place.as_mut(), |co| async move {
            for i in 0..100_000u64 {
                co.yield_(i).await;
            }
        });
        g.sum::<u64>()
    });
    assert_eq!(sum, 99_999 * 100_000 / 2);
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
        for i in 0..10_000 {
            last = avg.send(f64::from(i));
        }
        last
    });
    assert_eq!(last, Some(4999.5));
    assert_eq!(allocations, 0);
}

#[test]
fn delegation_allocates_only_to_create_the_delegate() {
    let mut outer = Gen::new(|co| async move {
        let inner = Gen::new(|co| async move {
            for i in 0..10_000u32 {
                co.yield_(i).await;
            }
        });
        co.yield_from(inner).await;
        co.yield_from_iter(0..10_000u32).await;
    });
    outer.next(); // creates the delegate
    let (count, allocations) = allocations_in(|| (&mut outer).count());
    assert_eq!(count, 19_999);
    assert_eq!(allocations, 0);
}
