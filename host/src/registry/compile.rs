//! Compiling a module: Extism without WASI, with medplug's host functions linked, under limits.

use std::sync::Arc;

use extism::{CompiledPlugin, Manifest, PTR, PluginBuilder, UserData, Wasm};
use medplug_pdk::{Capability, HOST_FUNCTION_MODULE};

use super::compile_cache::CompileCache;
use crate::Limits;
use crate::services::host_function;

/// Compiles `bytes` under `limits`, with every medplug host function linked (each checks the
/// calling tenant's grant on every call, and gives nothing outside a call); functions already
/// compiled by an earlier load are taken from `cache` when there is one.
///
/// Memory and timeout live in Extism's manifest and fuel in wasmtime's configuration, so a
/// module is compiled for one set of limits; Extism's on-disk compilation cache stays off.
pub(crate) fn compile(
    bytes: &[u8],
    limits: &Limits,
    cache: Option<&Arc<CompileCache>>,
) -> Result<CompiledPlugin, extism::Error> {
    let mut manifest = Manifest::new([Wasm::data(bytes.to_vec())])
        .with_memory_max(limits.max_memory_pages)
        .with_timeout(limits.timeout);
    // Extism's variables live in the host's heap, outside the memory limit: bounded here (Extism
    // would allow 1 MiB). The manifest's `config` stays empty: `config_get` finds nothing.
    manifest.memory.max_var_bytes = Some(limits.max_var_bytes);
    let mut builder = PluginBuilder::new(manifest)
        .with_wasi(false)
        .with_cache_disabled();
    if let Some(fuel) = limits.fuel {
        builder = builder.with_fuel_limit(fuel);
    }
    if let Some(cache) = cache {
        // Extism sets its own options (epochs, fuel…) over this configuration.
        let mut config = wasmtime::Config::new();
        config.enable_incremental_compilation(Arc::clone(cache) as Arc<dyn wasmtime::CacheStore>)?;
        builder = builder.with_wasmtime_config(config);
    }
    for capability in Capability::ALL {
        builder = builder.with_function_in_namespace(
            HOST_FUNCTION_MODULE,
            capability.host_function(),
            [PTR],
            [PTR],
            UserData::new(capability),
            host_function,
        );
    }
    builder.compile()
}
