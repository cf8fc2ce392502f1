//! `target/plugins/index.json`: what `cargo xtask build-plugins` built, for xtask and the tests.

use medplug_pdk::Capability;
use serde::{Deserialize, Serialize};

/// The file name of the index, next to the modules.
pub const PLUGIN_INDEX_FILE: &str = "index.json";

/// The index of a plugin directory.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PluginIndex {
    /// One entry per module, sorted by name.
    pub plugins: Vec<PluginIndexEntry>,
}

/// One built plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PluginIndexEntry {
    /// Plugin name; the module is `<name>.wasm`.
    pub name: String,
    /// Plugin version.
    pub version: String,
    /// ABI the plugin speaks.
    pub abi_version: u32,
    /// Its specialty.
    pub specialty: String,
    /// sha256 of the optimised module, lowercase hex.
    pub sha256: String,
    /// sha256 of the module as rustc wrote it (lets a rebuild skip wasm-opt when unchanged).
    pub raw_sha256: String,
    /// Size as rustc wrote it, in bytes.
    pub raw_size: usize,
    /// Size after wasm-opt, in bytes.
    pub size: usize,
    /// The wasm-opt level applied (`z`, `s`, `0`–`4`) or `none`.
    pub optimization: String,
    /// Exported functions besides `describe`.
    pub functions: Vec<String>,
    /// Requested capabilities.
    pub capabilities: Vec<Capability>,
}

impl PluginIndex {
    /// The entry of that plugin.
    pub fn get(&self, name: &str) -> Option<&PluginIndexEntry> {
        self.plugins.iter().find(|p| p.name == name)
    }
}
