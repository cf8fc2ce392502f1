//! [`CallContext`]: who is calling — the tenant (clinic) and the actor (a user or a system).

/// The actor recorded for calls made without a [`CallContext`].
pub const UNNAMED_ACTOR: &str = "unnamed";

/// Who makes a call. The tenant decides which plugins, instances, patients and grants the call
/// gets; the actor is recorded in the audit trail (LGPD Art. 37: who processed what).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallContext {
    /// The tenant's id in the policy (`clinica-horizonte`).
    pub tenant: String,
    /// Who acts, as the embedder identifies them (`dr.ana`, `batch-import`). Not PHI: use an
    /// account id, not a patient's name.
    pub actor: String,
}

impl CallContext {
    /// A call by `actor` on behalf of `tenant`.
    pub fn new(tenant: impl Into<String>, actor: impl Into<String>) -> Self {
        Self {
            tenant: tenant.into(),
            actor: actor.into(),
        }
    }
}
