//! A test-only plugin that remembers, in static memory, the secret of the call before.
//!
//! `remember({"secret": s})` stores `s` and returns `{"previous": <the secret stored by the
//! previous call on this instance, or null>, "calls": <calls this instance has served>}`. Two
//! calls of one tenant on one instance see each other's secret, which shows the state is real;
//! a call of another tenant must never see it, which is what the host's per-tenant instances
//! promise.

use std::sync::Mutex;

use medplug_pdk::{ABI_VERSION, FunctionInfo, PluginError, PluginInfo, SchemaId};
use serde_json::{Value, json};

/// The plugin's name.
pub const NAME: &str = "state-leak";

/// The secret of the last call and the number of calls, in the instance's linear memory.
static MEMORY: Mutex<(Option<String>, u64)> = Mutex::new((None, 0));

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    PluginInfo {
        name: NAME.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        abi_version: ABI_VERSION,
        specialty: "testing".to_owned(),
        description: "remembers the previous caller's secret in static memory".to_owned(),
        functions: vec![FunctionInfo {
            name: "remember".to_owned(),
            input_schema: SchemaId::input(NAME, "remember"),
            output_schema: SchemaId::output(NAME, "remember"),
        }],
        capabilities: Vec::new(),
    }
}

/// Stores `input.secret` and returns the one stored before.
pub fn remember(input: Value) -> Result<Value, PluginError> {
    let secret = input
        .get("secret")
        .and_then(Value::as_str)
        .ok_or_else(|| PluginError::invalid_input("`secret` must be a string"))?;
    let mut memory = MEMORY.lock().unwrap_or_else(|p| p.into_inner());
    let previous = memory.0.replace(secret.to_owned());
    memory.1 += 1;
    Ok(json!({ "previous": previous, "calls": memory.1 }))
}

#[cfg(target_arch = "wasm32")]
mod exports {
    //! The test plugin's wasm exports.
    medplug_pdk::export_plugin! {
        describe: crate::plugin_info,
        remember: crate::remember,
    }
}
