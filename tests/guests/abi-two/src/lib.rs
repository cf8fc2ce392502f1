//! A test-only plugin that says it speaks ABI v2: a v1 host must refuse it at load.

use medplug_pdk::{ABI_VERSION, PluginInfo};

/// What `describe` returns: an otherwise valid plugin from the future.
pub fn plugin_info() -> PluginInfo {
    PluginInfo {
        name: "abi-two".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        abi_version: ABI_VERSION + 1,
        specialty: "testing".to_owned(),
        description: "speaks an ABI this host does not".to_owned(),
        functions: Vec::new(),
        capabilities: Vec::new(),
    }
}

#[cfg(target_arch = "wasm32")]
mod exports {
    //! The test plugin's wasm exports.
    medplug_pdk::export_plugin! {
        describe: crate::plugin_info,
    }
}
