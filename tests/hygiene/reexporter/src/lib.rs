//! Re-exports `yielding`'s macro and types, as a facade crate would: its dependents call
//! `yielding_reexporter::generator!` without depending on `yielding` themselves.

pub use yielding::{Co, Gen, generator};
