//! QRS detection: Pan J, Tompkins WJ. "A real-time QRS detection algorithm." IEEE Trans Biomed
//! Eng 32(3):230–236, 1985 — with its filters designed for the signal's rate instead of 200 Hz.
//!
//! 0. The signal is averaged down to 100–200 Hz (PT worked at 200 Hz): detection costs the
//!    same at 360 Hz or 5 kHz.
//! 1. Band-pass 5–15 Hz (the band that holds most QRS energy, PT §II-A), zero phase.
//! 2. Five-point derivative (PT eq. 5, over steps of 5 ms at any rate), squaring, and a
//!    150 ms moving-window integration (PT: 30 samples at 200 Hz), centred on the complex.
//! 3. Peaks of the integrated signal, two within 200 ms (the refractory period, PT §II-F) one
//!    peak — the larger — unless a trough under 60 % of the lower one parts them: then they are
//!    two complexes (a premature beat right after a T wave or a QRS), and the refractory
//!    period is counted from the QRS accepted. Each is paired with the largest band-passed
//!    sample under its window.
//! 4. Two adaptive thresholds per signal (PT eqs. 12–21): a peak is a QRS when it passes both
//!    the integrated and the band-passed threshold; otherwise it feeds the noise level.
//! 5. Search-back: no QRS for 166 % of the regular RR average → the largest noise peak since
//!    the last QRS that passes the lower thresholds, and is no T wave by step 6, is one
//!    (PT §II-G).
//! 6. T-wave discrimination: a peak within 360 ms of the last QRS whose maximal slope is under
//!    half of that QRS's is a T wave (PT §II-F) — the slope read on the input itself
//!    (`steepness.rs`), where a QRS keeps its steepness and a tall T wave does not gain any,
//!    and weighed with the peak's energy, so that a wide ventricular beat is no T wave
//!    (`Decider::is_t_wave`).
//! 7. The R peak: the extreme input sample of the complex's polarity within 50 ms of it.

use crate::filter::ZeroPhase;
use crate::finite::{max_f32, max_f64};
use crate::outline::opaque;
use crate::signal::Signal;
use crate::steepness::Steepness;

/// Pass band, Hz (PT §II-A: 5–15 Hz).
const BAND_HZ: (f64, f64) = (5.0, 15.0);
/// Derivative step, s: PT's five-point derivative at 200 Hz.
const DERIVATIVE_STEP_S: f64 = 1.0 / 200.0;
/// Integration window, s (PT: 150 ms).
const INTEGRATION_S: f64 = 0.150;
/// No two QRS closer than this, s (PT: 200 ms).
const REFRACTORY_S: f64 = 0.200;
/// Within this of a QRS a peak may be a T wave, s (PT: 360 ms).
const T_WAVE_WINDOW_S: f64 = 0.360;
/// A T wave is under this share of its QRS's steepest slope (PT: half), here of the mean of
/// its shares of that QRS's slope and energy (see `Decider::is_t_wave`).
const T_WAVE_SHARE: f32 = 0.5;
/// Search back when a QRS is this late, in regular RR averages (PT: 166 %).
const RR_MISSED: f64 = 1.66;
/// RR intervals within these fractions of the average are regular (PT: 92 % and 116 %).
const RR_REGULAR: (f64, f64) = (0.92, 1.16);
/// The thresholds learn from the first seconds of signal (PT's learning phase: 2 s).
const LEARNING_S: f64 = 2.0;
/// How far from the band-passed peak the raw R peak may lie, s.
const REFINE_S: f64 = 0.050;
/// Detection runs on the signal averaged down to between this rate and twice it, Hz: PT
/// designed the method at 200 Hz, and its 5–15 Hz band needs far less; the R peak is then
/// placed on the input's own samples.
const DETECTION_RATE_HZ: f64 = 100.0;

/// The detector's result.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Detection {
    /// R-peak sample indices, in order.
    pub r_peaks: Vec<usize>,
    /// Band-passed signal level of the QRS complexes at the end (SPKF).
    pub signal_level: f32,
    /// Band-passed noise level at the end (NPKF).
    pub noise_level: f32,
    /// QRS complexes found by search-back.
    pub searched_back: usize,
}

/// A peak of the integrated signal and the band-passed peak under it.
#[derive(Debug, Clone, Copy)]
struct Peak {
    /// Index of the band-passed peak: the complex's position.
    at: usize,
    /// Height of the integrated signal.
    integrated: f32,
    /// |band-passed| at `at`.
    filtered: f32,
}

/// One adaptive threshold pair (PT eqs. 12–16 for the integrated signal, 17–21 band-passed).
#[derive(Debug, Clone, Copy)]
struct Levels {
    signal: f32,
    noise: f32,
}

impl Levels {
    fn threshold(&self, irregular: bool) -> f32 {
        let t = self.noise + 0.25 * (self.signal - self.noise);
        if irregular { 0.5 * t } else { t }
    }
}

/// Finds the R peaks of `signal`.
pub(crate) fn detect(signal: &Signal) -> Detection {
    let factor = ((signal.rate / DETECTION_RATE_HZ).floor() as usize).max(1);
    // The reduced signal is band-passed where it lies.
    // Each loop over the signal in a function of its own in the wasm module (`outline.rs`).
    let mut reduced = opaque(decimate as fn(&Signal, usize) -> Signal)(signal, factor);
    ZeroPhase::band_pass(BAND_HZ.0, BAND_HZ.1, reduced.rate).apply_in_place(&mut reduced.mv);
    let filtered = &reduced.mv;
    let step = reduced.samples(DERIVATIVE_STEP_S);
    let window = reduced.samples(INTEGRATION_S);
    let integrated =
        opaque(integrate as fn(&[f32], usize, usize) -> Vec<f32>)(filtered, step, window);
    let peaks = opaque(peaks as fn(&[f32], &[f32], usize, usize) -> Vec<Peak>)(
        &integrated,
        filtered,
        reduced.samples(REFRACTORY_S),
        window,
    );
    let mut state = Decider::new(&reduced, &integrated, filtered);
    let slope = Steepness::new(&signal.mv, signal.rate, factor);
    for peak in peaks {
        state.consider(peak, &slope);
    }
    // Back to the input's samples: a reduced sample stands for the middle of its block.
    let reach = signal.samples(REFINE_S);
    let refractory = signal.samples(REFRACTORY_S);
    let mut r_peaks: Vec<usize> = Vec::with_capacity(state.qrs.len());
    for q in &state.qrs {
        let centre = (q.at * factor + (factor - 1) / 2).min(signal.mv.len() - 1);
        let r = refine_r(&signal.mv, centre, filtered[q.at] >= 0.0, reach);
        if r_peaks
            .last()
            .is_none_or(|&last| r >= last + refractory / 2)
        {
            r_peaks.push(r);
        }
    }
    Detection {
        r_peaks,
        signal_level: state.filtered.signal,
        noise_level: state.filtered.noise,
        searched_back: state.searched_back,
    }
}

/// `signal` averaged over blocks of `factor` samples. The block average is the decimation
/// filter (a first-order CIC): its nulls fall on the multiples of the new rate, the
/// frequencies that would alias onto 0 Hz, and the 5–15 Hz band-pass that follows removes what
/// aliases elsewhere; in 5–15 Hz it loses under 2 % at 100 Hz and more.
fn decimate(signal: &Signal, factor: usize) -> Signal {
    if factor == 1 {
        return signal.clone();
    }
    let scale = 1.0 / factor as f32;
    // The common rates' factors (250 and 500 Hz, 360 Hz, 1 kHz) with the block's length known
    // to the compiler: the same sums, without an inner loop.
    let mv = match factor {
        2 => block_means::<2>(&signal.mv, scale),
        3 => block_means::<3>(&signal.mv, scale),
        5 => block_means::<5>(&signal.mv, scale),
        10 => block_means::<10>(&signal.mv, scale),
        _ => signal
            .mv
            .chunks(factor)
            .map(|block| block.iter().sum::<f32>() * scale)
            .collect(),
    };
    Signal {
        rate: signal.rate / factor as f64,
        mv,
    }
}

/// The sums of `x`'s blocks of `F` samples (the last may be shorter) times `scale`.
fn block_means<const F: usize>(x: &[f32], scale: f32) -> Vec<f32> {
    let blocks = x.chunks_exact(F);
    let last = blocks.remainder();
    let mut out: Vec<f32> = blocks
        .map(|block| block.iter().sum::<f32>() * scale)
        .collect();
    if !last.is_empty() {
        out.push(last.iter().sum::<f32>() * scale);
    }
    out
}

/// The squared slope of `filtered`, integrated over a window of `window` samples centred on
/// each sample.
fn integrate(filtered: &[f32], step: usize, window: usize) -> Vec<f32> {
    let n = filtered.len();
    let left = window / 2;
    let right = window - 1 - left;
    // The squares with `left + 1` zeros before them and `right` after: output `i` adds square
    // `i + right` (padded index `i + window`) and drops square `i - left - 1` (padded `i`),
    // and past the edges adds or drops an exact zero, so that the loop has no edge branch.
    let pad = left + 1;
    let mut padded = vec![0.0f32; n + window];
    let reach = 2 * step;
    if n > 2 * reach {
        // The derivative of `Slope::at`, written out so that the loop has no bounds branch.
        let squares = &mut padded[pad + reach..pad + n - reach];
        let x = filtered;
        for (k, out) in squares.iter_mut().enumerate() {
            let i = k + reach;
            let d = (2.0 * (x[i + reach] - x[i - reach]) + x[i + step] - x[i - step]) * 0.125;
            *out = d * d;
        }
    }
    // An f64 sum: adding and removing 650,000 squares in f32 would drift.
    let mut sum: f64 = padded[pad..pad + right.min(n)]
        .iter()
        .map(|&v| f64::from(v))
        .sum();
    let scale = 1.0 / window as f64;
    let mut out = vec![0.0f32; n];
    let mut step = |out: &mut f32, added: f32, dropped: f32| {
        sum += f64::from(added);
        sum -= f64::from(dropped);
        *out = (max_f64(sum, 0.0) * scale) as f32;
    };
    // Four samples per iteration, in order: in the wasm module the running sum goes through
    // the stack at every iteration's fuel check (see `ZeroPhase::pass`).
    let mut outs = out.chunks_exact_mut(4);
    let mut added = padded[window..].chunks_exact(4);
    let mut dropped = padded[..n].chunks_exact(4);
    for ((o, a), d) in (&mut outs).zip(&mut added).zip(&mut dropped) {
        for k in 0..4 {
            step(&mut o[k], a[k], d[k]);
        }
    }
    let (added, dropped) = (added.remainder(), dropped.remainder());
    for ((o, &a), &d) in outs.into_remainder().iter_mut().zip(added).zip(dropped) {
        step(o, a, d);
    }
    out
}

/// Local maxima of `integrated` at least `refractory` apart (the larger wins), each then paired
/// with the largest |band-passed| sample within half a window of it.
fn peaks(integrated: &[f32], filtered: &[f32], refractory: usize, window: usize) -> Vec<Peak> {
    let mut maxima: Vec<usize> = Vec::new();
    // The scan over every sample in a function of its own in the wasm module (`outline.rs`).
    for i in opaque(local_maxima as fn(&[f32]) -> Vec<usize>)(integrated) {
        let v = integrated[i];
        match maxima.last_mut() {
            Some(last) if i < *last + refractory && one_hump(integrated, *last, i) => {
                if v > integrated[*last] {
                    *last = i;
                }
            }
            _ => maxima.push(i),
        }
    }
    let half = window / 2;
    maxima
        .into_iter()
        .map(|i| {
            let (lo, hi) = (i.saturating_sub(half), (i + half + 1).min(filtered.len()));
            let mut at = lo;
            for k in lo..hi {
                if filtered[k].abs() > filtered[at].abs() {
                    at = k;
                }
            }
            Peak {
                at,
                integrated: integrated[i],
                filtered: filtered[at].abs(),
            }
        })
        .collect()
}

/// The samples of `x` above the one before and at least the one after.
fn local_maxima(x: &[f32]) -> Vec<usize> {
    let mut maxima = Vec::new();
    let Some(n) = x.len().checked_sub(2) else {
        return maxima;
    };
    // Sample `k + 1` between `before[k]` and `after[k]`: one branch, rarely taken, per sample,
    // and nothing carried from one to the next.
    let (before, middle, after) = (&x[..n], &x[1..=n], &x[2..]);
    crate::outline::by_fours(n, |k| {
        if (middle[k] > before[k]) & (middle[k] >= after[k]) {
            maxima.push(k + 1);
        }
    });
    maxima
}

/// Whether the maxima `a < b` of `integrated` are one hump: the signal between them stays
/// above 60 % of the lower of the two (medplug's rule; at half, a premature beat landing on a
/// tall T wave 330 ms after a QRS still merged with it, the T wave filling the trough). Two complexes closer than the refractory period — a
/// premature beat on the heels of a T wave, a QRS and the wide ventricular beat that follows
/// it — are two humps with a trough between, and are both kept for the decision, where PT's
/// refractory period counts from the QRS accepted, not from any peak.
fn one_hump(integrated: &[f32], a: usize, b: usize) -> bool {
    let floor = 0.6 * integrated[a].min(integrated[b]);
    integrated[a..b].iter().all(|&v| v >= floor)
}

/// The adaptive-threshold state machine of PT §II-D to §II-G.
struct Decider {
    integrated: Levels,
    filtered: Levels,
    qrs: Vec<Peak>,
    /// Maximal slope of each QRS, for T-wave discrimination.
    last_slope: f32,
    /// Peaks judged noise since the last QRS: search-back candidates.
    noise_since_qrs: Vec<Peak>,
    rr: Vec<usize>,
    rr_average: f64,
    irregular: bool,
    refractory: usize,
    t_wave_window: usize,
    slope_half_width: usize,
    searched_back: usize,
}

impl Decider {
    fn new(signal: &Signal, integrated: &[f32], filtered: &[f32]) -> Self {
        let learn = signal.samples(LEARNING_S).min(integrated.len());
        let max_mean = |x: &[f32]| {
            let max = x[..learn].iter().fold(0.0f32, |m, v| max_f32(m, v.abs()));
            let mean = x[..learn].iter().map(|v| f64::from(v.abs())).sum::<f64>() / learn as f64;
            Levels {
                signal: max / 3.0,
                noise: (mean / 2.0) as f32,
            }
        };
        Self {
            integrated: max_mean(integrated),
            filtered: max_mean(filtered),
            qrs: Vec::new(),
            last_slope: 0.0,
            noise_since_qrs: Vec::new(),
            rr: Vec::new(),
            rr_average: 0.0,
            irregular: false,
            refractory: signal.samples(REFRACTORY_S),
            t_wave_window: signal.samples(T_WAVE_WINDOW_S),
            slope_half_width: signal.samples(INTEGRATION_S / 2.0),
            searched_back: 0,
        }
    }

    fn consider(&mut self, peak: Peak, slope: &Steepness<'_>) {
        self.search_back_before(peak.at, slope);
        let since_last = self.qrs.last().map(|q| peak.at - q.at);
        if since_last.is_some_and(|d| d < self.refractory) {
            return;
        }
        let passes = peak.integrated > self.integrated.threshold(self.irregular)
            && peak.filtered > self.filtered.threshold(self.irregular);
        if passes {
            let steepest = slope.steepest_near(peak.at, self.slope_half_width);
            if !self.is_t_wave(&peak, steepest) {
                self.accept(peak, steepest, 0.125);
                return;
            }
        }
        self.integrated.noise = 0.125 * peak.integrated + 0.875 * self.integrated.noise;
        self.filtered.noise = 0.125 * peak.filtered + 0.875 * self.filtered.noise;
        self.noise_since_qrs.push(peak);
    }

    /// PT §II-G: when the next peak comes later than 166 % of the regular RR average, the
    /// largest earlier noise peak that passes the lower thresholds was a missed QRS — unless
    /// the T-wave rule (§II-F) calls it a T wave: after a long RR, the tallest peak since the
    /// last QRS is often its T wave.
    fn search_back_before(&mut self, now: usize, slope: &Steepness<'_>) {
        let Some(last) = self.qrs.last().map(|q| q.at) else {
            return;
        };
        if self.rr_average == 0.0 || ((now - last) as f64) < RR_MISSED * self.rr_average {
            return;
        }
        let low_i = 0.5 * self.integrated.threshold(self.irregular);
        let low_f = 0.5 * self.filtered.threshold(self.irregular);
        let best = self
            .noise_since_qrs
            .iter()
            .filter(|p| {
                p.at >= last + self.refractory
                    && p.at + self.refractory <= now
                    && p.integrated > low_i
                    && p.filtered > low_f
                    && !self.is_t_wave(p, slope.steepest_near(p.at, self.slope_half_width))
            })
            .max_by(|a, b| a.integrated.total_cmp(&b.integrated))
            .copied();
        if let Some(peak) = best {
            let steepest = slope.steepest_near(peak.at, self.slope_half_width);
            self.searched_back += 1;
            self.accept(peak, steepest, 0.25);
        }
    }

    /// PT §II-F: a peak within 360 ms of the last QRS whose maximal slope is under half of
    /// that QRS's is a T wave. Here the slope is read on the input (`steepness.rs`) and
    /// weighed together with the energy (the integrated peak), each as a share of the last
    /// QRS's: a T wave when their mean is under one half (medplug's addition). A T wave is
    /// gentle and, in the 5–15 Hz band, a fraction of its QRS's energy, so both shares are
    /// small and muscle noise, which steepens the slope, does not carry it over; a wide
    /// ventricular complex, as gentle as a T wave on its slopes, carries a QRS's energy, so
    /// premature ventricular beats coupled within 360 ms are not lost as T waves.
    fn is_t_wave(&self, peak: &Peak, steepest: f32) -> bool {
        let Some(last) = self.qrs.last() else {
            return false;
        };
        if peak.at >= last.at + self.t_wave_window {
            return false;
        }
        let slope = steepest / max_f32(self.last_slope, f32::MIN_POSITIVE);
        let energy = peak.integrated / max_f32(last.integrated, f32::MIN_POSITIVE);
        0.5 * (slope + energy) < T_WAVE_SHARE
    }

    /// Records a QRS and updates the signal levels (weight 1/8, or 1/4 after search-back)
    /// and the RR averages.
    fn accept(&mut self, peak: Peak, steepest: f32, weight: f32) {
        self.integrated.signal = weight * peak.integrated + (1.0 - weight) * self.integrated.signal;
        self.filtered.signal = weight * peak.filtered + (1.0 - weight) * self.filtered.signal;
        if let Some(last) = self.qrs.last() {
            self.record_rr(peak.at - last.at);
        }
        self.last_slope = steepest;
        self.qrs.push(peak);
        self.noise_since_qrs.clear();
    }

    /// PT's RR AVERAGE1 (last 8) and RR AVERAGE2 (last 8 regular ones); the rhythm is irregular
    /// when the newest interval falls outside 92–116 % of the regular average.
    fn record_rr(&mut self, rr: usize) {
        self.rr.push(rr);
        let recent = &self.rr[self.rr.len().saturating_sub(8)..];
        let average1 = recent.iter().sum::<usize>() as f64 / recent.len() as f64;
        if self.rr_average == 0.0 {
            self.rr_average = average1;
            return;
        }
        let (low, high) = (
            RR_REGULAR.0 * self.rr_average,
            RR_REGULAR.1 * self.rr_average,
        );
        // Regular intervals are looked for among the last 64 only: in an irregular rhythm the
        // search would otherwise go back to the start at every beat.
        let regular: Vec<usize> = self.rr[self.rr.len().saturating_sub(64)..]
            .iter()
            .rev()
            .filter(|&&r| (low..=high).contains(&(r as f64)))
            .take(8)
            .copied()
            .collect();
        self.irregular = !(low..=high).contains(&(rr as f64));
        self.rr_average = if regular.len() == 8 {
            regular.iter().sum::<usize>() as f64 / 8.0
        } else {
            average1
        };
    }
}

/// The R peak near sample `at`: the highest raw sample within `reach` when the complex
/// points up (its band-passed peak is positive), the lowest when it points down.
fn refine_r(raw: &[f32], at: usize, up: bool, reach: usize) -> usize {
    let (lo, hi) = (at.saturating_sub(reach), (at + reach + 1).min(raw.len()));
    let mut best = at;
    for k in lo..hi {
        if (up && raw[k] > raw[best]) || (!up && raw[k] < raw[best]) {
            best = k;
        }
    }
    best
}
