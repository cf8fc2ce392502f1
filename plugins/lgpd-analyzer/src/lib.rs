//! # lgpd-analyzer — personal data in Brazilian text, under LGPD (Lei 13.709/2018)
//!
//! The first stage of every medplug content pipeline: before a clinic publishes or shares a text
//! it learns what personal data the text holds, how risky it is, what consent it needs, and gets
//! a safe version of it.
//!
//! - [`analyze`] finds identifiers with check digits (CPF, CNPJ in both forms, CNS, PIS,
//!   título de eleitor, SP RG), contacts (CEP, phone, e-mail), birth dates, patients' names,
//!   professional registrations and sensitive data (LGPD Art. 5 II), scores the risk and
//!   recommends;
//! - [`redact`] masks, tags or pseudonymises what `analyze` finds;
//! - [`analyze_lgpd_compliance`] answers design document D3's contract of the same name with
//!   `analyze`'s findings (`compliance.rs`, a thin adapter; `docs/design-contracts.md` maps it
//!   field by field).
//!
//! Numbers are read by `numbers.rs` (one pass, formats and check digits); words by one
//! multi-pattern automaton over the case-folded text (`scanner.rs`, `fold.rs`) whose matches the
//! recognizers (`names.rs`, `birth_date.rs`, `registration.rs`, `sensitive.rs`) read further;
//! health data recognised by shape by one byte pass (`clinical_words.rs`). The algorithm is
//! plain Rust, unit-tested and benchmarked natively; `exports.rs` is the only wasm glue.

mod advice;
mod analyzer;
mod birth_date;
mod candidate;
pub mod check_digit;
mod clinical_words;
mod compliance;
mod custom;
mod email;
#[cfg(target_arch = "wasm32")]
mod exports;
mod fold;
mod mask;
mod names;
mod numbers;
mod phone;
mod redact;
mod registration;
mod resolve;
mod risk;
mod scanner;
mod sensitive;
mod term_extent;
mod text;
mod vocabulary;
mod warm_up;

pub use analyzer::analyze;
pub use compliance::analyze_lgpd_compliance;
pub use redact::redact;
pub use warm_up::warm_up;

use medplug_pdk::{PluginInfo, lgpd};

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    PluginInfo::new(
        lgpd::PLUGIN_NAME,
        env!("CARGO_PKG_VERSION"),
        lgpd::SPECIALTY,
        "finds Brazilian personal and sensitive data under LGPD (identifiers with \
                      check digits, contacts, names, health data), scores the risk and redacts it",
        &[lgpd::ANALYZE, lgpd::REDACT, lgpd::ANALYZE_LGPD_COMPLIANCE],
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn plugin_info_follows_abi_v1() {
        let info = super::plugin_info();
        assert_eq!(info.validate(), Ok(()));
        assert_eq!(info.id(), "lgpd-analyzer@0.1.0");
        let schemas: Vec<_> = info
            .functions
            .iter()
            .map(|f| f.input_schema.as_str())
            .collect();
        assert_eq!(
            schemas,
            [
                "lgpd-analyzer/analyze.input",
                "lgpd-analyzer/redact.input",
                "lgpd-analyzer/analyze_lgpd_compliance.input"
            ]
        );
    }
}
