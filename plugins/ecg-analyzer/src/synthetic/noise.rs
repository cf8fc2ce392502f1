//! The generator's noise, the classes of Friesen GM et al. "A comparison of the noise
//! sensitivity of nine QRS detection algorithms." IEEE Trans Biomed Eng 37(1):85–98, 1990:
//! baseline wander, mains and muscle noise.

use std::f64::consts::{PI, SQRT_2};

use super::SplitMix64;

/// Baseline wander: (frequency Hz, share of the amplitude); the shares sum to 1.
const WANDER: [(f64, f64); 3] = [(0.12, 0.5), (0.25, 0.3), (0.4, 0.2)];
/// Muscle noise is white up to this frequency, Hz (or 0.4 × the sampling rate, if lower).
const MUSCLE_BAND_HZ: f64 = 100.0;

/// Noise added to the clean ECG.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    /// Amplitude of the baseline wander, mV: its three sines' amplitudes sum to this.
    pub baseline_wander_mv: f64,
    /// Mains frequency, Hz (50 or 60).
    pub mains_hz: f64,
    /// Amplitude of the mains sine, mV.
    pub mains_mv: f64,
    /// Root mean square of the muscle noise, mV.
    pub muscle_mv: f64,
}

impl Noise {
    /// No noise at all.
    pub const NONE: Self = Self {
        baseline_wander_mv: 0.0,
        mains_hz: 50.0,
        mains_mv: 0.0,
        muscle_mv: 0.0,
    };

    /// An ordinary ambulatory recording: wander 0.3 mV, mains 0.05 mV, muscle 0.03 mV RMS.
    pub const fn realistic(mains_hz: f64) -> Self {
        Self {
            baseline_wander_mv: 0.3,
            mains_hz,
            mains_mv: 0.05,
            muscle_mv: 0.03,
        }
    }

    /// A hard recording (moving patient, poor electrodes): wander 1 mV, mains 0.2 mV, muscle
    /// 0.1 mV RMS.
    pub const fn heavy(mains_hz: f64) -> Self {
        Self {
            baseline_wander_mv: 1.0,
            mains_hz,
            mains_mv: 0.2,
            muscle_mv: 0.1,
        }
    }

    /// Adds this noise to `mv`, sampled at `rate_hz`.
    pub(super) fn add_to(&self, mv: &mut [f64], rate_hz: f64, rng: &mut SplitMix64) {
        let wander: Vec<(f64, f64, f64)> = WANDER
            .iter()
            .map(|&(hz, share)| {
                (
                    hz,
                    share * self.baseline_wander_mv,
                    rng.uniform() * 2.0 * PI,
                )
            })
            .collect();
        let mains_phase = rng.uniform() * 2.0 * PI;
        for (i, v) in mv.iter_mut().enumerate() {
            let t = i as f64 / rate_hz;
            *v += wander
                .iter()
                .map(|&(hz, amplitude, phase)| amplitude * (2.0 * PI * hz * t + phase).sin())
                .sum::<f64>();
            *v += self.mains_mv * (2.0 * PI * self.mains_hz * t + mains_phase).sin();
        }
        if self.muscle_mv > 0.0 {
            let mut emg: Vec<f64> = (0..mv.len()).map(|_| rng.gaussian()).collect();
            low_pass(&mut emg, MUSCLE_BAND_HZ.min(0.4 * rate_hz), rate_hz);
            let rms = (emg.iter().map(|e| e * e).sum::<f64>() / emg.len() as f64).sqrt();
            for (v, e) in mv.iter_mut().zip(&emg) {
                *v += self.muscle_mv * e / rms;
            }
        }
    }
}

/// A second-order Butterworth low-pass at `cutoff_hz`, in place (R. Bristow-Johnson's
/// "Cookbook formulae for audio EQ biquad filter coefficients", Q = 1/√2).
fn low_pass(x: &mut [f64], cutoff_hz: f64, rate_hz: f64) {
    let w0 = 2.0 * PI * cutoff_hz / rate_hz;
    let alpha = w0.sin() / SQRT_2;
    let (cos, a0) = (w0.cos(), 1.0 + alpha);
    let b = [
        (1.0 - cos) / 2.0 / a0,
        (1.0 - cos) / a0,
        (1.0 - cos) / 2.0 / a0,
    ];
    let a = [-2.0 * cos / a0, (1.0 - alpha) / a0];
    let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
    for v in x.iter_mut() {
        let y = b[0] * *v + b[1] * x1 + b[2] * x2 - a[0] * y1 - a[1] * y2;
        (x2, x1, y2, y1) = (x1, *v, y1, y);
        *v = y;
    }
}
