//! # {{name}} — a medplug plugin ({{specialty}})
//!
//! Made by `cargo xtask new-plugin`. Its starter algorithm, [`evaluate`], is small and real: an
//! adult's body mass index and its WHO class (`bmi.rs`). Replace it with yours and keep the
//! shape the reference plugins have:
//!
//! - the algorithm in plain Rust, unit-tested and benchmarked natively (`cargo test -p {{name}}`,
//!   `cargo bench -p {{name}}`){{host_doc}};
//! - its wire types in `wire.rs`, in this crate: `cargo xtask schemas` publishes their JSON
//!   Schemas in `schemas/{{name}}/` (through `examples/schemas.rs`);
//! - `exports.rs`, the only file that touches the wasm glue;
//! - one fixture per function in `tests/fixtures/{{name}}/`, which the conformance suite runs.
//!
//! `cargo xtask build-plugins` builds `target/plugins/{{name}}.wasm`, and
//! `medplug conformance target/plugins/{{name}}.wasm --fixtures tests/fixtures/{{name}} --schemas schemas`
//! checks it against ABI v1.

mod bmi;
#[cfg(target_arch = "wasm32")]
mod exports;
pub mod wire;

pub use bmi::evaluate;

use medplug_pdk::PluginInfo;

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    let mut info = PluginInfo::new(
        wire::PLUGIN_NAME,
        env!("CARGO_PKG_VERSION"),
        wire::SPECIALTY,
        "an adult's body mass index and its WHO class (WHO TRS 894, 2000)",
        &[wire::EVALUATE],
    );
    info.capabilities = vec![{{capabilities}}];
    info
}

#[cfg(test)]
mod tests {
    #[test]
    fn plugin_info_follows_abi_v1() {
        let info = super::plugin_info();
        assert_eq!(info.validate(), Ok(()));
        assert_eq!(info.id(), concat!("{{name}}@", env!("CARGO_PKG_VERSION")));
        assert_eq!(info.specialty, "{{specialty}}");
        let functions: Vec<&str> = info.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(functions, ["evaluate"]);
        assert_eq!(info.capabilities, [{{capabilities}}]);
    }
}
