//! A test-only module whose `describe` answers a different, valid `PluginInfo` each time it is
//! asked (its version counts the calls): the host must refuse it at load — what it checked
//! would not be what runs.

use std::sync::atomic::{AtomicU32, Ordering};

use medplug_pdk::{ABI_VERSION, PluginInfo};

static ASKED: AtomicU32 = AtomicU32::new(0);

/// What `describe` returns: version `0.1.<how many times it was asked before>`.
pub fn plugin_info() -> PluginInfo {
    let asked = ASKED.fetch_add(1, Ordering::Relaxed);
    PluginInfo {
        name: "describe-varies".to_owned(),
        version: format!("0.1.{asked}"),
        abi_version: ABI_VERSION,
        specialty: "testing".to_owned(),
        description: "answers differently each time".to_owned(),
        functions: Vec::new(),
        capabilities: Vec::new(),
    }
}

#[cfg(target_arch = "wasm32")]
mod exports {
    medplug_pdk::export_plugin! {
        describe: crate::plugin_info,
    }
}
