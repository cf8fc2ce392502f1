//! The services host functions reach, each behind its trait where it has a backend: the
//! [`audit`] trail ([`AuditSink`](audit::AuditSink), SQLite or memory), the [`patients`] store
//! ([`PatientStore`](patients::PatientStore), SQLite) and the [`phi`] keyring; and the host
//! functions themselves ([`host_functions`]), which check the calling tenant's grant on every
//! use.

pub mod audit;
mod host_functions;
pub mod patients;
pub mod phi;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;

use std::sync::Arc;

pub(crate) use host_functions::{CallScope, HOST_CALL_LIMIT, ScopeLog, host_function};
pub use host_functions::{MAX_AUDIT_EVENTS_PER_CALL, MAX_HOST_REQUEST_BYTES};

use audit::AuditSink;

use crate::quota::QuotaLedger;
use patients::PatientStore;
use phi::PhiKeyring;

/// What the host functions reach: shared by every call of a host.
#[derive(Debug)]
pub(crate) struct Services {
    /// Patients, when the host has a store.
    pub patients: Option<Arc<dyn PatientStore>>,
    /// PHI keys, when the host has one.
    pub keyring: Option<PhiKeyring>,
    /// Where every call's record goes.
    pub audit: Arc<dyn AuditSink>,
    /// Rate state of the quotas (calls, and host functions).
    pub quotas: QuotaLedger,
}
