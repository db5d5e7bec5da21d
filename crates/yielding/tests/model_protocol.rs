//! Model-based property tests of the generator protocol.
//!
//! proptest generates random generator *programs* (yields, receives, handled throws and
//! delegation to nested generators up to depth 4, ending with a return value) and random
//! *scripts* of operations on the outermost generator (next, send, throw, close, drop,
//! state, take_return, resume, start). Each program is interpreted twice:
//!
//! - for real, inside a `Gen::with_send` body, delegating with `co.yield_from` to a nested
//!   `Gen` for every delegation step;
//! - by [`Model`], a plain state machine written independently of the crate from its
//!   documented protocol (and, where the crate follows Python, from PEP 255, PEP 342 and
//!   PEP 380).
//!
//! Every observable result is compared after every operation: the value each call
//! returns (or that it panicked), `state()`, `size_hint()`, and a log of what the bodies
//! observed (frames entered and left, values received, errors caught, delegate return
//! values). Failing cases shrink and are kept in `model_protocol.proptest-regressions`.

use std::cell::RefCell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;

use proptest::prelude::*;
use yielding::{Co, CoroutineState, Gen, GeneratorState, Thrown};

#[path = "support/proptest_config.rs"]
mod proptest_config;
use proptest_config::config;

/// What the body receives: `next()` sends `Ok(None)`, `send(v)` sends `Ok(Some(v))`, and
/// `throw(e)` raises `Err(e)` at the paused yield. (`Result<u32, u32>` would have no value
/// for `next()` to send, since `u32` is not `NextArg`; the `Option` gives it Python's `None`.)
type Sent = Result<Option<u32>, u32>;
/// A program returns `Ok(ret)`, or `Err(e)` when a thrown error propagated out of it.
type Ret = Result<u32, u32>;
type Body = Pin<Box<dyn Future<Output = Ret>>>;
type G = Gen<u32, Sent, Body>;

// ---- programs -------------------------------------------------------------------------

/// One step of a program. Every yield-like step yields its own unique `id`, so a yielded
/// value says exactly which step of which frame is paused.
#[derive(Clone, Debug)]
enum Step {
    /// `co.yield_(id).await?`: ignores what is received; a thrown error propagates.
    Yield(u32),
    /// `let v = co.yield_(id).await?;` and records `v`; a thrown error propagates.
    Recv(u32),
    /// `match co.yield_(id).await { Ok(v) => record v, Err(e) => record e }`: handles a
    /// thrown error and goes on.
    Catch(u32),
    /// `let r = co.yield_from(Gen::with_send(sub)).await?;` and records `r`.
    Delegate(Rc<Program>),
}

#[derive(Clone, Debug)]
struct Program {
    /// Unique per frame: logged when the frame's body starts and when its locals drop.
    id: u32,
    steps: Vec<Step>,
    ret: u32,
}

/// What the bodies observed, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Rec {
    /// A frame's body started running (it does not at creation: PEP 255).
    Entered(u32),
    /// A frame's locals were dropped (its `finally`), by finishing, propagating or closing.
    Exited(u32),
    /// A `Recv`/`Catch` step received this value.
    Received(u32, Option<u32>),
    /// A `Catch` step caught this thrown error.
    Caught(u32, u32),
    /// A delegation to the frame with this id evaluated to this return value.
    SubReturned(u32, u32),
}

type Log = Rc<RefCell<Vec<Rec>>>;

/// A frame's `finally`: logs when the frame's locals are dropped.
struct FrameGuard {
    id: u32,
    log: Log,
}

impl Drop for FrameGuard {
    fn drop(&mut self) {
        self.log.borrow_mut().push(Rec::Exited(self.id));
    }
}

/// The real interpreter: a generator body running `prog`. Boxed, because a delegation
/// step builds a nested `Gen` whose body is this same function.
fn body(prog: Rc<Program>, co: Co<u32, Sent>, log: Log) -> Body {
    Box::pin(async move {
        log.borrow_mut().push(Rec::Entered(prog.id));
        let _frame = FrameGuard {
            id: prog.id,
            log: log.clone(),
        };
        for step in &prog.steps {
            match step {
                Step::Yield(id) => {
                    co.yield_(*id).await?;
                }
                Step::Recv(id) => {
                    let v = co.yield_(*id).await?;
                    log.borrow_mut().push(Rec::Received(*id, v));
                }
                Step::Catch(id) => match co.yield_(*id).await {
                    Ok(v) => log.borrow_mut().push(Rec::Received(*id, v)),
                    Err(e) => log.borrow_mut().push(Rec::Caught(*id, e)),
                },
                Step::Delegate(sub) => {
                    let (sub, sub_log) = (Rc::clone(sub), log.clone());
                    let delegate = Gen::with_send(move |co| body(Rc::clone(&sub), co, sub_log));
                    let r = co.yield_from(delegate).await?;
                    log.borrow_mut().push(Rec::SubReturned(step_frame(step), r));
                }
            }
        }
        Ok(prog.ret)
    })
}

fn step_frame(step: &Step) -> u32 {
    match step {
        Step::Delegate(sub) => sub.id,
        Step::Yield(id) | Step::Recv(id) | Step::Catch(id) => *id,
    }
}

/// A step before numbering: ids are given afterwards, in preorder, so they are unique.
#[derive(Clone, Debug)]
enum RawStep {
    Yield,
    Recv,
    Catch,
    Delegate(RawProgram),
}

#[derive(Clone, Debug)]
struct RawProgram {
    steps: Vec<RawStep>,
    ret: u32,
}

fn raw_program(depth: u32) -> BoxedStrategy<RawProgram> {
    let leaf = prop_oneof![
        3 => Just(RawStep::Yield),
        3 => Just(RawStep::Recv),
        3 => Just(RawStep::Catch),
    ];
    let step = if depth < 4 {
        prop_oneof![
            9 => leaf,
            4 => raw_program(depth + 1).prop_map(RawStep::Delegate),
        ]
        .boxed()
    } else {
        leaf.boxed()
    };
    (prop::collection::vec(step, 0..6), 0u32..1000)
        .prop_map(|(steps, ret)| RawProgram { steps, ret })
        .boxed()
}

fn number(raw: &RawProgram, next_id: &mut u32) -> Rc<Program> {
    let id = *next_id;
    *next_id += 1;
    let steps = raw
        .steps
        .iter()
        .map(|s| {
            let id = *next_id;
            match s {
                RawStep::Delegate(sub) => Step::Delegate(number(sub, next_id)),
                leaf => {
                    *next_id += 1;
                    match leaf {
                        RawStep::Yield => Step::Yield(id),
                        RawStep::Recv => Step::Recv(id),
                        _ => Step::Catch(id),
                    }
                }
            }
        })
        .collect();
    Rc::new(Program {
        id,
        steps,
        ret: raw.ret,
    })
}

fn program() -> impl Strategy<Value = Rc<Program>> {
    raw_program(0).prop_map(|raw| number(&raw, &mut 1000))
}

// ---- operations -----------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Next,
    Send(u32),
    Throw(u32),
    Close,
    Drop,
    State,
    TakeReturn,
    Resume(Sent),
    Start,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => Just(Op::Next),
        8 => (0u32..100).prop_map(Op::Send),
        3 => (100u32..200).prop_map(Op::Throw),
        1 => Just(Op::Close),
        1 => Just(Op::Drop),
        1 => Just(Op::State),
        2 => Just(Op::TakeReturn),
        3 => prop_oneof![
            Just(Ok(None)),
            (200u32..300).prop_map(|v| Ok(Some(v))),
            (300u32..400).prop_map(Err),
        ]
        .prop_map(Op::Resume),
        1 => Just(Op::Start),
    ]
}

// ---- the reference model --------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MState {
    Created,
    Suspended,
    Closed,
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Yielded(u32),
    Complete(Ret),
}

/// The reference: a stack of (frame, index of the step it is at), with no generators in it.
struct Model {
    root: Rc<Program>,
    state: MState,
    /// Innermost frame last. While suspended, the top frame is at a yield-like step, and
    /// every frame below it is at a delegation step.
    stack: Vec<(Rc<Program>, usize)>,
    /// The return value kept for `take_return` (Python's `StopIteration.value`).
    kept: Option<Ret>,
    log: Vec<Rec>,
}

impl Model {
    fn new(root: Rc<Program>) -> Self {
        Model {
            root,
            state: MState::Created,
            stack: Vec::new(),
            kept: None,
            log: Vec::new(),
        }
    }

    fn enter(&mut self, prog: Rc<Program>) {
        self.log.push(Rec::Entered(prog.id));
        self.stack.push((prog, 0));
    }

    /// One resume: from the top of the root body (`sent == None`, state Created), or
    /// delivering `sent` to the paused yield (state Suspended). Runs to the next yield or
    /// to the end of the root frame.
    fn resume(&mut self, sent: Option<Sent>) -> Outcome {
        // An error travelling outwards, frame by frame (PEP 380: an exception raised in
        // the subiterator propagates to the delegating generator).
        let mut raising: Option<u32> = None;
        match sent {
            None => {
                assert_eq!(self.state, MState::Created);
                self.enter(Rc::clone(&self.root));
            }
            Some(sent) => {
                assert_eq!(self.state, MState::Suspended);
                // PEP 380: values sent and exceptions thrown into the delegating generator
                // go straight to the innermost subiterator's paused yield.
                let (prog, at) = self.stack.last_mut().expect("suspended in a frame");
                match (&prog.steps[*at], sent) {
                    (Step::Yield(_), Ok(_)) => *at += 1,
                    (Step::Recv(id) | Step::Catch(id), Ok(v)) => {
                        self.log.push(Rec::Received(*id, v));
                        *at += 1;
                    }
                    // PEP 342: throw() raises at the paused yield; a handler there catches
                    // it and the generator goes on to its next yield.
                    (Step::Catch(id), Err(e)) => {
                        self.log.push(Rec::Caught(*id, e));
                        *at += 1;
                    }
                    (Step::Yield(_) | Step::Recv(_), Err(e)) => raising = Some(e),
                    (Step::Delegate(_), _) => unreachable!("paused at a delegation step"),
                }
            }
        }
        loop {
            if let Some(e) = raising {
                // The frame ends by the error: its locals drop, then the error reaches
                // the delegating frame (which lets it propagate too) or the caller.
                let (prog, _) = self.stack.pop().expect("a frame to raise in");
                self.log.push(Rec::Exited(prog.id));
                if self.stack.is_empty() {
                    self.state = MState::Closed;
                    return Outcome::Complete(Err(e));
                }
                raising = Some(e);
                continue;
            }
            let (prog, at) = self.stack.last().expect("a running frame").clone();
            match prog.steps.get(at) {
                None => {
                    // The frame returns. PEP 380: the value of `yield from` is the
                    // subiterator's return value.
                    self.stack.pop();
                    self.log.push(Rec::Exited(prog.id));
                    match self.stack.last_mut() {
                        None => {
                            self.state = MState::Closed;
                            return Outcome::Complete(Ok(prog.ret));
                        }
                        Some((_, parent_at)) => {
                            *parent_at += 1;
                            self.log.push(Rec::SubReturned(prog.id, prog.ret));
                        }
                    }
                }
                Some(Step::Delegate(sub)) => self.enter(Rc::clone(sub)),
                Some(Step::Yield(id) | Step::Recv(id) | Step::Catch(id)) => {
                    self.state = MState::Suspended;
                    return Outcome::Yielded(*id);
                }
            }
        }
    }

    /// The value-returning spellings (`next`, `send`, `start`) keep a return value for
    /// `take_return` instead of giving it out.
    fn keep(&mut self, outcome: Outcome) -> Option<u32> {
        match outcome {
            Outcome::Yielded(v) => Some(v),
            Outcome::Complete(r) => {
                self.kept = Some(r);
                None
            }
        }
    }

    /// `next()`: Python's `next(g)` sends `None` (PEP 342); exhausted stays exhausted.
    fn next(&mut self) -> Option<u32> {
        match self.state {
            MState::Created => {
                let o = self.resume(None);
                self.keep(o)
            }
            MState::Suspended => {
                let o = self.resume(Some(Ok(None)));
                self.keep(o)
            }
            MState::Closed => None,
        }
    }

    /// `send(v)`: `None` once finished (the value is dropped). On a created generator it
    /// panics: PEP 342, "can't send non-None value to a just-started generator"; the
    /// generator is untouched.
    fn send(&mut self, v: u32) -> Result<Option<u32>, ()> {
        match self.state {
            MState::Created => Err(()),
            MState::Suspended => {
                let o = self.resume(Some(Ok(Some(v))));
                Ok(self.keep(o))
            }
            MState::Closed => Ok(None),
        }
    }

    /// `throw(e)`: the outcome is returned, never kept. Into a created generator the error
    /// is raised before the first line runs, so the generator closes unrun and the error
    /// comes back (PEP 342 / CPython); into a finished one it is re-raised at once.
    /// Python's three outcomes: the next yielded value, a stop carrying the return value,
    /// or the exception propagating out of `throw`.
    fn throw(&mut self, e: u32) -> Thrown<u32, u32, u32> {
        match self.state {
            MState::Created => {
                self.state = MState::Closed;
                Thrown::Raised(e)
            }
            MState::Suspended => match self.resume(Some(Err(e))) {
                Outcome::Yielded(v) => Thrown::Yielded(v),
                Outcome::Complete(Ok(r)) => Thrown::Returned(r),
                Outcome::Complete(Err(e)) => Thrown::Raised(e),
            },
            MState::Closed => Thrown::Raised(e),
        }
    }

    /// `close()` and drop: PEP 342, GeneratorExit at the paused yield runs the `finally`
    /// blocks; here the live locals drop, innermost delegate first (PEP 380: close() is
    /// passed to the subiterator). A created generator has no locals yet; a finished one
    /// is left alone. The kept return value stays.
    fn close(&mut self) {
        while let Some((prog, _)) = self.stack.pop() {
            self.log.push(Rec::Exited(prog.id));
        }
        self.state = MState::Closed;
    }

    /// `resume(arg)`: like std's `Coroutine::resume`; the first resume drops `arg`
    /// unobserved; `Complete` is delivered directly, once; then `None` forever.
    fn resume_op(&mut self, arg: Sent) -> Option<Outcome> {
        match self.state {
            MState::Created => Some(self.resume(None)),
            MState::Suspended => Some(self.resume(Some(arg))),
            MState::Closed => None,
        }
    }

    /// `start()`: the priming `next(g)`; panics once started; `None` once closed.
    fn start(&mut self) -> Result<Option<u32>, ()> {
        match self.state {
            MState::Created => Ok(self.next()),
            MState::Suspended => Err(()),
            MState::Closed => Ok(None),
        }
    }
}

fn real_state(state: GeneratorState) -> MState {
    match state {
        GeneratorState::Created => MState::Created,
        GeneratorState::Suspended => MState::Suspended,
        GeneratorState::Closed => MState::Closed,
        GeneratorState::Running => panic!("a plain Gen reported Running between resumes"),
    }
}

fn outcome(step: CoroutineState<u32, Ret>) -> Outcome {
    match step {
        CoroutineState::Yielded(v) => Outcome::Yielded(v),
        CoroutineState::Complete(r) => Outcome::Complete(r),
    }
}

/// `Ok` with the value, or `Err(())` if the call panicked.
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| ())
}

fn check(program: Rc<Program>, script: Vec<Op>) -> Result<(), TestCaseError> {
    let log: Log = Rc::default();
    let body_log = log.clone();
    let root = Rc::clone(&program);
    let mut real: Option<G> = Some(Gen::with_send(move |co| body(root, co, body_log)));
    let mut model = Model::new(program);

    // PEP 255: creating a generator runs none of its body.
    prop_assert!(log.borrow().is_empty());
    for (i, op) in script.iter().enumerate() {
        let g = real.as_mut().expect("not dropped yet");
        match op {
            Op::Next => prop_assert_eq!(caught(|| g.next()), Ok(model.next()), "op {}", i),
            Op::Send(v) => {
                prop_assert_eq!(caught(|| g.send(Ok(Some(*v)))), model.send(*v), "op {}", i)
            }
            Op::Throw(e) => {
                prop_assert_eq!(caught(|| g.throw(*e)), Ok(model.throw(*e)), "op {}", i)
            }
            Op::Close => {
                g.close();
                model.close();
            }
            Op::Drop => {
                drop(real.take());
                model.close();
            }
            Op::State => {}
            Op::TakeReturn => {
                // Delivered exactly once.
                prop_assert_eq!(g.take_return(), model.kept.take(), "op {}", i);
            }
            Op::Resume(arg) => prop_assert_eq!(
                caught(|| g.resume(*arg).map(outcome)),
                Ok(model.resume_op(*arg)),
                "op {}",
                i
            ),
            Op::Start => prop_assert_eq!(caught(|| g.start()), model.start(), "op {}", i),
        }
        prop_assert_eq!(&*log.borrow(), &model.log, "log after op {} ({:?})", i, op);
        let Some(g) = real.as_ref() else { break };
        prop_assert_eq!(real_state(g.state()), model.state, "state after op {}", i);
        // A closed generator is a fused iterator with nothing left.
        let hint = if model.state == MState::Closed {
            (0, Some(0))
        } else {
            (0, None)
        };
        prop_assert_eq!(g.size_hint(), hint, "size_hint after op {}", i);
    }
    // Dropping at the end of the script closes what is left.
    drop(real);
    model.close();
    prop_assert_eq!(&*log.borrow(), &model.log, "log after the final drop");
    // Every frame that started was left exactly once.
    let entered = model
        .log
        .iter()
        .filter(|r| matches!(r, Rec::Entered(_)))
        .count();
    let exited = model
        .log
        .iter()
        .filter(|r| matches!(r, Rec::Exited(_)))
        .count();
    prop_assert_eq!(entered, exited);
    Ok(())
}

proptest! {
    #![proptest_config(config(ProptestConfig::default().cases))]

    #[test]
    fn generator_matches_the_reference_model(
        program in program(),
        script in prop::collection::vec(op(), 0..60),
    ) {
        check(program, script)?;
    }
}

// ---- fixed cases the model must agree on, so a model bug cannot hide behind proptest --

#[test]
fn model_agrees_on_a_deep_delegation_with_handled_and_propagated_throws() {
    let mut id = 1000;
    let leaf = |steps| RawProgram { steps, ret: 7 };
    let raw = leaf(vec![
        RawStep::Yield,
        RawStep::Delegate(leaf(vec![
            RawStep::Catch,
            RawStep::Delegate(leaf(vec![RawStep::Recv, RawStep::Yield])),
            RawStep::Recv,
        ])),
        RawStep::Catch,
    ]);
    let program = number(&raw, &mut id);
    let script = vec![
        Op::Send(1), // panics: just created
        Op::Next,
        Op::Next,
        Op::Throw(150), // caught by the inner Catch
        Op::Send(5),    // received by the innermost Recv
        Op::State,
        Op::Throw(160), // at a plain yield: propagates out of all three frames
        Op::TakeReturn,
        Op::Next,
        Op::TakeReturn,
        Op::TakeReturn,
        Op::Next,
        Op::Throw(1),
        Op::Resume(Ok(None)),
    ];
    check(program, script).unwrap();
}

#[test]
fn model_agrees_on_throw_and_close_before_start() {
    let mut id = 1000;
    let raw = RawProgram {
        steps: vec![RawStep::Yield],
        ret: 3,
    };
    check(
        number(&raw, &mut id),
        vec![Op::Throw(9), Op::Next, Op::State],
    )
    .unwrap();
    let mut id = 1000;
    check(
        number(&raw, &mut id),
        vec![Op::Close, Op::Start, Op::TakeReturn],
    )
    .unwrap();
}
