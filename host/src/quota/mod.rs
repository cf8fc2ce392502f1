//! Quotas: how often a tenant may call a plugin, and how often a plugin may use a host function
//! for it — limits in the policy ([`CallQuota`]), rate state per tenant × plugin ([`QuotaLedger`],
//! a sliding window: no interval of one period ever holds more than the limit), in this process
//! or, with `[storage] quotas = "postgres://…"`, shared by every replica (`PostgresQuotas`).
//!
//! The design documents give a plugin 1,000 calls a minute, and a per-call and per-minute limit
//! on database queries, which here is `get_patient` (LGPD Art. 6 III: no more processing than
//! the purpose needs). A call over its quota is refused before it takes an instance, audited
//! with the outcome `quota_exceeded`, and told when it may retry.

mod ledger;
mod limits;
#[cfg(feature = "postgres")]
mod shared;

pub(crate) use ledger::{QuotaLedger, Refusal};
pub use limits::{CallQuota, HostFunctionQuota};
#[cfg(feature = "postgres")]
pub use shared::{PostgresQuotas, QuotaStoreError};
