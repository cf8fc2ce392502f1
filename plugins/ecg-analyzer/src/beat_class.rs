//! Ectopic beats and their origin, in the classes of ANSI/AAMI EC57:2012 (Testing and reporting
//! performance results of cardiac rhythm and ST segment measurement algorithms, §4.2.1):
//! N (normal), S (supraventricular ectopic), V (ventricular ectopic).
//!
//! - The dominant beat: the mean of the beats that come on time (RR at least 90 % of the local
//!   RR), then again of those among them whose shape matches that mean (correlation ≥ 0.9):
//!   the patient's own normal QRS, whatever the lead, against which every other beat is
//!   judged rather than against a textbook shape. Classing beats into the AAMI classes from
//!   RR intervals and QRS morphology follows de Chazal P, O'Dwyer M, Reilly RB. "Automatic
//!   classification of heartbeats using ECG morphology and heartbeat interval features." IEEE
//!   Trans Biomed Eng 51(7):1196–1206, 2004; the rules here are simple thresholds, not their
//!   trained discriminant.
//! - V: a QRS whose shape does not match the dominant one (correlation under 0.8 over the
//!   QRS, 60 ms before the R peak to 100 ms after) and which is wider than it (more than
//!   30 ms above the dominant QRS width; a ventricular beat spreads cell to cell and is wide,
//!   ≥ 120 ms: Surawicz B et al., AHA/ACCF/HRS recommendations part III, Circulation
//!   119:e235–e240, 2009), or whose shape is far from it (correlation under 0.5: of opposite
//!   polarity), whether premature or not (AAMI's V class holds ventricular escape beats too).
//! - S: a beat of the dominant shape that comes early: RR under 80 % of the local RR, the
//!   median of the 8 intervals before it between beats that are not ventricular (Malik's
//!   20 % rule, Eur Heart J 10:1060, 1989), and the beat before it not ventricular: the sinus
//!   beat after a ventricular one comes on the sinus schedule, however soon after it.
//! - Shapes are compared on the signal averaged over 20 ms (one period of 50 Hz mains), so that
//!   mains and muscle noise do not make a normal beat look foreign.
//! - N: everything else. Fusion (F) and unclassifiable (Q) beats are not told apart.
//!
//! The correlation thresholds (0.9, 0.8, 0.5), the 30 ms margin, the 90 % on-time share and
//! the 30 % width level are this module's own choices, checked on synthetic ectopy and MIT-BIH
//! record 100 (`tests/ectopy.rs`), not published values.
//!
//! P waves are not read: a premature junctional beat is S as AAMI counts it, and an aberrantly
//! conducted atrial beat (wide, of another shape) is counted V.

use medplug_pdk::ecg::{EctopicClass, PrematureBeat};

use crate::finite::max_f32;
use crate::rate::round1;
use crate::signal::Signal;

/// A beat is premature under this share of the local RR (Malik et al. 1989: 20 %).
pub(crate) const PREMATURE_FRACTION: f64 = 0.80;
/// A beat comes on time from this share of the local RR: it may shape the dominant beat.
const ON_TIME_FRACTION: f64 = 0.90;
/// The local RR is the median of this many intervals before the beat.
const LOCAL_RR: usize = 8;
/// The QRS window around the R peak, s before and after.
const WINDOW_S: (f64, f64) = (0.060, 0.100);
/// Each window sample is the mean over this long, s: one period of 50 Hz mains, which it
/// removes (and most of 60 Hz and of muscle noise), while the QRS keeps its shape.
const SMOOTH_S: f64 = 0.020;
/// Beats matching the first dominant mean this well shape the final one.
const DOMINANT_MATCH: f64 = 0.9;
/// A beat of another shape correlates under this with the dominant beat…
const OTHER_SHAPE: f64 = 0.8;
/// …and is ventricular when it is also this much wider, s…
const WIDER_S: f64 = 0.030;
/// …or correlates under this (another polarity or axis), wide or not.
const FAR_SHAPE: f64 = 0.5;
/// The QRS width is where the beat stays above this share of its largest deviation.
const WIDTH_LEVEL: f32 = 0.3;

/// Which beats (indices into `r_peaks`) are ectopic, and of which class.
pub(crate) fn ectopic_beats(signal: &Signal, r_peaks: &[usize]) -> Vec<PrematureBeat> {
    let (before, after) = (signal.samples(WINDOW_S.0), signal.samples(WINDOW_S.1));
    let smooth = signal.samples(SMOOTH_S);
    // Every beat's window in one buffer, `len` samples each; `None` at the signal's edges.
    let len = before + after + 1;
    let mut buffer = vec![0.0f32; r_peaks.len() * len];
    let inside: Vec<bool> = r_peaks
        .iter()
        .zip(buffer.chunks_exact_mut(len))
        .map(|(&r, out)| window(&signal.mv, r, before, smooth, out))
        .collect();
    let beats: Vec<Option<&[f32]>> = buffer
        .chunks_exact(len)
        .zip(&inside)
        .map(|(b, &inside)| inside.then_some(b))
        .collect();
    let all_rr: Vec<usize> = r_peaks.windows(2).map(|w| w[1] - w[0]).collect();
    let local: Vec<Option<f64>> = (0..r_peaks.len())
        .map(|k| k.checked_sub(1).and_then(|i| median_before(&all_rr, i)))
        .collect();
    let on_time = |k: usize| {
        k > 0
            && local[k]
                .is_some_and(|l| (r_peaks[k] - r_peaks[k - 1]) as f64 >= ON_TIME_FRACTION * l)
    };
    let first = mean(
        beats
            .iter()
            .enumerate()
            .filter(|(k, _)| on_time(*k))
            .filter_map(|(_, b)| *b),
    );
    let Some(first) = first else {
        return Vec::new();
    };
    let dominant = mean(
        beats
            .iter()
            .enumerate()
            .filter(|(k, b)| {
                on_time(*k) && b.is_some_and(|b| correlation(b, &first) >= DOMINANT_MATCH)
            })
            .filter_map(|(_, b)| *b),
    )
    .unwrap_or(first);
    let dominant_width = width(&dominant);
    let wider = signal.samples(WIDER_S);
    let ventricular: Vec<bool> = beats
        .iter()
        .map(|beat| {
            beat.is_some_and(|b| {
                let c = correlation(b, &dominant);
                c < FAR_SHAPE || (c < OTHER_SHAPE && width(b) > dominant_width + wider)
            })
        })
        .collect();
    // Prematurity against the intervals between beats of which neither is ventricular: a
    // ventricular beat's short coupling and long pause are no measure of the sinus rhythm.
    let supraventricular_rr: Vec<usize> = r_peaks
        .windows(2)
        .zip(ventricular.windows(2))
        .map(|(r, v)| if v[0] || v[1] { 0 } else { r[1] - r[0] })
        .collect();
    let mut found = Vec::new();
    for k in 1..r_peaks.len() {
        let rr = (r_peaks[k] - r_peaks[k - 1]) as f64;
        let prematurity = median_before(&supraventricular_rr, k - 1).map(|l| 1.0 - rr / l);
        let class = if ventricular[k] {
            EctopicClass::Ventricular
        } else if !ventricular[k - 1] && prematurity.is_some_and(|p| p > 1.0 - PREMATURE_FRACTION) {
            EctopicClass::Supraventricular
        } else {
            continue;
        };
        found.push(PrematureBeat {
            beat_index: k,
            sample: r_peaks[k] as u64,
            prematurity_pct: round1(100.0 * prematurity.unwrap_or(0.0)),
            class,
        });
    }
    found
}

/// The median of the up to [`LOCAL_RR`] non-zero intervals of `rr` before index `k` (zero
/// marks an interval left out); `None` with fewer than 3 of them.
fn median_before(rr: &[usize], k: usize) -> Option<f64> {
    let mut kept = [0usize; LOCAL_RR];
    let mut count = 0;
    for &v in rr[..k].iter().rev().filter(|&&v| v > 0).take(LOCAL_RR) {
        kept[count] = v;
        count += 1;
    }
    let recent = &mut kept[..count];
    if recent.len() < 3 {
        return None;
    }
    recent.sort_unstable();
    let m = recent.len() / 2;
    Some(if recent.len() % 2 == 1 {
        recent[m] as f64
    } else {
        (recent[m - 1] + recent[m]) as f64 / 2.0
    })
}

/// Into `out`: the samples from `before` ahead of `r` to `out.len() - before - 1` past it,
/// each the mean of the `smooth` samples around it, less the window's mean; `false` (and
/// `out` left as it was) at the signal's edges.
fn window(mv: &[f32], r: usize, before: usize, smooth: usize, out: &mut [f32]) -> bool {
    let n = out.len();
    let after = n - before - 1;
    let half = smooth / 2;
    let Some(lo) = r.checked_sub(before + half) else {
        return false;
    };
    let Some(x) = mv.get(lo..r + after + 1 + half) else {
        return false;
    };
    let mut sum: f32 = x[..smooth].iter().sum();
    for (i, o) in out.iter_mut().enumerate() {
        *o = sum / smooth as f32;
        if i + smooth < x.len() {
            sum += x[i + smooth] - x[i];
        }
    }
    let m = out.iter().sum::<f32>() / n as f32;
    for o in out.iter_mut() {
        *o -= m;
    }
    true
}

/// The sample-wise mean of `beats`; `None` when there are none.
fn mean<'a>(beats: impl Iterator<Item = &'a [f32]>) -> Option<Vec<f32>> {
    let mut sum: Vec<f64> = Vec::new();
    let mut n = 0usize;
    for b in beats {
        if sum.is_empty() {
            sum = vec![0.0; b.len()];
        }
        for (s, v) in sum.iter_mut().zip(b) {
            *s += f64::from(*v);
        }
        n += 1;
    }
    (n > 0).then(|| sum.iter().map(|s| (s / n as f64) as f32).collect())
}

/// Pearson's correlation of two windows of the same length (each already of zero mean).
fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    crate::outline::by_fours(n, |k| {
        let (x, y) = (f64::from(a[k]), f64::from(b[k]));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    });
    if aa == 0.0 || bb == 0.0 {
        return 0.0;
    }
    ab / (aa * bb).sqrt()
}

/// Samples between the first and the last where the beat deviates from its window's median by
/// more than [`WIDTH_LEVEL`] of its largest deviation: the QRS's width.
fn width(beat: &[f32]) -> usize {
    let mut sorted = beat.to_vec();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2];
    let largest = beat
        .iter()
        .fold(0.0f32, |m, v| max_f32(m, (v - median).abs()));
    let level = WIDTH_LEVEL * largest;
    let above = |v: &f32| (v - median).abs() > level;
    match (beat.iter().position(above), beat.iter().rposition(above)) {
        (Some(a), Some(b)) => b - a + 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A beat: a Gaussian QRS of width σ `sigma` samples and height `mv`, at 1000 Hz.
    fn beat(sigma: f32, mv: f32) -> Vec<f32> {
        (0..1000)
            .map(|i| {
                let z = (i as f32 - 500.0) / sigma;
                mv * (-0.5 * z * z).exp()
            })
            .collect()
    }

    #[test]
    fn shapes_correlate_and_widths_are_read_at_30_percent() {
        // Pearson's correlation without the means (the windows have them taken out): a scaled
        // copy correlates 1, an inverted one −1.
        let narrow = beat(10.0, 1.0);
        assert!((correlation(&narrow, &beat(10.0, 2.0)) - 1.0).abs() < 1e-9);
        assert!((correlation(&narrow, &beat(10.0, -1.0)) + 1.0).abs() < 1e-9);
        // A Gaussian is above 30 % of its peak within σ·√(2 ln(1/0.3)) = 1.552σ of its centre
        // (the window's median is 0): ±15 samples, 31 in all, for σ = 10; ±38, 77, for σ = 25.
        assert_eq!(width(&narrow), 31);
        assert_eq!(width(&beat(25.0, 1.0)), 77);
    }

    #[test]
    fn the_local_rr_is_the_median_of_the_intervals_kept() {
        // Zeros are intervals left out (next to a ventricular beat).
        let rr = [800, 0, 0, 780, 820, 400, 810];
        assert_eq!(median_before(&rr, 3), None);
        assert_eq!(median_before(&rr, 5), Some(800.0));
        // 800, 780, 820, 400 → (780 + 800) / 2.
        assert_eq!(median_before(&rr, 6), Some(790.0));
    }

    #[test]
    fn early_beats_of_the_dominant_shape_are_s_and_foreign_wide_ones_v() {
        // 1000 Hz, a beat every 800 ms; beat 6 comes 480 ms after beat 5 (40 % early) with the
        // normal shape; beat 9 on time but wide and inverted; beat 12 early and wide.
        let times: Vec<usize> = [
            1000, 1800, 2600, 3400, 4200, 5000, 5480, 6280, 7080, 7880, 8680, 9480, 9980, 10780,
            11580,
        ]
        .to_vec();
        let mut mv = vec![0.0f32; 12_500];
        for (k, &t) in times.iter().enumerate() {
            let (sigma, height) = match k {
                9 => (30.0, -1.2),
                12 => (30.0, 1.2),
                _ => (10.0, 1.0),
            };
            for (i, v) in mv.iter_mut().enumerate() {
                let z = (i as f32 - t as f32) / sigma;
                *v += height * (-0.5 * z * z).exp();
            }
        }
        let signal = Signal { rate: 1000.0, mv };
        let found: Vec<(usize, EctopicClass, f64)> = ectopic_beats(&signal, &times)
            .iter()
            .map(|p| (p.beat_index, p.class, p.prematurity_pct))
            .collect();
        assert_eq!(
            found,
            [
                (6, EctopicClass::Supraventricular, 40.0),
                (9, EctopicClass::Ventricular, 0.0),
                (12, EctopicClass::Ventricular, 37.5),
            ]
        );
    }
}
