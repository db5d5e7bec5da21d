//! Generator pipelines: stages that compose with any `Iterator`, and a stage on another core.
