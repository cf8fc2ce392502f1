//! Second-order Butterworth sections designed for the signal's own rate, run forward and
//! backward (zero phase) so that filtered peaks stay where the QRS complex is.
//!
//! Coefficients from the bilinear transform with pre-warping, as in R. Bristow-Johnson's
//! "Cookbook formulae for audio EQ biquad filter coefficients" (Q = 1/√2 gives Butterworth).

/// One biquad: `y = b0·x + b1·x₋₁ + b2·x₋₂ − a1·y₋₁ − a2·y₋₂` (a0 normalised to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Biquad {
    b: [f32; 3],
    a: [f32; 2],
}

impl Biquad {
    /// Butterworth low-pass at `cutoff_hz` for `rate_hz`.
    pub fn low_pass(cutoff_hz: f64, rate_hz: f64) -> Self {
        let (cos, alpha) = Self::warp(cutoff_hz, rate_hz);
        Self::normalised(
            [(1.0 - cos) / 2.0, 1.0 - cos, (1.0 - cos) / 2.0],
            cos,
            alpha,
        )
    }

    /// Butterworth high-pass at `cutoff_hz` for `rate_hz`.
    pub fn high_pass(cutoff_hz: f64, rate_hz: f64) -> Self {
        let (cos, alpha) = Self::warp(cutoff_hz, rate_hz);
        Self::normalised(
            [(1.0 + cos) / 2.0, -(1.0 + cos), (1.0 + cos) / 2.0],
            cos,
            alpha,
        )
    }

    fn warp(cutoff_hz: f64, rate_hz: f64) -> (f64, f64) {
        // A cutoff at or above Nyquist is clamped just under it.
        let w0 = 2.0 * std::f64::consts::PI * cutoff_hz.min(0.45 * rate_hz) / rate_hz;
        (w0.cos(), w0.sin() / (2.0 * std::f64::consts::FRAC_1_SQRT_2))
    }

    fn normalised(b: [f64; 3], cos: f64, alpha: f64) -> Self {
        let a0 = 1.0 + alpha;
        Self {
            b: b.map(|v| (v / a0) as f32),
            a: [(-2.0 * cos / a0) as f32, ((1.0 - alpha) / a0) as f32],
        }
    }

    /// The gain at 0 Hz.
    fn dc_gain(&self) -> f32 {
        (self.b[0] + self.b[1] + self.b[2]) / (1.0 + self.a[0] + self.a[1])
    }

    /// The transposed-direct-form state that makes a constant input `x` pass without a
    /// transient (as SciPy's `lfilter_zi`): the edges of a record with a DC offset stay clean.
    fn steady_state(&self, x: f32) -> [f32; 2] {
        let [_, b1, b2] = self.b;
        let [a1, a2] = self.a;
        let y = x * self.dc_gain();
        let z2 = b2 * x - a2 * y;
        [b1 * x - a1 * y + z2, z2]
    }
}

/// A high-pass and a low-pass biquad applied forward then backward: a band-pass with zero
/// phase and squared magnitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ZeroPhase {
    sections: [Biquad; 2],
}

impl ZeroPhase {
    /// Band-pass `low_hz`–`high_hz` for `rate_hz`.
    pub fn band_pass(low_hz: f64, high_hz: f64, rate_hz: f64) -> Self {
        Self {
            sections: [
                Biquad::high_pass(low_hz, rate_hz),
                Biquad::low_pass(high_hz, rate_hz),
            ],
        }
    }

    /// `signal` filtered forward and backward.
    #[cfg(test)]
    pub fn apply(&self, signal: &[f32]) -> Vec<f32> {
        let mut out = signal.to_vec();
        self.apply_in_place(&mut out);
        out
    }

    /// `signal` filtered forward and backward, in place: no copy of it.
    pub fn apply_in_place(&self, signal: &mut [f32]) {
        self.pass(signal, false);
        self.pass(signal, true);
    }

    /// One causal pass of both sections over `x` in place, backward when `reverse`, from a
    /// steady state at its first sample. Called from two places and never inlined: in the
    /// wasm module, inlined into the whole analysis (`outline.rs`), the loop kept its
    /// coefficients and state on the stack; on its own it keeps them in registers.
    #[inline(never)]
    fn pass(&self, x: &mut [f32], reverse: bool) {
        let Some(&first) = (if reverse { x.last() } else { x.first() }) else {
            return;
        };
        let [h, l] = self.sections;
        let mut zh = h.steady_state(first);
        let mut zl = l.steady_state(first * h.dc_gain());
        // The body is a plain chain of multiply-adds. A Butterworth high-pass has
        // b = b0·(1, −2, 1) and a low-pass b0·(1, 2, 1), exactly in f32 (a factor of 2 is
        // exact), so b1·v = ∓2·(b0·v) and b2·v = b0·v to the bit: one product per section
        // instead of three, the same results, and fewer values for the wasm compiler to keep in
        // registers (`band_pass_numerators_are_exact_multiples`).
        let mut step = |x: &mut f32| {
            let v = *x;
            let t = h.b[0] * v;
            let y = t + zh[0];
            zh[0] = -2.0 * t - h.a[0] * y + zh[1];
            zh[1] = t - h.a[1] * y;
            let u = l.b[0] * y;
            let w = u + zl[0];
            zl[0] = 2.0 * u - l.a[0] * w + zl[1];
            zl[1] = u - l.a[1] * w;
            *x = w;
        };
        // Four samples per iteration: in the wasm module every loop iteration checks the fuel,
        // and the state goes through the stack around that check (a call on its rare path);
        // unrolled, it does so once every four samples. The order of the samples is unchanged.
        if reverse {
            let mut blocks = x.rchunks_exact_mut(4);
            for block in &mut blocks {
                block.iter_mut().rev().for_each(&mut step);
            }
            blocks.into_remainder().iter_mut().rev().for_each(&mut step);
        } else {
            let mut blocks = x.chunks_exact_mut(4);
            for block in &mut blocks {
                block.iter_mut().for_each(&mut step);
            }
            blocks.into_remainder().iter_mut().for_each(&mut step);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Amplitude left of a unit sine of `hz` after the filter, measured mid-signal.
    fn gain(filter: &ZeroPhase, hz: f64, rate: f64) -> f64 {
        let n = (rate * 20.0) as usize;
        let sine: Vec<f32> = (0..n)
            .map(|i| (2.0 * std::f64::consts::PI * hz * i as f64 / rate).sin() as f32)
            .collect();
        let out = filter.apply(&sine);
        f64::from(
            out[n / 4..3 * n / 4]
                .iter()
                .fold(0.0f32, |m, v| m.max(v.abs())),
        )
    }

    #[test]
    fn band_pass_keeps_qrs_frequencies_at_every_rate() {
        for rate in [50.0, 250.0, 360.0, 1000.0, 5000.0] {
            let filter = ZeroPhase::band_pass(5.0, 15.0, rate);
            // Zero phase squares the magnitude: the -3 dB corners become -6 dB (0.5).
            let centre = gain(&filter, 8.66, rate);
            assert!((0.8..=1.0).contains(&centre), "{rate} Hz: centre {centre}");
            assert!(
                gain(&filter, 0.3, rate) < 0.01,
                "{rate} Hz: baseline wander"
            );
            if rate > 120.0 {
                assert!(gain(&filter, 60.0, rate) < 0.07, "{rate} Hz: mains");
            }
        }
    }

    #[test]
    fn band_pass_numerators_are_exact_multiples() {
        // What `ZeroPhase::pass` relies on, at every rate it may see (the detection rate is
        // 100–200 Hz; the tests above filter at the input's own rate too).
        for rate in (50..=5000).step_by(7) {
            let ZeroPhase { sections: [h, l] } = ZeroPhase::band_pass(5.0, 15.0, f64::from(rate));
            assert_eq!((h.b[1], h.b[2]), (-2.0 * h.b[0], h.b[0]), "{rate} Hz");
            assert_eq!((l.b[1], l.b[2]), (2.0 * l.b[0], l.b[0]), "{rate} Hz");
        }
    }

    #[test]
    fn the_pass_is_the_general_biquad_to_the_bit() {
        let filter = ZeroPhase::band_pass(5.0, 15.0, 120.0);
        let [h, l] = filter.sections;
        // Lengths around the unrolling by four, both ways.
        for n in [1, 2, 3, 4, 5, 7, 2003] {
            for reverse in [false, true] {
                let x: Vec<f32> = (0..n)
                    .map(|i| (i as f32 * 0.37).sin() + 0.01 * (i % 13) as f32 - 0.4)
                    .collect();
                let mut general = x.clone();
                if reverse {
                    general.reverse();
                }
                let first = general[0];
                let (mut zh, mut zl) = (h.steady_state(first), l.steady_state(first * h.dc_gain()));
                for v in &mut general {
                    let y = h.b[0] * *v + zh[0];
                    zh[0] = h.b[1] * *v - h.a[0] * y + zh[1];
                    zh[1] = h.b[2] * *v - h.a[1] * y;
                    let w = l.b[0] * y + zl[0];
                    zl[0] = l.b[1] * y - l.a[0] * w + zl[1];
                    zl[1] = l.b[2] * y - l.a[1] * w;
                    *v = w;
                }
                if reverse {
                    general.reverse();
                }
                let mut fast = x;
                filter.pass(&mut fast, reverse);
                let same = fast
                    .iter()
                    .zip(&general)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "{n} samples, reverse {reverse}");
            }
        }
    }

    #[test]
    fn a_constant_offset_leaves_no_edge_transient() {
        let out = ZeroPhase::band_pass(5.0, 15.0, 360.0).apply(&[3.0; 720]);
        assert!(out.iter().all(|v| v.abs() < 1e-4), "{:?}", &out[..4]);
    }
}
