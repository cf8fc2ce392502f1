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
#[cfg(target_arch = "wasm32")]
fn reply<T: serde::Serialize>(
    result: Result<T, medplug_pdk::host_fns::HostFnError>,
) -> Result<Value, PluginError> {
    let reply = match result {
        Ok(value) => medplug_pdk::host_fns::HostReply::Ok(value),
        Err(error) => medplug_pdk::host_fns::HostReply::Error(error),
    };
    serde_json::to_value(reply).map_err(|e| PluginError::internal(e.to_string()))
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    //! The functions, which need the host.
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
        log: crate::wasm::log,
        patient: crate::wasm::patient,
        patients: crate::wasm::patients,
        encrypt: crate::wasm::encrypt,
    }
}

/// Natively there is no host: the input is checked and nothing else happens.
#[cfg(not(target_arch = "wasm32"))]
pub fn check_input(input: &Value, name: &str) -> Result<(), PluginError> {
    field(input, name).map(|_| ())
}
