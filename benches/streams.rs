//! An alias: the async rows (async generators as `Stream`s against a hand-written `Stream`
//! and `async_stream::stream!`) are measured by the one harness, in
//! `generators/async_rows.rs`. This target runs only them:
//!
//! ```sh
//! cargo bench -p yielding-benches --bench streams
//! YIELDING_BENCH_QUICK=1 cargo bench -p yielding-benches --bench streams   # smoke run
//! ```

#[path = "generators/main.rs"]
mod generators;

fn main() {
    generators::run(&["async"]);
}
