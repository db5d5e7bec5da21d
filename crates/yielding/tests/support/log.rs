//! An event log and a `finally` stand-in, for tests that assert the order in which things
//! ran. Include with `#[path = "support/log.rs"] mod log;`.

use std::cell::RefCell;
use std::rc::Rc;

/// A shared event log, so tests can assert the order in which things ran.
#[derive(Clone, Default)]
pub(crate) struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    pub(crate) fn push(&self, event: impl Into<String>) {
        self.0.borrow_mut().push(event.into());
    }
    pub(crate) fn events(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// Stands for a Python `finally:` block: logs when it is dropped.
pub(crate) struct Finally {
    pub(crate) log: Log,
    pub(crate) name: &'static str,
}

impl Drop for Finally {
    fn drop(&mut self) {
        self.log.push(format!("finally {}", self.name));
    }
}
