//! Ectopic beats of the synthetic ECG: premature atrial beats (ANSI/AAMI EC57:2012 class S,
//! supraventricular ectopic) and premature ventricular beats (class V) among the sinus ones
//! (class N), with the timing and shape each has on a surface ECG.
//!
//! - Timing. An ectopic beat follows a sinus beat after a coupling interval shorter than the
//!   sinus RR: premature by 25–45 %, so that Malik's 20 % rule (Eur Heart J 10:1060, 1989)
//!   calls every one premature. A ventricular beat leaves the sinus node alone: the next sinus
//!   beat that can conduct comes on the sinus schedule, the fully compensatory pause; an atrial
//!   beat resets the sinus node, and the next sinus beat comes one sinus RR after it, a less
//!   than compensatory pause (Surawicz B, Knilans TK. *Chou's Electrocardiography in Clinical
//!   Practice*, 6th ed., Saunders 2008, ch. 16 and 17). A second ventricular beat may follow the
//!   first (a couplet); a ventricular beat after every sinus beat is bigeminy.
//! - Shape. An atrial beat has its own P wave (which lands on the previous T wave when early)
//!   and a normal QRS. A ventricular beat has no P wave, a QRS of about 160 ms (wide: ≥ 120 ms,
//!   Surawicz B et al., AHA/ACCF/HRS recommendations part III, Circulation 119:e235, 2009),
//!   taller than the sinus R, and a T wave opposite to its QRS (secondary repolarisation
//!   change); its QRS points the way of the sinus QRS or against it ([`Polarity`]).
//! - Tall T waves: every sinus and atrial T wave scaled by [`Ectopy::t_wave_scale`], as
//!   hyperacute or hyperkalaemic T waves, which a detector must not count as beats.

use super::Wave;

/// A beat's origin, the ANSI/AAMI EC57:2012 beat classes the generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BeatKind {
    /// Class N: a sinus beat.
    Normal,
    /// Class S: a premature atrial beat.
    Supraventricular,
    /// Class V: a premature ventricular beat.
    Ventricular,
}

/// Which way a ventricular beat's QRS points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// As the sinus QRS (upright).
    Same,
    /// Against the sinus QRS (its main deflection negative).
    Opposite,
    /// Each ventricular beat either way, at random (multiform).
    Either,
}

/// How often ectopic beats come, and how they look.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ectopy {
    /// Chance that a sinus beat is followed by a premature ventricular beat (1: bigeminy).
    pub ventricular: f64,
    /// Chance that a premature ventricular beat is followed by a second one (a couplet).
    pub couplets: f64,
    /// Which way the ventricular QRS points.
    pub polarity: Polarity,
    /// Chance that a sinus beat not followed by a ventricular one is followed by a premature
    /// atrial beat.
    pub atrial: f64,
    /// Every sinus and atrial T wave's height over the normal 0.4 mV (1: normal).
    pub t_wave_scale: f64,
}

/// A ventricular beat's coupling interval, as a share of the sinus RR.
const VENTRICULAR_COUPLING: (f64, f64) = (0.55, 0.70);
/// An atrial beat's coupling interval, as a share of the sinus RR.
const ATRIAL_COUPLING: (f64, f64) = (0.55, 0.75);
/// A sinus beat conducts when it comes at least this share of the sinus RR after a ventricular
/// beat; earlier, it falls in the ventricles' refractory period and is hidden.
const CONDUCTS_AFTER: f64 = 0.5;

impl Ectopy {
    /// Sinus beats only.
    pub const NONE: Self = Self {
        ventricular: 0.0,
        couplets: 0.0,
        polarity: Polarity::Same,
        atrial: 0.0,
        t_wave_scale: 1.0,
    };

    /// Whether any beat can be ectopic or any T wave differs from the normal one.
    pub(super) fn is_none(&self) -> bool {
        *self == Self::NONE
    }
}

/// The beats that follow a sinus beat at `t` (s) in a sinus rhythm of interval `rr` (s): the
/// ectopic beats (time, kind) and the time of the next sinus beat. `uniform` draws on [0, 1).
pub(super) fn after_sinus(
    ectopy: &Ectopy,
    t: f64,
    rr: f64,
    uniform: &mut impl FnMut() -> f64,
) -> (Vec<(f64, BeatKind)>, f64) {
    let between = |(low, high): (f64, f64), u: f64| low + (high - low) * u;
    if ectopy.ventricular > 0.0 && uniform() < ectopy.ventricular {
        let first = t + rr * between(VENTRICULAR_COUPLING, uniform());
        let mut beats = vec![(first, BeatKind::Ventricular)];
        if ectopy.couplets > 0.0 && uniform() < ectopy.couplets {
            let second = first + rr * between(VENTRICULAR_COUPLING, uniform());
            beats.push((second, BeatKind::Ventricular));
        }
        let last = beats.last().map_or(t, |b| b.0);
        // The sinus node keeps its schedule: the first sinus beat that can conduct.
        let mut next = t + rr;
        while next < last + CONDUCTS_AFTER * rr {
            next += rr;
        }
        return (beats, next);
    }
    if ectopy.atrial > 0.0 && uniform() < ectopy.atrial {
        let at = t + rr * between(ATRIAL_COUPLING, uniform());
        // The atrial beat resets the sinus node.
        return (vec![(at, BeatKind::Supraventricular)], at + rr);
    }
    (Vec::new(), t + rr)
}

/// A ventricular beat's waves around its main deflection at `at` (s), pointing `sign` (+1 as
/// the sinus R, −1 against), with the RR interval `rr` (s) that follows it scaling its T wave
/// as the sinus T waves are (Fridericia's cube root).
pub(super) fn ventricular_waves(at: f64, sign: f64, rr: f64) -> [Wave; 4] {
    let t_scale = rr.cbrt();
    let wave = |offset: f64, sigma: f64, mv: f64| Wave {
        at: at + offset,
        sigma,
        mv: sign * mv,
    };
    [
        // A slurred onset, the broad main deflection, its opposite terminal wave: about 160 ms
        // of QRS (±2σ of each), 1.1 mV tall, its steepest slope under half the sinus R's.
        wave(-0.045, 0.018, 0.20),
        wave(0.0, 0.026, 1.00),
        wave(0.055, 0.018, -0.25),
        // The discordant T wave, broad and tall, peaking 380 ms after the QRS at 60 bpm.
        wave(0.380 * t_scale, 0.080 * t_scale, -0.60),
    ]
}

/// The sign of a ventricular beat's QRS under `polarity`; `uniform` draws only for
/// [`Polarity::Either`].
pub(super) fn ventricular_sign(polarity: Polarity, uniform: &mut impl FnMut() -> f64) -> f64 {
    match polarity {
        Polarity::Same => 1.0,
        Polarity::Opposite => -1.0,
        Polarity::Either => {
            if uniform() < 0.5 {
                1.0
            } else {
                -1.0
            }
        }
    }
}
