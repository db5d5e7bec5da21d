//! A delegation chain 100,000 generators deep: resumed, run to the end, dropped midway and
//! closed midway, on the main thread and on a spawned thread with a 2 MiB stack. Twice:
//! written with the core API, and written exactly as the README recommends a generator
//! function (`generator!`, returning `impl Generator<Item = .., Return = ..>`).
//!
//! Without a harness (`harness = false`), so that the first half really runs on the main
//! thread: libtest runs every test on a spawned thread. Resuming goes straight to the
//! innermost delegate and closing walks the chain in a loop, so none of this needs a stack
//! deeper than a shallow generator's; recursive resumes or drops would overflow here.

use std::future::Future;

use yielding::{Gen, Generator, GeneratorState, generator};

const DEPTH: u32 = 100_000;
const ITEMS: u64 = 1_000;

/// `depth` generators, each delegating to the next; the innermost yields `0..items` and
/// returns `items`; every level returns its delegate's value plus one.
fn chain(depth: u32, items: u64) -> Gen<u64, (), impl Future<Output = u64>> {
    Gen::new(move |co| async move {
        if depth <= 1 {
            for i in 0..items {
                co.yield_(i).await;
            }
            items
        } else {
            // PEP 380: the delegate's return value becomes the value of `yield from`.
            co.yield_from(chain(depth - 1, items)).await + 1
        }
    })
}

/// The same chain as the README writes a generator function.
fn readme_chain(depth: u32, items: u64) -> impl Generator<Item = u64, Return = u64> {
    generator!(u64, () -> u64 => {
        if depth <= 1 {
            for i in 0..items {
                yield i;
            }
            items
        } else {
            (yield from readme_chain(depth - 1, items)) + 1
        }
    })
}

fn run_to_the_end<G: Generator<Item = u64, Return = u64>>(chain: fn(u32, u64) -> G) {
    let mut g = chain(DEPTH, ITEMS);
    let items: Vec<u64> = (&mut g).collect();
    assert_eq!(items, (0..ITEMS).collect::<Vec<_>>());
    // The return value came up one level at a time, each adding one.
    assert_eq!(g.take_return(), Some(ITEMS + u64::from(DEPTH) - 1));
    assert_eq!(g.state(), GeneratorState::Closed);
}

fn drop_midway<G: Generator<Item = u64, Return = u64>>(chain: fn(u32, u64) -> G) {
    let mut g = chain(DEPTH, ITEMS);
    assert_eq!(g.nth(10), Some(10));
    drop(g);
}

fn close_midway<G: Generator<Item = u64, Return = u64>>(chain: fn(u32, u64) -> G) {
    let mut g = chain(DEPTH, ITEMS);
    assert_eq!(g.next(), Some(0));
    g.close();
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.next(), None);
    assert_eq!(g.take_return(), None);
}

fn drop_while_being_built<G: Generator<Item = u64, Return = u64>>(chain: fn(u32, u64) -> G) {
    // The chain is built lazily, one level per resume: dropping it right after the first
    // item drops every level that exists.
    let mut g = chain(DEPTH, 0);
    assert_eq!(g.next(), None);
    assert_eq!(g.take_return(), Some(u64::from(DEPTH) - 1));
}

fn all(thread: &str) {
    run_to_the_end(chain);
    drop_midway(chain);
    close_midway(chain);
    drop_while_being_built(chain);
    println!("{thread}: a chain {DEPTH} deep ran, dropped and closed midway");
    run_to_the_end(readme_chain);
    drop_midway(readme_chain);
    close_midway(readme_chain);
    drop_while_being_built(readme_chain);
    println!("{thread}: the same, written as the README recommends");
}

fn main() {
    // Test runners such as cargo-nextest list a binary's tests first.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|arg| arg == "--list") {
        if !args.iter().any(|arg| arg == "--ignored") {
            println!("chain_100000_deep: test");
        }
        return;
    }
    all("main thread");
    std::thread::Builder::new()
        .name("two-MiB-stack".into())
        .stack_size(2 << 20)
        .spawn(|| all("spawned thread, 2 MiB stack"))
        .expect("a thread with a 2 MiB stack")
        .join()
        .expect("the deep chain on a 2 MiB stack");
}
