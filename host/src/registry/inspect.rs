//! [`inspect`]: everything about a module file, without loading it into a host.

use std::collections::BTreeMap;

use medplug_pdk::PluginInfo;

use super::ModuleInterface;
use super::loader::examine;
use super::schema_guard::FunctionSchemas;
use crate::{Limits, LoadError, sha256_hex};

/// What `medplug inspect` and `cargo xtask build-plugins` learn about a module.
#[derive(Debug)]
pub struct Inspection {
    /// What `describe` returned.
    pub info: PluginInfo,
    /// Imports and exported functions.
    pub interface: ModuleInterface,
    /// Size in bytes.
    pub size: usize,
    /// sha256, lowercase hex.
    pub sha256: String,
    /// Each function's schemas from the module's `medplug.schemas` section, compiled; `None`
    /// when the module embeds none (a host then validates only against a schemas directory).
    pub embedded_schemas: Option<BTreeMap<String, FunctionSchemas>>,
}

/// Describes a module and checks it against ABI v1 with the capabilities it requests counted as
/// granted (the build-time view: a host's policy may grant fewer).
pub fn inspect(origin: &str, bytes: &[u8]) -> Result<Inspection, LoadError> {
    let requested = |info: &PluginInfo| info.capabilities.clone();
    let examined = examine(origin, bytes, Limits::default(), None, requested)?;
    Ok(Inspection {
        info: examined.info,
        interface: examined.interface,
        size: bytes.len(),
        sha256: sha256_hex(bytes),
        embedded_schemas: examined.schemas,
    })
}
