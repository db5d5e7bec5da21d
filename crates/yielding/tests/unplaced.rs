//! Generator functions that return `Unplaced`: the caller boxes the body (by iterating it)
//! or pins it (`place!`), and either way it is the same generator.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use static_assertions::{assert_impl_all, assert_not_impl_any};
use yielding::{Co, CoroutineState, Gen, GeneratorState, Unplaced};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations_in;

// Used only in static_assertions' `const _` items, which rustc 1.85 (the MSRV) does not
// count as uses: without the allows it warns that they are never used.
#[allow(dead_code)]
type SendBody = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;
#[allow(dead_code)]
type LocalBody = std::pin::Pin<Box<dyn Future<Output = ()>>>;

// Like a generator: Send exactly when its body is.
assert_impl_all!(Unplaced<u8, (), SendBody>: Send, IntoIterator);
assert_not_impl_any!(Unplaced<u8, (), LocalBody>: Send, Sync);
// The send type decides whether it iterates, as for `Gen`.
assert_not_impl_any!(Unplaced<u8, f64, SendBody>: IntoIterator);

/// The seed's `def square(nums): for n in nums: yield n * n`, returning how many it saw.
fn square(items: impl IntoIterator<Item = u64>) -> Unplaced<u64, (), impl Future<Output = usize>> {
    Unplaced::new(|co| async move {
        let mut seen = 0;
        for x in items {
            co.yield_(x * x).await;
            seen += 1;
        }
        seen
    })
}

/// An input that fails the test if the generator pulls it before the caller asks.
fn strict_source(pulled: Rc<Cell<u32>>) -> impl Iterator<Item = u64> {
    (0..4u64).inspect(move |_| pulled.set(pulled.get() + 1))
}

#[test]
fn making_placing_and_boxing_run_nothing() {
    // Python: calling a generator function runs none of its body.
    let pulled = Rc::new(Cell::new(0));
    let unplaced = square(strict_source(Rc::clone(&pulled)));
    assert_eq!(pulled.get(), 0);
    let boxed = unplaced.boxed();
    assert_eq!(boxed.state(), GeneratorState::Created);
    assert_eq!(pulled.get(), 0);
    yielding::place!(let placed = square(strict_source(Rc::clone(&pulled))));
    assert_eq!(placed.state(), GeneratorState::Created);
    assert_eq!(pulled.get(), 0);
}

#[test]
fn boxed_and_placed_give_the_same_items_and_return_value() {
    let mut boxed = square(0..5).boxed();
    let boxed_items: Vec<u64> = (&mut boxed).collect();
    yielding::place!(let mut placed = square(0..5));
    let placed_items: Vec<u64> = (&mut placed).collect();
    assert_eq!(boxed_items, [0, 1, 4, 9, 16]);
    assert_eq!(placed_items, boxed_items);
    // PEP 380 / StopIteration.value: the return value, exactly once.
    assert_eq!(boxed.take_return(), Some(5));
    assert_eq!(placed.take_return(), Some(5));
    assert_eq!(placed.take_return(), None);
    assert_eq!(placed.next(), None);
}

#[test]
fn placing_allocates_nothing_and_iterating_allocates_once() {
    let (sum, allocations) = allocations_in(|| {
        yielding::place!(let squares = square(0..1000));
        squares.sum::<u64>()
    });
    assert_eq!(sum, (0..1000u64).map(|x| x * x).sum());
    assert_eq!(allocations, 0);
    let (sum, allocations) = allocations_in(|| square(0..1000).into_iter().sum::<u64>());
    assert_eq!(sum, (0..1000u64).map(|x| x * x).sum());
    assert_eq!(allocations, 1);
}

#[test]
fn a_pipeline_of_generator_functions_each_placed_by_the_caller() {
    fn even(items: impl IntoIterator<Item = u64>) -> Unplaced<u64, (), impl Future<Output = ()>> {
        Unplaced::new(|co| async move {
            for x in items {
                if x % 2 == 0 {
                    co.yield_(x).await;
                }
            }
        })
    }
    let (evens, allocations) = allocations_in(|| {
        yielding::place!(let squares = square(0..10));
        yielding::place!(let evens = even(squares));
        evens.fold(Vec::with_capacity(0), |mut seen, x| {
            seen.push(x);
            seen
        })
    });
    assert_eq!(evens, [0, 4, 16, 36, 64]);
    // The result vector's growth; the stages themselves allocate nothing.
    let (_, for_the_vec) = allocations_in(|| {
        (0..10u64).map(|x| x * x).filter(|x| x % 2 == 0).fold(
            Vec::with_capacity(0),
            |mut seen, x| {
                seen.push(x);
                seen
            },
        )
    });
    assert_eq!(allocations, for_the_vec);
    // Nested, the inner one is boxed when the outer body iterates it.
    assert_eq!(
        even(square(0..10)).into_iter().collect::<Vec<_>>(),
        [0, 4, 16, 36, 64]
    );
}

#[test]
fn an_unplaced_coroutine_takes_sends_and_delegation() {
    let averager = Unplaced::with_send(|co: Co<f64, f64>| async move {
        let (mut total, mut count) = (0.0, 0.0);
        let mut x = co.yield_(0.0).await;
        loop {
            total += x;
            count += 1.0;
            x = co.yield_(total / count).await;
        }
    });
    yielding::place!(let mut avg = averager);
    assert_eq!(avg.start(), Some(0.0));
    assert_eq!(avg.send(10.0), Some(10.0));
    assert_eq!(avg.send(20.0), Some(15.0));

    // yield from an unplaced generator, boxed into a `Gen` first.
    let mut outer = Gen::new(|co| async move { co.yield_from(square(1..3).boxed()).await });
    assert_eq!(outer.resume(()), Some(CoroutineState::Yielded(1)));
    assert_eq!(outer.resume(()), Some(CoroutineState::Yielded(4)));
    assert_eq!(outer.resume(()), Some(CoroutineState::Complete(2)));
}

#[test]
fn an_unplaced_async_generator_streams_boxed_or_placed() {
    let make = || {
        Unplaced::new(|co| async move {
            for i in 0..3 {
                std::future::ready(()).await;
                co.yield_(i).await;
            }
        })
    };
    let mut boxed = make().boxed_async();
    let mut place = std::pin::pin!(None);
    let mut placed = make().place_async(place.as_mut());
    futures::executor::block_on(async {
        for expected in 0..3 {
            assert_eq!(boxed.anext().await, Some(expected));
            assert_eq!(placed.anext().await, Some(expected));
        }
        assert_eq!(boxed.anext().await, None);
        assert_eq!(placed.anext().await, None);
    });
}
