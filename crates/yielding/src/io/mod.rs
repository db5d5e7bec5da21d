//! Constant-memory readers for line- and record-oriented input (feature `io`).
