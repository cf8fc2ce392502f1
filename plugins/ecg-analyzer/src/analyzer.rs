//! `analyze`: read the signal, detect the beats, class the ectopic ones, measure, word the
//! findings.

use medplug_pdk::PluginError;
use medplug_pdk::ecg::{
    AnalyzeInput, AnalyzeOutput, EctopicClass, PrematureBeat, PrematureCounts, QualityLevel,
    SignalQuality, StDeviation,
};

use crate::detector::Detection;
use crate::outline::opaque;
use crate::signal::Signal;
use crate::{beat_class, detector, findings, hrv, quality, rate, rhythm, signal, st_segment};

/// Analyses one ECG lead. Fails only on invalid input, naming the field.
pub fn analyze(input: AnalyzeInput) -> Result<AnalyzeOutput, PluginError> {
    let signal = signal::read(&input)?;
    let duration_s = signal.mv.len() as f64 / signal.rate;
    // Each stage in a function of its own in the wasm module (`outline.rs`).
    let detection = opaque(detector::detect as fn(&Signal) -> Detection)(&signal);
    let r = &detection.r_peaks;
    let rr = rate::intervals(r);
    let premature = opaque(
        beat_class::ectopic_beats as fn(&Signal, &[usize]) -> Vec<PrematureBeat>,
    )(&signal, r);
    let count = |class| premature.iter().filter(|p| p.class == class).count();
    let premature_counts = PrematureCounts {
        supraventricular: count(EctopicClass::Supraventricular),
        ventricular: count(EctopicClass::Ventricular),
    };
    let hrv = hrv::hrv(r, &premature, signal.rate, duration_s);
    let signal_quality =
        opaque(quality::assess as fn(&Signal, &Detection) -> SignalQuality)(&signal, &detection);
    let normal_rate = hrv.as_ref().map(|_| {
        // The rate of the normal-to-normal intervals: premature beats do not speed it up.
        let nn = hrv::nn_intervals(r, &premature);
        let total: usize = nn.iter().map(|(samples, _)| samples).sum();
        60.0 * signal.rate * nn.len() as f64 / total as f64
    });
    let rhythm = rhythm::classify(
        &rr,
        signal.rate,
        normal_rate,
        signal_quality.level != QualityLevel::Poor,
    );
    let longest_rr_s = rr.iter().max().map(|&m| m as f64 / signal.rate);
    let mut report = AnalyzeOutput {
        sampling_rate_hz: signal.rate,
        duration_s: (duration_s * 100.0).round() / 100.0,
        beat_count: r.len(),
        heart_rate: rate::heart_rate(r, signal.rate),
        hrv,
        rhythm,
        st_deviation_mv: opaque(
            st_segment::st_deviation
                as fn(&Signal, &[usize], &[PrematureBeat]) -> Option<StDeviation>,
        )(&signal, r, &premature),
        premature_beats: premature,
        premature_counts,
        signal_quality,
        abnormalities: Vec::new(),
        recommendations: Vec::new(),
        disclaimer: findings::REPORT_DISCLAIMER.to_owned(),
        r_peaks: r.iter().map(|&i| i as u64).collect(),
    };
    findings::word(
        &mut report,
        input.lead.as_deref(),
        input.patient,
        longest_rr_s,
    );
    Ok(report)
}
