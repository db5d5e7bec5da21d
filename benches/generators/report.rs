//! The report: markdown for stdout and BENCHMARKS.md, and the SVG chart of the ratios,
//! drawn here with plotters.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::chain::{Cell, ChainTable};
use super::external::{External, workspace_root};
use super::measure::{Config, Imp, Measured, Table};
use super::memory::MemRow;

/// The markers BENCHMARKS.md keeps the generated section between.
const BEGIN: &str = "<!-- peers:begin -->";
const END: &str = "<!-- peers:end -->";

/// Everything one run measured.
#[derive(Debug)]
pub(crate) struct Results {
    /// Every ratio table (W1–W5, creation, S1, S2), external rows merged in.
    pub(crate) tables: Vec<Table>,
    pub(crate) chain: Option<ChainTable>,
    pub(crate) memory: Option<Vec<MemRow>>,
    pub(crate) external: External,
    /// Wall time of the whole run.
    pub(crate) seconds: f64,
}

impl Results {
    fn table(&self, key: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.key == key)
    }
}

// ---------------------------------------------------------------------------------------
// Merging the children's rows
// ---------------------------------------------------------------------------------------

/// Adds the children's rows, skips and memory lines to the tables measured here. The
/// ratio of an external row is its ns/item over the baseline measured here in this run;
/// the nightly crate's rows also get the ratio to that crate's own baseline.
pub(crate) fn merge(
    external: &External,
    tables: &mut [Table],
    chain: Option<&mut ChainTable>,
    memory: Option<&mut Vec<MemRow>>,
) {
    for table in tables.iter_mut() {
        if !matches!(table.key, "W1" | "W2" | "W3" | "W4" | "W5" | "creation") {
            continue;
        }
        let baseline = table.baseline();
        for child in &external.children {
            if let Some(reason) = &child.skipped {
                for (imp, raw) in child.imps {
                    let name = super::external::display_name(*imp, raw, None);
                    table.rows.push(Measured::skipped(*imp, &name, reason));
                }
            }
        }
        let native_hand = external.row(table.key, Imp::NativeHand).map(|r| r.ns);
        for row in external
            .rows
            .iter()
            .filter(|r| r.workload.eq_ignore_ascii_case(table.key))
        {
            let own = matches!(
                row.imp,
                Imp::NativeHand | Imp::NativeCoroutine | Imp::GenBlock
            );
            table.rows.push(Measured {
                imp: row.imp,
                name: row.name.clone(),
                median: Some(row.ns),
                spread: None,
                ratio: baseline.map(|b| row.ns / b),
                own_ratio: native_hand.filter(|_| own).map(|h| row.ns / h),
                allocations: None,
                items_per_sample: None,
                skipped: None,
            });
        }
        for skip in external
            .skips
            .iter()
            .filter(|s| s.workload.eq_ignore_ascii_case(table.key))
        {
            table
                .rows
                .push(Measured::skipped(skip.imp, &skip.name, &skip.reason));
        }
    }

    if let Some(chain) = chain {
        let depth_index = |workload: &str| {
            let depth: u32 = workload.strip_prefix("chain-")?.parse().ok()?;
            chain.depths.iter().position(|d| *d == depth)
        };
        let mut set = |imp: Imp, name: &str, at: Option<usize>, cell: Cell| {
            let width = chain.depths.len();
            let index = match chain
                .rows
                .iter()
                .position(|r| r.imp == imp && r.name == name)
            {
                Some(i) => i,
                None => {
                    chain.rows.push(super::chain::ChainRow {
                        imp,
                        name: name.to_owned(),
                        cells: vec![Cell::NotRun; width],
                    });
                    chain.rows.len() - 1
                }
            };
            match at {
                Some(i) => chain.rows[index].cells[i] = cell,
                None => chain.rows[index].cells = vec![cell; width],
            }
        };
        for child in &external.children {
            if let Some(reason) = &child.skipped {
                for (imp, raw) in child.imps {
                    let name = super::external::display_name(*imp, raw, None);
                    set(*imp, &name, None, Cell::Skipped(reason.clone()));
                }
            }
        }
        for row in &external.rows {
            if let Some(i) = depth_index(&row.workload) {
                let cell = Cell::Measured {
                    median: row.ns,
                    spread: None,
                };
                set(row.imp, &row.name, Some(i), cell);
            }
        }
        for skip in &external.skips {
            if let Some(i) = depth_index(&skip.workload) {
                set(
                    skip.imp,
                    &skip.name,
                    Some(i),
                    Cell::Skipped(skip.reason.clone()),
                );
            }
        }
    }

    if let Some(memory) = memory {
        for child in &external.children {
            if let Some(reason) = &child.skipped {
                for (imp, raw) in child.imps.iter().filter(|(i, _)| *i != Imp::NativeHand) {
                    memory.push(MemRow {
                        name: super::external::display_name(*imp, raw, None),
                        inline: None,
                        heap: None,
                        allocations: None,
                        bytes: None,
                        mapping: None,
                        live: None,
                        rss_delta: None,
                        rss_million: None,
                        note: Some(format!("skipped: {reason}")),
                    });
                }
            }
        }
        for mem in &external.mems {
            memory.push(MemRow {
                name: mem.name.clone(),
                inline: None,
                heap: None,
                allocations: None,
                bytes: Some(mem.bytes as f64),
                mapping: None,
                live: None,
                rss_delta: None,
                rss_million: Some(mem.rss_million as f64),
                note: Some("as the child measured and reported it".to_owned()),
            });
        }
    }
}

// ---------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------

/// Nanoseconds with about three significant digits, or whole ones with separators.
fn fmt_ns(ns: f64) -> String {
    if ns >= 10_000.0 {
        thousands(ns.round() as u64)
    } else if ns < 10.0 {
        format!("{ns:.2}")
    } else if ns < 100.0 {
        format!("{ns:.1}")
    } else {
        format!("{ns:.0}")
    }
}

/// A ratio with about three significant digits, or a whole one with separators.
fn fmt_ratio(ratio: f64) -> String {
    if ratio >= 10_000.0 {
        format!("{}×", thousands(ratio.round() as u64))
    } else if ratio < 10.0 {
        format!("{ratio:.2}×")
    } else if ratio < 100.0 {
        format!("{ratio:.1}×")
    } else {
        format!("{ratio:.0}×")
    }
}

/// Bytes, in the unit that reads best.
fn fmt_bytes(bytes: f64) -> String {
    const KIB: f64 = 1024.0;
    if bytes < 10.0 * KIB {
        format!("{bytes:.0} B")
    } else if bytes < 10.0 * KIB * KIB {
        format!("{:.0} KiB", bytes / KIB)
    } else if bytes < 10.0 * KIB * KIB * KIB {
        format!("{:.0} MiB", bytes / KIB / KIB)
    } else {
        format!("{:.1} GiB", bytes / KIB / KIB / KIB)
    }
}

/// `100000` as `100,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A cell of a ratio matrix: ratio and ns, the own-baseline ratio for the nightly crate.
fn ratio_cell(m: &Measured) -> String {
    match (m.median, m.ratio) {
        (Some(ns), Some(ratio)) => match m.own_ratio {
            Some(own) if m.imp != Imp::NativeHand => {
                format!(
                    "{} ({} ns; {} own)",
                    fmt_ratio(ratio),
                    fmt_ns(ns),
                    fmt_ratio(own)
                )
            }
            _ => format!("{} ({} ns)", fmt_ratio(ratio), fmt_ns(ns)),
        },
        _ => "skipped".to_owned(),
    }
}

/// Numbers footnotes, one per distinct reason.
#[derive(Default)]
struct Footnotes(Vec<String>);

impl Footnotes {
    /// The marker for `reason`, added if new.
    fn mark(&mut self, reason: &str) -> String {
        let i = match self.0.iter().position(|r| r == reason) {
            Some(i) => i,
            None => {
                self.0.push(reason.to_owned());
                self.0.len() - 1
            }
        };
        format!("skipped [{}]", i + 1)
    }

    fn write(&self, out: &mut String) {
        for (i, reason) in self.0.iter().enumerate() {
            let _ = writeln!(out, "[{}] {reason}  ", i + 1);
        }
        if !self.0.is_empty() {
            out.push('\n');
        }
    }
}

/// A matrix of ratios: a row per implementation, a column per table. Rows are labelled by
/// implementation where the tables name them differently, else by their own name.
fn matrix(out: &mut String, tables: &[&Table], own_names: bool) {
    let mut imps: Vec<(Imp, String)> = Vec::new();
    for table in tables {
        for m in &table.rows {
            if !imps.iter().any(|(imp, _)| *imp == m.imp) {
                let label = if own_names {
                    m.name.clone()
                } else {
                    row_label(m)
                };
                imps.push((m.imp, label));
            }
        }
    }
    imps.sort_by_key(|(imp, _)| *imp);
    let mut notes = Footnotes::default();
    out.push_str("| implementation |");
    for table in tables {
        let _ = write!(out, " {} |", table.key);
    }
    out.push_str("\n|---|");
    for _ in tables {
        out.push_str("---:|");
    }
    out.push('\n');
    for (imp, label) in &imps {
        let _ = write!(out, "| {label} |");
        for table in tables {
            let cell = match table.rows.iter().find(|m| m.imp == *imp) {
                Some(m) => match &m.skipped {
                    Some(reason) => notes.mark(reason),
                    None => ratio_cell(m),
                },
                None => "—".to_owned(),
            };
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
    out.push('\n');
    notes.write(out);
}

/// The label of a row in a matrix, where workloads name their rows differently.
fn row_label(m: &Measured) -> String {
    match m.imp {
        Imp::Hand => "hand-written baseline".to_owned(),
        Imp::HandOther => m.name.clone(),
        Imp::YieldingBoxed => "yielding core API, boxed (`Gen::new`, `with_send`)".to_owned(),
        Imp::YieldingStack => {
            "yielding core API, stack-pinned (`new_in`, `with_send_in`)".to_owned()
        }
        Imp::YieldingMacro => "yielding `generator!`".to_owned(),
        Imp::GenawaiterRc => "genawaiter `rc`".to_owned(),
        Imp::GenawaiterStack => "genawaiter `stack`".to_owned(),
        Imp::Corosensei => "corosensei".to_owned(),
        Imp::GeneratorRs => "generator-rs".to_owned(),
        _ => m.name.clone(),
    }
}

/// A workload's full table: every row with its spread.
fn detail(out: &mut String, table: &Table, baseline_name: &str) {
    let _ = writeln!(out, "#### {}\n", table.title);
    let _ = write!(
        out,
        "| implementation | median ns/{per} | ratio to {baseline_name} | p25–p75 ns/{per} | ratio to own baseline |",
        per = table.per
    );
    if table.count_allocations {
        out.push_str(" heap allocations/generator |");
    }
    out.push_str("\n|---|---:|---:|---:|---:|");
    if table.count_allocations {
        out.push_str("---:|");
    }
    out.push('\n');
    for m in &table.rows {
        if let Some(reason) = &m.skipped {
            let _ = writeln!(out, "| {} | skipped: {reason} | | | |", m.name);
            continue;
        }
        let spread = m.spread.map_or("—".to_owned(), |(a, b)| {
            format!("{}–{}", fmt_ns(a), fmt_ns(b))
        });
        let own = m.own_ratio.map_or("—".to_owned(), fmt_ratio);
        let _ = write!(
            out,
            "| {} | {} | {} | {spread} | {own} |",
            m.name,
            m.median.map_or("—".to_owned(), fmt_ns),
            m.ratio.map_or("—".to_owned(), fmt_ratio),
        );
        if table.count_allocations {
            let _ = write!(
                out,
                " {} |",
                m.allocations.map_or("—".to_owned(), |a| format!("{a}"))
            );
        }
        out.push('\n');
    }
    out.push('\n');
    let sizes: Vec<String> = table
        .rows
        .iter()
        .filter_map(|m| Some(format!("{}: {}", m.name, m.items_per_sample?)))
        .collect();
    if !sizes.is_empty() {
        let _ = writeln!(out, "Items per sample: {}.\n", sizes.join(", "));
    }
    for note in &table.notes {
        let _ = writeln!(out, "{note}\n");
    }
}

// ---------------------------------------------------------------------------------------
// The header
// ---------------------------------------------------------------------------------------

/// Today's date (UTC), from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Howard Hinnant's days-to-civil algorithm.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The CPU model, core count and memory, from /proc.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU".to_owned(), |(_, m)| m.trim().to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(String::new(), |kib| {
            format!(", {:.0} GiB", kib / 1024.0 / 1024.0)
        });
    format!("{model}, {cores} cores{memory}")
}

/// The first line of a command's output, or why not.
fn first_line(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| format!("unknown (`{program}` did not run)"))
}

/// The versions of the peers this build locked, from Cargo.lock.
fn peer_versions() -> String {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock")).unwrap_or_default();
    let mut versions = BTreeMap::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_owned());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            versions.insert(n, v.trim_matches('"').to_owned());
        }
    }
    ["genawaiter", "corosensei", "generator", "async-stream"]
        .iter()
        .map(|peer| {
            let version = versions.get(*peer).map_or("?", String::as_str);
            format!("{peer} {version}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The command that produced this run, as typed.
fn command(config: &Config) -> String {
    let mut parts = Vec::new();
    for var in ["YIELDING_BENCH_WRITE", "YIELDING_BENCH_QUICK", "RUSTFLAGS"] {
        if let Ok(value) = std::env::var(var) {
            if value.contains(' ') {
                parts.push(format!("{var}=\"{value}\""));
            } else {
                parts.push(format!("{var}={value}"));
            }
        }
    }
    // The bench binary is `<name>-<hash>`.
    let bench = std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let stem = exe.file_stem()?.to_string_lossy().into_owned();
            Some(
                stem.rsplit_once('-')
                    .map_or(stem.clone(), |(n, _)| n.to_owned()),
            )
        })
        .unwrap_or_else(|| "generators".to_owned());
    let verb = if config.benching { "bench" } else { "test" };
    parts.push(format!("cargo {verb} -p yielding-benches --bench {bench}"));
    if !config.raw_filters.is_empty() {
        parts.push(format!("-- {}", config.raw_filters.join(" ")));
    }
    parts.join(" ")
}

// ---------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------

/// Which yielding rows a target covers.
const TARGET_IMPS: [(Imp, &str); 7] = [
    (Imp::YieldingBoxed, "boxed"),
    (Imp::YieldingStack, "stack"),
    (Imp::YieldingMacro, "macro"),
    (Imp::YieldingFnsPlaced, "generator fns placed"),
    (Imp::YieldingFnsBoxed, "generator fns boxed"),
    (Imp::YieldingRecursive, "Recursive"),
    (Imp::YieldingRecursiveTail, "Recursive tail calls"),
];

/// Which of a workload's yielding rows a target holds to its limit.
#[derive(Clone, Copy)]
enum Covered {
    All,
    /// Only the rows whose bodies each sit in their own heap box (W4's looser target).
    Boxed,
    /// All but those.
    Unboxed,
    /// Only the recursion API (W5: a generator per call is the form `Recursive` replaces).
    Recursive,
}

impl Covered {
    fn covers(self, imp: Imp) -> bool {
        match self {
            Covered::All => true,
            Covered::Boxed => BOXED_IMPS.contains(&imp),
            Covered::Unboxed => !BOXED_IMPS.contains(&imp),
            Covered::Recursive => RECURSIVE_IMPS.contains(&imp),
        }
    }
}

/// The recursion API's rows.
const RECURSIVE_IMPS: [Imp; 2] = [Imp::YieldingRecursive, Imp::YieldingRecursiveTail];

/// The rows whose bodies each sit in their own heap box: W4 holds them to a looser
/// target (≤ 2.5×) than the ones placed by the caller (≤ 1.5×).
const BOXED_IMPS: [Imp; 3] = [
    Imp::YieldingBoxed,
    Imp::YieldingMacro,
    Imp::YieldingFnsBoxed,
];

/// A verdict on values that must each be at most `limit`.
fn verdict(values: &[(&str, f64)], limit: f64, unit: &str) -> String {
    if values.is_empty() {
        return "not measured".to_owned();
    }
    let misses: Vec<String> = values
        .iter()
        .filter(|(_, v)| *v > limit)
        .map(|(what, v)| format!("{what} by {:.0}%", (v / limit - 1.0) * 100.0))
        .collect();
    if misses.is_empty() {
        "**meets**".to_owned()
    } else {
        format!("**misses** ({} over ≤ {limit}{unit})", misses.join(", "))
    }
}

fn targets(report: &mut String, results: &Results) {
    let mut out = String::new();
    for (key, limit, rows) in [
        ("W1", 1.1, Covered::All),
        ("W2", 1.1, Covered::All),
        ("W3", 1.1, Covered::All),
        ("W4", 1.5, Covered::Unboxed),
        ("W4", 2.5, Covered::Boxed),
        ("W5", 2.0, Covered::Recursive),
    ] {
        let Some(table) = results.table(key) else {
            continue;
        };
        let values: Vec<(&str, f64)> = TARGET_IMPS
            .iter()
            .filter(|(imp, _)| rows.covers(*imp))
            .filter_map(|(imp, label)| Some((*label, table.find(*imp)?.ratio?)))
            .collect();
        let shown: Vec<String> = values
            .iter()
            .map(|(label, v)| format!("{label} {}", fmt_ratio(*v)))
            .collect();
        let against = if key == "W5" {
            "the explicit-stack Iterator"
        } else {
            "the hand-written baseline"
        };
        let _ = writeln!(
            out,
            "| {key} ≤ {limit}× {against} | {} | {} |",
            shown.join(", "),
            verdict(&values, limit, "×")
        );
    }
    // W5's second half: the recursion API is the fastest recursive generator of all,
    // stackful coroutines, native coroutines and CPython included.
    if let Some(w5) = results.table("W5") {
        let ours = w5.find(Imp::YieldingRecursive).and_then(|m| m.ratio);
        let best_other = w5
            .rows
            .iter()
            .filter(|m| !matches!(m.imp, Imp::Hand | Imp::HandOther | Imp::NativeHand))
            .filter(|m| !RECURSIVE_IMPS.contains(&m.imp))
            .filter_map(|m| Some((m.ratio?, m)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let (Some(ours), Some((theirs, row))) = (ours, best_other) {
            let verdict = if ours < theirs {
                "**meets**".to_owned()
            } else {
                format!("**misses** ({} is faster)", row.name)
            };
            let _ = writeln!(
                out,
                "| W5: `Recursive` the fastest recursive generator | Recursive {}, next best {} ({}) | {verdict} |",
                fmt_ratio(ours),
                fmt_ratio(theirs),
                row.name
            );
        }
    }
    if let Some(chain) = &results.chain {
        let first = chain.depths.first().copied();
        let last = chain.depths.last().copied();
        if let (Some(1), Some(deepest @ 100_000)) = (first, last) {
            let values: Vec<(&str, f64)> = TARGET_IMPS
                .iter()
                .filter_map(|(imp, label)| {
                    let row = chain.rows.iter().find(|r| r.imp == *imp)?;
                    let shallow = row.cells.first()?.median()?;
                    let deep = row.cells.last()?.median()?;
                    Some((*label, deep / shallow))
                })
                .collect();
            let shown: Vec<String> = values
                .iter()
                .map(|(label, v)| format!("{label} {}", fmt_ratio(*v)))
                .collect();
            let _ = writeln!(
                out,
                "| chain-{} ≤ 1.5× chain-1 per item | {} | {} |",
                thousands(u64::from(deepest)),
                shown.join(", "),
                verdict(&values, 1.5, "×")
            );
        }
    }
    if let Some(creation) = results.table("creation") {
        let boxed = creation
            .find(Imp::YieldingBoxed)
            .and_then(|m| m.allocations);
        let stack = creation
            .find(Imp::YieldingStack)
            .and_then(|m| m.allocations);
        if let (Some(boxed), Some(stack)) = (boxed, stack) {
            let met = boxed <= 1.0 && stack == 0.0;
            let _ = writeln!(
                out,
                "| ≤ 1 heap allocation per boxed generator, 0 stack-pinned | boxed {boxed}, stack {stack} | {} |",
                if met {
                    "**meets**".to_owned()
                } else {
                    format!("**misses** (boxed {boxed}, stack {stack})")
                }
            );
        }
    }
    if !out.is_empty() {
        report
            .push_str("### Targets\n\n| target | yielding, this run | verdict |\n|---|---|---|\n");
        report.push_str(&out);
        report.push('\n');
    }
}

fn chain_table(out: &mut String, chain: &ChainTable) {
    out.push_str("### Delegation chains: ns per item at each depth\n\n");
    out.push_str("| implementation |");
    for d in &chain.depths {
        let _ = write!(out, " depth {} |", thousands(u64::from(*d)));
    }
    let last = chain.depths.last().copied().unwrap_or(1);
    let ratio_column = chain.depths.len() > 1 && chain.depths.first() == Some(&1);
    if ratio_column {
        let _ = write!(out, " depth {} / depth 1 |", thousands(u64::from(last)));
    }
    out.push_str("\n|---|");
    for _ in &chain.depths {
        out.push_str("---:|");
    }
    if ratio_column {
        out.push_str("---:|");
    }
    out.push('\n');
    let mut notes = Footnotes::default();
    for row in &chain.rows {
        let _ = write!(out, "| {} |", row.name);
        for cell in &row.cells {
            let text = match cell {
                Cell::Measured { median, .. } => fmt_ns(*median),
                Cell::Skipped(reason) => notes.mark(reason),
                Cell::NotRun => "—".to_owned(),
            };
            let _ = write!(out, " {text} |");
        }
        if ratio_column {
            let ratio = match (
                row.cells.first().and_then(Cell::median),
                row.cells.last().and_then(Cell::median),
            ) {
                (Some(shallow), Some(deep)) => fmt_ratio(deep / shallow),
                _ => "—".to_owned(),
            };
            let _ = write!(out, " {ratio} |");
        }
        out.push('\n');
    }
    out.push('\n');
    notes.write(out);
    for note in &chain.notes {
        let _ = writeln!(out, "{note}\n");
    }
    let spreads: Vec<String> = chain
        .rows
        .iter()
        .filter_map(|row| {
            let cells: Vec<String> = row
                .cells
                .iter()
                .zip(&chain.depths)
                .filter_map(|(cell, d)| match cell {
                    Cell::Measured {
                        spread: Some((a, b)),
                        ..
                    } => Some(format!("{}: {}–{}", d, fmt_ns(*a), fmt_ns(*b))),
                    _ => None,
                })
                .collect();
            (!cells.is_empty()).then(|| format!("{} ({})", row.name, cells.join(", ")))
        })
        .collect();
    if !spreads.is_empty() {
        let _ = writeln!(out, "p25–p75 ns/item: {}.\n", spreads.join("; "));
    }
}

fn memory_table(out: &mut String, memory: &[MemRow]) {
    out.push_str("### Memory: one live W1 generator, suspended after its first item\n\n");
    out.push_str(
        "| implementation | bytes per generator (inline + heap) | heap allocations | stack mapping (not heap) | peak-RSS delta, 1,000,000 live | measured with |\n",
    );
    out.push_str("|---|---:|---:|---|---:|---|\n");
    for row in memory {
        let bytes = match (row.bytes, row.inline, row.heap) {
            (Some(b), Some(i), Some(h)) => format!("{b:.0} ({i} + {h:.0})"),
            (Some(b), _, _) => format!("{b:.0}"),
            _ => "—".to_owned(),
        };
        let live = match (row.live, row.rss_delta) {
            (Some(live), Some(delta)) => Some(format!(
                "{} live: {}",
                thousands(live),
                fmt_bytes(delta as f64)
            )),
            (Some(live), None) => Some(format!("{} live", thousands(live))),
            _ => None,
        };
        let measured_with = match (live, &row.note) {
            (Some(live), Some(note)) => format!("{live}; {note}"),
            (Some(live), None) => live,
            (None, Some(note)) => note.clone(),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | {bytes} | {} | {} | {} | {measured_with} |",
            row.name,
            row.allocations.map_or("—".to_owned(), |a| format!("{a}")),
            row.mapping.as_deref().unwrap_or("—"),
            row.rss_million.map_or("—".to_owned(), fmt_bytes),
        );
    }
    out.push_str(
        "\nBytes per generator: `size_of` the generator (what the `Vec` holds) plus the heap \
         bytes the bench's counting allocator saw allocated while 1,000 were created and \
         advanced, per generator (frees are not counted: see `memory.rs`). Peak RSS: a fresh \
         child process per implementation (this binary, re-executed) reads `VmHWM` from \
         /proc/self/status before and after creating the generators into a `Vec`; the delta \
         includes the `Vec`. Where fewer than 1,000,000 were \
         live, the delta is scaled linearly, as the last column says.\n\n",
    );
}

/// The whole markdown report.
pub(crate) fn markdown(results: &Results, config: &Config) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Every peer, one run\n");
    if config.quick {
        out.push_str("**QUICK smoke run: the numbers are unreliable.**\n\n");
    }
    if cfg!(debug_assertions) {
        out.push_str("**DEBUG build: the numbers are meaningless.**\n\n");
    }
    let _ = writeln!(
        out,
        "Generated by `benches/generators` on {} in {:.0} s.\n",
        today(),
        results.seconds
    );
    let _ = writeln!(out, "- Command: `{}`", command(config));
    let _ = writeln!(out, "- Machine: {}", machine());
    let _ = writeln!(
        out,
        "- This harness: {}",
        first_line("rustc", &["--version"])
    );
    for child in &results.external.children {
        let status = match &child.skipped {
            Some(reason) => format!("**skipped**: {reason}"),
            None => format!("ran in {:.0} s", child.seconds),
        };
        let _ = writeln!(
            out,
            "- {}: {} — `{}` — {status}",
            child.label,
            child.version.as_deref().unwrap_or("version unknown"),
            child.command
        );
    }
    let _ = writeln!(out, "- Peers: {}", peer_versions());
    let _ = writeln!(
        out,
        "- Method: each row is the median of {} interleaved samples of about {} ms, after every \
         row's checksum was checked against the baseline's; ratios divide by the baseline \
         measured in this process in the same run. External rows are the medians their child \
         process reported; the nightly crate's also show the ratio to that crate's own \
         hand-written baseline (\"own\"), which is more trustworthy across processes.\n",
        config.samples,
        config.sample_time.as_secs_f64() * 1000.0
    );
    out.push_str("![Ratios to the hand-written baseline, log scale](docs/benchmarks.svg)\n\n");

    targets(&mut out, results);

    let main: Vec<&Table> = ["W1", "W2", "W3", "W4", "creation"]
        .iter()
        .filter_map(|k| results.table(k))
        .collect();
    if !main.is_empty() {
        out.push_str(
            "### W1–W4 and creation: ratio to the hand-written baseline (median ns per item)\n\n",
        );
        matrix(&mut out, &main, false);
        out.push_str(
            "W1 yield 0..N and sum; W2 infinite Fibonacci, first N; W3 send-driven running \
             average (baseline: a struct with `send`); W4 even(square(0..N)), two stages, per \
             input item (baseline: two Iterator structs); creation: create, take the first item, \
             drop while suspended, per generator.\n\n",
        );
    }
    if let Some(w5) = results.table("W5") {
        out.push_str(
            "### W5: recursive tree walk, ratio to the explicit-stack Iterator (not to a flat loop)\n\n",
        );
        detail(&mut out, w5, "explicit-stack Iterator");
    }
    if let Some(chain) = &results.chain {
        chain_table(&mut out, chain);
    }
    let streams: Vec<&Table> = ["S1", "S2"]
        .iter()
        .filter_map(|k| results.table(k))
        .collect();
    if !streams.is_empty() {
        out.push_str(
            "### Async generators as `Stream`s: ratio to a hand-written `Stream` (median ns per item)\n\n",
        );
        matrix(&mut out, &streams, true);
        out.push_str(
            "S1 yields 0..N with no real await; S2 also awaits a ready future per item. Each \
             stream is consumed with `StreamExt::next` inside one `block_on`.\n\n",
        );
    }
    if let Some(memory) = &results.memory {
        memory_table(&mut out, memory);
    }

    let details: Vec<&Table> = results.tables.iter().filter(|t| t.key != "W5").collect();
    if !details.is_empty() {
        out.push_str("<details><summary>Every row with its p25–p75 spread</summary>\n\n");
        for table in details {
            let baseline = table
                .rows
                .first()
                .map_or("the baseline".to_owned(), |m| m.name.clone());
            detail(&mut out, table, &baseline);
        }
        out.push_str("</details>\n");
    }
    out
}

/// Replaces the generated section of BENCHMARKS.md, adding the markers below the title if
/// they are missing, and keeps the rest of the file.
pub(crate) fn write_benchmarks_md(report: &str) -> std::io::Result<()> {
    let path = workspace_root().join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".to_owned());
    let section = format!("{BEGIN}\n{report}{END}");
    let updated = match (text.find(BEGIN), text.find(END)) {
        (Some(begin), Some(end)) if begin < end => {
            format!("{}{section}{}", &text[..begin], &text[end + END.len()..])
        }
        _ => {
            // Below the title line, or at the top when there is none.
            let at = if text.starts_with("# ") {
                text.find('\n').map_or(text.len(), |i| i + 1)
            } else {
                0
            };
            format!(
                "{}\n{section}\n\n{}",
                &text[..at],
                text[at..].trim_start_matches('\n')
            )
        }
    };
    std::fs::write(path, updated)
}

// ---------------------------------------------------------------------------------------
// The chart
// ---------------------------------------------------------------------------------------

/// The colour of an implementation in the chart.
fn colour(imp: Imp) -> plotters::style::RGBColor {
    use plotters::style::RGBColor;
    match imp {
        Imp::Hand => RGBColor(90, 90, 90),
        Imp::HandOther => RGBColor(170, 170, 170),
        Imp::YieldingBoxed => RGBColor(31, 119, 180),
        Imp::YieldingStack => RGBColor(23, 190, 207),
        Imp::YieldingMacro => RGBColor(44, 160, 44),
        Imp::YieldingFnsPlaced => RGBColor(0, 90, 160),
        Imp::YieldingFnsBoxed => RGBColor(120, 170, 220),
        Imp::YieldingRecursive => RGBColor(0, 60, 110),
        Imp::YieldingRecursiveTail => RGBColor(60, 40, 140),
        Imp::GenawaiterRc => RGBColor(255, 127, 14),
        Imp::GenawaiterStack => RGBColor(255, 187, 120),
        Imp::Corosensei => RGBColor(214, 39, 40),
        Imp::CorosenseiRecursion => RGBColor(255, 152, 150),
        Imp::GeneratorRs => RGBColor(148, 103, 189),
        Imp::GeneratorRsRecursion => RGBColor(197, 176, 213),
        Imp::AsyncStream => RGBColor(140, 86, 75),
        Imp::NativeHand => RGBColor(199, 199, 199),
        Imp::NativeCoroutine => RGBColor(188, 189, 34),
        Imp::GenBlock => RGBColor(219, 219, 141),
        Imp::CPython => RGBColor(227, 119, 194),
        Imp::OtherExternal => RGBColor(127, 127, 127),
    }
}

/// Draws the ratios as grouped bars on a log scale: a group per workload, a bar per
/// implementation (the baseline is the line at 1×).
pub(crate) fn svg(results: &Results) -> Result<String, String> {
    use plotters::prelude::*;

    let groups: Vec<&Table> = ["W1", "W2", "W3", "W4", "W5", "creation", "S1", "S2"]
        .iter()
        .filter_map(|k| results.table(k))
        .collect();
    // (group, bar, bars in group, implementation, ratio)
    let mut bars = Vec::new();
    let mut imps: Vec<Imp> = Vec::new();
    for (g, table) in groups.iter().enumerate() {
        let rows: Vec<&Measured> = table
            .rows
            .iter()
            .skip(1)
            .filter(|m| m.ratio.is_some_and(|r| r > 0.0))
            .collect();
        for (b, m) in rows.iter().enumerate() {
            bars.push((g, b, rows.len(), m.imp, m.ratio.unwrap_or(1.0)));
            if !imps.contains(&m.imp) {
                imps.push(m.imp);
            }
        }
    }
    let low = bars.iter().map(|b| b.4).fold(1.0f64, f64::min) / 2.0;
    let high = bars.iter().map(|b| b.4).fold(1.0f64, f64::max) * 2.0;
    let (low, high) = (
        10f64.powf(low.log10().floor()),
        10f64.powf(high.log10().ceil()),
    );

    let mut svg = String::new();
    {
        let size = (1400, 720);
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| format!("drawing the chart: {e}");
        root.fill(&WHITE).map_err(e)?;
        let (plot, legend) = root.split_horizontally(1080);
        let mut chart = ChartBuilder::on(&plot)
            .caption(
                "yielding and peers: time per item as a ratio to the hand-written baseline (log scale)",
                ("sans-serif", 20),
            )
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..groups.len() as f64, (low..high).log_scale())
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc("ratio (log scale)")
            .y_label_formatter(&|v| {
                if *v >= 1.0 {
                    format!("{v:.0}×")
                } else {
                    format!("{v}×")
                }
            })
            .draw()
            .map_err(e)?;
        for g in 1..groups.len() {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(g as f64, low), (g as f64, high)],
                    RGBColor(220, 220, 220),
                )))
                .map_err(e)?;
        }
        // Bars grow from the baseline's 1×: up when slower, down when faster.
        chart
            .draw_series(bars.iter().map(|&(g, b, count, imp, ratio)| {
                let width = 0.84 / count as f64;
                let x0 = g as f64 + 0.08 + b as f64 * width;
                Rectangle::new([(x0, 1.0), (x0 + width * 0.9, ratio)], colour(imp).filled())
            }))
            .map_err(e)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 1.0), (groups.len() as f64, 1.0)],
                BLACK.stroke_width(2),
            )))
            .map_err(e)?;
        // Each bar's ratio, written along it past its end, so that bars near 1× still read.
        let label_style = TextStyle::from(("sans-serif", 10).into_font())
            .transform(FontTransform::Rotate270)
            .color(&RGBColor(60, 60, 60));
        for &(g, b, count, _, ratio) in &bars {
            let width = 0.84 / count as f64;
            let x = g as f64 + 0.08 + (b as f64 + 0.45) * width;
            let (px, py) = chart.backend_coord(&(x, ratio));
            let text = fmt_ratio(ratio).trim_end_matches('×').to_owned();
            let offset = if ratio >= 1.0 {
                -4
            } else {
                4 + 7 * text.len() as i32
            };
            root.draw(&Text::new(text, (px - 5, py + offset), label_style.clone()))
                .map_err(e)?;
        }
        for (g, table) in groups.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(g as f64 + 0.5, low));
            let label = if table.key == "W5" {
                "W5 (vs explicit stack)".to_owned()
            } else {
                table.key.to_owned()
            };
            let shift = (label.len() as i32 * 7) / 2;
            root.draw(&Text::new(label, (x - shift, y + 10), ("sans-serif", 15)))
                .map_err(e)?;
        }
        legend
            .draw(&PathElement::new(
                vec![(10, 47), (28, 47)],
                BLACK.stroke_width(2),
            ))
            .map_err(e)?;
        legend
            .draw(&Text::new(
                "1× = the hand-written baseline",
                (36, 40),
                ("sans-serif", 14),
            ))
            .map_err(e)?;
        imps.sort();
        for (i, imp) in imps.iter().enumerate() {
            let y = 70 + i as i32 * 26;
            legend
                .draw(&Rectangle::new(
                    [(10, y), (28, y + 14)],
                    colour(*imp).filled(),
                ))
                .map_err(e)?;
            legend
                .draw(&Text::new(imp.series(), (36, y), ("sans-serif", 14)))
                .map_err(e)?;
        }
        root.present().map_err(e)?;
    }
    Ok(svg)
}

/// Writes the chart to docs/benchmarks.svg.
pub(crate) fn write_svg(svg: &str) -> std::io::Result<()> {
    let dir = workspace_root().join("docs");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("benchmarks.svg"), svg)
}

/// Where the report and chart go.
pub(crate) fn written_paths() -> (std::path::PathBuf, std::path::PathBuf) {
    let root = workspace_root();
    (
        root.join("BENCHMARKS.md"),
        root.join("docs").join("benchmarks.svg"),
    )
}
