//! ST deviation: the ST level after the J point against the PR-segment baseline, median over
//! the normal beats.
//!
//! - Baseline: the flattest 20 ms of the PR segment, between 120 and 30 ms before the R peak
//!   (the PR segment is the isoelectric reference for ST deviation: Wagner GS et al.,
//!   AHA/ACCF/HRS recommendations for the standardization and interpretation of the ECG,
//!   part VI: acute ischemia/infarction, Circulation 119:e262–e270, 2009).
//! - J point: the end of the QRS, where the slope falls under 15 % of the complex's steepest
//!   and stays there for 10 ms, 20 to 120 ms after the R peak.
//! - ST level: 60 ms after the J point (ST60, as in exercise testing: Gibbons RJ et al.,
//!   ACC/AHA 2002 guideline update for exercise testing, Circulation 106:1883).
//! - All three on the beat averaged over one period of 50 Hz and one of 60 Hz: mains of either
//!   frequency, which the J point's slope test would otherwise take for the QRS still going
//!   on, is gone, and the low-frequency ST level is left as it was.

use medplug_pdk::ecg::{PrematureBeat, StDeviation};

use crate::finite::max_f32;
use crate::signal::Signal;

/// Where the ST level is read, ms after the J point.
pub(crate) const MEASURE_AFTER_J_MS: f64 = 60.0;
/// The PR search window, s before the R peak.
const PR_WINDOW_S: (f64, f64) = (0.120, 0.030);
/// The flat stretch taken as baseline, s.
const BASELINE_SPAN_S: f64 = 0.020;
/// The J point is searched this long after the R peak, s.
const J_WINDOW_S: (f64, f64) = (0.020, 0.120);
/// The QRS's steepest slope is searched within this of the R peak, s.
const QRS_HALF_WIDTH_S: f64 = 0.060;
/// The J point is where the slope falls under this share of the steepest…
const J_SLOPE_FRACTION: f32 = 0.15;
/// …and stays under it this long, s.
const J_FLAT_S: f64 = 0.010;
/// Before measuring, the beat is averaged over one period of 50 Hz mains and then over one of
/// 60 Hz, s: a moving average over one period is zero at that frequency and its harmonics, so
/// neither mains moves the levels or hides the flat slope after the J point.
const MAINS_PERIODS_S: [f64; 2] = [1.0 / 50.0, 1.0 / 60.0];

/// The median ST deviation over the beats that are not premature and leave room for the
/// measurement before the next beat; `None` when no beat does.
pub(crate) fn st_deviation(
    signal: &Signal,
    r_peaks: &[usize],
    premature: &[PrematureBeat],
) -> Option<StDeviation> {
    let mut skip = vec![false; r_peaks.len()];
    for p in premature {
        skip[p.beat_index] = true;
    }
    let mut scratch = Scratch::default();
    let mut deviations: Vec<f32> = r_peaks
        .iter()
        .enumerate()
        .filter(|(k, _)| !skip[*k])
        .filter_map(|(k, &r)| {
            let next = r_peaks.get(k + 1).copied().unwrap_or(signal.mv.len());
            let previous = k.checked_sub(1).map_or(0, |p| r_peaks[p]);
            measure(signal, r, previous, next, &mut scratch)
        })
        .collect();
    if deviations.is_empty() {
        return None;
    }
    deviations.sort_by(f32::total_cmp);
    let n = deviations.len();
    let median = if n % 2 == 1 {
        deviations[n / 2]
    } else {
        (deviations[n / 2 - 1] + deviations[n / 2]) / 2.0
    };
    Some(StDeviation {
        median_mv: (f64::from(median) * 1000.0).round() / 1000.0,
        measured_at_ms_after_j: MEASURE_AFTER_J_MS,
        beats_measured: n,
    })
}

/// The buffers one beat's measurement leaves for the next (four allocations a beat otherwise).
#[derive(Default)]
struct Scratch {
    /// The beat, smoothed.
    smoothed: Vec<f32>,
    /// The first smoothing's output, while the second runs.
    pass: Vec<f32>,
    /// |slope| of the smoothed beat.
    slope: Vec<f32>,
}

/// One beat's ST deviation, mV; `None` when its windows do not fit between its neighbours or
/// no J point is found.
fn measure(
    signal: &Signal,
    r: usize,
    previous: usize,
    next: usize,
    scratch: &mut Scratch,
) -> Option<f32> {
    let s = |seconds: f64| signal.samples(seconds);
    let widths = MAINS_PERIODS_S.map(s);
    // Each average takes up to half its width at either end.
    let reach = (widths[0] + widths[1]) / 2;
    let start = r.checked_sub(s(PR_WINDOW_S.0) + reach + 1)?;
    let end = r + s(J_WINDOW_S.1) + s(J_FLAT_S) + s(MEASURE_AFTER_J_MS / 1000.0) + reach + 2;
    // Both windows must lie between this beat's neighbours (half-way to each).
    if start < previous + (r - previous) / 2 || end > r + (next - r) / 2 || end > signal.mv.len() {
        return None;
    }
    let x = &signal.mv[start..end];
    let at = |i: usize| i - start;
    let valid = smooth(x, widths, &mut scratch.smoothed, &mut scratch.pass);
    let y = &scratch.smoothed;
    let (lo, hi) = (valid.start + 1, valid.end - 1);
    // |slope| per sample, 0 outside the valid range.
    let slope = &mut scratch.slope;
    slope.clear();
    slope.extend((0..y.len()).map(|i| {
        if (lo..hi).contains(&i) {
            (y[i + 1] - y[i - 1]).abs()
        } else {
            0.0
        }
    }));
    let qrs =
        at(r).saturating_sub(s(QRS_HALF_WIDTH_S)).max(lo)..(at(r) + s(QRS_HALF_WIDTH_S)).min(hi);
    let steepest = slope[qrs].iter().copied().fold(0.0f32, max_f32);
    let flat = s(J_FLAT_S);
    let limit = J_SLOPE_FRACTION * steepest;
    let j = (at(r) + s(J_WINDOW_S.0)..at(r) + s(J_WINDOW_S.1))
        .find(|&i| i + flat <= hi && slope[i..i + flat].iter().all(|&v| v < limit))?;
    let st = y[j + s(MEASURE_AFTER_J_MS / 1000.0)];
    // The flattest stretch of the PR window: the least summed |slope| over `span` samples.
    let span = s(BASELINE_SPAN_S);
    let (pr_lo, pr_hi) = (at(r) - s(PR_WINDOW_S.0), at(r) - s(PR_WINDOW_S.1));
    let (pr_lo, pr_hi) = (pr_lo.max(lo), pr_hi.saturating_sub(span));
    if pr_lo >= pr_hi {
        return None;
    }
    let mut activity: f32 = slope[pr_lo..pr_lo + span].iter().sum();
    let (mut best, mut best_activity) = (pr_lo, activity);
    for i in pr_lo + 1..pr_hi {
        activity += slope[i + span - 1] - slope[i - 1];
        if activity < best_activity {
            (best, best_activity) = (i, activity);
        }
    }
    let baseline = y[best..best + span].iter().sum::<f32>() / span as f32;
    Some(st - baseline)
}

/// `x` averaged over `widths[0]` samples and then over `widths[1]`, each average centred (an
/// even width leans half a sample right the first time and left the second), into `y` (as
/// long as `x`, 0 where undefined; `pass` is working space); returns the range where `y` is
/// defined.
fn smooth(
    x: &[f32],
    widths: [usize; 2],
    y: &mut Vec<f32>,
    pass: &mut Vec<f32>,
) -> std::ops::Range<usize> {
    y.clear();
    y.extend_from_slice(x);
    let mut valid = 0..x.len();
    for (k, width) in widths.into_iter().enumerate() {
        let left = if k == 0 { (width - 1) / 2 } else { width / 2 };
        let right = width - 1 - left;
        let (lo, hi) = (valid.start + left, valid.end.saturating_sub(right));
        pass.clear();
        pass.resize(x.len(), 0.0);
        if lo >= hi {
            std::mem::swap(y, pass);
            return 0..0;
        }
        let mut sum: f32 = y[lo - left..lo + right].iter().sum();
        for i in lo..hi {
            sum += y[i + right];
            pass[i] = sum / width as f32;
            sum -= y[i - left];
        }
        std::mem::swap(y, pass);
        valid = lo..hi;
    }
    valid
}

#[cfg(test)]
mod tests {
    use super::smooth;

    #[test]
    fn mains_of_50_and_60_hz_is_averaged_away() {
        // 0.3 mV with 0.2 mV of each mains at 1000 Hz: widths 20 and 17 samples.
        let rate = 1000.0;
        let x: Vec<f32> = (0..400)
            .map(|i| {
                let t = f64::from(i) / rate;
                let tau = std::f64::consts::TAU;
                (0.3 + 0.2 * (tau * 50.0 * t).sin() + 0.2 * (tau * 60.0 * t + 1.0).sin()) as f32
            })
            .collect();
        let (mut y, mut pass) = (Vec::new(), Vec::new());
        let valid = smooth(&x, [20, 17], &mut y, &mut pass);
        // 9 + 8 samples lost at the start, 10 + 8 at the end.
        assert_eq!(valid, 17..382);
        // 50 Hz fits 20 samples exactly; 60 Hz is left at 0.157 · 0.020 = 0.3 % of 0.2 mV.
        let worst = y[valid].iter().fold(0.0f32, |m, v| m.max((v - 0.3).abs()));
        assert!(worst < 0.001, "{worst}");
    }
}
