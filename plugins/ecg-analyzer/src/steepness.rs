//! The steepest slope of the input near a detector candidate, for Pan & Tompkins' T-wave test
//! (Pan J, Tompkins WJ, IEEE Trans Biomed Eng 32(3):230–236, 1985, §II-F: within 360 ms of a
//! QRS, a peak whose maximal slope is under half the QRS's is a T wave).
//!
//! PT read the slope of the 5–15 Hz band-passed signal. That band keeps a T wave's slope and
//! takes most of a QRS's: a narrow QRS, whose energy reaches 30–40 Hz, is smoothed to the width
//! of a T wave, so a tall T wave (hyperacute, hyperkalaemic, or simply a lead where T outgrows
//! R) comes out as steep as the QRS and passes for a beat. Here the slope is read on the
//! input's own samples, at its own rate: the difference between the means of the 10 ms after
//! and the 10 ms before each sample, over 10 ms. The means damp muscle noise (white to
//! 100 Hz and more) by averaging; a 10 ms step follows a QRS's upstroke (a normal R wave rises
//! in 20–40 ms) and reads a T wave, which rises over 100 ms or more, at its own gentle pace.
//! It is computed only around candidates, never over the whole signal.

use crate::finite::max_f32;

/// Each side's mean spans this long, s.
const SPAN_S: f64 = 0.010;

/// The input signal, read around detector candidates.
pub(crate) struct Steepness<'a> {
    mv: &'a [f32],
    /// Input samples per reduced (detection-rate) sample.
    factor: usize,
    /// Samples in each side's mean.
    span: usize,
}

impl<'a> Steepness<'a> {
    /// `mv` at `rate` Hz, whose candidates are indexed at `1 / factor` of that rate.
    pub fn new(mv: &'a [f32], rate: f64, factor: usize) -> Self {
        Self {
            mv,
            factor,
            span: ((SPAN_S * rate).round() as usize).max(1),
        }
    }

    /// The steepest |slope| within `half_width` reduced samples of the reduced sample `at`:
    /// the largest difference between the means of the span after and the span before a
    /// sample, mV (a slope per span, the same at every sample).
    pub fn steepest_near(&self, at: usize, half_width: usize) -> f32 {
        let (x, h) = (self.mv, self.span);
        let n = x.len();
        if n < 2 * h + 2 {
            return 0.0;
        }
        let lo = (at.saturating_sub(half_width) * self.factor).max(h);
        let hi = ((at + half_width + 1) * self.factor).min(n - h - 1);
        if lo >= hi {
            return 0.0;
        }
        // Sums of the `h` samples before `i` and the `h` after it, slid along.
        let mut before: f32 = x[lo - h..lo].iter().sum();
        let mut after: f32 = x[lo + 1..=lo + h].iter().sum();
        let mut steepest = 0.0f32;
        // Sample `i` enters `before` as `i - h` leaves it; `i + h + 1` enters `after` as `i + 1`
        // leaves it.
        let entering_before = &x[lo..hi];
        let leaving_before = &x[lo - h..hi - h];
        let entering_after = &x[lo + h + 1..hi + h + 1];
        let leaving_after = &x[lo + 1..hi + 1];
        crate::outline::by_fours(hi - lo, |k| {
            steepest = max_f32(steepest, (after - before).abs());
            before += entering_before[k] - leaving_before[k];
            after += entering_after[k] - leaving_after[k];
        });
        steepest / h as f32
    }
}

#[cfg(test)]
mod tests {
    use super::Steepness;

    #[test]
    fn a_ramp_reads_its_slope_over_the_span_and_a_step_its_height() {
        // 0.1 mV per sample at 1000 Hz, a span of 10 samples: the means of the 10 samples
        // after (i+1..=i+10) and before (i−10..i) are 11 samples apart, 1.1 mV.
        let ramp: Vec<f32> = (0..200).map(|i| i as f32 * 0.1).collect();
        let s = Steepness::new(&ramp, 1000.0, 1);
        assert!((s.steepest_near(100, 20) - 1.1).abs() < 1e-3);
        // A 1 mV step: the means differ by the whole step where they straddle it.
        let step: Vec<f32> = (0..200).map(|i| if i < 100 { 0.0 } else { 1.0 }).collect();
        let s = Steepness::new(&step, 1000.0, 2);
        assert_eq!(s.steepest_near(50, 10), 1.0);
        // Far from the step, flat: 0.
        assert_eq!(s.steepest_near(20, 5), 0.0);
    }
}
