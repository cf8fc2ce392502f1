//! Module loading on arbitrary bytes and on mutated real modules.
//!
//! Every input goes through `ModuleInterface::parse` (wasmparser's validation, imports and
//! exports: the first thing a load does). Inputs up to [`MAX_INSPECTED`] then go through
//! `medplug_host::inspect`, the rest of a load without a host: compilation by wasmtime,
//! `describe` under the default limits, the ABI v1 rules, the interface check. Compiling is
//! what makes an execution slow, so larger inputs (the reference plugins are 200–850 KB) get
//! the parser only; the small test plugins and hand-written modules reach every stage.
//!
//! The contract checked: `inspect` accepts only what the parser accepts, and the size and
//! digest it reports are those of the bytes.

use medplug_host::{ModuleInterface, inspect, sha256_hex};

/// The largest input `inspect` compiles.
pub const MAX_INSPECTED: usize = 128 * 1024;

/// The parser on every input, `inspect` on small ones.
pub fn module(data: &[u8]) {
    let parsed = ModuleInterface::parse(data);
    if let Ok(interface) = &parsed {
        let _ = interface.host_functions().count();
    }
    if data.len() > MAX_INSPECTED {
        return;
    }
    match inspect("fuzz.wasm", data) {
        Ok(inspection) => {
            assert!(parsed.is_ok(), "inspect accepted what the parser refused");
            assert_eq!(inspection.size, data.len());
            assert_eq!(inspection.sha256, sha256_hex(data));
            assert_eq!(
                inspection.info.validate(),
                Ok(()),
                "an inspected module's PluginInfo follows ABI v1"
            );
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}
