//! Send, Sync and Unpin of every public type, and generators moved between threads.

use std::future::Future;
use std::sync::mpsc;

use static_assertions::{assert_impl_all, assert_not_impl_any};
use yielding::{
    AlreadyRunning, AsyncGen, Co, CoroutineState, Gen, GeneratorState, NextArg, SharedGen, Yield,
};

// Used only in static_assertions' `const _` items, which rustc 1.85 (the MSRV) does not
// count as uses: without the allows it warns that they are never used.
#[allow(dead_code)]
type BoxedBody = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;
#[allow(dead_code)]
type LocalBody = std::pin::Pin<Box<dyn Future<Output = ()>>>;

// The handle and its future carry no data of their own between threads.
assert_impl_all!(Co<u8, String>: Send, Sync, Unpin);
assert_impl_all!(Yield<u8, String>: Send, Unpin);
// A yield future produces the sent value on the thread that polls it.
assert_not_impl_any!(Yield<u8, std::rc::Rc<u8>>: Send);
assert_impl_all!(CoroutineState<u8, String>: Send, Sync, Unpin);
assert_impl_all!(GeneratorState: Send, Sync, Unpin, Copy);
assert_impl_all!(AlreadyRunning: Send, Sync, std::error::Error);

// A generator is Send exactly when its body is, and always Unpin (its body is pinned
// behind a pointer).
assert_impl_all!(Gen<u8, (), BoxedBody>: Send, Unpin, Iterator);
assert_not_impl_any!(Gen<u8, (), LocalBody>: Send, Sync);
assert_impl_all!(Gen<u8, (), LocalBody>: Unpin, Iterator);
assert_impl_all!(SharedGen<u8, (), BoxedBody>: Send);
assert_not_impl_any!(SharedGen<u8, (), BoxedBody>: Sync);

// The same for async generators, which are streams.
assert_impl_all!(AsyncGen<u8, (), BoxedBody>: Send, Unpin, futures::Stream, futures::stream::FusedStream);
assert_not_impl_any!(AsyncGen<u8, (), LocalBody>: Send, Sync);
assert_not_impl_any!(AsyncGen<u8, f64, BoxedBody>: futures::Stream);

// The send type decides whether a generator iterates.
assert_impl_all!(Gen<u8, Option<u8>, BoxedBody>: Iterator);
assert_impl_all!(Gen<u8, Result<(), String>, BoxedBody>: Iterator);
assert_not_impl_any!(Gen<u8, f64, BoxedBody>: Iterator);
assert_impl_all!((): NextArg);

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[test]
fn a_generator_with_a_send_body_runs_on_another_thread() {
    let g = assert_send(Gen::new(|co| async move {
        let owned = vec![1u64, 2, 3];
        for x in &owned {
            co.yield_(*x * 10).await;
        }
        owned.len()
    }));
    let (items, returned) = std::thread::spawn(move || {
        let mut g = g;
        let items: Vec<u64> = (&mut g).collect();
        (items, g.take_return())
    })
    .join()
    .unwrap();
    assert_eq!(items, [10, 20, 30]);
    assert_eq!(returned, Some(3));
}

#[test]
fn a_suspended_generator_moves_between_threads_and_keeps_its_state() {
    let mut g = assert_send(Gen::with_send(|co: Co<u64, u64>| async move {
        let mut total = 0;
        loop {
            total += co.yield_(total).await;
        }
    }));
    assert_eq!(g.start(), Some(0));
    assert_eq!(g.send(5), Some(5));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        tx.send(g.send(7)).unwrap();
        tx.send(g.send(8)).unwrap();
    })
    .join()
    .unwrap();
    assert_eq!(rx.iter().collect::<Vec<_>>(), [Some(12), Some(20)]);
}

#[test]
fn generators_on_many_threads_do_not_mix_their_values() {
    let handles: Vec<_> = (0..4u64)
        .map(|t| {
            std::thread::spawn(move || {
                let g = Gen::new(|co| async move {
                    // Under Miri (`.ci/run`), fewer: 10,000 per thread take 100 s there.
                    for i in 0..if cfg!(miri) { 200 } else { 10_000u64 } {
                        co.yield_(t * 1_000_000 + i).await;
                    }
                });
                g.map(|v| v / 1_000_000).filter(|&owner| owner != t).count()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 0);
    }
}
