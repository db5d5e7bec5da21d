//! The async rows: async generators as `Stream`s, consumed with `StreamExt::next` inside one
//! `block_on`, against a hand-written `Stream` and `async_stream::stream!`. S1 yields 0..N
//! with no real await; S2 also awaits a ready future per item.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::StreamExt;
use futures::executor::block_on;
use futures::stream::Stream;
use yielding::{AsyncGen, async_generator};

use super::measure::{Imp, Workload, row};
use super::shared::CHECK_SIZES;

/// The baseline: a counter as a hand-written `Stream`.
struct Counter {
    next: u64,
    end: u64,
}

impl Stream for Counter {
    type Item = u64;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u64>> {
        if self.next < self.end {
            let item = self.next;
            self.next += 1;
            Poll::Ready(Some(item))
        } else {
            Poll::Ready(None)
        }
    }
}

/// The baseline with a ready future awaited per item, as the generators do in S2.
struct CounterAwaiting {
    next: u64,
    end: u64,
    pending: Option<std::future::Ready<u64>>,
}

impl Stream for CounterAwaiting {
    type Item = u64;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u64>> {
        if self.pending.is_none() {
            if self.next >= self.end {
                return Poll::Ready(None);
            }
            let item = self.next;
            self.next += 1;
            self.pending = Some(std::future::ready(item));
        }
        let ready = self.pending.as_mut().expect("just set");
        let item = std::task::ready!(Pin::new(ready).poll(cx));
        self.pending = None;
        Poll::Ready(Some(item))
    }
}

/// Sums a stream's items inside one `block_on`, so that the executor adds nothing per item.
#[inline(always)]
fn consume<S: Stream<Item = u64>>(stream: S) -> u64 {
    block_on(async {
        let mut stream = std::pin::pin!(stream);
        let mut sum = 0u64;
        while let Some(item) = stream.next().await {
            sum = sum.wrapping_add(black_box(item));
        }
        sum
    })
}

#[inline(never)]
fn s1_hand(n: u64) -> u64 {
    consume(Counter { next: 0, end: n })
}

#[inline(never)]
fn s1_async_stream(n: u64) -> u64 {
    consume(async_stream::stream! {
        for i in 0..n {
            yield i;
        }
    })
}

#[inline(never)]
fn s1_macro(n: u64) -> u64 {
    consume(async_generator! {
        for i in 0..n {
            yield i;
        }
    })
}

#[inline(never)]
fn s1_core(n: u64) -> u64 {
    consume(AsyncGen::new(|co| async move {
        for i in 0..n {
            co.yield_(i).await;
        }
    }))
}

#[inline(never)]
fn s2_hand(n: u64) -> u64 {
    consume(CounterAwaiting {
        next: 0,
        end: n,
        pending: None,
    })
}

#[inline(never)]
fn s2_async_stream(n: u64) -> u64 {
    consume(async_stream::stream! {
        for i in 0..n {
            let item = std::future::ready(i).await;
            yield item;
        }
    })
}

#[inline(never)]
fn s2_macro(n: u64) -> u64 {
    consume(async_generator! {
        for i in 0..n {
            let item = std::future::ready(i).await;
            yield item;
        }
    })
}

#[inline(never)]
fn s2_core(n: u64) -> u64 {
    consume(AsyncGen::new(|co| async move {
        for i in 0..n {
            let item = std::future::ready(i).await;
            co.yield_(item).await;
        }
    }))
}

/// The two async workloads, baselines first.
pub(crate) fn workloads() -> Vec<Workload> {
    vec![
        Workload {
            key: "S1",
            title: "S1 (async): a Stream yielding 0..N, no real await",
            per: "item",
            count_allocations: false,
            check_sizes: CHECK_SIZES,
            rows: vec![
                row(Imp::Hand, "hand-written `Stream`", s1_hand),
                row(Imp::AsyncStream, "`async_stream::stream!`", s1_async_stream),
                row(Imp::YieldingMacro, "yielding `async_generator!`", s1_macro),
                row(Imp::YieldingBoxed, "yielding `AsyncGen::new`", s1_core),
            ],
            skipped: Vec::new(),
            notes: Vec::new(),
        },
        Workload {
            key: "S2",
            title: "S2 (async): the same with a ready future awaited per item",
            per: "item",
            count_allocations: false,
            check_sizes: CHECK_SIZES,
            rows: vec![
                row(Imp::Hand, "hand-written `Stream`", s2_hand),
                row(Imp::AsyncStream, "`async_stream::stream!`", s2_async_stream),
                row(Imp::YieldingMacro, "yielding `async_generator!`", s2_macro),
                row(Imp::YieldingBoxed, "yielding `AsyncGen::new`", s2_core),
            ],
            skipped: Vec::new(),
            notes: Vec::new(),
        },
    ]
}
