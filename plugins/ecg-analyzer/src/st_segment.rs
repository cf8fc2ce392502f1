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
    let spans = Spans::new(signal);
    let mut deviations: Vec<f32> = r_peaks
        .iter()
        .enumerate()
        .filter(|(k, _)| !skip[*k])
        .filter_map(|(k, &r)| {
            let next = r_peaks.get(k + 1).copied().unwrap_or(signal.mv.len());
            let previous = k.checked_sub(1).map_or(0, |p| r_peaks[p]);
            measure(signal, &spans, r, previous, next, &mut scratch)
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

/// The spans of this module's constants in samples at the signal's rate, computed once for
/// all beats.
struct Spans {
    /// [`MAINS_PERIODS_S`].
    widths: [usize; 2],
    /// How far each average reaches at either end: up to half its width.
    reach: usize,
    /// [`PR_WINDOW_S`].
    pr: (usize, usize),
    /// [`J_WINDOW_S`].
    j: (usize, usize),
    /// [`J_FLAT_S`].
    flat: usize,
    /// [`MEASURE_AFTER_J_MS`].
    after_j: usize,
    /// [`QRS_HALF_WIDTH_S`].
    qrs_half: usize,
    /// [`BASELINE_SPAN_S`].
    baseline: usize,
}

impl Spans {
    fn new(signal: &Signal) -> Self {
        let s = |seconds: f64| signal.samples(seconds);
        let widths = MAINS_PERIODS_S.map(s);
        Self {
            widths,
            reach: (widths[0] + widths[1]) / 2,
            pr: (s(PR_WINDOW_S.0), s(PR_WINDOW_S.1)),
            j: (s(J_WINDOW_S.0), s(J_WINDOW_S.1)),
            flat: s(J_FLAT_S),
            after_j: s(MEASURE_AFTER_J_MS / 1000.0),
            qrs_half: s(QRS_HALF_WIDTH_S),
            baseline: s(BASELINE_SPAN_S),
        }
    }
}

/// One beat's ST deviation, mV; `None` when its windows do not fit between its neighbours or
/// no J point is found.
fn measure(
    signal: &Signal,
    spans: &Spans,
    r: usize,
    previous: usize,
    next: usize,
    scratch: &mut Scratch,
) -> Option<f32> {
    let Spans {
        widths,
        reach,
        pr,
        j: j_window,
        flat,
        after_j,
        qrs_half,
        baseline: span,
    } = *spans;
    let start = r.checked_sub(pr.0 + reach + 1)?;
    let end = r + j_window.1 + flat + after_j + reach + 2;
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
    slope.resize(y.len(), 0.0);
    if lo < hi {
        let (inside, later, earlier) = (&mut slope[lo..hi], &y[lo + 1..=hi], &y[lo - 1..hi - 1]);
        crate::outline::by_fours(hi - lo, |k| inside[k] = (later[k] - earlier[k]).abs());
    }
    let qrs = at(r).saturating_sub(qrs_half).max(lo)..(at(r) + qrs_half).min(hi);
    let steepest = slope[qrs].iter().copied().fold(0.0f32, max_f32);
    let limit = J_SLOPE_FRACTION * steepest;
    let j = (at(r) + j_window.0..at(r) + j_window.1)
        .find(|&i| i + flat <= hi && slope[i..i + flat].iter().all(|&v| v < limit))?;
    let st = y[j + after_j];
    // The flattest stretch of the PR window: the least summed |slope| over `span` samples.
    let (pr_lo, pr_hi) = (at(r) - pr.0, at(r) - pr.1);
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
        let sum: f32 = y[lo - left..lo + right].iter().sum();
        // In a function of its own in the wasm module (`outline.rs`): inlined, the running
        // sum went through the stack on every sample.
        crate::outline::opaque(moving_mean as fn(&[f32], &[f32], &mut [f32], f32, f32))(
            &y[lo + right..hi + right],
            &y[lo - left..hi - left],
            &mut pass[lo..hi],
            sum,
            width as f32,
        );
        std::mem::swap(y, pass);
        valid = lo..hi;
    }
    valid
}

/// The moving mean over `width` samples from a running `sum`: output `i` adds `added[i]`,
/// is the mean, then drops `dropped[i]`.
fn moving_mean(added: &[f32], dropped: &[f32], out: &mut [f32], mut sum: f32, width: f32) {
    let mut step = |out: &mut f32, a: f32, d: f32| {
        sum += a;
        *out = sum / width;
        sum -= d;
    };
    // Four samples per iteration, in order: in the wasm module the running sum goes through
    // the stack at every iteration's fuel check (see `ZeroPhase::pass`).
    let mut outs = out.chunks_exact_mut(4);
    let mut adds = added.chunks_exact(4);
    let mut drops = dropped.chunks_exact(4);
    for ((o, a), d) in (&mut outs).zip(&mut adds).zip(&mut drops) {
        for k in 0..4 {
            step(&mut o[k], a[k], d[k]);
        }
    }
    let (adds, drops) = (adds.remainder(), drops.remainder());
    for ((o, &a), &d) in outs.into_remainder().iter_mut().zip(adds).zip(drops) {
        step(o, a, d);
    }
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
