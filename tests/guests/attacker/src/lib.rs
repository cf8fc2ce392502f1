//! A test-only plugin written by an attacker (issue 21): every function tries to hurt the host
//! or reach past its sandbox, and `tests/all/attackers.rs` proves each attempt ends in a typed
//! error, one audit record, a discarded instance where the instance may be damaged, and a host
//! that serves the next call.
//!
//! | function | attack |
//! |---|---|
//! | `echo` | none: returns its input (the neighbour's call, the next call) |
//! | `spin` | a tight loop |
//! | `grow` | `memory.grow` until the limit refuses |
//! | `recurse` | unbounded recursion |
//! | `big_output` | a 100 MB output (Extism kernel memory, never touched by the guest) |
//! | `not_utf8`, `not_json` | output that is not UTF-8, or not JSON |
//! | `host_flood` | `audit_log` a million times |
//! | `patient` | `get_patient` of `{"patient_id"}`, the reply as it came |
//! | `raw_host` | a raw request `{"request"}`, or `{"fill": n}` bytes, to `get_patient` |
//! | `host_bad_offset` | `get_patient` with an offset the plugin does not own |
//! | `kernel_*` | Extism's kernel imports with offsets the plugin does not own |
//! | `var_fill` | `var_set` 64 KiB values until the host refuses |
//! | `config_probe` | `config_get` of keys a host might hold; returns those found |
//! | `output_foreign`, `output_overrun` | `output_set` past the plugin's memory |

#[cfg(target_arch = "wasm32")]
mod exports;

use medplug_pdk::{ABI_VERSION, Capability, FunctionInfo, PluginInfo, SchemaId};

const NAME: &str = "attacker";

/// Every function the module exports besides `describe`.
pub const FUNCTIONS: [&str; 21] = [
    "echo",
    "spin",
    "grow",
    "recurse",
    "big_output",
    "not_utf8",
    "not_json",
    "host_flood",
    "patient",
    "raw_host",
    "host_bad_offset",
    "kernel_load",
    "kernel_store",
    "kernel_free",
    "kernel_length",
    "kernel_input_load",
    "kernel_alloc",
    "var_fill",
    "config_probe",
    "output_foreign",
    "output_overrun",
];

/// Size of `big_output`'s output: 100 MB.
pub const BIG_OUTPUT_BYTES: u64 = 100_000_000;

/// The keys `config_probe` asks for: what a careless host might pass to plugins.
pub const CONFIG_KEYS: [&str; 9] = [
    "tenant",
    "phi_key",
    "MEDPLUG_PHI_KEY",
    "api_key",
    "database_url",
    "audit_db",
    "PATH",
    "HOME",
    "medplug",
];

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    PluginInfo {
        name: NAME.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        abi_version: ABI_VERSION,
        specialty: "testing".to_owned(),
        description: "attacks the host, for the conformance suite".to_owned(),
        functions: FUNCTIONS
            .iter()
            .map(|f| FunctionInfo {
                name: (*f).to_owned(),
                input_schema: SchemaId::input(NAME, f),
                output_schema: SchemaId::output(NAME, f),
            })
            .collect(),
        capabilities: vec![Capability::AuditLog, Capability::ReadPatient],
    }
}
