//! Drop accounting: every yielded value, every sent value and every live local is dropped
//! exactly once, on every path out of a generator, and inside a delegation too.
//!
//! Values are [`Tracked`]: each carries an id and records its drop in a [`Registry`] shared
//! by the test. [`Registry::assert_all_dropped_once`] fails on a leak (never dropped) and on
//! a double drop, and names the values concerned.

use std::cell::RefCell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use yielding::{AsyncGen, Co, CoroutineState, Gen, GeneratorState, Thrown};

// ---- instrumentation ------------------------------------------------------------------

#[derive(Default)]
struct Entries {
    /// Per id: its name and how many times it was dropped.
    values: Vec<(&'static str, u32)>,
}

/// The drop registry of one test.
#[derive(Clone, Default)]
struct Registry(Rc<RefCell<Entries>>);

impl Registry {
    fn make(&self, name: &'static str) -> Tracked {
        self.make_with(name, false)
    }

    /// A value whose `Drop` panics (after recording the drop).
    fn bomb(&self, name: &'static str) -> Tracked {
        self.make_with(name, true)
    }

    fn make_with(&self, name: &'static str, bomb: bool) -> Tracked {
        let mut entries = self.0.borrow_mut();
        assert!(
            entries.values.iter().all(|(n, _)| *n != name),
            "duplicate name {name}"
        );
        entries.values.push((name, 0));
        Tracked {
            id: entries.values.len() - 1,
            registry: self.clone(),
            bomb,
        }
    }

    fn drops(&self, name: &str) -> u32 {
        let entries = self.0.borrow();
        let (_, n) = entries
            .values
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no value named {name}"));
        *n
    }

    /// The values not dropped yet, in creation order.
    fn live(&self) -> Vec<&'static str> {
        let entries = self.0.borrow();
        entries
            .values
            .iter()
            .filter(|(_, n)| *n == 0)
            .map(|(name, _)| *name)
            .collect()
    }

    fn created(&self) -> usize {
        self.0.borrow().values.len()
    }

    #[track_caller]
    fn assert_all_dropped_once(&self) {
        let entries = self.0.borrow();
        let leaked: Vec<_> = entries.values.iter().filter(|(_, n)| *n == 0).collect();
        let doubled: Vec<_> = entries.values.iter().filter(|(_, n)| *n > 1).collect();
        assert!(leaked.is_empty(), "leaked: {leaked:?}");
        assert!(doubled.is_empty(), "dropped more than once: {doubled:?}");
    }
}

/// An instrumented value.
struct Tracked {
    id: usize,
    registry: Registry,
    bomb: bool,
}

impl Tracked {
    fn name(&self) -> &'static str {
        self.registry.0.borrow().values[self.id].0
    }
}

impl std::fmt::Debug for Tracked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tracked({})", self.name())
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let first = {
            let mut entries = self.registry.0.borrow_mut();
            entries.values[self.id].1 += 1;
            entries.values[self.id].1 == 1
        };
        // Never panic while unwinding: that would abort the test binary. A double drop
        // is reported by `assert_all_dropped_once` in any case.
        if !std::thread::panicking() {
            assert!(first, "{} dropped twice", self.name());
            if self.bomb {
                panic!("bomb {} went off", self.name());
            }
        }
    }
}

/// `next()` sends `Ok(None)`; `send` sends `Ok(Some(value))`; `throw` raises `Err(error)`.
type Sent = Result<Option<Tracked>, Tracked>;

fn name_of(step: Option<CoroutineState<Tracked, Result<Tracked, Tracked>>>) -> String {
    match step {
        Some(CoroutineState::Yielded(t)) => format!("yielded {}", t.name()),
        Some(CoroutineState::Complete(Ok(t))) => format!("returned {}", t.name()),
        Some(CoroutineState::Complete(Err(t))) => format!("raised {}", t.name()),
        None => "none".into(),
    }
}

/// A throw's outcome, named the same way.
fn thrown_name(thrown: Thrown<Tracked, Tracked, Tracked>) -> String {
    match thrown {
        Thrown::Yielded(t) => format!("yielded {}", t.name()),
        Thrown::Returned(t) => format!("returned {}", t.name()),
        Thrown::Raised(t) => format!("raised {}", t.name()),
    }
}

/// The error a throw gave back, which must have come straight back out.
fn raised<R>(thrown: Thrown<Tracked, R, Tracked>) -> Tracked {
    match thrown {
        Thrown::Raised(error) => error,
        Thrown::Yielded(t) => panic!("expected the error back, got yielded {}", t.name()),
        Thrown::Returned(_) => panic!("expected the error back, got a return"),
    }
}

fn silently<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    catch_unwind(AssertUnwindSafe(f))
}

// ---- the bodies -----------------------------------------------------------------------

/// A body with two locals that yields three values and receives into a local vector.
/// An error thrown at the second yield is handled (kept in a vector of errors); at the
/// first or third it propagates with `?`. Panics at the fourth resume if `panic_at_end`.
async fn leaf_body(
    reg: Registry,
    co: Co<Tracked, Sent>,
    prefix: &'static str,
    panic_at_end: bool,
) -> Result<Tracked, Tracked> {
    let names = match prefix {
        "inner" => [
            "inner.local1",
            "inner.local2",
            "inner.y1",
            "inner.y2",
            "inner.y3",
            "inner.ret",
        ],
        _ => [
            "outer.local1",
            "outer.local2",
            "outer.y1",
            "outer.y2",
            "outer.y3",
            "outer.ret",
        ],
    };
    let _local1 = reg.make(names[0]);
    let mut received = Vec::new();
    let _local2 = reg.make(names[1]);
    let mut handled = Vec::new();
    received.push(co.yield_(reg.make(names[2])).await?);
    match co.yield_(reg.make(names[3])).await {
        Ok(v) => received.push(v),
        Err(e) => handled.push(e),
    }
    received.push(co.yield_(reg.make(names[4])).await?);
    if panic_at_end {
        panic!("body panics with its locals live");
    }
    Ok(reg.make(names[5]))
}

/// A delegator: its own locals, yields one value, delegates to `inner`, yields once more,
/// and returns what it received plus the delegate's return value.
fn delegating_gen(
    reg: &Registry,
    inner_panics: bool,
) -> Gen<Tracked, Sent, impl Future<Output = Result<Tracked, Tracked>>> {
    let reg = reg.clone();
    Gen::with_send(move |co: Co<Tracked, Sent>| async move {
        let _local1 = reg.make("outer.local1");
        let first = co.yield_(reg.make("outer.y1")).await?;
        let inner_reg = reg.clone();
        let inner = Gen::with_send(move |co| leaf_body(inner_reg, co, "inner", inner_panics));
        let from_inner = co.yield_from(inner).await?;
        let _local2 = reg.make("outer.local2");
        let last = co.yield_(reg.make("outer.y2")).await?;
        drop((first, last, from_inner));
        Ok(reg.make("outer.ret"))
    })
}

fn leaf_gen(
    reg: &Registry,
    panic_at_end: bool,
) -> Gen<Tracked, Sent, impl Future<Output = Result<Tracked, Tracked>>> {
    let reg = reg.clone();
    Gen::with_send(move |co| leaf_body(reg, co, "outer", panic_at_end))
}

// ---- single generator -----------------------------------------------------------------

#[test]
fn completion() {
    // Path: completion. Yielded values go to the caller, sent values to the body's vector,
    // the return value to take_return; the locals drop when the body returns.
    let reg = Registry::default();
    let mut g = leaf_gen(&reg, false);
    assert_eq!(g.next().map(|t| t.name()), Some("outer.y1"));
    assert_eq!(
        g.send(Ok(Some(reg.make("sent1")))).map(|t| t.name()),
        Some("outer.y2")
    );
    assert_eq!(
        g.send(Ok(Some(reg.make("sent2")))).map(|t| t.name()),
        Some("outer.y3")
    );
    // The yielded values were dropped by the caller; the sent ones are held by the body.
    assert_eq!(
        reg.live(),
        ["outer.local1", "outer.local2", "sent1", "sent2"]
    );
    assert!(g.send(Ok(Some(reg.make("sent3")))).is_none());
    assert_eq!(g.state(), GeneratorState::Closed);
    // Everything but the kept return value is gone once the body has returned.
    assert_eq!(reg.live(), ["outer.ret"]);
    let ret = g.take_return().unwrap().unwrap();
    assert_eq!(ret.name(), "outer.ret");
    drop(ret);
    drop(g);
    assert_eq!(reg.created(), 9);
    reg.assert_all_dropped_once();
}

#[test]
fn unclaimed_return_value_drops_with_the_generator() {
    // Path: completion by `for`, the return value never taken: it drops with the generator.
    let reg = Registry::default();
    let g = leaf_gen(&reg, false);
    let mut g = g;
    let seen: Vec<_> = (&mut g).map(|t| t.name()).collect();
    assert_eq!(seen, ["outer.y1", "outer.y2", "outer.y3"]);
    assert_eq!(reg.live(), ["outer.ret"]);
    drop(g);
    assert_eq!(reg.drops("outer.ret"), 1);
    reg.assert_all_dropped_once();
}

#[test]
fn close_midway() {
    // Path: close midway. The live locals and the sent value the body holds drop at close,
    // once; a send after close drops its value and reports exhaustion.
    let reg = Registry::default();
    let mut g = leaf_gen(&reg, false);
    g.next();
    g.send(Ok(Some(reg.make("sent1"))));
    assert_eq!(reg.live(), ["outer.local1", "outer.local2", "sent1"]);
    g.close();
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(reg.live().is_empty());
    assert!(g.send(Ok(Some(reg.make("late")))).is_none());
    assert_eq!(reg.drops("late"), 1);
    g.close();
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn drop_midway() {
    // Path: drop midway, with a value still in flight: the last yielded value, held by the
    // caller, outlives the generator.
    let reg = Registry::default();
    let mut g = leaf_gen(&reg, false);
    g.next();
    let held = g.send(Ok(Some(reg.make("sent1")))).unwrap();
    drop(g);
    assert_eq!(reg.live(), ["outer.y2"]);
    drop(held);
    reg.assert_all_dropped_once();
}

#[test]
fn drop_before_start_and_close_before_start() {
    // Path: drop / close of a created generator: the body never ran, made nothing, and the
    // captured registry handle is released.
    let reg = Registry::default();
    let captured = reg.make("captured");
    let g = Gen::new(move |co: Co<Tracked>| async move {
        let _held = captured;
        co.yield_(Registry::default().make("never")).await;
    });
    drop(g);
    assert_eq!(reg.drops("captured"), 1);
    let captured = reg.make("captured2");
    let mut g = Gen::new(move |co: Co<Tracked>| async move {
        let _held = captured;
        co.yield_(Registry::default().make("never")).await;
    });
    g.close();
    assert_eq!(reg.drops("captured2"), 1);
    assert_eq!(g.state(), GeneratorState::Closed);
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn handled_throw() {
    // Path: a handled throw. The thrown error is kept by the body, then dropped with its
    // locals when the body returns.
    let reg = Registry::default();
    let mut g = leaf_gen(&reg, false);
    g.next();
    g.send(Ok(Some(reg.make("sent1"))));
    let step = g.throw(reg.make("thrown"));
    assert_eq!(thrown_name(step), "yielded outer.y3");
    assert_eq!(reg.drops("thrown"), 0, "the body holds the handled error");
    let step = g.resume(Ok(Some(reg.make("sent2"))));
    assert_eq!(name_of(step), "returned outer.ret");
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(g.take_return().is_none(), "resume delivered it already");
    reg.assert_all_dropped_once();
}

#[test]
fn propagated_throw() {
    // Path: a propagated throw. The error comes back as the return value; the locals and
    // the sent value drop as the body ends.
    let reg = Registry::default();
    let mut g = leaf_gen(&reg, false);
    g.next();
    g.send(Ok(Some(reg.make("sent1"))));
    g.next();
    let step = g.throw(reg.make("thrown"));
    assert_eq!(thrown_name(step), "raised thrown");
    assert_eq!(g.state(), GeneratorState::Closed);
    // Throwing into a closed generator hands the error straight back.
    let back = raised(g.throw(reg.make("late")));
    assert_eq!(back.name(), "late");
    drop(back);
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn throw_into_a_created_generator() {
    // Path: throw before start. The body never runs; the error comes back; the captured
    // value drops as the generator closes.
    let reg = Registry::default();
    let captured = reg.make("captured");
    let mut g = Gen::with_send(move |co: Co<Tracked, Sent>| async move {
        let _held = captured;
        co.yield_(Registry::default().make("never")).await?;
        Ok::<(), Tracked>(())
    });
    let back = raised(g.throw(reg.make("thrown")));
    assert_eq!(back.name(), "thrown");
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(reg.live(), ["thrown"]);
    drop(back);
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn panic_in_the_body() {
    // Path: a panic in the body. The panic reaches the caller, the locals and the sent
    // values held by the body drop once by the unwinding, the generator is Closed.
    let reg = Registry::default();
    let mut g = leaf_gen(&reg, true);
    g.next();
    g.send(Ok(Some(reg.make("sent1"))));
    g.send(Ok(Some(reg.make("sent2"))));
    let result = silently(|| g.send(Ok(Some(reg.make("sent3")))));
    assert!(result.is_err());
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(
        reg.live().is_empty(),
        "live after the panic: {:?}",
        reg.live()
    );
    assert!(g.next().is_none());
    assert!(g.take_return().is_none());
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn panic_in_a_drop_during_close() {
    // Path: a panic in a Drop during close. The panic reaches the caller of close; the other
    // locals (declared before and after the bomb) and the held sent value are still
    // dropped; the generator is Closed.
    let reg = Registry::default();
    let body_reg = reg.clone();
    let mut g = Gen::with_send(move |co: Co<Tracked, Sent>| async move {
        let _before = body_reg.make("before");
        let _bomb = body_reg.bomb("bomb");
        let _after = body_reg.make("after");
        let got = co.yield_(body_reg.make("y1")).await?;
        co.yield_(body_reg.make("y2")).await?;
        drop(got);
        Ok::<(), Tracked>(())
    });
    g.next();
    g.send(Ok(Some(reg.make("sent1"))));
    assert_eq!(reg.live(), ["before", "bomb", "after", "sent1"]);
    assert!(silently(|| g.close()).is_err());
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(reg.live().is_empty(), "live after close: {:?}", reg.live());
    assert!(g.next().is_none());
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn panic_in_a_drop_during_drop() {
    // Path: a panic in a Drop while the generator itself is dropped: the other locals are
    // still dropped.
    let reg = Registry::default();
    let body_reg = reg.clone();
    let mut g = Gen::new(move |co: Co<Tracked>| async move {
        let _before = body_reg.make("before");
        let _bomb = body_reg.bomb("bomb");
        let _after = body_reg.make("after");
        co.yield_(body_reg.make("y1")).await;
    });
    g.next();
    assert!(silently(move || drop(g)).is_err());
    assert!(reg.live().is_empty(), "live after drop: {:?}", reg.live());
    reg.assert_all_dropped_once();
}

// ---- inside a delegation --------------------------------------------------------------

#[test]
fn delegation_completion() {
    // Path: completion inside a delegation. The delegate's locals drop when it returns,
    // before the delegator goes on; the delegator's when it returns.
    let reg = Registry::default();
    let mut g = delegating_gen(&reg, false);
    let mut seen = vec![g.next().unwrap().name()];
    for i in 0..4 {
        let sent = reg.make(["s1", "s2", "s3", "s4"][i]);
        seen.push(g.send(Ok(Some(sent))).unwrap().name());
        if i == 3 {
            // The delegate has returned: its locals and the values sent into it are gone.
            assert_eq!(
                reg.live(),
                ["outer.local1", "s1", "inner.ret", "outer.local2"]
            );
        }
    }
    assert_eq!(
        seen,
        ["outer.y1", "inner.y1", "inner.y2", "inner.y3", "outer.y2"]
    );
    assert!(g.send(Ok(Some(reg.make("s5")))).is_none());
    assert_eq!(reg.live(), ["outer.ret"]);
    assert_eq!(g.take_return().unwrap().unwrap().name(), "outer.ret");
    drop(g);
    reg.assert_all_dropped_once();
}

/// Runs `delegating_gen` into the delegate, at its second yield, with a value sent into
/// each generator and held there.
fn into_the_delegate(
    reg: &Registry,
    inner_panics: bool,
) -> Gen<Tracked, Sent, impl Future<Output = Result<Tracked, Tracked>>> {
    let mut g = delegating_gen(reg, inner_panics);
    assert_eq!(g.next().unwrap().name(), "outer.y1");
    assert_eq!(
        g.send(Ok(Some(reg.make("to_outer")))).unwrap().name(),
        "inner.y1"
    );
    assert_eq!(
        g.send(Ok(Some(reg.make("to_inner")))).unwrap().name(),
        "inner.y2"
    );
    assert_eq!(
        reg.live(),
        [
            "outer.local1",
            "to_outer",
            "inner.local1",
            "inner.local2",
            "to_inner"
        ]
    );
    g
}

#[test]
fn delegation_close_midway() {
    // Path: close midway inside a delegation. The delegate's locals and the delegator's
    // drop, all at close.
    let reg = Registry::default();
    let mut g = into_the_delegate(&reg, false);
    g.close();
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(reg.live().is_empty(), "live after close: {:?}", reg.live());
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn delegation_drop_midway() {
    // Path: drop midway inside a delegation.
    let reg = Registry::default();
    let g = into_the_delegate(&reg, false);
    drop(g);
    assert!(reg.live().is_empty(), "live after drop: {:?}", reg.live());
    reg.assert_all_dropped_once();
}

#[test]
fn delegation_handled_throw() {
    // Path: a handled throw inside a delegation: the delegate handles it and keeps it until
    // it returns.
    let reg = Registry::default();
    let mut g = into_the_delegate(&reg, false);
    let step = g.throw(reg.make("thrown"));
    assert_eq!(thrown_name(step), "yielded inner.y3");
    assert_eq!(reg.drops("thrown"), 0);
    assert_eq!(
        g.send(Ok(Some(reg.make("to_inner2")))).unwrap().name(),
        "outer.y2"
    );
    assert_eq!(reg.drops("thrown"), 1, "dropped when the delegate returned");
    assert!(g.send(Ok(Some(reg.make("to_outer2")))).is_none());
    drop(g.take_return());
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn delegation_propagated_throw() {
    // Path: a propagated throw inside a delegation: it propagates out of the delegate and
    // then out of the delegator, dropping both frames' locals, and is the return value.
    let reg = Registry::default();
    let mut g = into_the_delegate(&reg, false);
    g.next();
    let step = g.throw(reg.make("thrown"));
    assert_eq!(thrown_name(step), "raised thrown");
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(reg.live().is_empty(), "live: {:?}", reg.live());
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn delegation_panic_in_the_delegate() {
    // Path: a panic in the delegate's body: it reaches the caller through the delegator;
    // both frames' locals drop once; the outer generator is Closed.
    let reg = Registry::default();
    let mut g = into_the_delegate(&reg, true);
    g.send(Ok(Some(reg.make("to_inner2"))));
    assert!(silently(|| g.send(Ok(Some(reg.make("to_inner3"))))).is_err());
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(reg.live().is_empty(), "live after panic: {:?}", reg.live());
    assert!(g.next().is_none());
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn delegation_panic_in_a_drop_during_close() {
    // Path: a panic in a Drop of the delegate's locals during close of the delegator: the
    // panic reaches the caller; the delegate's other locals and the delegator's locals are
    // still dropped; the generator is Closed.
    let reg = Registry::default();
    let body_reg = reg.clone();
    let mut g = Gen::with_send(move |co: Co<Tracked, Sent>| async move {
        let _outer_before = body_reg.make("outer.before");
        let inner_reg = body_reg.clone();
        let inner = Gen::with_send(move |co: Co<Tracked, Sent>| async move {
            let _before = inner_reg.make("inner.before");
            let _bomb = inner_reg.bomb("inner.bomb");
            let _after = inner_reg.make("inner.after");
            let got = co.yield_(inner_reg.make("inner.y1")).await?;
            co.yield_(inner_reg.make("inner.y2")).await?;
            drop(got);
            Ok::<(), Tracked>(())
        });
        let _outer_after = body_reg.make("outer.after");
        co.yield_from(inner).await?;
        Ok::<(), Tracked>(())
    });
    assert_eq!(g.next().unwrap().name(), "inner.y1");
    g.send(Ok(Some(reg.make("to_inner"))));
    assert_eq!(
        reg.live(),
        [
            "outer.before",
            "outer.after",
            "inner.before",
            "inner.bomb",
            "inner.after",
            "to_inner"
        ]
    );
    assert!(silently(|| g.close()).is_err());
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(reg.live().is_empty(), "live after close: {:?}", reg.live());
    assert!(g.next().is_none());
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn delegation_panic_in_a_drop_of_the_delegator_during_close() {
    // Path: a panic in a Drop of the delegator's own local during close, while it
    // delegates: the delegate's locals and the delegator's other locals still drop.
    let reg = Registry::default();
    let body_reg = reg.clone();
    let mut g = Gen::new(move |co: Co<Tracked>| async move {
        let _outer_bomb = body_reg.bomb("outer.bomb");
        let inner_reg = body_reg.clone();
        let inner = Gen::new(move |co: Co<Tracked>| async move {
            let _local = inner_reg.make("inner.local");
            co.yield_(inner_reg.make("inner.y1")).await;
        });
        let _outer_after = body_reg.make("outer.after");
        co.yield_from(inner).await;
    });
    g.next();
    assert!(silently(|| g.close()).is_err());
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(reg.live().is_empty(), "live after close: {:?}", reg.live());
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn delegation_to_a_borrowed_generator_kept_afterwards() {
    // Path: completion of a delegation by `&mut`: the delegate outlives the delegator's use
    // of it, and its locals still drop exactly once, when it finishes.
    let reg = Registry::default();
    let inner_reg = reg.clone();
    let mut inner = Gen::new(move |co: Co<Tracked>| async move {
        let _local = inner_reg.make("inner.local");
        co.yield_(inner_reg.make("inner.y1")).await;
        inner_reg.make("inner.ret")
    });
    let outer_reg = reg.clone();
    let mut g = Gen::new(|co: Co<Tracked>| async move {
        let _local = outer_reg.make("outer.local");
        co.yield_from(&mut inner).await
    });
    assert_eq!(g.next().unwrap().name(), "inner.y1");
    assert!(g.next().is_none());
    assert_eq!(g.take_return().unwrap().name(), "inner.ret");
    drop(g);
    reg.assert_all_dropped_once();
}

// ---- async generators -----------------------------------------------------------------

/// Returns `Pending` once (waking at once), so the body really waits on a future.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn async_gen(reg: &Registry) -> AsyncGen<Tracked, Option<Tracked>, impl Future<Output = Tracked>> {
    let reg = reg.clone();
    AsyncGen::with_send(move |co: Co<Tracked, Option<Tracked>>| async move {
        let _local1 = reg.make("local1");
        let mut received = Vec::new();
        YieldNow(false).await;
        received.push(co.yield_(reg.make("y1")).await);
        let _local2 = reg.make("local2");
        YieldNow(false).await;
        received.push(co.yield_(reg.make("y2")).await);
        YieldNow(false).await;
        reg.make("ret")
    })
}

#[test]
fn async_completion() {
    // Path: completion of an AsyncGen on block_on: yielded, sent and local values each
    // drop once; the return value is taken once.
    let reg = Registry::default();
    let mut g = async_gen(&reg);
    futures::executor::block_on(async {
        assert_eq!(g.anext().await.unwrap().name(), "y1");
        assert_eq!(g.asend(Some(reg.make("sent1"))).await.unwrap().name(), "y2");
        assert!(g.asend(Some(reg.make("sent2"))).await.is_none());
    });
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(reg.live(), ["ret"]);
    assert_eq!(g.take_return().unwrap().name(), "ret");
    assert!(g.take_return().is_none());
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn async_close_midway() {
    // Path: aclose midway of an AsyncGen: the live locals and the held sent value drop.
    let reg = Registry::default();
    let mut g = async_gen(&reg);
    futures::executor::block_on(async {
        g.anext().await;
        g.asend(Some(reg.make("sent1"))).await;
        assert_eq!(reg.live(), ["local1", "sent1", "local2"]);
        g.aclose().await;
    });
    assert_eq!(g.state(), GeneratorState::Closed);
    assert!(reg.live().is_empty(), "live after aclose: {:?}", reg.live());
    drop(g);
    reg.assert_all_dropped_once();
}

#[test]
fn async_drop_midway() {
    // Path: drop midway of an AsyncGen, including while a resume is left waiting on a
    // future (its `anext` future dropped after one Pending poll).
    let reg = Registry::default();
    let mut g = async_gen(&reg);
    futures::executor::block_on(g.anext());
    drop(g);
    assert!(reg.live().is_empty(), "live after drop: {:?}", reg.live());
    reg.assert_all_dropped_once();

    let reg = Registry::default();
    let mut g = async_gen(&reg);
    futures::executor::block_on(g.anext());
    {
        let mut pending = std::pin::pin!(g.asend(Some(reg.make("sent1"))));
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(pending.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(g.state(), GeneratorState::Running);
    assert_eq!(reg.live(), ["local1", "sent1", "local2"]);
    drop(g);
    assert!(reg.live().is_empty(), "live after drop: {:?}", reg.live());
    reg.assert_all_dropped_once();
}
