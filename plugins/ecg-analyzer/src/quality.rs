//! Signal quality: a score from what the detector saw. These rules are our own heuristics, not
//! a published index; they say when the other figures should not be trusted.
//!
//! - Flat line or clipping: runs of identical samples of 50 ms or more (an ECG is never still
//!   that long; a saturated amplifier or a lead off is).
//! - QRS-to-noise: the detector's band-passed signal level over its noise level (SPKF / NPKF,
//!   Pan & Tompkins 1985): under 3 the thresholds sit close to the noise.
//! - Implausible intervals: RR outside 250 ms–3 s (240 to 20 bpm) means missed or extra beats.

use medplug_pdk::ecg::{QualityLevel, SignalQuality};

use crate::detector::Detection;
use crate::signal::Signal;

/// A run of identical samples this long is a flat line, s.
const FLAT_RUN_S: f64 = 0.050;
/// Plausible RR intervals, s.
const PLAUSIBLE_RR_S: (f64, f64) = (0.25, 3.0);
/// QRS-to-noise ratio under which the detection is doubtful.
const MIN_QRS_TO_NOISE: f32 = 3.0;
/// `good` from this score, `acceptable` from [`ACCEPTABLE`].
const GOOD: f64 = 0.8;
const ACCEPTABLE: f64 = 0.5;

/// Scores the signal and the detection on it.
pub(crate) fn assess(signal: &Signal, detection: &Detection) -> SignalQuality {
    let mut issues = Vec::new();
    let mut score = 1.0f64;
    // In a function of its own in the wasm module (`outline.rs`).
    let flat = crate::outline::opaque(flat_fraction as fn(&[f32], usize) -> f64)(
        &signal.mv,
        signal.samples(FLAT_RUN_S),
    );
    if flat > 0.01 {
        issues.push(format!(
            "{:.0}% do sinal é linha reta ou saturado (eletrodo solto ou amplificador saturado)",
            flat * 100.0
        ));
        score -= flat;
    }
    let r = &detection.r_peaks;
    if r.len() < 2 {
        issues.push("menos de dois batimentos detectados".to_owned());
        score = score.min(0.2);
    } else {
        let ratio = detection.signal_level / detection.noise_level.max(f32::MIN_POSITIVE);
        if ratio < MIN_QRS_TO_NOISE {
            issues.push(format!(
                "relação QRS/ruído baixa ({ratio:.1}; abaixo de {MIN_QRS_TO_NOISE} os limiares do detector ficam próximos do ruído)"
            ));
            score -= 0.4 * f64::from((MIN_QRS_TO_NOISE - ratio) / MIN_QRS_TO_NOISE);
        }
        let (low, high) = (
            signal.samples(PLAUSIBLE_RR_S.0),
            signal.samples(PLAUSIBLE_RR_S.1),
        );
        let implausible = r
            .windows(2)
            .filter(|w| !(low..=high).contains(&(w[1] - w[0])))
            .count() as f64
            / (r.len() - 1) as f64;
        if implausible > 0.0 {
            issues.push(format!(
                "{:.1}% dos intervalos RR fora de 250 ms–3 s (batimentos perdidos ou falsos)",
                implausible * 100.0
            ));
            score -= 2.0 * implausible;
        }
    }
    let score = (score.clamp(0.0, 1.0) * 100.0).round() / 100.0;
    SignalQuality {
        score,
        level: if score >= GOOD {
            QualityLevel::Good
        } else if score >= ACCEPTABLE {
            QualityLevel::Acceptable
        } else {
            QualityLevel::Poor
        },
        issues,
    }
}

/// Share of samples in runs of at least `run` identical values.
///
/// Such a run spans two grid points `run / 2` apart, so only grid points are compared until
/// a run is found, which is then measured in full.
fn flat_fraction(x: &[f32], run: usize) -> f64 {
    let half = (run / 2).max(1);
    let mut flat = 0usize;
    let mut g = 0;
    let mut counted_to = 0; // samples before this are already counted or not part of a run
    while g + half < x.len() {
        if x[g] == x[g + half] && x[g..=g + half].iter().all(|&v| v == x[g]) {
            let mut start = g;
            while start > counted_to && x[start - 1] == x[g] {
                start -= 1;
            }
            let mut end = g + half + 1;
            while end < x.len() && x[end] == x[g] {
                end += 1;
            }
            if end - start >= run {
                flat += end - start;
            }
            counted_to = end;
            g = end.div_ceil(half) * half;
        } else {
            g += half;
        }
    }
    flat as f64 / x.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::flat_fraction;

    #[test]
    fn flat_runs_are_counted() {
        let mut x: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.1).sin()).collect();
        assert_eq!(flat_fraction(&x, 18), 0.0);
        x[100..300].fill(5.0);
        assert_eq!(flat_fraction(&x, 18), 0.2);
        // Runs at the edges, and one just too short.
        x[0..18].fill(1.0);
        x[982..].fill(2.0);
        x[500..517].fill(3.0);
        assert_eq!(flat_fraction(&x, 18), 0.236);
    }
}
