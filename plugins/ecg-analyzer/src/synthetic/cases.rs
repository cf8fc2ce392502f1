//! The synthetic ECGs with ectopic beats that the tests (`tests/ectopy.rs`) and the peer
//! comparison (`tests/peers/ecg/`, through `examples/export_ectopy_cases.rs`) share: frequent
//! ventricular ectopy (bigeminy, couplets, wide complexes of either polarity), premature atrial
//! beats with tall T waves, baseline wander and muscle noise.

use super::{Ecg, Ectopy, Noise, Polarity, Rhythm, Synthetic};

/// Length of every case, s.
pub const ECTOPY_CASE_S: f64 = 120.0;
/// The rates every case is generated at, Hz.
pub const ECTOPY_CASE_RATES: [f64; 3] = [250.0, 360.0, 500.0];

/// One case: a sinus rhythm with ectopic beats and noise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EctopyCase {
    /// What it is.
    pub name: &'static str,
    /// The sinus rate, bpm.
    pub bpm: f64,
    /// Its ectopic beats.
    pub ectopy: Ectopy,
    /// Its noise.
    pub noise: Noise,
}

impl EctopyCase {
    /// The case at `rate_hz`, seeded by its position `index` in [`ectopy_cases`].
    pub fn generate(&self, rate_hz: f64, index: usize) -> Ecg {
        Synthetic {
            ectopy: self.ectopy,
            noise: self.noise,
            seed: 100 + index as u64,
            ..Synthetic::new(rate_hz, ECTOPY_CASE_S, Rhythm::Sinus { bpm: self.bpm })
        }
        .generate()
    }
}

/// Every case, in a fixed order.
pub fn ectopy_cases() -> Vec<EctopyCase> {
    let muscle = |muscle_mv| Noise {
        muscle_mv,
        ..Noise::realistic(60.0)
    };
    vec![
        EctopyCase {
            name: "V bigeminy, opposite, 75 bpm",
            bpm: 75.0,
            ectopy: Ectopy {
                ventricular: 1.0,
                polarity: Polarity::Opposite,
                ..Ectopy::NONE
            },
            noise: Noise::realistic(60.0),
        },
        EctopyCase {
            name: "V bigeminy, opposite, 130 bpm",
            bpm: 130.0,
            ectopy: Ectopy {
                ventricular: 1.0,
                polarity: Polarity::Opposite,
                ..Ectopy::NONE
            },
            noise: Noise::realistic(60.0),
        },
        EctopyCase {
            name: "V couplets, multiform, 120 bpm",
            bpm: 120.0,
            ectopy: Ectopy {
                ventricular: 0.3,
                couplets: 0.7,
                polarity: Polarity::Either,
                ..Ectopy::NONE
            },
            noise: muscle(0.08),
        },
        EctopyCase {
            name: "V couplets, upright, 80 bpm",
            bpm: 80.0,
            ectopy: Ectopy {
                ventricular: 0.25,
                couplets: 0.5,
                ..Ectopy::NONE
            },
            noise: Noise::realistic(60.0),
        },
        EctopyCase {
            name: "V multiform, wander 1 mV",
            bpm: 70.0,
            ectopy: Ectopy {
                ventricular: 0.3,
                couplets: 0.2,
                polarity: Polarity::Either,
                ..Ectopy::NONE
            },
            noise: Noise {
                baseline_wander_mv: 1.0,
                muscle_mv: 0.05,
                ..Noise::NONE
            },
        },
        EctopyCase {
            name: "S, T ×2, 120 bpm",
            bpm: 120.0,
            ectopy: Ectopy {
                atrial: 0.3,
                t_wave_scale: 2.0,
                ..Ectopy::NONE
            },
            noise: muscle(0.05),
        },
        EctopyCase {
            name: "S, T ×2.5, 100 bpm",
            bpm: 100.0,
            ectopy: Ectopy {
                atrial: 0.3,
                t_wave_scale: 2.5,
                ..Ectopy::NONE
            },
            noise: muscle(0.05),
        },
        EctopyCase {
            name: "S, T ×2.5, 80 bpm",
            bpm: 80.0,
            ectopy: Ectopy {
                atrial: 0.3,
                t_wave_scale: 2.5,
                ..Ectopy::NONE
            },
            noise: muscle(0.05),
        },
        EctopyCase {
            name: "S and V, T ×1.8, heavy noise",
            bpm: 100.0,
            ectopy: Ectopy {
                ventricular: 0.15,
                atrial: 0.15,
                polarity: Polarity::Either,
                t_wave_scale: 1.8,
                ..Ectopy::NONE
            },
            noise: Noise::heavy(60.0),
        },
    ]
}
