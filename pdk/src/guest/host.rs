//! Guest-side wrappers of the host functions (see [`crate::host_fns`] for the contract).
//!
//! A module imports a host function only if it calls its wrapper, so a plugin that never calls
//! [`get_patient`] does not import it and needs no `read_patient` capability.

use extism_pdk as pdk;
use serde::{Serialize, de::DeserializeOwned};

use crate::host_fns::{
    AuditAck, AuditEvent, EncryptRequest, EncryptedPhi, HostFnError, HostFnErrorCode, HostReply,
    Patient, PatientRequest,
};

#[link(wasm_import_module = "extism:host/user")]
unsafe extern "C" {
    #[link_name = "audit_log"]
    fn import_audit_log(request: u64) -> u64;
    #[link_name = "get_patient"]
    fn import_get_patient(request: u64) -> u64;
    #[link_name = "encrypt_phi"]
    fn import_encrypt_phi(request: u64) -> u64;
}

fn internal(message: String) -> HostFnError {
    HostFnError {
        code: HostFnErrorCode::Internal,
        message,
    }
}

fn call<Req: Serialize, Rep: DeserializeOwned>(
    function: unsafe extern "C" fn(u64) -> u64,
    request: &Req,
) -> Result<Rep, HostFnError> {
    let json = serde_json::to_vec(request).map_err(|e| internal(e.to_string()))?;
    let memory = pdk::Memory::from_bytes(json).map_err(|e| internal(e.to_string()))?;
    // SAFETY: the host function takes the offset of a live Extism allocation and returns the
    // offset of one it allocated for the reply.
    let reply_offset = unsafe { function(memory.offset()) };
    memory.free();
    let reply = pdk::Memory::find(reply_offset)
        .ok_or_else(|| internal("the host returned no reply".into()))?;
    let bytes = reply.to_vec();
    reply.free();
    serde_json::from_slice::<HostReply<Rep>>(&bytes)
        .map_err(|e| internal(format!("the host's reply did not parse: {e}")))?
        .into_result()
}

/// Appends an event to this call's audit record (capability `audit_log`). Never pass PHI.
pub fn audit_log(event: &str, message: &str) -> Result<AuditAck, HostFnError> {
    let request = AuditEvent {
        event: event.to_owned(),
        message: message.to_owned(),
    };
    call(import_audit_log, &request)
}

/// Reads a patient of the calling tenant (capability `read_patient`).
pub fn get_patient(patient_id: &str) -> Result<Patient, HostFnError> {
    call(
        import_get_patient,
        &PatientRequest {
            patient_id: patient_id.to_owned(),
        },
    )
}

/// Encrypts PHI under a host-held key (capability `encrypt_phi`).
pub fn encrypt_phi(plaintext: &str) -> Result<EncryptedPhi, HostFnError> {
    call(
        import_encrypt_phi,
        &EncryptRequest {
            plaintext: plaintext.to_owned(),
        },
    )
}
