//! The rhythm label, from the RR intervals.
//!
//! - Irregularly irregular: normalised RMSSD of the RR series (RMSSD / mean RR) over 0.1, after
//!   dropping the 1/16 longest and 1/16 shortest intervals so that isolated ectopic beats do
//!   not count (Dash S, Chon KH, Lu S, Raeder EA. "Automatic real time detection of atrial
//!   fibrillation." Ann Biomed Eng 37(9):1701–1709, 2009: 8 of every 128 beats, threshold 0.1).
//! - Otherwise by rate: under 60 bpm sinus bradycardia, over 100 bpm sinus tachycardia (the
//!   conventional limits; Kusumoto FM et al., 2018 ACC/AHA/HRS bradycardia guideline,
//!   Circulation 140:e382; Page RL et al., 2015 ACC/AHA/HRS SVT guideline, Circulation
//!   133:e506). P waves are not assessed: "sinus" means regular and in these rate bands.

use medplug_pdk::ecg::{Rhythm, RhythmLabel};

use crate::rate::round1;

/// Normalised RMSSD above which the rhythm is irregularly irregular (Dash et al. 2009).
pub(crate) const IRREGULARITY_THRESHOLD: f64 = 0.1;
/// Share of the longest and of the shortest intervals dropped before (Dash: 8 of 128).
const TRIM_FRACTION: f64 = 8.0 / 128.0;
/// Bradycardia below, bpm.
pub(crate) const BRADYCARDIA_BPM: f64 = 60.0;
/// Tachycardia above, bpm.
pub(crate) const TACHYCARDIA_BPM: f64 = 100.0;
/// Fewest RR intervals to name a rhythm.
const MIN_INTERVALS: usize = 4;

/// Labels the rhythm of `rr` (samples at `rate`); `normal_rate_bpm` is the mean rate of the
/// normal-to-normal intervals when there are any. `usable` is false for a poor signal.
pub(crate) fn classify(
    rr: &[usize],
    rate: f64,
    normal_rate_bpm: Option<f64>,
    usable: bool,
) -> Rhythm {
    let irregularity = normalised_rmssd(rr);
    let rate_bpm = normal_rate_bpm.or_else(|| {
        (!rr.is_empty()).then(|| 60.0 * rate * rr.len() as f64 / rr.iter().sum::<usize>() as f64)
    });
    let (label, criterion) = match (irregularity, rate_bpm) {
        _ if !usable => (
            RhythmLabel::InsufficientData,
            "qualidade do sinal insuficiente para classificar o ritmo".to_owned(),
        ),
        (Some(i), _) if i > IRREGULARITY_THRESHOLD => (
            RhythmLabel::IrregularPossibleAf,
            format!(
                "RR irregularmente irregular: RMSSD normalizado {i:.3} > {IRREGULARITY_THRESHOLD} (Dash et al., Ann Biomed Eng 2009)"
            ),
        ),
        (Some(_), Some(bpm)) if bpm < BRADYCARDIA_BPM => (
            RhythmLabel::SinusBradycardia,
            format!(
                "ritmo regular a {bpm:.0} bpm < {BRADYCARDIA_BPM} bpm (diretriz ACC/AHA/HRS 2018)"
            ),
        ),
        (Some(_), Some(bpm)) if bpm > TACHYCARDIA_BPM => (
            RhythmLabel::SinusTachycardia,
            format!(
                "ritmo regular a {bpm:.0} bpm > {TACHYCARDIA_BPM} bpm (diretriz ACC/AHA/HRS 2015)"
            ),
        ),
        (Some(_), Some(bpm)) => (
            RhythmLabel::NormalSinus,
            format!(
                "ritmo regular a {bpm:.0} bpm, entre {BRADYCARDIA_BPM} e {TACHYCARDIA_BPM} bpm (limites convencionais; ondas P não avaliadas)"
            ),
        ),
        _ => (
            RhythmLabel::InsufficientData,
            format!("menos de {MIN_INTERVALS} intervalos RR detectados"),
        ),
    };
    Rhythm {
        label,
        rate_bpm: rate_bpm.map(round1),
        irregularity: irregularity.map(|v| (v * 1000.0).round() / 1000.0),
        criterion,
    }
}

/// RMSSD / mean of `rr` after trimming the extremes (Dash et al. 2009); `None` with fewer than
/// [`MIN_INTERVALS`] intervals.
pub(crate) fn normalised_rmssd(rr: &[usize]) -> Option<f64> {
    if rr.len() < MIN_INTERVALS {
        return None;
    }
    let trim = (rr.len() as f64 * TRIM_FRACTION) as usize;
    let mut order: Vec<usize> = (0..rr.len()).collect();
    order.sort_by_key(|&i| rr[i]);
    let mut keep = vec![true; rr.len()];
    for &i in order[..trim].iter().chain(&order[rr.len() - trim..]) {
        keep[i] = false;
    }
    let kept: Vec<f64> = rr
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(&v, _)| v as f64)
        .collect();
    let mean = kept.iter().sum::<f64>() / kept.len() as f64;
    let squares: f64 = kept.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum();
    Some((squares / (kept.len() - 1) as f64).sqrt() / mean)
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ecg::RhythmLabel;

    use super::*;

    #[test]
    fn labels_by_regularity_then_rate() {
        let label = |rr: &[usize]| classify(rr, 1000.0, None, true).label;
        assert_eq!(label(&[1000; 20]), RhythmLabel::NormalSinus);
        assert_eq!(label(&[1100; 20]), RhythmLabel::SinusBradycardia);
        assert_eq!(label(&[550; 20]), RhythmLabel::SinusTachycardia);
        assert_eq!(label(&[1000; 3]), RhythmLabel::InsufficientData);
        assert_eq!(
            classify(&[1000; 20], 1000.0, None, false).label,
            RhythmLabel::InsufficientData
        );
        // 15 intervals alternating 600/900 ms (none trimmed: 15 / 16 rounds to 0): differences
        // of 300 over a mean of 740 → 0.405.
        let alternating: Vec<usize> = (0..15)
            .map(|i| if i % 2 == 0 { 600 } else { 900 })
            .collect();
        let rhythm = classify(&alternating, 1000.0, None, true);
        assert_eq!(rhythm.label, RhythmLabel::IrregularPossibleAf);
        assert_eq!(rhythm.irregularity, Some(0.405));
        // 15 beats in 11.1 s.
        assert_eq!(rhythm.rate_bpm, Some(81.1));
    }

    #[test]
    fn isolated_ectopic_beats_are_trimmed_before_judging() {
        // 31 intervals of 800 ms with one premature beat (500) and its pause (1100).
        let mut rr = vec![800; 31];
        rr[10] = 500;
        rr[11] = 1100;
        // 31 / 16 = 1 interval dropped at each end: exactly the two outliers.
        assert_eq!(normalised_rmssd(&rr), Some(0.0));
        assert_eq!(
            classify(&rr, 1000.0, None, true).label,
            RhythmLabel::NormalSinus
        );
    }
}
