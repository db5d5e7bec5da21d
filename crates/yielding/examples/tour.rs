//! A tour of Python's generators, in Rust, with `yielding`'s `generator!` macro.
//!
//! Walks sections 2–11 of the "Infinite Memory (Python Generators)" tutorial. Each Python
//! generator becomes a Rust function whose body is `generator! { ... }`, written with
//! Python's `yield x`, `v = yield x` and `yield from sub`. Comments say where Rust has to
//! differ from the Python, and why.
//!
//! Run it with `cargo run --example tour`. Lines starting with `#` are explanations that the
//! Python version does not print. `cargo run --example tour_core` is the same tour written
//! with the core API (`co.yield_(x).await`), for people who prefer no macros.

use std::alloc::{GlobalAlloc, Layout, System};
use std::env;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{SystemTime, UNIX_EPOCH};

use yielding::{Gen, Generator, Thrown, generator, on_close};

fn main() -> io::Result<()> {
    basic_yield();
    list_vs_generator();
    infinite_sequence();
    exhaustion();
    next_and_stop_iteration();
    pipelines();
    large_file_reader()?;
    delegation::run();
    send_two_way();
    running_average_demo();
    throw_and_close();
    Ok(())
}

fn section(title: &str) {
    println!("== {title}");
}

// ---------------------------------------------------------------------------------------
// 2. Basic yield
// ---------------------------------------------------------------------------------------

/// Python's `gen()`. `gen` is a reserved keyword in Rust 2024 (for future native `gen`
/// blocks), so the raw identifier `r#gen` keeps Python's name.
fn r#gen() -> impl Generator<Item = i32> {
    // As calling `gen()` in Python runs nothing, building the generator runs none of the
    // body: it starts at the first `next()`.
    generator! {
        yield 1;
        yield 2;
        yield 3;
    }
}

fn basic_yield() {
    section("2. Basic yield");
    for value in r#gen() {
        println!("{value}");
    }
}

// ---------------------------------------------------------------------------------------
// 3. List vs generator (memory difference), measured
// ---------------------------------------------------------------------------------------

fn list_vs_generator() {
    section("3. List vs generator");

    // numbers = [x for x in range(1_000_000)]: every value is stored at once.
    // u64, not i32: the sum, 499_999_500_000, needs more than 32 bits (Python's ints
    // grow as needed; Rust's have a fixed width).
    let before = live_bytes();
    let numbers: Vec<u64> = (0..1_000_000).collect();
    let list_memory = live_bytes() - before;
    println!("list sum: {}", numbers.iter().sum::<u64>());
    println!("list memory: {list_memory} bytes");
    drop(numbers);

    // numbers = (x for x in range(1_000_000)): only the paused body is stored, that is
    // the loop's state. Rust has no generator expressions, so the loop is spelled out.
    // (A Rust range, like Python's `range`, is already lazy; the generator is written so
    // that its own memory is what gets measured.)
    let before = live_bytes();
    let numbers = generator! {
        for x in 0..1_000_000u64 {
            yield x;
        }
    };
    // A generator allocates once, for the body; the handle itself lives on the stack.
    let heap = live_bytes() - before;
    let handle = size_of_val(&numbers);

    let at_start = live_bytes();
    reset_peak();
    let sum: u64 = numbers.sum();
    let allocated_while_summing = peak_bytes() - at_start;

    println!("generator sum: {sum}");
    println!(
        "generator memory: {} bytes ({heap} on the heap + {handle} for the handle)",
        heap + handle
    );
    println!("# allocated while producing 1,000,000 values: {allocated_while_summing} bytes");
}

// ---------------------------------------------------------------------------------------
// 4. Infinite sequence (Fibonacci)
// ---------------------------------------------------------------------------------------

fn fibonacci() -> impl Generator<Item = u64> {
    generator! {
        let (mut a, mut b) = (0u64, 1u64);
        loop {
            yield a;
            // Python's ints never overflow; a u64 holds Fibonacci numbers only up to
            // fib(93). `checked_add` ends the sequence there instead of panicking (debug
            // builds) or wrapping to wrong numbers (release builds).
            let Some(next) = a.checked_add(b) else {
                break;
            };
            (a, b) = (b, next);
        }
        // `a` (fib(92)) was just yielded; `b` (fib(93)) still fits, so it comes last.
        yield b;
    }
}

fn infinite_sequence() {
    section("4. Infinite sequence (Fibonacci)");
    // islice(fibonacci(), 10) is `.take(10)`; list(...) is `.collect()`.
    let first: Vec<u64> = fibonacci().take(10).collect();
    println!("{first:?}");
    // next(islice(fibonacci(), 90, None)) is `.nth(90)`.
    let fib_90 = fibonacci().nth(90).expect("a u64 holds fib(90)");
    println!("fib(90) = {fib_90}");
    if let Some((n, last)) = (0..).zip(fibonacci()).last() {
        println!("# the u64 sequence ends at fib({n}) = {last}");
    }
}

// ---------------------------------------------------------------------------------------
// 5. Generator exhaustion
// ---------------------------------------------------------------------------------------

fn exhaustion() {
    section("5. Generator exhaustion");
    let mut g = r#gen();
    // `for x in g` would move `g` into the loop, and Rust would not let us touch it again.
    // Iterating `&mut g` borrows it instead, so `g` is still ours afterwards, exhausted,
    // as Python's name `g` still refers to the spent generator.
    for x in &mut g {
        println!("{x}");
    }
    // Exhausted stays exhausted: every later `next()` is `None`, and never panics.
    let second_pass: Vec<i32> = g.collect();
    println!("second pass: {second_pass:?}");
}

// ---------------------------------------------------------------------------------------
// 6. next() and StopIteration
// ---------------------------------------------------------------------------------------

fn next_and_stop_iteration() {
    section("6. next() and StopIteration");
    let mut g = r#gen();
    // Rust has no StopIteration exception: `next()` returns `None` when the generator is
    // finished, and the compiler makes the caller deal with that case.
    for _ in 0..4 {
        match g.next() {
            Some(value) => println!("{value}"),
            None => println!("StopIteration"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// 7. Generator pipelines
// ---------------------------------------------------------------------------------------

fn square(nums: impl IntoIterator<Item = u64>) -> impl Generator<Item = u64> {
    generator! {
        for n in nums {
            yield n * n;
        }
    }
}

fn even(nums: impl IntoIterator<Item = u64>) -> impl Generator<Item = u64> {
    generator! {
        for n in nums {
            if n % 2 == 0 {
                yield n;
            }
        }
    }
}

fn pipelines() {
    section("7. Generator pipelines");
    // Each stage pulls one value at a time from the one before: no intermediate Vec.
    let result: Vec<u64> = even(square(0..10)).collect();
    println!("{result:?}");
}

// ---------------------------------------------------------------------------------------
// 8. Large file reader
// ---------------------------------------------------------------------------------------

/// Yields the file's lines one at a time. Python raises an exception when the file cannot
/// be opened or read; here each item is an `io::Result`, as with std's `BufRead::lines`,
/// so the caller sees the error as a value and decides (`?` stops at it), and an error is
/// the last item.
fn read_file(path: impl AsRef<Path>) -> impl Generator<Item = io::Result<String>> {
    generator! {
        // As in Python, the file is opened at the first `next()`, not when the generator
        // is created. `with open(...)` closes the file when the block ends; here `Drop`
        // does, when the body finishes or the generator is dropped half-way.
        let file = match File::open(path) {
            Ok(file) => file,
            Err(error) => {
                yield Err(error);
                return;
            }
        };
        for line in BufReader::new(file).lines() {
            // An exception ends a Python generator; likewise this one stops after its
            // first error instead of going on to yield more failed reads.
            let failed = line.is_err();
            yield line;
            if failed {
                return;
            }
        }
    }
}

fn large_file_reader() -> io::Result<()> {
    section("8. Large file reader");
    // with tempfile.TemporaryDirectory() as d:
    let dir = TempDir::new()?;
    let path = dir.path().join("sample.txt");
    fs::write(&path, "alpha\nbeta\ngamma\n")?;
    // enumerate(read_file(path), 1): counting from 1 is `(1..).zip(...)`.
    for (i, line) in (1..).zip(read_file(&path)) {
        // `lines()` already strips the line ending that Python's `rstrip()` removes.
        let line = line?;
        println!("{i}: {line}");
    }

    // Errors arrive through the generator too: read the file again once it is deleted.
    drop(dir);
    match read_file(&path).next() {
        Some(Err(error)) => println!("# reading it after deletion yields Err({:?})", error.kind()),
        Some(Ok(line)) => println!("# unexpectedly still readable: {line}"),
        None => println!("# unexpectedly empty"),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 9. yield from (delegation)
// ---------------------------------------------------------------------------------------

/// Section 9's generators get a module of their own, so that the delegating one keeps its
/// Python name, `main`, without clashing with the program's entry point.
mod delegation {
    use yielding::{Generator, generator};

    pub(super) fn gen_a() -> impl Generator<Item = i32> {
        generator! {
            yield 1;
            yield 2;
        }
    }

    pub(super) fn gen_b() -> impl Generator<Item = i32> {
        generator! {
            yield 3;
            yield 4;
        }
    }

    // `yield from` takes a generator or anything iterable. `gen_a` and `gen_b` return
    // `impl Generator`, so it delegates to them as Python's does: their items go straight
    // through, `send`s would reach them, and it evaluates to their return values.
    pub(super) fn main() -> impl Generator<Item = i32> {
        generator! {
            yield from gen_a();
            yield from gen_b();
        }
    }

    pub(super) fn run() {
        super::section("9. yield from (delegation)");
        println!("{:?}", main().collect::<Vec<_>>());
    }
}

// ---------------------------------------------------------------------------------------
// 10. send() (two-way communication)
// ---------------------------------------------------------------------------------------

/// Yields `()` (Python's bare `yield` yields `None`) and receives an `i32`. The return type
/// is the concrete `Gen<Yield, Send, _>`: an `i32` has no value meaning "nothing sent", so
/// this generator is no iterator and no `impl Generator`; the macro infers its types from
/// it.
fn receiver() -> Gen<(), i32, impl Future<Output = ()>> {
    generator! {
        let value = yield;
        println!("{value}");
    }
}

fn send_two_way() {
    section("10. send() (two-way communication)");
    let mut g = receiver();
    // Python's priming `next(g)`: run to the first `yield`. A generator that receives an
    // `i32` is not an Iterator (no `i32` means "nothing sent", as `None` does in Python),
    // so priming is `start()`.
    g.start();
    // The body prints 10, then finishes: `send` returns `None` where Python raises
    // StopIteration.
    if g.send(10).is_none() {
        println!("# send(10) returned None: the generator finished");
    }
}

// ---------------------------------------------------------------------------------------
// 11. State retention (running average)
// ---------------------------------------------------------------------------------------

fn running_average() -> Gen<f64, f64, impl Future<Output = ()>> {
    generator! {
        let mut total = 0.0;
        let mut count = 0u32;
        loop {
            // Python's `total / count if count else 0` is Rust's `if` expression; Rust
            // converts the integer count to a float explicitly, where Python mixes them.
            let num = yield if count > 0 { total / f64::from(count) } else { 0.0 };
            total += num;
            count += 1;
        }
    }
}

fn running_average_demo() {
    section("11. State retention (running average)");
    let mut g = running_average();
    // The body loops forever, so every resume yields a value.
    let never_ends = "running_average never finishes";
    println!("{:.1}", g.start().expect(never_ends));
    println!("{:.1}", g.send(10.0).expect(never_ends));
    println!("{:.1}", g.send(20.0).expect(never_ends));
    println!("{:.1}", g.send(30.0).expect(never_ends));
}

// ---------------------------------------------------------------------------------------
// 12. Beyond the tutorial: throw() and close()
// ---------------------------------------------------------------------------------------

/// A worker that can be thrown into: its send type is a `Result`, and a thrown error
/// arrives as the `Err` of the paused `yield`. It handles "skip", lets any other error
/// propagate with `?` (Python's uncaught exception), and knows when it is closed early.
fn worker() -> Gen<String, Result<(), String>, impl Future<Output = Result<u32, String>>> {
    generator!(String, Result<(), String> -> Result<u32, String> => {
        // Python's `except GeneratorExit:`, which runs only when the generator is closed.
        let _closed = on_close(|| println!("# worker closed early: its except GeneratorExit ran"));
        let mut done = 0;
        while done < 3 {
            match yield format!("job {done}") {
                Ok(()) => done += 1,
                Err(error) if error == "skip" => done += 1,
                Err(error) => Err(error)?,
            }
        }
        Ok(done)
    })
}

fn throw_and_close() {
    section("12. Beyond the tutorial: throw() and close()");
    let mut w = worker();
    println!("# next: {:?}", w.next());
    // Python's three outcomes of `g.throw(e)`: the next yielded value, a stop with the
    // return value, or the exception coming back out. Here they are one `Thrown`.
    for error in ["skip", "fatal"] {
        match w.throw(error.to_string()) {
            Thrown::Yielded(job) => println!("# throw({error}): handled, yielded {job:?}"),
            Thrown::Returned(done) => println!("# throw({error}): handled, returned {done}"),
            Thrown::Raised(error) => println!("# throw(..): raised {error:?} back out"),
        }
    }
    let mut w = worker();
    w.next();
    w.close();
}

// ---------------------------------------------------------------------------------------
// Helpers, not part of the tutorial: a counting allocator for section 3's measurements,
// and a temporary directory for section 8.
// ---------------------------------------------------------------------------------------

/// The system allocator, counting the bytes held on the heap.
struct CountingAlloc;

/// Heap bytes allocated and not yet freed.
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The highest `LIVE` since the last `reset_peak`.
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: both methods forward to `System` with their arguments unchanged, and the counters
// never touch the memory. The default `realloc` and `alloc_zeroed` call these two, so they
// are counted too.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: our caller upholds `GlobalAlloc::alloc`'s contract, `System.alloc`'s too.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above, so from `System.alloc`, with this `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAlloc = CountingAlloc;

fn live_bytes() -> usize {
    LIVE.load(Relaxed)
}

/// Starts a new peak measurement from the bytes live now.
fn reset_peak() {
    PEAK.store(live_bytes(), Relaxed);
}

fn peak_bytes() -> usize {
    PEAK.load(Relaxed)
}

/// A new directory in the system's temporary directory, deleted with its contents when
/// dropped: Python's `tempfile.TemporaryDirectory()`.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> io::Result<TempDir> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        let name = format!("yielding-tour-{}-{nanos}", process::id());
        let path = env::temp_dir().join(name);
        // `create_dir` fails rather than reuse a directory that happens to have the name.
        fs::create_dir(&path)?;
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // A failure to clean up is not worth a panic in a destructor.
        let _ = fs::remove_dir_all(&self.0);
    }
}
