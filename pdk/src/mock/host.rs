//! The host functions natively: the same signatures as inside wasm (`medplug_pdk::host`), served
//! by the thread's [`MockHost`](super::MockHost). Without one installed each answers `internal`,
//! saying how to install one.

use crate::host_fns::{AuditAck, AuditEvent, EncryptedPhi, HostFnError, Patient};

/// Appends an event to this call's audit record (capability `audit_log`). Never pass PHI.
pub fn audit_log(event: &str, message: &str) -> Result<AuditAck, HostFnError> {
    super::audit_log(AuditEvent {
        event: event.to_owned(),
        message: message.to_owned(),
    })
}

/// Reads a patient of the calling tenant (capability `read_patient`).
pub fn get_patient(patient_id: &str) -> Result<Patient, HostFnError> {
    super::get_patient(patient_id)
}

/// Encrypts PHI under a host-held key (capability `encrypt_phi`); here, the mock's reversible
/// stand-in.
pub fn encrypt_phi(plaintext: &str) -> Result<EncryptedPhi, HostFnError> {
    super::encrypt_phi(plaintext)
}
