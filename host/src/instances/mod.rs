//! Instances and what bounds them: per-call [`Limits`] (memory, time, fuel, input size), and
//! per tenant × plugin@version pools ([`PoolLimits`]) under one host-wide cap on idle
//! instances with least-recently-used eviction.

mod idle_ledger;
mod limits;
mod pool;
mod pool_limits;

pub(crate) use idle_ledger::IdleLedger;
pub use limits::Limits;
pub(crate) use pool::{PoolError, TenantPools};
pub use pool_limits::{DEFAULT_MAX_IDLE_TOTAL, PoolLimits};

#[cfg(test)]
mod tests;
