//! Delegation (`yield from`) through the driver's delegation stack: resuming reaches the
//! innermost delegate without polling the bodies in between, every semantic of PEP 380 is
//! kept at any depth, and the cases the stack cannot take on fall back to nested resumption
//! with the same results.

use std::cell::Cell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::Poll;

use yielding::{AsyncGen, Co, Gen, GeneratorState, Thrown};

#[path = "support/log.rs"]
mod log;
use log::{Finally, Log};

/// A level polls its body once to register, and once more when its delegate finishes;
/// the count of every level's body polls, innermost first.
fn polls_per_level(depth: u32, items: u64) -> Vec<u32> {
    let polls: Vec<Rc<Cell<u32>>> = (0..depth).map(|_| Rc::new(Cell::new(0))).collect();
    fn level(
        depth: u32,
        items: u64,
        polls: Rc<Vec<Rc<Cell<u32>>>>,
    ) -> Gen<u64, (), impl Future<Output = ()>> {
        let mine = polls[depth as usize - 1].clone();
        Gen::new(move |co| async move {
            // Pinned inline, so the body's `yield_from` nodes stay inside the generator's
            // own memory.
            let mut body = pin!(async move {
                if depth <= 1 {
                    for i in 0..items {
                        co.yield_(i).await;
                    }
                } else {
                    co.yield_from(level(depth - 1, items, polls)).await;
                }
            });
            std::future::poll_fn(|cx| {
                mine.set(mine.get() + 1);
                body.as_mut().poll(cx)
            })
            .await
        })
    }
    let shared = Rc::new(polls);
    let g = level(depth, items, shared.clone());
    assert_eq!(g.count() as u64, items);
    shared.iter().map(|p| p.get()).collect()
}

#[test]
fn every_level_between_the_ends_is_polled_twice_whatever_the_item_count() {
    // O(1) per item: with 10 or 10,000 items, each level between the outermost and the
    // innermost is polled twice (to start and register, then to take the return value).
    // The innermost is polled once per item (plus once to finish), and the outermost once
    // per resume: its suspended `yield_from` is the bottom of the stack and resumes the
    // innermost directly (its `yield_from` starts the stack in the poll that reaches it,
    // with no second poll to register it).
    // Under Miri, 10,000 items take a minute: 200 still shows the count does not grow.
    for items in [10u64, if cfg!(miri) { 200 } else { 10_000 }] {
        let polls = polls_per_level(6, items);
        assert_eq!(
            polls[0] as u64,
            items + 1,
            "innermost: once per item, once to finish"
        );
        assert_eq!(
            &polls[1..5],
            &[2, 2, 2, 2],
            "each level in between, for {items} items"
        );
        assert_eq!(
            polls[5] as u64,
            items + 1,
            "outermost: once per resume, once to finish"
        );
    }
}

#[test]
fn sends_go_to_the_innermost_delegate_and_returns_come_up_one_level_at_a_time() {
    // PEP 380: values sent to the delegating generator go to the subiterator; the value of
    // `yield from` is the subiterator's return value, at every level.
    fn echo(depth: u32) -> Gen<String, i32, impl Future<Output = i32>> {
        Gen::with_send(move |co: Co<String, i32>| async move {
            if depth == 1 {
                let a = co.yield_("innermost ready".to_string()).await;
                let b = co.yield_(format!("innermost got {a}")).await;
                a + b
            } else {
                let inner = co.yield_from(echo(depth - 1)).await;
                co.yield_(format!("level {depth} got {inner}")).await;
                inner * 10
            }
        })
    }
    let mut g = echo(3);
    assert_eq!(g.start().as_deref(), Some("innermost ready"));
    assert_eq!(g.send(4).as_deref(), Some("innermost got 4"));
    assert_eq!(g.send(5).as_deref(), Some("level 2 got 9"));
    assert_eq!(g.send(0).as_deref(), Some("level 3 got 90"));
    assert_eq!(g.send(0), None);
    assert_eq!(g.take_return(), Some(900));
}

#[test]
fn a_throw_goes_to_the_innermost_delegate_and_propagates_outwards_if_unhandled() {
    // PEP 380: exceptions thrown into the delegating generator go to the subiterator's
    // throw(); if it lets one propagate, it is raised again at the `yield from`.
    type Sent = Result<(), String>;
    fn level(depth: u32, log: Log) -> Gen<u32, Sent, impl Future<Output = Result<u32, String>>> {
        Gen::with_send(move |co: Co<u32, Sent>| async move {
            let _finally = Finally {
                log: log.clone(),
                name: ["inner", "middle", "outer"][depth as usize - 1],
            };
            if depth == 1 {
                co.yield_(1).await?;
                Ok(1)
            } else {
                let got = co.yield_from(level(depth - 1, log.clone())).await;
                log.push(format!("level {depth} saw {got:?}"));
                got
            }
        })
    }
    let log = Log::default();
    let mut g = level(3, log.clone());
    assert_eq!(g.next(), Some(1));
    let step = g.throw("boom".to_string());
    assert_eq!(step, Thrown::Raised("boom".to_string()));
    assert_eq!(
        log.events(),
        [
            "finally inner",
            "level 2 saw Err(\"boom\")",
            "finally middle",
            "level 3 saw Err(\"boom\")",
            "finally outer",
        ]
    );
    assert_eq!(g.state(), GeneratorState::Closed);
}

fn logged_chain(
    depth: u32,
    log: Log,
    panic_inside: bool,
) -> Gen<u32, (), impl Future<Output = ()>> {
    Gen::new(move |co| async move {
        let _finally = Finally {
            log: log.clone(),
            name: ["level 1", "level 2", "level 3", "level 4"][depth as usize - 1],
        };
        if depth == 1 {
            co.yield_(1).await;
            if panic_inside {
                panic!("the innermost delegate panics");
            }
            co.yield_(2).await;
        } else {
            co.yield_from(logged_chain(depth - 1, log, panic_inside))
                .await;
        }
    })
}

#[test]
fn closing_the_outermost_closes_the_innermost_first() {
    // PEP 380: close() of the delegating generator closes the subiterator first; the
    // `finally` blocks run from the innermost frame outwards.
    let log = Log::default();
    let mut g = logged_chain(4, log.clone(), false);
    assert_eq!(g.next(), Some(1));
    g.close();
    assert_eq!(
        log.events(),
        [
            "finally level 1",
            "finally level 2",
            "finally level 3",
            "finally level 4"
        ]
    );
    assert_eq!(g.next(), None);
}

#[test]
fn dropping_the_outermost_closes_the_innermost_first() {
    let log = Log::default();
    let mut g = logged_chain(4, log.clone(), false);
    assert_eq!(g.next(), Some(1));
    drop(g);
    assert_eq!(
        log.events(),
        [
            "finally level 1",
            "finally level 2",
            "finally level 3",
            "finally level 4"
        ]
    );
}

#[test]
fn a_panic_in_the_innermost_delegate_unwinds_every_level_and_closes_the_generator() {
    // Python: an exception in the subiterator propagates through every `yield from`,
    // running each frame's `finally` from the inside out; the generator is then finished.
    let log = Log::default();
    let mut g = logged_chain(4, log.clone(), true);
    assert_eq!(g.next(), Some(1));
    let panicked = catch_unwind(AssertUnwindSafe(|| g.next()));
    assert!(panicked.is_err());
    assert_eq!(
        log.events(),
        [
            "finally level 1",
            "finally level 2",
            "finally level 3",
            "finally level 4"
        ]
    );
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.next(), None);
}

/// A chain whose bodies are `Pin<Box<dyn Future>>`: the nodes live outside the generators'
/// own memory, so the driver cannot take them on and each level resumes its delegate.
fn boxed_chain(depth: u32, items: u32) -> Gen<u32, (), Pin<Box<dyn Future<Output = u32>>>> {
    Gen::new(move |co| {
        Box::pin(async move {
            if depth <= 1 {
                for i in 0..items {
                    co.yield_(i).await;
                }
                items
            } else {
                co.yield_from(boxed_chain(depth - 1, items)).await + 1
            }
        }) as Pin<Box<dyn Future<Output = u32>>>
    })
}

#[test]
fn boxed_bodies_fall_back_to_nested_resumption_with_the_same_results() {
    let mut g = boxed_chain(50, 5);
    assert_eq!((&mut g).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    assert_eq!(g.take_return(), Some(5 + 49));
}

#[test]
fn a_boxed_yield_from_future_falls_back_too_and_keeps_send_and_return() {
    let mut g = Gen::with_send(|co: Co<i32, i32>| async move {
        let sub = Gen::with_send(|co: Co<i32, i32>| async move {
            let x = co.yield_(1).await;
            x * 2
        });
        let from_sub = Box::pin(co.yield_from(sub)).await;
        co.yield_(from_sub).await;
        from_sub + 1
    });
    assert_eq!(g.start(), Some(1));
    assert_eq!(g.send(21), Some(42));
    assert_eq!(g.send(0), None);
    assert_eq!(g.take_return(), Some(43));
}

#[test]
fn a_yield_from_dropped_in_the_poll_that_started_it_is_a_clear_panic() {
    // Polling a `yield_from` starts its delegate at once, as polling a `yield_` offers its
    // value: the delegate's first item is in the driver's hands. A body that drops the
    // `yield_from` in that same poll (as a select would) and yields something else has two
    // items at once, which is a clear panic; the delegate is closed, nothing leaks.
    let sub_closed = Rc::new(Cell::new(false));
    let seen = Rc::clone(&sub_closed);
    let mut g = Gen::new(|co| async move {
        let mut sub = Gen::new(|co| async move {
            co.yield_("from sub").await;
        });
        {
            let mut delegation = pin!(co.yield_from(&mut sub));
            std::future::poll_fn(|cx| {
                assert!(delegation.as_mut().poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
        }
        seen.set(sub.state() == GeneratorState::Closed);
        co.yield_("own item").await;
    });
    let message = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.next()))
        .expect_err("two items at once must panic");
    let message = message
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| message.downcast_ref::<String>().cloned())
        .unwrap();
    assert!(message.contains("at once"), "{message}");
    assert!(sub_closed.get(), "the abandoned delegate is closed");
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn a_yield_while_a_boxed_yield_from_is_pending_is_a_clear_panic() {
    // A body polls a boxed `yield_from` once, keeps it (or leaks it: the driver cannot
    // tell, and cannot trust a future outside the body to keep its delegate borrowed), and
    // then yields: that is reported as two yields at once, and nothing is resumed through
    // the pending delegation.
    let mut g = Gen::new(|co| async move {
        let mut sub = Gen::new(|co| async move {
            co.yield_(1).await;
        });
        let mut boxed = Box::pin(co.yield_from(&mut sub));
        std::future::poll_fn(|cx| {
            let _ = boxed.as_mut().poll(cx);
            Poll::Ready(())
        })
        .await;
        co.yield_(2).await;
    });
    let panic = catch_unwind(AssertUnwindSafe(|| g.next())).expect_err("a misuse panic");
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(message.contains("awaited at once"), "{message}");
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn async_delegation_chains_wait_on_real_futures_at_any_depth() {
    // An async generator's delegates share its task: a real future pending in the
    // innermost one returns Pending to the caller, and the next poll resumes it directly.
    fn level(depth: u32) -> AsyncGen<u32, (), Pin<Box<dyn Future<Output = u32>>>> {
        AsyncGen::new(move |co| {
            Box::pin(async move {
                if depth == 1 {
                    let mut pending_once = false;
                    std::future::poll_fn(|cx| {
                        if pending_once {
                            Poll::Ready(())
                        } else {
                            pending_once = true;
                            cx.waker().wake_by_ref();
                            Poll::Pending
                        }
                    })
                    .await;
                    co.yield_(7).await;
                    1
                } else {
                    co.yield_from_async(level(depth - 1)).await + 1
                }
            }) as Pin<Box<dyn Future<Output = u32>>>
        })
    }
    fn inline_level(depth: u32) -> AsyncGen<u32, (), impl Future<Output = u32>> {
        AsyncGen::new(move |co| async move {
            if depth == 1 {
                co.yield_from_async(level(1)).await
            } else {
                co.yield_from_async(inline_level(depth - 1)).await + 1
            }
        })
    }
    let mut boxed = level(3);
    let mut inline = inline_level(3);
    futures::executor::block_on(async {
        assert_eq!(boxed.anext().await, Some(7));
        assert_eq!(boxed.anext().await, None);
        assert_eq!(boxed.take_return(), Some(3));
        assert_eq!(inline.anext().await, Some(7));
        assert_eq!(inline.anext().await, None);
        assert_eq!(inline.take_return(), Some(3));
    });
}
