//! # claims-extractor — medical claims in health content, flagged against Brazilian rules
//!
//! The compliance reference plugin: stage two of the content pipeline, after the LGPD
//! analyzer. [`extract`] splits a Portuguese or English text into sentences (`sentences.rs`),
//! reads each one's folded words (`words.rs`) against phrase lists (`lexicon.rs`,
//! `cues_pt.rs`, `cues_en.rs`, `entities.rs`) to decide whether it makes a medical claim, of
//! which type, how assertively and on what source (`reading.rs`; how far a negation or a
//! modal reaches, `scope.rs`; promises only several phrases make together, `promises.rs`),
//! and flags what CFM Resolution 2.336/2023 and ANVISA RDC 96/2008 forbid (`rules.rs`).
//!
//! [`extract_medical_claims`] and [`validate_medical_claims`] answer design documents D3's and
//! D4's contracts of those names with `extract`'s claims (`medical_claims.rs`, thin adapters;
//! `docs/design-contracts.md` maps them field by field).
//!
//! The algorithm is plain Rust, unit-tested and measured on a labelled corpus natively
//! (`tests/corpus/claims-extractor/`); `exports.rs` is the only wasm glue.

mod cue;
mod cues_en;
mod cues_pt;
mod entities;
#[cfg(target_arch = "wasm32")]
mod exports;
mod extractor;
mod language;
mod lexicon;
mod medical_claims;
mod promises;
mod reading;
mod rules;
mod scope;
mod sentences;
mod words;

pub use extractor::extract;
pub use medical_claims::{extract_medical_claims, validate_medical_claims};

use medplug_pdk::{PluginInfo, claims};

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    PluginInfo::new(
        claims::PLUGIN_NAME,
        env!("CARGO_PKG_VERSION"),
        claims::SPECIALTY,
        "finds the medical claims of a Portuguese or English text and flags what \
                      CFM 2.336/2023 and ANVISA RDC 96/2008 forbid",
        &[
            claims::EXTRACT,
            claims::EXTRACT_MEDICAL_CLAIMS,
            claims::VALIDATE_MEDICAL_CLAIMS,
        ],
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn plugin_info_follows_abi_v1() {
        let info = super::plugin_info();
        assert_eq!(info.validate(), Ok(()));
        assert_eq!(info.id(), "claims-extractor@0.1.0");
        assert_eq!(info.specialty, "compliance");
    }
}
