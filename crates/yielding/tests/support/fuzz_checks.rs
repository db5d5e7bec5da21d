//! The checks behind the cargo-fuzz targets in `fuzz/`, shared with the regression test
//! `tests/fuzz_regressions.rs`, which replays the committed inputs on stable. Each check
//! decodes raw bytes by hand (no `arbitrary`), so an input file means the same thing to the
//! fuzzer and to the test. Include with `#[path = "support/fuzz_checks.rs"] mod fuzz_checks;`.
//!
//! - [`check_protocol`]: a small generator program (yields, receives, handled and
//!   propagated throws, `yield_from_iter`, nested delegation, return) driven by a script of
//!   next / send / throw / close / resume / start / take_return / state, against a reference
//!   interpretation of the same program.
//! - [`check_lines`]: `LineReader` over a short-reading source, against a naive splitter
//!   of the whole input (the logic of `tests/io_reference.rs`).

#![allow(dead_code)]

use std::cell::Cell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;

use yielding::io::{DEFAULT_MAX_LINE_LEN, Newline, ReadOptions, Terminator};
use yielding::{Co, CoroutineState, Gen, GeneratorState, NextArg, Thrown};

/// Reads the input a byte at a time; past the end every byte is 0.
struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn rest(&self) -> &'a [u8] {
        &self.data[self.pos.min(self.data.len())..]
    }
}

// ---------------------------------------------------------------------------------------
// protocol
// ---------------------------------------------------------------------------------------

/// What the generator receives: `Ok(None)` is what `next()` sends, `Err` is a throw.
type Sent = Result<Option<u32>, u32>;
/// What a body returns: `Err` when a thrown error propagated out of it.
type Ret = Result<u32, u32>;
type Body = Pin<Box<dyn Future<Output = Ret>>>;
type ProtoGen = Gen<u32, Sent, Body>;

/// One instruction of a generator program.
#[derive(Clone, Debug)]
enum Ins {
    /// `acc += co.yield_(v).await?`: a thrown error propagates.
    Yield(u32),
    /// `co.yield_(v).await`, handling a thrown error.
    YieldCatch(u32),
    /// `co.yield_from_iter_until_sent(base..base + n)`: a real send or a throw stops it and is handed
    /// back; a handed-back error propagates.
    YieldIter(u32, u32),
    /// `co.yield_from(sub)`; `true` handles an `Err` return, `false` propagates it.
    Delegate(Vec<Ins>, bool),
    /// `return Ok(acc ^ v)`.
    Return(u32),
    /// `return Err(e)`.
    Fail(u32),
}

const MAX_DEPTH: usize = 4;
const MAX_INSTRUCTIONS: usize = 48;
const MAX_OPS: usize = 256;

fn decode_program(input: &mut Bytes<'_>, depth: usize, budget: &mut usize) -> Vec<Ins> {
    let len = input.byte() % 6;
    let mut program = Vec::new();
    for _ in 0..len {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        let tag = input.byte() % 8;
        let v = u32::from(input.byte());
        let ins = match tag {
            0 | 1 => Ins::Yield(v),
            2 => Ins::YieldCatch(v),
            3 => Ins::YieldIter(v, u32::from(input.byte() % 4)),
            4 | 5 if depth < MAX_DEPTH => {
                Ins::Delegate(decode_program(input, depth + 1, budget), tag == 5)
            }
            4 | 5 => Ins::YieldCatch(v),
            6 => Ins::Return(v),
            _ => Ins::Fail(v),
        };
        program.push(ins);
    }
    program
}

fn received(acc: u32, sent: Option<u32>) -> u32 {
    acc.wrapping_add(sent.unwrap_or(1))
}

fn handled(acc: u32, error: u32) -> u32 {
    acc.wrapping_mul(31).wrapping_add(error)
}

/// Counts the bodies that are live: one guard per running body.
#[derive(Default)]
struct Live {
    made: Cell<usize>,
    dropped: Cell<usize>,
}

impl Live {
    fn count(&self) -> usize {
        self.made.get() - self.dropped.get()
    }
}

struct Guard(Rc<Live>);

impl Guard {
    fn new(live: &Rc<Live>) -> Self {
        live.made.set(live.made.get() + 1);
        Guard(Rc::clone(live))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let dropped = self.0.dropped.get() + 1;
        assert!(dropped <= self.0.made.get(), "a body guard dropped twice");
        self.0.dropped.set(dropped);
    }
}

fn build(program: Vec<Ins>, live: Rc<Live>) -> ProtoGen {
    Gen::with_send(move |co| -> Body { Box::pin(run_body(co, program, live)) })
}

async fn run_body(co: Co<u32, Sent>, program: Vec<Ins>, live: Rc<Live>) -> Ret {
    let _guard = Guard::new(&live);
    let mut acc = 0u32;
    for ins in &program {
        match ins {
            Ins::Yield(v) => acc = received(acc, co.yield_(*v).await?),
            Ins::YieldCatch(v) => match co.yield_(*v).await {
                Ok(x) => acc = received(acc, x),
                Err(e) => acc = handled(acc, e),
            },
            Ins::YieldIter(base, n) => {
                let base = *base;
                match co
                    .yield_from_iter_until_sent((0..*n).map(|i| base.wrapping_add(i)))
                    .await
                {
                    None => acc = acc.wrapping_add(7),
                    Some(Ok(x)) => acc = received(acc, x),
                    Some(Err(e)) => return Err(e),
                }
            }
            Ins::Delegate(sub, catch) => {
                match co.yield_from(build(sub.clone(), Rc::clone(&live))).await {
                    Ok(r) => acc = acc.wrapping_add(r),
                    Err(e) if *catch => acc = handled(acc, e),
                    Err(e) => return Err(e),
                }
            }
            Ins::Return(v) => return Ok(acc ^ v),
            Ins::Fail(e) => return Err(*e),
        }
    }
    Ok(acc)
}

/// The reference: the same program as an explicit stack of frames.
struct Model<'p> {
    root: &'p [Ins],
    state: GeneratorState,
    frames: Vec<Frame<'p>>,
    /// The return value kept for `take_return`.
    kept: Option<Ret>,
}

struct Frame<'p> {
    program: &'p [Ins],
    pc: usize,
    acc: u32,
    /// The position inside a `YieldIter`.
    item: u32,
}

enum Flow {
    Sent(Sent),
    Returned(Ret),
}

impl<'p> Model<'p> {
    fn new(root: &'p [Ins]) -> Self {
        Model {
            root,
            state: GeneratorState::Created,
            frames: Vec::new(),
            kept: None,
        }
    }

    /// Runs from the top (`None`) or from the paused yield with a sent value, to the next
    /// yield or the end.
    fn run(&mut self, sent: Option<Sent>) -> CoroutineState<u32, Ret> {
        let mut flow = match sent {
            None => {
                assert!(self.frames.is_empty());
                self.frames.push(Frame {
                    program: self.root,
                    pc: 0,
                    acc: 0,
                    item: 0,
                });
                None
            }
            Some(sent) => Some(Flow::Sent(sent)),
        };
        let outcome = loop {
            let frame = self.frames.last_mut().expect("a running frame");
            let program = frame.program;
            let mut finished = None;
            if let Some(incoming) = flow.take() {
                match (&program[frame.pc], incoming) {
                    (Ins::Yield(_), Flow::Sent(Ok(x)))
                    | (Ins::YieldCatch(_), Flow::Sent(Ok(x))) => {
                        frame.acc = received(frame.acc, x);
                        frame.pc += 1;
                    }
                    (Ins::Yield(_), Flow::Sent(Err(e))) => finished = Some(Err(e)),
                    (Ins::YieldCatch(_), Flow::Sent(Err(e))) => {
                        frame.acc = handled(frame.acc, e);
                        frame.pc += 1;
                    }
                    (Ins::YieldIter(base, n), Flow::Sent(sent)) => {
                        if sent.is_next_arg() {
                            frame.item += 1;
                            if frame.item < *n {
                                break CoroutineState::Yielded(base.wrapping_add(frame.item));
                            }
                            frame.acc = frame.acc.wrapping_add(7);
                            frame.pc += 1;
                        } else {
                            match sent {
                                Ok(x) => {
                                    frame.acc = received(frame.acc, x);
                                    frame.pc += 1;
                                }
                                Err(e) => finished = Some(Err(e)),
                            }
                        }
                    }
                    (Ins::Delegate(_, catch), Flow::Returned(r)) => match r {
                        Ok(r) => {
                            frame.acc = frame.acc.wrapping_add(r);
                            frame.pc += 1;
                        }
                        Err(e) if *catch => {
                            frame.acc = handled(frame.acc, e);
                            frame.pc += 1;
                        }
                        Err(e) => finished = Some(Err(e)),
                    },
                    _ => unreachable!("the model resumed a frame that is not paused"),
                }
            }
            if finished.is_none() {
                if frame.pc == program.len() {
                    finished = Some(Ok(frame.acc));
                } else {
                    match &program[frame.pc] {
                        Ins::Yield(v) | Ins::YieldCatch(v) => break CoroutineState::Yielded(*v),
                        Ins::YieldIter(base, n) => {
                            frame.item = 0;
                            if *n > 0 {
                                break CoroutineState::Yielded(*base);
                            }
                            frame.acc = frame.acc.wrapping_add(7);
                            frame.pc += 1;
                            continue;
                        }
                        Ins::Delegate(sub, _) => {
                            self.frames.push(Frame {
                                program: sub,
                                pc: 0,
                                acc: 0,
                                item: 0,
                            });
                            continue;
                        }
                        Ins::Return(v) => finished = Some(Ok(frame.acc ^ v)),
                        Ins::Fail(e) => finished = Some(Err(*e)),
                    }
                }
            }
            let returned = finished.expect("the frame finished");
            self.frames.pop();
            if self.frames.is_empty() {
                break CoroutineState::Complete(returned);
            }
            flow = Some(Flow::Returned(returned));
        };
        self.state = match outcome {
            CoroutineState::Yielded(_) => GeneratorState::Suspended,
            CoroutineState::Complete(_) => GeneratorState::Closed,
        };
        outcome
    }

    /// `next()`, `start()` and `send()` on a created or suspended generator.
    fn advance(&mut self, sent: Option<Sent>) -> Option<u32> {
        match self.run(sent) {
            CoroutineState::Yielded(v) => Some(v),
            CoroutineState::Complete(r) => {
                self.kept = Some(r);
                None
            }
        }
    }

    fn close(&mut self) {
        self.state = GeneratorState::Closed;
        self.frames.clear();
    }
}

/// One call of the script.
#[derive(Clone, Copy, Debug)]
enum Op {
    Next,
    Send(u32),
    Throw(u32),
    Close,
    Resume(Sent),
    Start,
    TakeReturn,
    State,
}

fn decode_op(input: &mut Bytes<'_>) -> Op {
    match input.byte() % 8 {
        0 => Op::Next,
        1 => Op::Send(u32::from(input.byte())),
        2 => Op::Throw(u32::from(input.byte())),
        3 => Op::Close,
        4 => {
            let b = input.byte();
            Op::Resume(match b % 3 {
                0 => Ok(None),
                1 => Ok(Some(u32::from(b))),
                _ => Err(u32::from(b)),
            })
        }
        5 => Op::Start,
        6 => Op::TakeReturn,
        _ => Op::State,
    }
}

/// What one call gave.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Item(Option<u32>),
    Step(Option<CoroutineState<u32, Ret>>),
    Thrown(Thrown<u32, u32, u32>),
    Returned(Option<Ret>),
    State(GeneratorState),
    Nothing,
    Panicked,
}

fn transition_allowed(from: GeneratorState, to: GeneratorState) -> bool {
    use GeneratorState::*;
    matches!(
        (from, to),
        (Created, Created | Suspended | Closed)
            | (Suspended, Suspended | Closed)
            | (Closed, Closed)
    )
}

/// Decodes `data` into a program and a script, runs both the generator and the reference
/// model, and checks every result and invariant. With `test_panics`, the calls documented to
/// panic (send to a created generator, start on a suspended one) are made under
/// `catch_unwind` and must panic; without it (under libFuzzer, whose panic hook aborts)
/// they are skipped.
pub(crate) fn check_protocol(data: &[u8], test_panics: bool) {
    let mut input = Bytes::new(data);
    let mut budget = MAX_INSTRUCTIONS;
    let program = decode_program(&mut input, 1, &mut budget);
    let live = Rc::new(Live::default());
    let mut g = build(program.clone(), Rc::clone(&live));
    let mut model = Model::new(&program);
    let mut deliveries = 0usize;
    let mut ops = 0;
    while !input.is_empty() && ops < MAX_OPS {
        ops += 1;
        let op = decode_op(&mut input);
        let before = g.state();
        assert_eq!(before, model.state, "state before {op:?}");
        let (got, want) = match op {
            Op::Next => {
                let want = match model.state {
                    GeneratorState::Created => model.advance(None),
                    GeneratorState::Suspended => model.advance(Some(Ok(None))),
                    _ => None,
                };
                (Seen::Item(g.next()), Seen::Item(want))
            }
            Op::Send(x) => match model.state {
                GeneratorState::Created if !test_panics => continue,
                GeneratorState::Created => {
                    let result = catch_unwind(AssertUnwindSafe(|| g.send(Ok(Some(x)))));
                    let got = if result.is_err() {
                        Seen::Panicked
                    } else {
                        Seen::Nothing
                    };
                    (got, Seen::Panicked)
                }
                GeneratorState::Suspended => (
                    Seen::Item(g.send(Ok(Some(x)))),
                    Seen::Item(model.advance(Some(Ok(Some(x))))),
                ),
                _ => (Seen::Item(g.send(Ok(Some(x)))), Seen::Item(None)),
            },
            Op::Throw(e) => {
                // Python's three outcomes of `g.throw(e)`: the next yielded value, a
                // stop carrying the return value, or the exception coming back out.
                let want = match model.state {
                    GeneratorState::Suspended => match model.run(Some(Err(e))) {
                        CoroutineState::Yielded(y) => Thrown::Yielded(y),
                        CoroutineState::Complete(Ok(r)) => Thrown::Returned(r),
                        CoroutineState::Complete(Err(e)) => Thrown::Raised(e),
                    },
                    GeneratorState::Created => {
                        model.close();
                        Thrown::Raised(e)
                    }
                    _ => Thrown::Raised(e),
                };
                let got = g.throw(e);
                // From a suspended generator, anything but a yield is the body's return.
                if before == GeneratorState::Suspended && !matches!(got, Thrown::Yielded(_)) {
                    deliveries += 1;
                }
                (Seen::Thrown(got), Seen::Thrown(want))
            }
            Op::Close => {
                g.close();
                model.close();
                (Seen::Nothing, Seen::Nothing)
            }
            Op::Resume(arg) => {
                let want = match model.state {
                    GeneratorState::Created => Some(model.run(None)),
                    GeneratorState::Suspended => Some(model.run(Some(arg))),
                    _ => None,
                };
                let got = g.resume(arg);
                if let Some(CoroutineState::Complete(_)) = got {
                    deliveries += 1;
                }
                (Seen::Step(got), Seen::Step(want))
            }
            Op::Start => match model.state {
                GeneratorState::Suspended if !test_panics => continue,
                GeneratorState::Suspended => {
                    let result = catch_unwind(AssertUnwindSafe(|| g.start()));
                    let got = if result.is_err() {
                        Seen::Panicked
                    } else {
                        Seen::Nothing
                    };
                    (got, Seen::Panicked)
                }
                GeneratorState::Created => (Seen::Item(g.start()), Seen::Item(model.advance(None))),
                _ => (Seen::Item(g.start()), Seen::Item(None)),
            },
            Op::TakeReturn => {
                let got = g.take_return();
                if got.is_some() {
                    deliveries += 1;
                }
                (Seen::Returned(got), Seen::Returned(model.kept.take()))
            }
            Op::State => (Seen::State(g.state()), Seen::State(model.state)),
        };
        assert_eq!(got, want, "{op:?} in state {before:?}, program {program:?}");
        let after = g.state();
        assert_eq!(after, model.state, "state after {op:?}");
        assert!(
            transition_allowed(before, after),
            "{op:?} moved the state from {before:?} to {after:?}"
        );
        assert!(deliveries <= 1, "the return value was delivered twice");
        assert_eq!(
            live.count(),
            model.frames.len(),
            "live bodies after {op:?}: one per frame of the reference"
        );
        if after == GeneratorState::Closed {
            // Exhausted stays exhausted, and says so.
            assert_eq!(g.size_hint(), (0, Some(0)));
            assert_eq!(g.next(), None);
            assert_eq!(g.resume(Ok(None)), None);
            assert_eq!(g.resume(Err(1)), None);
            assert_eq!(g.state(), GeneratorState::Closed);
            assert_eq!(live.count(), 0, "a closed generator holds no live body");
        }
    }
    drop(g);
    assert_eq!(live.count(), 0, "a dropped generator leaves no live body");
}

// ---------------------------------------------------------------------------------------
// lines
// ---------------------------------------------------------------------------------------

#[path = "line_reference.rs"]
mod line_reference;
use line_reference::{Chunked, FORMS, actual, buffer_bound, expected};

const MAX_LINES_INPUT: usize = 2048;

/// Decodes `data` into options, a short-read pattern, an optional I/O failure point and
/// the input, reads the input in every form, and compares with the reference split.
///
/// Layout: buffer size (1..=64), newline (universal, `\n`, NUL, `\r` or the next byte),
/// terminator, line limit, chunk count and sizes (0 is `Interrupted`), failure point, then
/// the input itself (at most 2 KiB).
pub(crate) fn check_lines(data: &[u8]) {
    let mut input = Bytes::new(data);
    let buffer_size = usize::from(input.byte() % 64) + 1;
    let newline = match input.byte() % 6 {
        0 | 1 => Newline::Universal,
        2 => Newline::LF,
        3 => Newline::Byte(0),
        4 => Newline::Byte(b'\r'),
        _ => Newline::Byte(input.byte()),
    };
    let terminator =
        [Terminator::Translate, Terminator::Keep, Terminator::Strip][usize::from(input.byte() % 3)];
    let b = input.byte();
    let max_line_len = match b % 4 {
        0 => DEFAULT_MAX_LINE_LEN,
        1 => usize::MAX,
        _ => usize::from(b >> 2) % 24,
    };
    let count = usize::from(input.byte() % 8) + 1;
    let mut chunks: Vec<usize> = (0..count).map(|_| usize::from(input.byte() % 9)).collect();
    if chunks.iter().all(|&c| c == 0) {
        chunks[0] = 1;
    }
    let fail = input.byte();
    let text = &input.rest()[..input.rest().len().min(MAX_LINES_INPUT)];
    let fail_at = (fail % 4 == 0).then(|| text.len() * usize::from(fail >> 2) / 63);

    let bound = buffer_bound(text, newline, buffer_size, max_line_len);
    // Never more items than bytes, plus the errors at the end: a runaway loop is a failure.
    let limit = text.len() + 4;
    let options = ReadOptions::new()
        .newline(newline)
        .terminator(terminator)
        .buffer_size(buffer_size)
        .max_line_len(max_line_len);
    for form in FORMS {
        let source = Chunked {
            data: text,
            pos: 0,
            chunks: &chunks,
            call: 0,
            fail_at,
        };
        let got = actual(options.reader(source), form, bound, limit);
        let want = expected(text, newline, terminator, max_line_len, form, fail_at);
        assert_eq!(
            got, want,
            "data {text:?}, chunks {chunks:?}, buffer {buffer_size}, {newline:?}, \
             {terminator:?}, limit {max_line_len}, {form:?}, fail at {fail_at:?}"
        );
    }
}
