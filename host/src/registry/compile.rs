//! Compiling a module: Extism without WASI, with medplug's host functions linked, under limits.

use extism::{CompiledPlugin, Manifest, PTR, PluginBuilder, UserData, Wasm};
use medplug_pdk::{Capability, HOST_FUNCTION_MODULE};

use crate::Limits;
use crate::services::host_function;

/// Compiles `bytes` under `limits`, with every medplug host function linked (each checks the
/// calling tenant's grant on every call, and gives nothing outside a call).
///
/// Memory and timeout live in Extism's manifest and fuel in wasmtime's configuration, so a
/// module is compiled for one set of limits; Extism's on-disk compilation cache stays off.
pub(crate) fn compile(bytes: &[u8], limits: &Limits) -> Result<CompiledPlugin, extism::Error> {
    let manifest = Manifest::new([Wasm::data(bytes.to_vec())])
        .with_memory_max(limits.max_memory_pages)
        .with_timeout(limits.timeout);
    let mut builder = PluginBuilder::new(manifest)
        .with_wasi(false)
        .with_cache_disabled();
    if let Some(fuel) = limits.fuel {
        builder = builder.with_fuel_limit(fuel);
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
