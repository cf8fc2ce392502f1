//! Time-domain heart-rate variability over normal-to-normal (NN) intervals: Task Force of the
//! European Society of Cardiology and the North American Society of Pacing and
//! Electrophysiology, "Heart rate variability: standards of measurement, physiological
//! interpretation and clinical use", Circulation 93:1043–1065, 1996.

use medplug_pdk::ecg::{Hrv, PrematureBeat};

use crate::rate::round1;

/// The Task Force's shortest recording for short-term HRV, s (5 minutes).
const TASK_FORCE_SHORT_TERM_S: f64 = 300.0;
/// pNN50's threshold, ms (Task Force: "NN50").
const NN50_MS: f64 = 50.0;
/// Fewest NN intervals for a figure.
const MIN_NN: usize = 3;

/// The normal-to-normal intervals, in samples: those whose two beats are both not premature,
/// each with whether it directly follows the previous NN interval (successive differences are
/// taken only between adjacent intervals).
pub(crate) fn nn_intervals(r_peaks: &[usize], premature: &[PrematureBeat]) -> Vec<(usize, bool)> {
    let mut is_premature = vec![false; r_peaks.len()];
    for p in premature {
        is_premature[p.beat_index] = true;
    }
    let mut nn = Vec::with_capacity(r_peaks.len());
    let mut previous_was_nn = false;
    for k in 1..r_peaks.len() {
        if is_premature[k] || is_premature[k - 1] {
            previous_was_nn = false;
            continue;
        }
        nn.push((r_peaks[k] - r_peaks[k - 1], previous_was_nn));
        previous_was_nn = true;
    }
    nn
}

/// SDNN, RMSSD and pNN50 over the intervals whose two beats are both normal (not premature).
pub(crate) fn hrv(
    r_peaks: &[usize],
    premature: &[PrematureBeat],
    rate: f64,
    duration_s: f64,
) -> Option<Hrv> {
    let ms = 1000.0 / rate;
    let nn: Vec<(f64, bool)> = nn_intervals(r_peaks, premature)
        .into_iter()
        .map(|(samples, adjacent)| (samples as f64 * ms, adjacent))
        .collect();
    if nn.len() < MIN_NN {
        return None;
    }
    let n = nn.len() as f64;
    let mean = nn.iter().map(|(v, _)| v).sum::<f64>() / n;
    let sdnn = (nn.iter().map(|(v, _)| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let diffs: Vec<f64> = nn
        .windows(2)
        .filter(|w| w[1].1)
        .map(|w| w[1].0 - w[0].0)
        .collect();
    let (rmssd, pnn50) = if diffs.is_empty() {
        (0.0, 0.0)
    } else {
        let d = diffs.len() as f64;
        (
            (diffs.iter().map(|x| x * x).sum::<f64>() / d).sqrt(),
            100.0 * diffs.iter().filter(|x| x.abs() > NN50_MS).count() as f64 / d,
        )
    };
    Some(Hrv {
        sdnn_ms: round1(sdnn),
        rmssd_ms: round1(rmssd),
        pnn50_pct: round1(pnn50),
        nn_count: nn.len(),
        meets_task_force_length: duration_s >= TASK_FORCE_SHORT_TERM_S,
    })
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ecg::PrematureBeat;

    use super::hrv;

    #[test]
    fn figures_by_hand_and_premature_beats_left_out() {
        // At 1000 Hz: NN intervals 800, 860, 780, 840 ms.
        let r = [0, 800, 1660, 2440, 3280];
        let h = hrv(&r, &[], 1000.0, 4.0).unwrap();
        // mean 820; deviations -20, 40, -40, 20 → sample SD sqrt(4000/3) = 36.5.
        assert_eq!(h.sdnn_ms, 36.5);
        // differences 60, -80, 60 → sqrt((3600 + 6400 + 3600) / 3) = 67.3; all over 50 ms.
        assert_eq!((h.rmssd_ms, h.pnn50_pct, h.nn_count), (67.3, 100.0, 4));
        assert!(!h.meets_task_force_length);
        // Beat 2 premature: intervals 1→2 and 2→3 go; 800 and 840 remain, not adjacent.
        let premature = [PrematureBeat {
            beat_index: 2,
            sample: 1660,
            prematurity_pct: 0.0,
            class: medplug_pdk::ecg::EctopicClass::Supraventricular,
        }];
        assert_eq!(hrv(&r, &premature, 1000.0, 4.0), None);
        let r = [0, 800, 1660, 2440, 3280, 4100];
        let h = hrv(&r, &premature, 1000.0, 400.0).unwrap();
        // NN 800 | 840, 820: one successive difference, -20.
        assert_eq!((h.nn_count, h.rmssd_ms, h.pnn50_pct), (3, 20.0, 0.0));
        assert!(h.meets_task_force_length);
    }
}
