//! # ecg-analyzer — beats, rate, variability, rhythm and ST deviation from one ECG lead
//!
//! The cardiology reference plugin. From a raw single-lead ECG at any rate from 50 to 5000 Hz,
//! [`analyze`] finds every beat with the Pan–Tompkins detector (`detector.rs`, filters designed
//! for the rate in `filter.rs`, its T-wave test in `steepness.rs`), classes the ectopic beats
//! as supraventricular or ventricular (`beat_class.rs`), then measures what the beats say:
//! heart rate (`rate.rs`), heart-rate variability (`hrv.rs`), the rhythm (`rhythm.rs`), the ST
//! deviation (`st_segment.rs`) and the signal's quality (`quality.rs`), and words the findings
//! with the clinical significance, action and disclaimer each needs (`findings.rs`).
//!
//! [`process_medical_content`] answers design document D1's contract of the same name with
//! `analyze`'s report (`medical_content.rs`, a thin adapter; `docs/design-contracts.md` maps it
//! field by field).
//!
//! The algorithm is plain Rust, unit-tested and benchmarked natively; `exports.rs` is the only
//! wasm glue. Every threshold names its source where it is defined.
//!
//! Natively only, [`synthetic`] generates ECGs whose beats, rhythm and ST shift are known, with
//! noise, for the tests, the benchmarks and the demo.

mod analyzer;
mod beat_class;
mod detector;
#[cfg(target_arch = "wasm32")]
mod exports;
mod filter;
mod findings;
mod finite;
mod hrv;
mod medical_content;
mod outline;
mod quality;
mod rate;
mod rhythm;
mod signal;
mod st_segment;
mod steepness;
#[cfg(not(target_arch = "wasm32"))]
pub mod synthetic;

pub use analyzer::analyze;
pub use medical_content::process_medical_content;

use medplug_pdk::{PluginInfo, ecg};

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    PluginInfo::new(
        ecg::PLUGIN_NAME,
        env!("CARGO_PKG_VERSION"),
        ecg::SPECIALTY,
        "finds every beat of a single-lead ECG (Pan-Tompkins) and reports heart \
                      rate, HRV, rhythm, premature beats and ST deviation",
        &[ecg::ANALYZE, ecg::PROCESS_MEDICAL_CONTENT],
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn plugin_info_follows_abi_v1() {
        let info = super::plugin_info();
        assert_eq!(info.validate(), Ok(()));
        assert_eq!(info.id(), "ecg-analyzer@0.1.0");
        assert_eq!(info.specialty, "cardiology");
        assert_eq!(
            info.functions[0].output_schema.as_str(),
            "ecg-analyzer/analyze.output"
        );
    }
}
