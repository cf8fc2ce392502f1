//! `versioned` at 2.0.0: the source of `versioned-v1` (see it), compiled as this crate so that
//! `describe` and `echo` report this crate's version.

#[path = "../../versioned-v1/src/lib.rs"]
mod plugin;

pub use plugin::*;
