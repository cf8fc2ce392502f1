//! The host functions' contract: payloads in and out, and how they are called.
//!
//! Each host function lives in [`HOST_FUNCTION_MODULE`](crate::HOST_FUNCTION_MODULE), takes one
//! `i64` (the Extism memory offset of a UTF-8 JSON request) and returns one `i64` (the offset of a
//! JSON [`HostReply`]). A plugin may import one only when it requests its
//! [`Capability`](crate::Capability), and the host checks the grant again on every call.
//!
//! | function | capability | request | reply |
//! |---|---|---|---|
//! | `audit_log` | `audit_log` | [`AuditEvent`] | [`AuditAck`] |
//! | `get_patient` | `read_patient` | [`PatientRequest`] | [`Patient`] |
//! | `encrypt_phi` | `encrypt_phi` | [`EncryptRequest`] | [`EncryptedPhi`] |

use serde::{Deserialize, Serialize};

/// Longest `audit_log` event message the host accepts; longer ones are cut (the host also scans
/// them for identifiers, LGPD Art. 46).
pub const MAX_AUDIT_MESSAGE_BYTES: usize = 1024;

/// Events one call may log with `audit_log`: enough for any plugin's milestones, too few to
/// smuggle data out through the audit trail.
pub const MAX_AUDIT_EVENTS_PER_CALL: usize = 32;

/// Whether `name` is a valid `audit_log` event name: 1 to 64 bytes of `[a-z0-9_]`, starting with
/// a letter (`finding`, `phi_detected`, `step2_done`).
#[must_use]
pub fn is_valid_event_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=64).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `audit_log` request: one event for the call's audit record. Never put PHI here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AuditEvent {
    /// A stable snake_case event name (`findings_reported`).
    pub event: String,
    /// Free text for the auditor, at most [`MAX_AUDIT_MESSAGE_BYTES`].
    pub message: String,
}

/// `audit_log` reply: the event was appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct AuditAck {
    /// Position of the event within the call's record, from 0.
    pub sequence: u32,
}

/// `get_patient` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PatientRequest {
    /// The tenant's own patient id.
    pub patient_id: String,
}

/// Administrative sex as recorded by the clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Other or not informed.
    Other,
}

/// `get_patient` reply: the parts of a patient record a plugin may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Patient {
    /// The tenant's patient id.
    pub patient_id: String,
    /// Full name.
    pub name: String,
    /// Birth date, `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Administrative sex.
    pub sex: Option<Sex>,
}

/// `encrypt_phi` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct EncryptRequest {
    /// The protected health information to encrypt, as UTF-8 text.
    pub plaintext: String,
}

/// `encrypt_phi` reply: an AES-256-GCM envelope the host alone can open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct EncryptedPhi {
    /// Always `AES-256-GCM`.
    pub algorithm: String,
    /// Which host key sealed it.
    pub key_id: String,
    /// The 96-bit nonce, base64.
    pub nonce: String,
    /// Ciphertext followed by the 128-bit tag, base64.
    pub ciphertext: String,
}

/// Why a host function refused or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HostFnErrorCode {
    /// The capability is not granted, the patient belongs to another tenant, or there is no
    /// consent for the plugin's specialty.
    Denied,
    /// No such record.
    NotFound,
    /// The request is malformed.
    InvalidRequest,
    /// The host failed.
    Internal,
    /// The plugin used this host function more often than the policy allows, in this call or
    /// in the current period (LGPD Art. 6 III: processing limited to what is needed).
    QuotaExceeded,
}

impl HostFnErrorCode {
    /// The wire name (`not_found`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Denied => "denied",
            Self::NotFound => "not_found",
            Self::InvalidRequest => "invalid_request",
            Self::Internal => "internal",
            Self::QuotaExceeded => "quota_exceeded",
        }
    }
}

/// The error half of a [`HostReply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[error("host function refused ({code:?}): {message}")]
pub struct HostFnError {
    /// What kind of refusal.
    pub code: HostFnErrorCode,
    /// What happened.
    pub message: String,
}

/// What every host function returns: `{"ok": ...}` or `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HostReply<T> {
    /// The call succeeded.
    Ok(T),
    /// The call was refused or failed.
    Error(HostFnError),
}

impl<T> HostReply<T> {
    /// Turns the reply into a `Result`.
    pub fn into_result(self) -> Result<T, HostFnError> {
        match self {
            Self::Ok(v) => Ok(v),
            Self::Error(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_wire_names_are_their_serde_names() {
        for code in [
            HostFnErrorCode::Denied,
            HostFnErrorCode::NotFound,
            HostFnErrorCode::InvalidRequest,
            HostFnErrorCode::Internal,
        ] {
            assert_eq!(
                serde_json::to_string(&code).unwrap(),
                format!("\"{}\"", code.as_str())
            );
        }
    }

    #[test]
    fn replies_have_their_documented_wire_form() {
        let ok: HostReply<AuditAck> = HostReply::Ok(AuditAck { sequence: 2 });
        assert_eq!(
            serde_json::to_string(&ok).unwrap(),
            r#"{"ok":{"sequence":2}}"#
        );
        let denied: HostReply<Patient> = serde_json::from_str(
            r#"{"error":{"code":"denied","message":"no consent for cardiology"}}"#,
        )
        .unwrap();
        assert_eq!(
            denied.into_result(),
            Err(HostFnError {
                code: HostFnErrorCode::Denied,
                message: "no consent for cardiology".into()
            })
        );
    }
}
