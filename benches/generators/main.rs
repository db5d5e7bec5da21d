//! One benchmark harness: yielding against a hand-written baseline and every peer, in one
//! run, reported as ratios to the baseline measured in that run (BENCHMARKS.md has the
//! results, DESIGN.md and issue 6 the targets).
//!
//! ```text
//! # The full run that BENCHMARKS.md and docs/benchmarks.svg come from (several minutes):
//! YIELDING_BENCH_WRITE=1 RUSTFLAGS="-C llvm-args=-align-loops=64" cargo bench -p yielding-benches --bench generators
//!
//! YIELDING_BENCH_QUICK=1 cargo bench -p yielding-benches --bench generators   # smoke run
//! cargo bench -p yielding-benches --bench generators -- W3 creation           # only these
//! cargo bench -p yielding-benches --bench generators -- chain-1 chain-100000  # these depths
//! cargo bench -p yielding-benches --bench streams                             # async rows only
//! cargo test -p yielding-benches --benches                                    # checksums, quick
//! ```
//!
//! `YIELDING_BENCH_WRITE=1` writes the report into BENCHMARKS.md (between
//! `<!-- peers:begin -->` and `<!-- peers:end -->`) and the chart into docs/benchmarks.svg;
//! never in quick mode. `RUSTFLAGS="-C llvm-args=-align-loops=64"` keeps the numbers
//! stable across unrelated edits: the baselines' loops take about one cycle per item, and
//! one that happens to straddle a 64-byte line takes two, which halves every ratio to it.
//!
//! What runs, module by module:
//! - `w1`..`w4`, `creation`: the core workloads; `w5_tree`: a recursive tree walk against an
//!   explicit-stack Iterator; `chain`: delegation chains 1 to 100,000 deep (on a thread with
//!   a 1 GiB stack); `async_rows`: async generators as `Stream`s. In process: yielding (core
//!   API boxed and stack-pinned, and the macros), genawaiter (`rc` and `stack`),
//!   corosensei, generator-rs and async-stream.
//! - `external`: the nightly crate in `benches/native` (native coroutines, `gen` blocks) and
//!   `benches/python/workloads.py` (CPython), as child processes; a missing toolchain or
//!   interpreter, or a failing child, is reported as skipped rows.
//! - `memory`: bytes per live generator and the peak RSS of 1,000,000 of them, each
//!   implementation in a fresh child process (this binary, re-executed).
//! - `measure`: the method; `report`: the markdown and the SVG chart.
//!
//! Method. Every implementation of a workload is a function that runs `n` items and returns
//! a checksum. Before timing, every row's checksum is checked against the baseline's.
//! Each row's `n` is calibrated so that one sample takes about 20 ms (0.5 ms when quick);
//! then 31 samples (5 when quick) of all rows are taken in interleaved rounds, so drift and
//! noise on a shared machine hit every row alike. Each row reports its median ns per item,
//! the p25–p75 spread, and the median's ratio to the baseline's. `n` goes in through
//! `black_box`, and the consumer passes every item through `black_box`, so nothing is
//! constant-folded or summed in closed form. Timings are reported, never asserted.

mod async_rows;
#[path = "../baselines.rs"]
mod baselines;
mod chain;
mod creation;
mod external;
mod measure;
mod memory;
mod report;
mod shared;
mod w1;
mod w2;
mod w3;
mod w4;
mod w5_tree;

use std::time::Instant;

use measure::{Config, run_workload};

// Unused when `streams.rs` includes this file as a module and calls `run` itself.
#[allow(dead_code)]
fn main() {
    run(&[]);
}

/// Runs the harness. `default_filters` apply when the command line names none (the
/// `streams` alias's).
pub(crate) fn run(default_filters: &[&str]) {
    if let Some(code) = memory::child_main() {
        std::process::exit(code);
    }
    let config = Config::from_env(default_filters);
    let started = Instant::now();

    let external = external::run(&config);

    let mut workloads = vec![
        w1::workload(),
        w2::workload(),
        w3::workload(),
        w4::workload(),
        creation::workload(),
        w5_tree::workload(),
    ];
    workloads.extend(async_rows::workloads());
    let mut tables = Vec::new();
    for workload in workloads.iter().filter(|w| config.selects(w.key, w.title)) {
        eprintln!("measuring {}", workload.title);
        if workload.key == "W5" {
            baselines::tree();
        }
        tables.push(run_workload(workload, &config));
    }
    let mut chain = chain::selected(&config).then(|| {
        eprintln!("measuring delegation chains");
        chain::run(&config)
    });
    let mut memory = config
        .selects("memory", "memory: bytes and RSS per live generator")
        .then(|| {
            eprintln!("measuring memory");
            memory::run(&config)
        });

    report::merge(&external, &mut tables, chain.as_mut(), memory.as_mut());
    let results = report::Results {
        tables,
        chain,
        memory,
        external,
        seconds: started.elapsed().as_secs_f64(),
    };
    let markdown = report::markdown(&results, &config);
    println!("{markdown}");
    let svg = report::svg(&results);
    if config.write {
        let (md_path, svg_path) = report::written_paths();
        match report::write_benchmarks_md(&markdown) {
            Ok(()) => eprintln!("wrote {}", md_path.display()),
            Err(e) => eprintln!("could not write {}: {e}", md_path.display()),
        }
        match svg.map(|svg| report::write_svg(&svg)) {
            Ok(Ok(())) => eprintln!("wrote {}", svg_path.display()),
            Ok(Err(e)) => eprintln!("could not write {}: {e}", svg_path.display()),
            Err(e) => eprintln!("could not draw the chart: {e}"),
        }
    } else if let Err(e) = svg {
        eprintln!("could not draw the chart: {e}");
    }
}
