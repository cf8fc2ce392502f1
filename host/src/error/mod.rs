//! The host's two error types: [`LoadError`] for building a host and changing its plugins,
//! [`CallError`] for calls. A caller of a plugin only ever sees the second.

mod call_error;
mod load_error;

pub use call_error::{CallError, CallSite};
pub use load_error::{LoadError, ModuleProblem};
