//! `SharedGen`: the whole protocol through a shared reference, and Python's
//! `ValueError: generator already executing` as `AlreadyRunning` (the `try_` forms) or a
//! panic (the plain forms). Each test names the Python behaviour it mirrors; the
//! re-entrant ones reach the generator from inside its own body, through a [`Hook`].

use std::cell::OnceCell;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use static_assertions::{assert_impl_all, assert_not_impl_any};
use yielding::{AlreadyRunning, Co, Gen, GeneratorState, SharedGen, Thrown};

#[path = "support/log.rs"]
mod log;
use log::{Finally, Log};

#[path = "support/panics.rs"]
mod panics;
use panics::panic_message;

// ---- types -------------------------------------------------------------------------------

// Used only in static_assertions' `const _` items, which rustc 1.85 (the MSRV) does not
// count as uses: without the allows it warns that they are never used.
#[allow(dead_code)]
type SendBody = Pin<Box<dyn Future<Output = ()> + Send>>;
#[allow(dead_code)]
type LocalBody = Pin<Box<dyn Future<Output = ()>>>;

// A RefCell inside: shared within one thread, moved to another when the body is Send, but
// never shared between threads, where two resumes through `&` would race.
assert_impl_all!(SharedGen<u8, (), SendBody>: Send, Unpin, Debug);
assert_not_impl_any!(SharedGen<u8, (), SendBody>: Sync);
assert_not_impl_any!(SharedGen<u8, (), LocalBody>: Send, Sync);
assert_impl_all!(SharedGen<u8, (), LocalBody>: Unpin, Debug);
// `for x in &g` needs a send type with a value meaning "nothing sent", as `Gen` does.
assert_impl_all!(&'static SharedGen<u8, Option<u8>, LocalBody>: Iterator);
assert_not_impl_any!(&'static SharedGen<u8, f64, LocalBody>: Iterator);
// What the try_ forms and throw return can cross threads and be kept in errors.
assert_impl_all!(AlreadyRunning: Send, Sync, Unpin, Copy, Debug, std::error::Error);
assert_impl_all!(Thrown<u8, String, String>: Send, Sync, Unpin, Debug);

/// The send type of a generator that can be thrown into: `Ok(None)` is `next()`'s value.
type Sent = Result<Option<i32>, String>;
type Throwable = Co<i32, Sent>;

/// How a body reaches its own generator: the generator's type names the body's, so the
/// body cannot hold it directly. The hook is set once the generator exists and holds it
/// weakly, so there is no reference cycle and nothing leaks.
type Hook<T> = Rc<OnceCell<Box<dyn Fn() -> T>>>;

/// Calls the hook, from inside the body.
fn call<T>(hook: &Hook<T>) -> T {
    (hook.get().expect("the hook is set before the first resume"))()
}

/// Sets `hook` to run `f` on the generator `g`.
fn set_hook<G: 'static, T>(hook: &Hook<T>, g: &Rc<G>, f: impl Fn(&G) -> T + 'static) {
    let me = Rc::downgrade(g);
    let set = hook.set(Box::new(move || {
        f(&me.upgrade().expect("a running generator is alive"))
    }));
    assert!(set.is_ok(), "one hook per generator");
}

// ---- next, send, start, close from outside ----------------------------------------------

#[test]
fn next_try_next_and_for_share_one_position() {
    // Python: next(g) and `for x in g` on one generator object share its position; once
    // exhausted it stays exhausted, and StopIteration.value is the return value.
    let g = SharedGen::new(Gen::new(|co| async move {
        for i in 0..4 {
            co.yield_(i).await;
        }
        "done"
    }));
    let alias = &g;
    assert_eq!(g.next(), Some(0));
    assert_eq!(g.try_next(), Ok(Some(1)));
    assert_eq!(alias.collect::<Vec<_>>(), [2, 3]);
    assert_eq!(g.try_next(), Ok(None));
    assert_eq!(g.next(), None);
    assert_eq!(g.take_return(), Some("done"));
    assert_eq!(g.take_return(), None);
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn send_and_try_send_resume_the_paused_yield_with_the_value() {
    // Python: after the priming next(g), g.send(v) makes the paused yield evaluate to v
    // and returns the next yielded value; send(None) is next(g); StopIteration.value is
    // the return value; a finished generator stays finished.
    let g = SharedGen::new(Gen::with_send(|co: Co<f64, Option<f64>>| async move {
        let (mut total, mut count) = (0.0, 0.0);
        while let Some(x) = co
            .yield_(if count > 0.0 { total / count } else { 0.0 })
            .await
        {
            total += x;
            count += 1.0;
        }
        count
    }));
    assert_eq!(g.try_start(), Ok(Some(0.0)));
    assert_eq!(g.send(Some(10.0)), Some(10.0));
    assert_eq!(g.try_send(Some(20.0)), Ok(Some(15.0)));
    assert_eq!(g.try_send(None), Ok(None));
    assert_eq!(g.take_return(), Some(2.0));
    assert_eq!(g.try_send(Some(1.0)), Ok(None));
    assert_eq!(g.try_start(), Ok(None));
    assert_eq!(g.start(), None);
}

#[test]
fn try_send_to_a_just_created_generator_is_still_pythons_type_error() {
    // Python: TypeError: can't send non-None value to a just-started generator; the
    // generator is still GEN_CREATED and next(g) then starts it. Only re-entrancy is an
    // Err; this is a different misuse.
    let g = SharedGen::new(Gen::with_send(|co: Co<i32, i32>| async move {
        let x = co.yield_(0).await;
        co.yield_(x).await;
    }));
    let message = panic_message(|| {
        let _ = g.try_send(1);
    });
    assert!(message.contains("just-created"), "{message}");
    assert_eq!(g.state(), GeneratorState::Created);
    assert_eq!(g.try_start(), Ok(Some(0)));
    assert_eq!(g.try_send(5), Ok(Some(5)));
}

#[test]
fn try_start_on_a_paused_generator_still_panics_and_harms_nothing() {
    // No Python counterpart: start() is the priming next(g), and on a generator paused at
    // a yield it would resume that yield with no value (Gen::start's panic, not an Err).
    let g = SharedGen::new(Gen::with_send(|co: Co<i32, i32>| async move {
        let x = co.yield_(0).await;
        co.yield_(x).await;
    }));
    assert_eq!(g.start(), Some(0));
    let message = panic_message(|| {
        let _ = g.try_start();
    });
    assert!(message.contains("already started"), "{message}");
    assert_eq!(g.state(), GeneratorState::Suspended);
    assert_eq!(g.send(3), Some(3));
}

#[test]
fn close_and_try_close_run_cleanup_once_and_closing_again_does_nothing() {
    // Python: close() runs the body's finally blocks, the generator is GEN_CLOSED, a second
    // close() is a no-op, and next(g) raises StopIteration; close() of a just-created
    // generator runs none of its body.
    let log = Log::default();
    let body_log = log.clone();
    let g = SharedGen::new(Gen::new(|co| async move {
        let _cleanup = Finally {
            log: body_log,
            name: "body",
        };
        loop {
            co.yield_(1).await;
        }
    }));
    assert_eq!(g.next(), Some(1));
    assert_eq!(g.try_close(), Ok(()));
    assert_eq!(log.events(), ["finally body"]);
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.try_close(), Ok(()));
    g.close();
    assert_eq!(g.next(), None);
    assert_eq!(log.events(), ["finally body"]);

    let ran = Log::default();
    let body_ran = ran.clone();
    let fresh = SharedGen::new(Gen::new(|co| async move {
        body_ran.push("ran");
        co.yield_(1).await;
    }));
    assert_eq!(fresh.try_close(), Ok(()));
    assert_eq!(fresh.state(), GeneratorState::Closed);
    assert_eq!(fresh.next(), None);
    assert!(ran.events().is_empty());
}

// ---- throw -------------------------------------------------------------------------------

#[test]
fn throw_handled_by_the_body_and_yielding_again_is_yielded() {
    // PEP 342: throw() raises the exception at the paused yield; if the body catches it
    // and yields again, throw() returns that value.
    let g = SharedGen::new(Gen::with_send(|co: Throwable| async move {
        let mut handled = 0;
        loop {
            if co.yield_(handled).await.is_err() {
                handled += 1;
            }
        }
    }));
    assert_eq!(g.next(), Some(0));
    assert_eq!(g.throw("a".into()), Thrown::Yielded(1));
    assert_eq!(g.try_throw("b".into()), Ok(Thrown::Yielded(2)));
    assert_eq!(g.next(), Some(2));
    assert_eq!(g.state(), GeneratorState::Suspended);
}

#[test]
fn throw_handled_by_the_body_and_returning_is_returned() {
    // PEP 342: if the body catches the exception and returns, throw() raises StopIteration
    // carrying the return value. Here it is delivered by throw itself, not kept for
    // take_return.
    for use_try in [false, true] {
        let g = SharedGen::new(Gen::with_send(|co: Throwable| async move {
            match co.yield_(1).await {
                Ok(_) => Ok("ended"),
                Err(_) => Ok::<_, String>("handled"),
            }
        }));
        assert_eq!(g.next(), Some(1));
        let thrown = if use_try {
            g.try_throw("stop".into())
        } else {
            Ok(g.throw("stop".into()))
        };
        assert_eq!(thrown, Ok(Thrown::Returned("handled")));
        assert_eq!(g.take_return(), None);
        assert_eq!(g.state(), GeneratorState::Closed);
        assert_eq!(g.next(), None);
    }
}

#[test]
fn throw_not_handled_is_raised_and_closes_the_generator() {
    // PEP 342: an exception the body does not catch propagates out of throw(); the body's
    // finally blocks run and the generator is GEN_CLOSED.
    for use_try in [false, true] {
        let log = Log::default();
        let body_log = log.clone();
        let g = SharedGen::new(Gen::with_send(|co: Throwable| async move {
            let _cleanup = Finally {
                log: body_log,
                name: "body",
            };
            co.yield_(1).await?;
            co.yield_(2).await?;
            Ok("unreached")
        }));
        assert_eq!(g.next(), Some(1));
        let thrown = if use_try {
            g.try_throw("fatal".into())
        } else {
            Ok(g.throw("fatal".into()))
        };
        assert_eq!(thrown, Ok(Thrown::Raised("fatal".into())));
        assert_eq!(log.events(), ["finally body"]);
        assert_eq!(g.state(), GeneratorState::Closed);
        assert_eq!(g.next(), None);
        assert_eq!(g.take_return(), None);
    }
}

#[test]
fn throw_into_a_fresh_shared_gen_closes_it_without_running_the_body() {
    // PEP 342: throw() into a just-started generator raises the exception in the caller
    // and closes the generator without running any of its body; next(g) then raises
    // StopIteration.
    for use_try in [false, true] {
        let log = Log::default();
        let body_log = log.clone();
        let g = SharedGen::new(Gen::with_send(|co: Throwable| async move {
            body_log.push("ran");
            co.yield_(1).await?;
            Ok::<_, String>(())
        }));
        let thrown = if use_try {
            g.try_throw("early".into())
        } else {
            Ok(g.throw("early".into()))
        };
        assert_eq!(thrown, Ok(Thrown::Raised("early".into())));
        assert_eq!(g.state(), GeneratorState::Closed);
        assert_eq!(g.next(), None);
        assert!(log.events().is_empty());
    }
}

#[test]
fn throw_into_a_finished_shared_gen_raises_again() {
    // Python: throw() on an exhausted generator re-raises the exception it was given.
    let g = SharedGen::new(Gen::with_send(|co: Throwable| async move {
        co.yield_(1).await?;
        Ok::<_, String>(())
    }));
    assert_eq!((&g).count(), 1);
    assert_eq!(g.throw("late".into()), Thrown::Raised("late".into()));
    assert_eq!(
        g.try_throw("later".into()),
        Ok(Thrown::Raised("later".into()))
    );
    assert_eq!(g.state(), GeneratorState::Closed);
}

#[test]
fn throw_into_a_body_that_handles_every_error() {
    // Python: a body that catches every exception thrown in keeps yielding, and one that
    // then falls off its end makes throw() raise StopIteration (carrying None, here ()).
    let g = SharedGen::new(Gen::with_send(|co: Throwable| async move {
        let mut errors = 0;
        while errors < 2 {
            if co.yield_(errors).await.is_err() {
                errors += 1;
            }
        }
    }));
    assert_eq!(g.next(), Some(0));
    assert_eq!(g.try_throw("one".into()), Ok(Thrown::Yielded(1)));
    assert_eq!(g.throw("two".into()), Thrown::Returned(()));
    assert_eq!(g.state(), GeneratorState::Closed);
}

// ---- re-entrancy -------------------------------------------------------------------------

/// Calls every `try_` form of `g`, which is running, and logs what each returned.
fn try_every_form<F, R>(g: &SharedGen<i32, Sent, F>, log: &Log)
where
    F: Future<Output = Result<R, String>>,
    R: Debug,
{
    let results = [
        format!("state {:?}", g.state()),
        format!("try_next {:?}", g.try_next()),
        format!("try_start {:?}", g.try_start()),
        format!("try_send {:?}", g.try_send(Ok(Some(99)))),
        format!("try_throw {:?}", g.try_throw("from inside".into())),
        format!("try_close {:?}", g.try_close()),
        format!("try_resume {:?}", g.try_resume(Ok(Some(98)))),
    ];
    for result in results {
        log.push(result);
    }
}

/// What [`try_every_form`] logs while the generator runs.
const REFUSED: [&str; 7] = [
    "state Running",
    "try_next Err(AlreadyRunning)",
    "try_start Err(AlreadyRunning)",
    "try_send Err(AlreadyRunning)",
    "try_throw Err(AlreadyRunning)",
    "try_close Err(AlreadyRunning)",
    "try_resume Err(AlreadyRunning)",
];

#[test]
fn every_try_form_from_inside_the_body_is_already_running_and_the_generator_carries_on() {
    // Python: inside the body, inspect.getgeneratorstate(g) is GEN_RUNNING, and next(g),
    // g.send(v), g.throw(e) and g.close() each raise ValueError: generator already
    // executing. Caught, they change nothing: the body carries on, receives what the
    // caller sends next (not what it tried to send itself), and returns.
    let log = Log::default();
    let hook: Hook<()> = Hook::default();
    let inside = Rc::clone(&hook);
    let body_log = log.clone();
    let g = Rc::new(SharedGen::new(Gen::with_send(
        move |co: Throwable| async move {
            let _cleanup = Finally {
                log: body_log.clone(),
                name: "body",
            };
            call(&inside); // during the first resume, by next()
            let sent = co.yield_(1).await?;
            body_log.push(format!("received {sent:?}"));
            call(&inside); // during a resume by send()
            let caught = co.yield_(2).await;
            body_log.push(format!("caught {caught:?}"));
            co.yield_(3).await?;
            Ok::<_, String>("returned")
        },
    )));
    let hook_log = log.clone();
    set_hook(&hook, &g, move |g| try_every_form(g, &hook_log));

    assert_eq!(g.next(), Some(1));
    assert_eq!(g.state(), GeneratorState::Suspended);
    assert_eq!(g.send(Ok(Some(5))), Some(2));
    assert_eq!(g.throw("from outside".into()), Thrown::Yielded(3));
    assert_eq!(g.next(), None);
    assert_eq!(g.take_return(), Some(Ok("returned")));

    let mut expected: Vec<String> = REFUSED.iter().map(|s| s.to_string()).collect();
    expected.push("received Some(5)".into());
    expected.extend(REFUSED.iter().map(|s| s.to_string()));
    expected.push(r#"caught Err("from outside")"#.into());
    expected.push("finally body".into());
    assert_eq!(log.events(), expected);
}

#[test]
fn try_close_from_inside_the_body_closes_nothing() {
    // Python: close() of a running generator raises ValueError: generator already
    // executing; the body runs on with its locals alive, and its finally blocks run at
    // the close() that comes from outside.
    let log = Log::default();
    let hook: Hook<Result<(), AlreadyRunning>> = Hook::default();
    let inside = Rc::clone(&hook);
    let body_log = log.clone();
    let g = Rc::new(SharedGen::new(Gen::new(move |co| async move {
        let _cleanup = Finally {
            log: body_log.clone(),
            name: "body",
        };
        let closed = call(&inside);
        body_log.push(format!("try_close {closed:?}"));
        co.yield_("still running").await;
        body_log.push("resumed");
        co.yield_("and again").await;
    })));
    set_hook(&hook, &g, |g| g.try_close());

    assert_eq!(g.next(), Some("still running"));
    assert_eq!(g.state(), GeneratorState::Suspended);
    assert_eq!(g.next(), Some("and again"));
    assert_eq!(log.events(), ["try_close Err(AlreadyRunning)", "resumed"]);
    g.close();
    assert_eq!(
        log.events(),
        ["try_close Err(AlreadyRunning)", "resumed", "finally body"]
    );
}

/// Cleanup code that reaches its own generator: calls the hook when dropped.
struct CallOnDrop(Hook<()>);

impl Drop for CallOnDrop {
    fn drop(&mut self) {
        call(&self.0);
    }
}

#[test]
fn every_try_form_from_cleanup_during_close_is_already_running() {
    // Python: in a finally block run by g.close(), the generator is GEN_RUNNING, and
    // next(g), g.throw(e) and g.close() each raise ValueError: generator already
    // executing; the close then completes, and the generator is GEN_CLOSED.
    let log = Log::default();
    let hook: Hook<()> = Hook::default();
    let inside = Rc::clone(&hook);
    let g = Rc::new(SharedGen::new(Gen::with_send(
        move |co: Throwable| async move {
            let _cleanup = CallOnDrop(inside);
            co.yield_(1).await?;
            Ok::<_, String>(())
        },
    )));
    let hook_log = log.clone();
    set_hook(&hook, &g, move |g| try_every_form(g, &hook_log));

    assert_eq!(g.next(), Some(1));
    assert!(log.events().is_empty());
    assert_eq!(g.try_close(), Ok(()));
    assert_eq!(log.events(), REFUSED);
    assert_eq!(g.state(), GeneratorState::Closed);
    assert_eq!(g.try_next(), Ok(None));
}

#[test]
fn a_delegate_resuming_its_shared_delegator_is_already_running() {
    // PEP 380: while `yield from inner()` runs inner, the delegating generator is running
    // too: next(outer) from inside inner raises ValueError: generator already executing,
    // and both carry on.
    let hook: Hook<(GeneratorState, Result<Option<i32>, AlreadyRunning>)> = Hook::default();
    let inside = Rc::clone(&hook);
    let g = Rc::new(SharedGen::new(Gen::new(move |co| async move {
        let inner = Gen::new(move |co| async move {
            let (state, refused) = call(&inside);
            assert_eq!(state, GeneratorState::Running);
            assert_eq!(refused, Err(AlreadyRunning));
            co.yield_(1).await;
            "inner done"
        });
        let returned = co.yield_from(inner).await;
        assert_eq!(returned, "inner done");
        co.yield_(2).await;
    })));
    set_hook(&hook, &g, |g| (g.state(), g.try_next()));

    assert_eq!(g.next(), Some(1));
    assert_eq!(g.next(), Some(2));
    assert_eq!(g.next(), None);
}

#[test]
fn every_panicking_form_from_inside_the_body_says_already_executing() {
    // Python: an uncaught ValueError: generator already executing, raised inside the body,
    // propagates out of the outer next(); the body's finally blocks run once and the
    // generator is GEN_CLOSED.
    let forms: [Form; 6] = [
        ("next", |g| {
            g.next();
        }),
        ("iterator next", |g| {
            Iterator::next(&mut &*g);
        }),
        ("start", |g| {
            g.start();
        }),
        ("send", |g| {
            g.send(Ok(Some(1)));
        }),
        ("throw", |g| {
            let _ = g.throw("inner".into());
        }),
        ("close", |g| g.close()),
    ];
    for (name, form) in forms {
        let log = Log::default();
        let hook: Hook<()> = Hook::default();
        let g = shared_of(&log, &hook);
        set_hook(&hook, &g, form);
        assert_eq!(g.next(), Some(1));
        let message = panic_message(|| {
            g.next();
        });
        assert!(
            message.contains("generator already executing"),
            "{name}: {message}"
        );
        assert_eq!(g.state(), GeneratorState::Closed, "{name}");
        assert_eq!(log.events(), ["finally body"], "{name}");
        assert_eq!(g.next(), None, "{name}");
    }
}

/// The generator of [`every_panicking_form_from_inside_the_body_says_already_executing`],
/// boxed so that a plain `fn` can name its type.
type SharedGenOf = SharedGen<i32, Sent, Pin<Box<dyn Future<Output = Result<(), String>>>>>;

/// A panicking form of the protocol, by name.
type Form = (&'static str, fn(&SharedGenOf));

fn shared_of(log: &Log, hook: &Hook<()>) -> Rc<SharedGenOf> {
    let body_log = log.clone();
    let inside = Rc::clone(hook);
    Rc::new(SharedGen::new(Gen::with_send(move |co: Throwable| {
        Box::pin(async move {
            let _cleanup = Finally {
                log: body_log,
                name: "body",
            };
            co.yield_(1).await?;
            call(&inside);
            co.yield_(2).await?;
            Ok::<_, String>(())
        }) as Pin<Box<dyn Future<Output = _>>>
    })))
}

// ---- drop accounting ---------------------------------------------------------------------

/// The send type of the drop-accounting tests: every value sent or thrown is a `Finally`,
/// which logs its drop.
type Tracked = Result<Option<Finally>, Finally>;

fn tracked(log: &Log, name: &'static str) -> Finally {
    Finally {
        log: log.clone(),
        name,
    }
}

#[test]
fn values_refused_by_the_try_forms_are_dropped_exactly_once() {
    // No Python counterpart (a refused value is garbage collected there): a value given to
    // a try_ form that returns AlreadyRunning is dropped then, once, and never reaches the
    // body; values that do reach it are dropped once too.
    let log = Log::default();
    let hook: Hook<()> = Hook::default();
    let inside = Rc::clone(&hook);
    let body_log = log.clone();
    let g = Rc::new(SharedGen::new(Gen::with_send(
        move |co: Co<i32, Tracked>| async move {
            let _cleanup = tracked(&body_log, "body");
            body_log.push("refusing");
            call(&inside);
            body_log.push("refused");
            let sent = co.yield_(1).await?;
            body_log.push(format!("received {}", sent.as_ref().map_or("", |s| s.name)));
            drop(sent);
            co.yield_(2).await?;
            Ok::<_, Finally>(())
        },
    )));
    let values = log.clone();
    set_hook(&hook, &g, move |g| {
        assert_eq!(
            g.try_send(Ok(Some(tracked(&values, "refused send")))),
            Err(AlreadyRunning)
        );
        assert!(matches!(
            g.try_throw(tracked(&values, "refused throw")),
            Err(AlreadyRunning)
        ));
        assert!(matches!(
            g.try_resume(Ok(Some(tracked(&values, "refused resume")))),
            Err(AlreadyRunning)
        ));
    });

    assert_eq!(g.next(), Some(1));
    assert_eq!(g.send(Ok(Some(tracked(&log, "accepted send")))), Some(2));
    let raised = match g.throw(tracked(&log, "accepted throw")) {
        Thrown::Raised(error) => error,
        _ => panic!("the body lets the error propagate"),
    };
    assert_eq!(raised.name, "accepted throw");
    drop(raised);
    drop(g);
    assert_eq!(
        log.events(),
        [
            "refusing",
            "finally refused send",
            "finally refused throw",
            "finally refused resume",
            "refused",
            "received accepted send",
            "finally accepted send",
            "finally body",
            "finally accepted throw",
        ]
    );
}

#[test]
fn throw_into_a_fresh_shared_gen_drops_the_unrun_body_once_and_gives_the_error_back() {
    // Python: throw() into a just-created generator closes it (its captured values are
    // released) and the same exception object comes back out. Here each is dropped once.
    let log = Log::default();
    let captured = tracked(&log, "captured");
    let g = SharedGen::new(Gen::with_send(move |co: Co<i32, Tracked>| async move {
        let _captured = captured;
        co.yield_(1).await?;
        Ok::<_, Finally>(())
    }));
    let raised = match g.try_throw(tracked(&log, "error")) {
        Ok(Thrown::Raised(error)) => error,
        _ => panic!("throw into a fresh generator raises"),
    };
    assert_eq!(log.events(), ["finally captured"]);
    assert_eq!(raised.name, "error");
    drop(raised);
    drop(g);
    assert_eq!(log.events(), ["finally captured", "finally error"]);
}

#[test]
fn dropping_the_last_handle_of_a_suspended_shared_gen_closes_it_once() {
    // Python: a suspended generator is closed when its last reference goes, and its
    // finally blocks run then, once.
    let log = Log::default();
    let body_log = log.clone();
    let g = Rc::new(SharedGen::new(Gen::new(|co| async move {
        let _cleanup = Finally {
            log: body_log,
            name: "body",
        };
        loop {
            co.yield_(1).await;
        }
    })));
    let other = Rc::clone(&g);
    assert_eq!(g.next(), Some(1));
    assert_eq!(other.try_next(), Ok(Some(1)));
    drop(g);
    assert!(log.events().is_empty());
    drop(other);
    assert_eq!(log.events(), ["finally body"]);
}
