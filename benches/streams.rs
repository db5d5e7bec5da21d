//! Async generators as `Stream`s: per-item cost of yielding 0..N, against a hand-written
//! `Stream` and `async_stream::stream!`, measured in one run.
//!
//! ```sh
//! cargo bench -p yielding-benches --bench streams
//! YIELDING_BENCH_QUICK=1 cargo bench -p yielding-benches --bench streams   # smoke run
//! ```
//!
//! Two workloads: S1 yields 0..N with no real await; S2 also awaits a ready future per item.
//! Each row is the median of interleaved samples; ratios are to the hand-written `Stream`.

use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::executor::block_on;
use futures::stream::Stream;
use yielding::{AsyncGen, async_generator};

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

use std::future::Future;

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
fn s1_yielding_macro(n: u64) -> u64 {
    consume(async_generator! {
        for i in 0..n {
            yield i;
        }
    })
}

#[inline(never)]
fn s1_yielding_core(n: u64) -> u64 {
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
fn s2_yielding_macro(n: u64) -> u64 {
    consume(async_generator! {
        for i in 0..n {
            let item = std::future::ready(i).await;
            yield item;
        }
    })
}

type Row = (&'static str, fn(u64) -> u64);

/// Median ns per item of each row, sampled in interleaved rounds.
fn measure(rows: &[Row], quick: bool) -> Vec<f64> {
    let n_check = 1000;
    let expected = rows[0].1(n_check);
    for (name, run) in rows {
        assert_eq!(
            run(n_check),
            expected,
            "{name} computes a different checksum"
        );
    }
    let target = if quick {
        Duration::from_millis(1)
    } else {
        Duration::from_millis(20)
    };
    // Calibrate each row's item count to about `target` per sample.
    let sizes: Vec<u64> = rows
        .iter()
        .map(|(_, run)| {
            let mut n = 1000u64;
            loop {
                let start = Instant::now();
                black_box(run(black_box(n)));
                if start.elapsed() >= target / 4 || n > 1 << 34 {
                    break n * 4;
                }
                n *= 2;
            }
        })
        .collect();
    let samples = if quick { 3 } else { 31 };
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); rows.len()];
    for _ in 0..samples {
        for (i, (_, run)) in rows.iter().enumerate() {
            let start = Instant::now();
            black_box(run(black_box(sizes[i])));
            times[i].push(start.elapsed().as_nanos() as f64 / sizes[i] as f64);
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort_by(f64::total_cmp);
            t[t.len() / 2]
        })
        .collect()
}

fn table(title: &str, rows: &[Row], quick: bool) {
    let medians = measure(rows, quick);
    println!("\n### {title}\n");
    println!("| implementation | median ns/item | ratio to hand-written `Stream` |");
    println!("|---|---:|---:|");
    for ((name, _), median) in rows.iter().zip(&medians) {
        println!("| {name} | {median:.2} | {:.2}× |", median / medians[0]);
    }
}

fn main() {
    // `cargo test --benches` runs this binary without `--bench`: a smoke run then.
    let benching = std::env::args().any(|a| a == "--bench");
    let quick = !benching || std::env::var_os("YIELDING_BENCH_QUICK").is_some_and(|v| v != "0");
    table(
        "S1: a Stream yielding 0..N, no real await",
        &[
            ("hand-written `Stream`", s1_hand),
            ("`async_stream::stream!`", s1_async_stream),
            ("yielding `async_generator!`", s1_yielding_macro),
            ("yielding `AsyncGen::new`", s1_yielding_core),
        ],
        quick,
    );
    table(
        "S2: the same with a ready future awaited per item",
        &[
            ("hand-written `Stream`", s2_hand),
            ("`async_stream::stream!`", s2_async_stream),
            ("yielding `async_generator!`", s2_yielding_macro),
        ],
        quick,
    );
}
