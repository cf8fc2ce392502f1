//! A synthetic single-lead ECG with known beats, rhythm, ST shift and noise, for tests,
//! benchmarks and demos: compiled natively only, so it costs the wasm module nothing.
//!
//! Each beat is a sum of five Gaussians — P, Q, R, S, T — as in McSharry PE, Clifford GD,
//! Tarassenko L, Smith LA. "A dynamical model for generating synthetic electrocardiogram
//! signals." IEEE Trans Biomed Eng 50(3):289–294, 2003 (ECGSYN), written directly in time
//! instead of as ECGSYN's limit cycle.
//!
//! - Amplitudes: in the ratio `a·b²` of ECGSYN's Table 1, since its `ż = −a·Δθ·exp(−Δθ²/2b²)`
//!   integrates to a Gaussian of height `a·b²/ω` (neglecting the model's slow relaxation to
//!   baseline). With R at 1.0 mV: P 0.25, Q −0.17, S −0.25 and T 0.4 mV.
//! - Timing: ECGSYN's times and widths taken literally in time make a QRS of about 150 ms with
//!   60 ms-wide Q waves, both pathological. The centres and widths here give normal adult
//!   intervals at 60 bpm, each wave spanning ±2σ: P 100 ms, PR 169 ms, QRS 82 ms, an
//!   isoelectric PR segment of 69 ms and ST segment of 119 ms, QT 401 ms (normal: PR
//!   120–200 ms, QRS under 110 ms — Surawicz B et al., AHA/ACCF/HRS recommendations for the
//!   standardization and interpretation of the ECG, part III, Circulation 119:e235–e240, 2009;
//!   QTc under 450–460 ms — Rautaharju PM et al., part IV, Circulation 119:e241–e250, 2009).
//! - Rate: the T wave's delay and width scale with the cube root of the RR interval it lies
//!   in, as QT does (Fridericia LS. "Die Systolendauer im Elektrokardiogramm bei normalen
//!   Menschen und bei Herzkranken." Acta Med Scand 53:469–486, 1920; with Framingham's linear
//!   formula the most faithful correction: Vandenberk B et al. "Which QT correction formulae
//!   to use for QT monitoring?" J Am Heart Assoc 5:e003264, 2016). Bazett's √RR, which
//!   overcorrects at high rates, would put the T peak 24 ms earlier at 130 bpm. P and QRS do
//!   not change with rate.
//!
//! Rhythms: sinus with the two rhythms of ECGSYN's RR spectrum — Mayer waves at 0.1 Hz and
//! respiratory sinus arrhythmia at 0.25 Hz, LF/HF power ratio 0.5 — as two sines modulating RR
//! by ±2.1 % and ±3 %; or an AF-like irregular rhythm: independent RR intervals, uniform around
//! the mean, and no P waves.
//!
//! ST shift: a plateau from the S wave to the T peak, rising over the S wave's upstroke
//! (S centre to S + 2σ, the J point) along a raised cosine, then falling with the T wave's own
//! Gaussian slope: a raised ST segment merges into a taller T wave, a lowered one into a
//! shallower one, as in ischaemia, with no edge sharper than the T wave itself.
//!
//! Ectopic beats (`ectopy.rs`): premature atrial and ventricular beats — isolated, in couplets
//! or in bigeminy, ventricular ones wide and of either polarity — and tall T waves, each beat
//! labelled with its ANSI/AAMI EC57 class.
//!
//! Noise, the classes of Friesen GM et al. "A comparison of the noise sensitivity of nine QRS
//! detection algorithms." IEEE Trans Biomed Eng 37(1):85–98, 1990: baseline wander (three
//! sines at respiratory frequencies, 0.12–0.4 Hz), mains (a 50 or 60 Hz sine) and muscle noise
//! (white Gaussian noise low-passed at 100 Hz, so that it has the same spectrum at every
//! sampling rate of 250 Hz and more). All randomness comes from a seeded SplitMix64: the same
//! [`Synthetic`] always gives the same [`Ecg`].

use std::f64::consts::{PI, SQRT_2};

use medplug_pdk::ecg::AnalyzeInput;

pub use cases::{ECTOPY_CASE_RATES, ECTOPY_CASE_S, EctopyCase, ectopy_cases};
pub use ectopy::{BeatKind, Ectopy, Polarity};
pub use noise::Noise;
use random::SplitMix64;

mod cases;
mod ectopy;
mod noise;
mod random;

/// R-wave height, mV.
const R_MV: f64 = 1.0;
/// ECGSYN's `a` and `b` (rad) for P, Q, R, S, T (McSharry et al. 2003, Table 1).
const ECGSYN_A_B: [(f64, f64); 5] = [
    (1.2, 0.25),
    (-5.0, 0.1),
    (30.0, 0.1),
    (-7.5, 0.1),
    (0.75, 0.4),
];
/// Centre (s from R) and width σ (s) of P, Q, R, S, T at 60 bpm.
const TIMING: [(f64, f64); 5] = [
    (-0.160, 0.025),
    (-0.025, 0.008),
    (0.0, 0.010),
    (0.025, 0.008),
    (0.260, 0.050),
];
const P: usize = 0;
const R: usize = 2;
const S: usize = 3;
const T: usize = 4;
/// Relative RR modulation of a sinus rhythm: (frequency Hz, amplitude). RSA ±3 %, and Mayer
/// waves with half its power (ECGSYN's LF/HF ratio 0.5).
const SINUS_VARIABILITY: [(f64, f64); 2] = [(0.1, 0.03 / SQRT_2), (0.25, 0.03)];
/// The first R peak comes at least this late, s: the first beat's P wave fits before it.
const FIRST_BEAT_S: f64 = 0.5;
/// No R peak in the last this much of the signal, s: every listed beat's QRS is whole.
const END_MARGIN_S: f64 = 0.25;
/// Irregular RR intervals shorter than this are drawn again, s.
const SHORTEST_RR_S: f64 = 0.25;

/// The rhythm to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rhythm {
    /// Regular at `bpm`, with physiological variability (Mayer waves and respiratory sinus
    /// arrhythmia, ±3 %). Normal at 60–100 bpm, bradycardia below, tachycardia above.
    Sinus {
        /// Mean rate, beats per minute (20 to 250).
        bpm: f64,
    },
    /// AF-like: independent RR intervals, uniform around the mean with coefficient of variation
    /// `cv`, and no P waves.
    Irregular {
        /// Mean rate, beats per minute (20 to 250).
        mean_bpm: f64,
        /// Standard deviation of RR over its mean, 0 to 0.5.
        cv: f64,
    },
}

impl Rhythm {
    fn mean_bpm(self) -> f64 {
        match self {
            Self::Sinus { bpm } => bpm,
            Self::Irregular { mean_bpm, .. } => mean_bpm,
        }
    }
}

/// What to generate. [`Synthetic::new`] gives a clean signal; set the other fields to add.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Synthetic {
    /// Samples per second.
    pub rate_hz: f64,
    /// Length, s.
    pub duration_s: f64,
    /// The rhythm.
    pub rhythm: Rhythm,
    /// ST shift, mV: positive is elevation.
    pub st_shift_mv: f64,
    /// The noise.
    pub noise: Noise,
    /// Ectopic beats and T-wave height (`ectopy.rs`).
    pub ectopy: Ectopy,
    /// Seed of every random choice.
    pub seed: u64,
}

/// The ectopic beats draw from their own stream, seeded with the seed XOR this: a signal
/// without ectopy is the same as before they existed.
const ECTOPY_STREAM: u64 = 0xEC70_917C_0000_0001;

/// A generated ECG and its truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Ecg {
    /// Samples per second.
    pub rate_hz: f64,
    /// The signal, mV.
    pub samples_mv: Vec<f64>,
    /// The sample index of every R peak, in order: on the clean signal, each is the highest
    /// sample between the midpoints to its neighbours (without ectopy).
    pub beats: Vec<usize>,
    /// Each beat's origin, the AAMI EC57 class.
    pub kinds: Vec<BeatKind>,
}

impl Ecg {
    /// The signal as `analyze`'s input.
    pub fn input(&self) -> AnalyzeInput {
        AnalyzeInput::from_mv(self.rate_hz, self.samples_mv.clone())
    }
}

/// One generated beat: its R sample, its origin and which way its QRS points.
#[derive(Debug, Clone, Copy)]
struct Beat {
    at: usize,
    kind: BeatKind,
    sign: f64,
}

/// One Gaussian wave: centre (s), width σ (s), height (mV).
#[derive(Debug, Clone, Copy)]
struct Wave {
    at: f64,
    sigma: f64,
    mv: f64,
}

impl Synthetic {
    /// A clean signal: no ST shift, no noise, seed 1.
    pub fn new(rate_hz: f64, duration_s: f64, rhythm: Rhythm) -> Self {
        Self {
            rate_hz,
            duration_s,
            rhythm,
            st_shift_mv: 0.0,
            noise: Noise::NONE,
            ectopy: Ectopy::NONE,
            seed: 1,
        }
    }

    /// Generates the signal.
    ///
    /// # Panics
    ///
    /// When the rate is under 50 Hz, the duration under 2 s, the mean rate outside 20–250 bpm
    /// or the coefficient of variation outside 0–0.5.
    pub fn generate(&self) -> Ecg {
        let bpm = self.rhythm.mean_bpm();
        assert!(self.rate_hz >= 50.0, "rate {} Hz is under 50", self.rate_hz);
        assert!(self.duration_s >= 2.0, "{} s is under 2 s", self.duration_s);
        assert!((20.0..=250.0).contains(&bpm), "{bpm} bpm is outside 20–250");
        if let Rhythm::Irregular { cv, .. } = self.rhythm {
            assert!((0.0..=0.5).contains(&cv), "cv {cv} is outside 0–0.5");
        }
        let mut rng = SplitMix64(self.seed);
        let n = (self.duration_s * self.rate_hz).round() as usize;
        let (beats, next_rr) = self.beat_times(&mut rng, n);
        let mut mv = vec![0.0; n];
        self.add_beats(&mut mv, &beats, next_rr);
        self.noise.add_to(&mut mv, self.rate_hz, &mut rng);
        Ecg {
            rate_hz: self.rate_hz,
            samples_mv: mv,
            beats: beats.iter().map(|b| b.at).collect(),
            kinds: beats.iter().map(|b| b.kind).collect(),
        }
    }

    /// The beats, and the RR interval (s) that would follow the last one.
    fn beat_times(&self, rng: &mut SplitMix64, n: usize) -> (Vec<Beat>, f64) {
        let mean_rr = 60.0 / self.rhythm.mean_bpm();
        let phases = [rng.uniform() * 2.0 * PI, rng.uniform() * 2.0 * PI];
        // The first beat falls anywhere in the first half RR after `FIRST_BEAT_S`.
        let mut t = FIRST_BEAT_S + 0.5 * mean_rr * rng.uniform();
        let mut rr_at = |t: f64| match self.rhythm {
            Rhythm::Sinus { .. } => {
                let modulation: f64 = SINUS_VARIABILITY
                    .iter()
                    .zip(phases)
                    .map(|(&(hz, amplitude), phase)| amplitude * (2.0 * PI * hz * t + phase).sin())
                    .sum();
                mean_rr * (1.0 + modulation)
            }
            Rhythm::Irregular { cv, .. } => loop {
                // Uniform on mean·(1 ± √3·cv): standard deviation cv·mean.
                let rr = mean_rr * (1.0 + 3f64.sqrt() * cv * (2.0 * rng.uniform() - 1.0));
                if rr >= SHORTEST_RR_S {
                    break rr;
                }
            },
        };
        let last = n as f64 / self.rate_hz - END_MARGIN_S;
        let mut ectopic_rng = SplitMix64(self.seed ^ ECTOPY_STREAM);
        let mut uniform = || ectopic_rng.uniform();
        let mut beats = Vec::new();
        // On the sample grid, so that the R sample is the wave's very peak.
        let on_grid = |t: f64| (t * self.rate_hz).round() as usize;
        loop {
            let r = on_grid(t);
            let rr = rr_at(t);
            if r as f64 / self.rate_hz > last {
                return (beats, rr);
            }
            beats.push(Beat {
                at: r,
                kind: BeatKind::Normal,
                sign: 1.0,
            });
            let t_r = r as f64 / self.rate_hz;
            if self.ectopy.is_none() {
                t = t_r + rr;
                continue;
            }
            let (ectopic, next) = ectopy::after_sinus(&self.ectopy, t_r, rr, &mut uniform);
            for (at, kind) in ectopic {
                let r = on_grid(at);
                if r as f64 / self.rate_hz > last {
                    return (beats, rr);
                }
                let sign = match kind {
                    BeatKind::Ventricular => {
                        ectopy::ventricular_sign(self.ectopy.polarity, &mut uniform)
                    }
                    _ => 1.0,
                };
                beats.push(Beat { at: r, kind, sign });
            }
            t = next;
        }
    }

    /// Adds every beat's P, Q, R, S and T waves and its ST shift (a ventricular beat's own
    /// waves, and no ST shift).
    fn add_beats(&self, mv: &mut [f64], beats: &[Beat], next_rr: f64) {
        let rate = self.rate_hz;
        let (a_r, b_r) = ECGSYN_A_B[R];
        let irregular = matches!(self.rhythm, Rhythm::Irregular { .. });
        for (k, beat) in beats.iter().enumerate() {
            let r = beat.at;
            let t_r = r as f64 / rate;
            let rr = beats
                .get(k + 1)
                .map_or(next_rr, |next| (next.at - r) as f64 / rate);
            if beat.kind == BeatKind::Ventricular {
                for wave in ectopy::ventricular_waves(t_r, beat.sign, rr) {
                    add_wave(mv, rate, wave);
                }
                continue;
            }
            let t_scale = rr.cbrt();
            for (i, (&(centre, sigma), &(a, b))) in TIMING.iter().zip(&ECGSYN_A_B).enumerate() {
                if i == P && irregular {
                    continue;
                }
                let scale = if i == T { t_scale } else { 1.0 };
                let height = if i == T {
                    self.ectopy.t_wave_scale
                } else {
                    1.0
                };
                add_wave(
                    mv,
                    rate,
                    Wave {
                        at: t_r + centre * scale,
                        sigma: sigma * scale,
                        mv: height * R_MV * a * b * b / (a_r * b_r * b_r),
                    },
                );
            }
            if self.st_shift_mv != 0.0 {
                let (s_at, s_sigma) = TIMING[S];
                let (t_at, t_sigma) = TIMING[T];
                let plateau = Plateau {
                    rise: t_r + s_at,
                    top: t_r + s_at + 2.0 * s_sigma,
                    fall: t_r + t_at * t_scale,
                    fall_sigma: t_sigma * t_scale,
                    mv: self.st_shift_mv,
                };
                plateau.add_to(mv, rate);
            }
        }
    }
}

/// Adds `wave` over ±5σ around its centre.
fn add_wave(mv: &mut [f64], rate: f64, wave: Wave) {
    let (lo, hi) = sample_span(
        mv.len(),
        rate,
        wave.at - 5.0 * wave.sigma,
        wave.at + 5.0 * wave.sigma,
    );
    for (i, v) in mv.iter_mut().enumerate().take(hi).skip(lo) {
        let z = (i as f64 / rate - wave.at) / wave.sigma;
        *v += wave.mv * (-0.5 * z * z).exp();
    }
}

/// An ST shift: 0 before `rise`, `mv` from `top` to `fall` (s), a raised cosine between, and a
/// Gaussian of width `fall_sigma` after `fall`.
#[derive(Debug, Clone, Copy)]
struct Plateau {
    rise: f64,
    top: f64,
    fall: f64,
    fall_sigma: f64,
    mv: f64,
}

impl Plateau {
    /// Adds the shift over its span, the Gaussian to 5σ.
    fn add_to(&self, mv: &mut [f64], rate: f64) {
        let end = self.fall + 5.0 * self.fall_sigma;
        let (lo, hi) = sample_span(mv.len(), rate, self.rise, end);
        for (i, v) in mv.iter_mut().enumerate().take(hi).skip(lo) {
            let t = i as f64 / rate;
            let level = if t < self.top {
                let x = ((t - self.rise) / (self.top - self.rise)).clamp(0.0, 1.0);
                0.5 - 0.5 * (PI * x).cos()
            } else if t <= self.fall {
                1.0
            } else {
                let z = (t - self.fall) / self.fall_sigma;
                (-0.5 * z * z).exp()
            };
            *v += self.mv * level;
        }
    }
}

/// The samples from `from` to `to` (s), clamped to the signal.
fn sample_span(n: usize, rate: f64, from: f64, to: f64) -> (usize, usize) {
    let at = |t: f64| ((t * rate).max(0.0) as usize).min(n);
    (at(from), (at(to) + 1).min(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATES: [f64; 4] = [250.0, 360.0, 500.0, 1000.0];
    const RHYTHMS: [Rhythm; 4] = [
        Rhythm::Sinus { bpm: 45.0 },
        Rhythm::Sinus { bpm: 75.0 },
        Rhythm::Sinus { bpm: 130.0 },
        Rhythm::Irregular {
            mean_bpm: 100.0,
            cv: 0.25,
        },
    ];

    #[test]
    fn every_beat_is_the_maximum_of_the_clean_signal() {
        for rate in RATES {
            for rhythm in RHYTHMS {
                for st_shift_mv in [-0.2, 0.0, 0.2] {
                    let ecg = Synthetic {
                        st_shift_mv,
                        ..Synthetic::new(rate, 30.0, rhythm)
                    }
                    .generate();
                    let x = &ecg.samples_mv;
                    let b = &ecg.beats;
                    for (k, &r) in b.iter().enumerate() {
                        let lo = k.checked_sub(1).map_or(0, |p| (b[p] + r) / 2);
                        let hi = b.get(k + 1).map_or(x.len(), |&n| (r + n) / 2);
                        let top = (lo..hi).max_by(|&i, &j| x[i].total_cmp(&x[j]));
                        assert_eq!(
                            top,
                            Some(r),
                            "{rate} Hz {rhythm:?} ST {st_shift_mv}: beat {k}"
                        );
                        // 1 mV of R less the tails of Q and S, 25 ms = 3.1σ away:
                        // e^(−3.125²/2) · (0.167 + 0.25) mV = 0.003 mV.
                        assert!((x[r] - 0.997).abs() < 5e-4, "R is {} mV", x[r]);
                    }
                }
            }
        }
    }

    #[test]
    fn rhythms_have_their_mean_rate_and_spread() {
        let rr = |rhythm| {
            let ecg = Synthetic::new(500.0, 300.0, rhythm).generate();
            let rr: Vec<f64> = ecg
                .beats
                .windows(2)
                .map(|w| (w[1] - w[0]) as f64 / 500.0)
                .collect();
            let mean = rr.iter().sum::<f64>() / rr.len() as f64;
            let sd = (rr.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / rr.len() as f64).sqrt();
            (60.0 / mean, sd / mean)
        };
        let (bpm, cv) = rr(Rhythm::Sinus { bpm: 75.0 });
        assert!((bpm - 75.0).abs() < 0.5, "{bpm} bpm");
        // Sines of ±3 % and ±2.1 %: a standard deviation of √((3² + 2.1²)/2) = 2.6 %.
        assert!((cv - 0.026).abs() < 0.003, "cv {cv}");
        let (bpm, cv) = rr(Rhythm::Irregular {
            mean_bpm: 100.0,
            cv: 0.25,
        });
        assert!((bpm - 100.0).abs() < 3.0, "{bpm} bpm");
        assert!((cv - 0.25).abs() < 0.02, "cv {cv}");
    }

    #[test]
    fn irregular_rhythms_have_no_p_wave() {
        let p_wave = |rhythm| {
            let ecg = Synthetic::new(1000.0, 10.0, rhythm).generate();
            // The P peak lies 160 ms before R; 0.25 mV when present.
            let r = ecg.beats[3];
            ecg.samples_mv[r - 160]
        };
        let sinus = p_wave(Rhythm::Sinus { bpm: 100.0 });
        assert!((sinus - 0.25).abs() < 0.01, "sinus P {sinus} mV");
        let af = p_wave(Rhythm::Irregular {
            mean_bpm: 100.0,
            cv: 0.0,
        });
        assert!(af.abs() < 0.01, "AF P {af} mV");
    }

    #[test]
    fn st_shift_is_a_plateau_between_j_and_t() {
        let at_60_bpm = |st_shift_mv| {
            Synthetic {
                st_shift_mv,
                ..Synthetic::new(
                    1000.0,
                    10.0,
                    Rhythm::Irregular {
                        mean_bpm: 60.0,
                        cv: 0.0,
                    },
                )
            }
            .generate()
        };
        let (flat, raised) = (at_60_bpm(0.0), at_60_bpm(0.15));
        assert_eq!(flat.beats, raised.beats);
        let r = flat.beats[2];
        let shift = |ms: usize| raised.samples_mv[r + ms] - flat.samples_mv[r + ms];
        // The S centre at 25 ms, J at S + 2σ = 41 ms, the T peak at 260 ms, σ 50 ms.
        assert_eq!(shift(20), 0.0);
        assert!((shift(33) - 0.075).abs() < 1e-12, "{}", shift(33));
        for ms in [45, 150, 260] {
            assert!((shift(ms) - 0.15).abs() < 1e-12, "{ms} ms: {}", shift(ms));
        }
        // One σ after the T peak: 0.15 · e^(−1/2).
        assert!(
            (shift(310) - 0.15 * (-0.5f64).exp()).abs() < 1e-12,
            "{}",
            shift(310)
        );
        assert_eq!(shift(520), 0.0);
    }

    #[test]
    fn noise_has_its_stated_size_and_the_seed_decides_everything() {
        let clean = Synthetic::new(360.0, 60.0, Rhythm::Sinus { bpm: 75.0 });
        let noisy = |noise| Synthetic { noise, ..clean }.generate();
        let difference = |ecg: &Ecg| -> Vec<f64> {
            let base = clean.generate();
            assert_eq!(ecg.beats, base.beats);
            ecg.samples_mv
                .iter()
                .zip(&base.samples_mv)
                .map(|(a, b)| a - b)
                .collect()
        };
        let muscle = difference(&noisy(Noise {
            muscle_mv: 0.03,
            ..Noise::NONE
        }));
        let rms = (muscle.iter().map(|v| v * v).sum::<f64>() / muscle.len() as f64).sqrt();
        assert!((rms - 0.03).abs() < 1e-12, "muscle RMS {rms}");
        let mains = difference(&noisy(Noise {
            mains_hz: 60.0,
            mains_mv: 0.05,
            ..Noise::NONE
        }));
        let peak = mains.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        // 60 Hz sampled at 360 Hz: every sixth sample repeats, the highest within
        // cos(π/6) of the peak.
        assert!(
            (0.05 * (PI / 6.0).cos()..=0.05 + 1e-12).contains(&peak),
            "mains {peak}"
        );
        let wander = difference(&noisy(Noise {
            baseline_wander_mv: 0.3,
            ..Noise::NONE
        }));
        let peak = wander.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!((0.15..=0.3).contains(&peak), "wander {peak}");
        let realistic = Synthetic {
            noise: Noise::realistic(50.0),
            seed: 7,
            ..clean
        };
        assert_eq!(realistic.generate(), realistic.generate());
        assert_ne!(
            realistic.generate().samples_mv,
            Synthetic {
                seed: 8,
                ..realistic
            }
            .generate()
            .samples_mv
        );
    }
}
