//! A test-only dermatology plugin that requests every capability and calls each host function.
//!
//! Each function returns the host's reply as the plugin saw it — `{"ok": …}` or
//! `{"error": {"code", "message"}}` — so tests can check grants, tenant and consent rules and the
//! audit trail from inside the sandbox:
//!
//! | function | input | host function |
//! |---|---|---|
//! | `log` | `{"event", "message"}` | `audit_log` |
//! | `patient` | `{"patient_id"}` | `get_patient` |
//! | `patients` | `{"patient_ids": […]}` | `get_patient`, once per id (a list of replies) |
//! | `encrypt` | `{"plaintext"}` | `encrypt_phi` |

use medplug_pdk::{ABI_VERSION, Capability, FunctionInfo, PluginError, PluginInfo, SchemaId};
use serde_json::Value;

/// The plugin's name.
pub const NAME: &str = "host-caller";

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    let function = |name: &str| FunctionInfo {
        name: name.to_owned(),
        input_schema: SchemaId::input(NAME, name),
        output_schema: SchemaId::output(NAME, name),
    };
    PluginInfo {
        name: NAME.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        abi_version: ABI_VERSION,
        specialty: "dermatology".to_owned(),
        description: "calls each host function and returns the reply".to_owned(),
        functions: vec![
            function("log"),
            function("patient"),
            function("patients"),
            function("encrypt"),
        ],
        capabilities: Capability::ALL.to_vec(),
    }
}

/// The string field `name` of the input.
fn field<'a>(input: &'a Value, name: &str) -> Result<&'a str, PluginError> {
    input
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| PluginError::invalid_input(format!("`{name}` must be a string")))
}

/// The host's reply, as JSON: `{"ok": value}` or `{"error": {...}}`.
fn reply<T: serde::Serialize>(
    result: Result<T, medplug_pdk::host_fns::HostFnError>,
) -> Result<Value, PluginError> {
    let reply = match result {
        Ok(value) => medplug_pdk::host_fns::HostReply::Ok(value),
        Err(error) => medplug_pdk::host_fns::HostReply::Error(error),
    };
    serde_json::to_value(reply).map_err(|e| PluginError::internal(e.to_string()))
}

pub mod functions {
    //! The functions: in wasm they call the host; natively (unit tests) the pdk's mock host.
    use super::*;

    /// `audit_log(event, message)`.
    pub fn log(input: Value) -> Result<Value, PluginError> {
        reply(medplug_pdk::host::audit_log(
            field(&input, "event")?,
            field(&input, "message")?,
        ))
    }

    /// `get_patient(patient_id)`.
    pub fn patient(input: Value) -> Result<Value, PluginError> {
        reply(medplug_pdk::host::get_patient(field(&input, "patient_id")?))
    }

    /// `get_patient` for each of `patient_ids`, in order.
    pub fn patients(input: Value) -> Result<Value, PluginError> {
        let ids = input
            .get("patient_ids")
            .and_then(Value::as_array)
            .ok_or_else(|| PluginError::invalid_input("`patient_ids` must be a list"))?;
        let mut replies = Vec::with_capacity(ids.len());
        for id in ids {
            let id = id
                .as_str()
                .ok_or_else(|| PluginError::invalid_input("a patient id must be a string"))?;
            replies.push(reply(medplug_pdk::host::get_patient(id))?);
        }
        Ok(Value::Array(replies))
    }

    /// `encrypt_phi(plaintext)`.
    pub fn encrypt(input: Value) -> Result<Value, PluginError> {
        reply(medplug_pdk::host::encrypt_phi(field(&input, "plaintext")?))
    }
}

#[cfg(target_arch = "wasm32")]
mod exports {
    //! The test plugin's wasm exports.
    medplug_pdk::export_plugin! {
        describe: crate::plugin_info,
        log: crate::functions::log,
        patient: crate::functions::patient,
        patients: crate::functions::patients,
        encrypt: crate::functions::encrypt,
    }
}

#[cfg(test)]
mod tests {
    //! The plugin's functions natively, against the pdk's mock host: the same scenarios the
    //! host's tests run through wasm (`tests/all/capabilities.rs`).
    use medplug_pdk::host_fns::{EncryptedPhi, HostFnErrorCode, Patient};
    use medplug_pdk::mock::MockHost;
    use serde_json::json;

    use super::*;

    fn patient(id: &str) -> Patient {
        Patient {
            patient_id: id.to_owned(),
            name: "Paciente Teste".to_owned(),
            birth_date: Some("1970-01-01".to_owned()),
            sex: None,
        }
    }

    #[test]
    fn patients_answers_each_id_as_the_host_would() {
        let session = MockHost::new("dermatology")
            .patient(patient("HZ-0001"), &["dermatology"])
            .patient(patient("HZ-0002"), &["cardiology"])
            .install();
        let replies =
            functions::patients(json!({"patient_ids": ["HZ-0001", "HZ-0002", "CS-0001"]})).unwrap();
        assert_eq!(replies[0]["ok"]["patient_id"], "HZ-0001");
        assert_eq!(replies[1]["error"]["code"], "denied");
        assert_eq!(
            replies[2]["error"],
            json!({"code": "not_found", "message": "no patient `CS-0001`"})
        );
        assert_eq!(session.calls(), [Capability::ReadPatient; 3]);
    }

    #[test]
    fn log_and_encrypt_reach_the_mock_and_their_refusals_come_back_as_replies() {
        let session = MockHost::new("dermatology").install();
        let logged = functions::log(json!({"event": "lesion_scored", "message": "2 lesions"}));
        assert_eq!(logged.unwrap(), json!({"ok": {"sequence": 0}}));
        assert_eq!(session.audit_events()[0].message, "2 lesions");
        let sealed = functions::encrypt(json!({"plaintext": "Ana, CPF 529.982.247-25"})).unwrap();
        let sealed: EncryptedPhi = serde_json::from_value(sealed["ok"].clone()).unwrap();
        assert_eq!(
            session.decrypt(&sealed).as_deref(),
            Some("Ana, CPF 529.982.247-25")
        );
        drop(session);

        let _session = MockHost::new("dermatology")
            .fail(Capability::EncryptPhi, HostFnErrorCode::QuotaExceeded)
            .revoke(Capability::AuditLog)
            .install();
        let refused = functions::encrypt(json!({"plaintext": "x"})).unwrap();
        assert_eq!(refused["error"]["code"], "quota_exceeded");
        let denied = functions::log(json!({"event": "x", "message": ""})).unwrap();
        assert_eq!(denied["error"]["code"], "denied");
    }

    #[test]
    fn a_missing_field_is_invalid_input_before_any_host_function() {
        let session = MockHost::new("dermatology").install();
        let error = functions::patient(json!({"id": "HZ-0001"})).unwrap_err();
        assert_eq!(error.code, medplug_pdk::ErrorCode::InvalidInput);
        assert!(session.calls().is_empty());
    }
}
