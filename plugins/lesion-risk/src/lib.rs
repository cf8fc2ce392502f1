//! # lesion-risk — melanoma risk of skin lesions from dermoscopy, ABCDE and patient history
//!
//! The dermatology reference plugin. [`score`] takes lesions as a dermatologist examined them
//! and the patient's history, and for each lesion computes the published scores exactly:
//!
//! - the Stolz ABCD rule of dermoscopy, TDS = 1.3·A + 0.1·B + 0.5·C + 0.5·D (`stolz.rs`);
//! - Argenziano's 7-point checklist (`seven_point.rs`);
//! - the clinical ABCDE signs (`abcde.rs`);
//!
//! then decides the lesion's risk level and how soon to act (`triage.rs`), the patient's
//! relative risk from Gandini et al.'s 2005 meta-analyses (`patient_risk.rs`), and words the
//! recommendations and disclaimers (`recommendations.rs`), which a compliance check proves free
//! of prohibited claims (`compliance.rs`). Input is checked first (`validate.rs`): an
//! out-of-range or contradictory value is `invalid_input` naming the field.
//!
//! [`process_medical_content`] answers design document D1's contract of the same name with
//! `score`'s report (`medical_content.rs`, a thin adapter; `docs/design-contracts.md` maps it
//! field by field): D1 sends lesion images, which cannot be scored, so the examined findings
//! travel beside them.
//!
//! The algorithm is plain Rust, unit-tested and benchmarked natively; `exports.rs` is the only
//! wasm glue. Every weight and threshold names its source where it is defined. Natively only,
//! [`examples`] holds a realistic visit and a thousand-lesion input for the demo and benchmarks.

mod abcde;
mod compliance;
#[cfg(not(target_arch = "wasm32"))]
pub mod examples;
#[cfg(target_arch = "wasm32")]
mod exports;
mod latin;
mod medical_content;
mod patient_risk;
mod recommendations;
mod scorer;
mod seven_point;
mod stolz;
mod triage;
mod validate;

pub use medical_content::process_medical_content;
pub use scorer::score;

use medplug_pdk::{PluginInfo, lesion};

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    PluginInfo::new(
        lesion::PLUGIN_NAME,
        env!("CARGO_PKG_VERSION"),
        lesion::SPECIALTY,
        "scores skin lesions for melanoma risk (Stolz ABCD rule, 7-point \
                      checklist, ABCDE) and the patient's relative risk (Gandini 2005)",
        &[lesion::SCORE, lesion::PROCESS_MEDICAL_CONTENT],
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn plugin_info_follows_abi_v1() {
        let info = super::plugin_info();
        assert_eq!(info.validate(), Ok(()));
        assert_eq!(info.id(), "lesion-risk@0.1.0");
        assert_eq!(info.specialty, "dermatology");
        assert_eq!(
            info.functions[0].input_schema.as_str(),
            "lesion-risk/score.input"
        );
    }
}
