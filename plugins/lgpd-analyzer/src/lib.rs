//! # lgpd-analyzer — personal data in Brazilian text, under LGPD (Lei 13.709/2018)
//!
//! The first stage of every medplug content pipeline: before a clinic publishes or shares a text
//! it learns what personal data the text holds and how risky it is. This version finds CPF
//! numbers, formatted and bare, and verifies their check digits; a number with a CPF's shape that
//! fails them is never reported as valid.
//!
//! The algorithm is plain Rust ([`analyze`]), unit-tested and benchmarked natively; `exports.rs`
//! is the only wasm glue.

mod analyzer;
mod cpf;
#[cfg(target_arch = "wasm32")]
mod exports;
mod risk;

pub use analyzer::analyze;
pub use cpf::{cpf_check_digits, is_valid_cpf};

use medplug_pdk::{ABI_VERSION, FunctionInfo, PluginInfo, SchemaId, lgpd};

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    PluginInfo {
        name: lgpd::PLUGIN_NAME.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        abi_version: ABI_VERSION,
        specialty: lgpd::SPECIALTY.to_owned(),
        description: "finds personal data under LGPD (CPF with check digits) and scores its risk"
            .to_owned(),
        functions: vec![FunctionInfo {
            name: lgpd::ANALYZE.to_owned(),
            input_schema: SchemaId::input(lgpd::PLUGIN_NAME, lgpd::ANALYZE),
            output_schema: SchemaId::output(lgpd::PLUGIN_NAME, lgpd::ANALYZE),
        }],
        capabilities: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plugin_info_follows_abi_v1() {
        let info = super::plugin_info();
        assert_eq!(info.validate(), Ok(()));
        assert_eq!(info.id(), "lgpd-analyzer@0.1.0");
        assert_eq!(
            info.functions[0].input_schema.as_str(),
            "lgpd-analyzer/analyze.input"
        );
    }
}
