//! A person's summary of an [`AnalyzeOutput`]: the lines `medplug ecg` and the demo print.

use std::fmt::{self, Write};

use serde::Serialize;

use super::AnalyzeOutput;

/// The snake_case name a value has on the wire (`normal_sinus`).
fn wire_name(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl AnalyzeOutput {
    /// The measures, abnormalities and recommendations, one line each, indented two spaces:
    /// what `medplug ecg` and `cargo xtask demo` print.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        self.write_summary(&mut out)
            .expect("writing to a String cannot fail");
        out
    }

    fn write_summary(&self, out: &mut String) -> fmt::Result {
        let report = self;
        if let Some(hr) = report.heart_rate {
            writeln!(
                out,
                "  heart rate   mean {:.0} bpm · min {:.0} · max {:.0} · resting {:.0}",
                hr.mean_bpm, hr.min_bpm, hr.max_bpm, hr.resting_bpm
            )?;
        }
        if let Some(hrv) = report.hrv {
            writeln!(
                out,
                "  HRV          SDNN {:.1} ms · RMSSD {:.1} ms · pNN50 {:.1}%",
                hrv.sdnn_ms, hrv.rmssd_ms, hrv.pnn50_pct
            )?;
        }
        let label = report.rhythm.label;
        writeln!(
            out,
            "  rhythm       {} — {}",
            wire_name(&label),
            report.rhythm.criterion
        )?;
        writeln!(
            out,
            "  ectopic      {} beat(s): {} supraventricular (S), {} ventricular (V)",
            report.premature_beats.len(),
            report.premature_counts.supraventricular,
            report.premature_counts.ventricular
        )?;
        if let Some(st) = report.st_deviation_mv {
            writeln!(
                out,
                "  ST           {:+.3} mV (median of {} beats, J+{:.0} ms)",
                st.median_mv, st.beats_measured, st.measured_at_ms_after_j
            )?;
        }
        let level = report.signal_quality.level;
        writeln!(
            out,
            "  quality      {:.2} {}",
            report.signal_quality.score,
            wire_name(&level)
        )?;
        for a in &report.abnormalities {
            let severity = a.severity;
            writeln!(
                out,
                "  ! {:<8} {}: {}",
                wire_name(&severity),
                a.kind,
                a.clinical_significance
            )?;
            writeln!(out, "             → {}", a.recommended_action)?;
        }
        for r in &report.recommendations {
            writeln!(out, "  · {r}")?;
        }
        Ok(())
    }
}
