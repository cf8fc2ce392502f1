//! A test-only plugin that requests `read_patient` and imports `get_patient`: a host that does
//! not grant the capability must refuse it at load, naming the import and the missing grant.

use medplug_pdk::{ABI_VERSION, Capability, FunctionInfo, PluginError, PluginInfo, SchemaId};
use serde_json::Value;

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    PluginInfo {
        name: "forbidden-import".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        abi_version: ABI_VERSION,
        specialty: "testing".to_owned(),
        description: "reads a patient without a grant".to_owned(),
        functions: vec![FunctionInfo {
            name: "peek".to_owned(),
            input_schema: SchemaId::input("forbidden-import", "peek"),
            output_schema: SchemaId::output("forbidden-import", "peek"),
        }],
        capabilities: vec![Capability::ReadPatient],
    }
}

/// Reads patient `{"patient_id": ...}` through the host.
#[cfg(target_arch = "wasm32")]
pub fn peek(input: Value) -> Result<Value, PluginError> {
    let id = input
        .get("patient_id")
        .and_then(Value::as_str)
        .unwrap_or("p1");
    let patient =
        medplug_pdk::host::get_patient(id).map_err(|e| PluginError::internal(e.to_string()))?;
    Ok(Value::String(patient.name))
}

#[cfg(target_arch = "wasm32")]
mod exports {
    //! The test plugin's wasm exports.
    medplug_pdk::export_plugin! {
        describe: crate::plugin_info,
        peek: crate::peek,
    }
}

/// Natively there is no host to ask.
#[cfg(not(target_arch = "wasm32"))]
pub fn peek(_: Value) -> Result<Value, PluginError> {
    Err(PluginError::unsupported("peek needs the host"))
}
