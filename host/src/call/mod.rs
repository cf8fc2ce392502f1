//! The call path: who calls ([`CallContext`]), what they name ([`Target`]), the one pipeline
//! every call goes through ([`pipeline`]), how runtime failures become typed errors
//! ([`classify`]), the call's audit record ([`record`]) and what a successful call hands back
//! ([`Receipt`]).

mod classify;
mod context;
mod pipeline;
mod receipt;
mod record;
mod target;

pub(crate) use classify::{TIMEOUT, classify};
pub use context::{CallContext, UNNAMED_ACTOR};
pub use receipt::Receipt;
pub use target::{Target, TargetProblem};
