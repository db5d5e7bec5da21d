//! The crate's only `unsafe` code. Every other module denies it (`io` forbids it); each
//! `unsafe` block here has a `// SAFETY:` comment, and each part offers an interface that is
//! sound whatever the rest of the crate does with it.
//!
//! - [`slot`]: the per-resume hand-off slot between a generator's driver and its body, and
//!   the waker that carries its address.
//! - [`delegation`]: the stack of delegations that lets the outermost driver resume the
//!   innermost `yield_from` delegate directly, in O(1) per item.
//! - [`frames`]: a `Recursive` generator's stack of calls, pinned in chunks it owns.
//! - `text` (feature `io`): `TextBuf`, the line reader's buffer, which tracks a range of
//!   bytes known to be ASCII so that lines inside it become `&str` without validating
//!   each one again.

pub(crate) mod delegation;
pub(crate) mod frames;
pub(crate) mod slot;
#[cfg(feature = "io")]
pub(crate) mod text;
