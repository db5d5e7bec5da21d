//! The out-of-process peers: the nightly crate in `benches/native` (native coroutines and
//! `gen` blocks, with its own hand-written baseline) and the CPython script in
//! `benches/python`. Each runs as a child process and prints lines in this contract:
//!
//! ```text
//! # comment lines start with '#'
//! row<TAB><workload><TAB><implementation><TAB><ns_per_item float>
//! skip<TAB><workload><TAB><implementation><TAB><reason>
//! mem<TAB><implementation><TAB><bytes_per_generator int><TAB><rss_delta_bytes_for_1M_live int>
//! ```
//!
//! A missing toolchain or interpreter, or a failing child, makes its rows "skipped", with the
//! reason; the run goes on.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::measure::{Config, Imp};

/// A child gets this long, build included, before it is killed.
const TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// A `row` line.
#[derive(Clone, Debug)]
pub(crate) struct ExtRow {
    pub(crate) workload: String,
    pub(crate) imp: Imp,
    pub(crate) name: String,
    pub(crate) ns: f64,
}

/// A `skip` line.
#[derive(Clone, Debug)]
pub(crate) struct ExtSkip {
    pub(crate) workload: String,
    pub(crate) imp: Imp,
    pub(crate) name: String,
    pub(crate) reason: String,
}

/// A `mem` line.
#[derive(Clone, Debug)]
pub(crate) struct ExtMem {
    pub(crate) name: String,
    pub(crate) bytes: u64,
    pub(crate) rss_million: u64,
}

/// What one child did.
#[derive(Clone, Debug)]
pub(crate) struct ChildReport {
    /// `nightly crate` or `CPython`.
    pub(crate) label: &'static str,
    /// The command, as a user would type it from the workspace root.
    pub(crate) command: String,
    /// The toolchain or interpreter version, when known.
    pub(crate) version: Option<String>,
    /// Why its rows are missing, if they are.
    pub(crate) skipped: Option<String>,
    /// The implementations it was expected to report.
    pub(crate) imps: &'static [(Imp, &'static str)],
    /// Seconds it ran, build included.
    pub(crate) seconds: f64,
}

/// Everything the children reported.
#[derive(Clone, Debug, Default)]
pub(crate) struct External {
    pub(crate) rows: Vec<ExtRow>,
    pub(crate) skips: Vec<ExtSkip>,
    pub(crate) mems: Vec<ExtMem>,
    pub(crate) children: Vec<ChildReport>,
}

impl External {
    /// The row of `imp` on `workload`.
    pub(crate) fn row(&self, workload: &str, imp: Imp) -> Option<&ExtRow> {
        self.rows
            .iter()
            .find(|r| r.workload.eq_ignore_ascii_case(workload) && r.imp == imp)
    }
}

/// How the child's implementation names map to the harness's, with the names shown.
const NATIVE_IMPS: &[(Imp, &str)] = &[
    (Imp::NativeHand, "hand Iterator"),
    (Imp::NativeCoroutine, "native coroutine"),
    (Imp::GenBlock, "gen block"),
];
const PYTHON_IMPS: &[(Imp, &str)] = &[(Imp::CPython, "CPython")];

/// The harness's name for a child's implementation.
fn imp_of(name: &str) -> Imp {
    NATIVE_IMPS
        .iter()
        .chain(PYTHON_IMPS)
        .find(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
        .map_or(Imp::OtherExternal, |(imp, _)| *imp)
}

/// The name a row of `imp` gets in the tables.
pub(crate) fn display_name(imp: Imp, raw: &str, python: Option<&str>) -> String {
    match imp {
        Imp::NativeHand => "hand-written, the nightly crate's own baseline".to_owned(),
        Imp::NativeCoroutine => "native coroutine (nightly crate)".to_owned(),
        Imp::GenBlock => "`gen` block (nightly crate)".to_owned(),
        Imp::CPython => python.map_or("CPython".to_owned(), |v| v.replacen("Python", "CPython", 1)),
        _ => format!("{raw} (external)"),
    }
}

/// Parses a child's stdout into `out`; returns the number of lines it understood.
fn parse(stdout: &str, python: Option<&str>, out: &mut External) -> usize {
    let mut understood = 0;
    for line in stdout.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["row", workload, name, ns] => {
                if let Ok(ns) = ns.trim().parse::<f64>() {
                    let imp = imp_of(name);
                    out.rows.push(ExtRow {
                        workload: workload.trim().to_owned(),
                        imp,
                        name: display_name(imp, name, python),
                        ns,
                    });
                    understood += 1;
                }
            }
            ["skip", workload, name, reason] => {
                let imp = imp_of(name);
                out.skips.push(ExtSkip {
                    workload: workload.trim().to_owned(),
                    imp,
                    name: display_name(imp, name, python),
                    reason: reason.trim().to_owned(),
                });
                understood += 1;
            }
            ["mem", name, bytes, rss] => {
                if let (Ok(bytes), Ok(rss)) = (bytes.trim().parse(), rss.trim().parse()) {
                    let imp = imp_of(name);
                    out.mems.push(ExtMem {
                        name: display_name(imp, name, python),
                        bytes,
                        rss_million: rss,
                    });
                    understood += 1;
                }
            }
            _ => eprintln!("  (ignored a line the contract does not know: {line:?})"),
        }
    }
    understood
}

/// The workspace root: the parent of this package's directory.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ has a parent")
        .to_path_buf()
}

/// Where the nightly crate builds: its own directory under this build's target directory,
/// so that it neither waits on this build's lock nor mixes toolchains' artefacts.
fn native_target_dir() -> PathBuf {
    // The bench binary is `<target>/<profile>/deps/<name>`.
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| workspace_root().join("target"))
        .join("native-peers")
}

/// The first line a command prints, if it runs and succeeds.
fn version_of(program: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new(program)
        .args(args)
        .env_remove("RUSTUP_TOOLCHAIN")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("`{program}` could not be started ({e})"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            stderr.lines().next().unwrap_or("").trim()
        ));
    }
    // Python 2 printed its version on stderr; take whichever has it.
    let text = [output.stdout, output.stderr]
        .iter()
        .map(|b| String::from_utf8_lossy(b).trim().to_owned())
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    Ok(text.lines().next().unwrap_or("").to_owned())
}

/// Runs a command with a timeout, passing its stderr through (a build's progress) and
/// returning its stdout, or why it failed with the end of its stderr.
fn run_child(mut command: Command) -> Result<String, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not be started: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let tail = Arc::new(Mutex::new(Vec::<String>::new()));
    let stderr_reader = {
        let tail = Arc::clone(&tail);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("    | {line}");
                let mut tail = tail.lock().expect("not poisoned");
                tail.push(line);
                if tail.len() > 5 {
                    tail.remove(0);
                }
            }
        })
    };
    let stdout_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(status);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let text = stdout_reader.join().unwrap_or_default();
    let _ = stderr_reader.join();
    let tail = tail.lock().expect("not poisoned").join(" / ");
    match status {
        None => Err(format!("killed after {} s", TIMEOUT.as_secs())),
        Some(status) if !status.success() => Err(format!("exited with {status}: {tail}")),
        Some(_) => Ok(text),
    }
}

/// Whether any selected workload is one the children measure.
fn wanted(config: &Config) -> bool {
    ["W1", "W2", "W3", "W4", "W5", "chain", "creation", "memory"]
        .iter()
        .any(|key| config.selects(key, key))
        || config.filters.iter().any(|f| f.starts_with("chain-"))
}

/// Runs both children and collects what they report.
pub(crate) fn run(config: &Config) -> External {
    let mut out = External::default();
    if !wanted(config) {
        return out;
    }
    let root = workspace_root();
    let quick = |command: &mut Command| {
        if config.quick {
            command.env("YIELDING_BENCH_QUICK", "1");
        } else {
            command.env_remove("YIELDING_BENCH_QUICK");
        }
        // The child's toolchain is chosen by `+nightly`; an inherited one must not win.
        command.env_remove("RUSTUP_TOOLCHAIN");
        command.env_remove("RUSTC");
        command.current_dir(&root);
    };

    // The nightly crate.
    let manifest = root.join("benches/native/Cargo.toml");
    let target_dir = native_target_dir();
    let mut native_args: Vec<String> = [
        "+nightly",
        "run",
        "--release",
        "--manifest-path",
        "benches/native/Cargo.toml",
    ]
    .map(str::to_owned)
    .to_vec();
    native_args.push("--target-dir".to_owned());
    // The report (and BENCHMARKS.md) shows the command without local paths: relative to
    // the workspace root when the target directory is inside it, and as
    // `$CARGO_TARGET_DIR/...` when it is not; the command that runs gets the real path.
    let shown_target = match target_dir.strip_prefix(&root) {
        Ok(inside) => inside.display().to_string(),
        Err(_) => "$CARGO_TARGET_DIR/native-peers".to_owned(),
    };
    let mut shown_args = native_args.clone();
    shown_args.push(shown_target);
    native_args.push(target_dir.display().to_string());
    for args in [&mut native_args, &mut shown_args] {
        args.push("--".to_owned());
        args.extend(config.raw_filters.iter().cloned());
    }
    let mut report = ChildReport {
        label: "nightly crate",
        command: format!("cargo {}", shown_args.join(" ")),
        version: None,
        skipped: None,
        imps: NATIVE_IMPS,
        seconds: 0.0,
    };
    let started = Instant::now();
    report.skipped = if !manifest.exists() {
        Some("benches/native/Cargo.toml is not there".to_owned())
    } else {
        match version_of("rustc", &["+nightly", "--version"]) {
            Err(reason) => Some(format!("no nightly toolchain: {reason}")),
            Ok(version) => {
                report.version = Some(version);
                eprintln!("  external: {}", report.command);
                let mut command = Command::new("cargo");
                command.args(&native_args);
                quick(&mut command);
                match run_child(command) {
                    Err(reason) => Some(format!("the child failed: {reason}")),
                    Ok(stdout) if parse(&stdout, None, &mut out) == 0 => {
                        Some("the child printed no row, skip or mem line".to_owned())
                    }
                    Ok(_) => None,
                }
            }
        }
    };
    report.seconds = started.elapsed().as_secs_f64();
    out.children.push(report);

    // CPython.
    let script = root.join("benches/python/workloads.py");
    let mut python_args = vec!["benches/python/workloads.py".to_owned()];
    python_args.extend(config.raw_filters.iter().cloned());
    let mut report = ChildReport {
        label: "CPython",
        command: format!("python3 {}", python_args.join(" ")),
        version: None,
        skipped: None,
        imps: PYTHON_IMPS,
        seconds: 0.0,
    };
    let started = Instant::now();
    report.skipped = if !script.exists() {
        Some("benches/python/workloads.py is not there".to_owned())
    } else {
        match version_of("python3", &["--version"]) {
            Err(reason) => Some(format!("no python3: {reason}")),
            Ok(version) => {
                report.version = Some(version.clone());
                eprintln!("  external: {}", report.command);
                let mut command = Command::new("python3");
                command.args(&python_args);
                quick(&mut command);
                match run_child(command) {
                    Err(reason) => Some(format!("the child failed: {reason}")),
                    Ok(stdout) if parse(&stdout, Some(&version), &mut out) == 0 => {
                        Some("the child printed no row, skip or mem line".to_owned())
                    }
                    Ok(_) => None,
                }
            }
        }
    };
    report.seconds = started.elapsed().as_secs_f64();
    out.children.push(report);
    for child in &out.children {
        if let Some(reason) = &child.skipped {
            eprintln!("  external: {} rows skipped: {reason}", child.label);
        }
    }
    out
}
