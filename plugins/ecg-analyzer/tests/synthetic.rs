//! `analyze` on synthetic ECGs whose truth is known (`ecg_analyzer::synthetic`, after McSharry's
//! ECGSYN): at 250, 360, 500 and 1000 Hz, clean and with noise, in four rhythms, each with the
//! ST segment depressed, level and elevated.
//!
//! For every signal: sensitivity (Se = TP / (TP + FN)) and positive predictivity
//! (+P = TP / (TP + FP)) of the R peaks of at least 99.5 %, a detection matching a true beat
//! within 150 ms, one to one (the tolerance of ANSI/AAMI EC57:2012 is 150 ms too); the rhythm's
//! label; the ST median's sign (over +0.1 mV when raised 0.2 mV, under −0.1 mV when lowered,
//! within ±0.05 mV when level); and exactly the abnormalities these call for (premature beats
//! may come too in AF, or after a detection error). Run with `--nocapture` to see the table.
//!
//! Noise levels: clean; realistic (wander 0.3 mV, mains 0.05 mV, muscle 0.03 mV RMS); heavy
//! (1 mV, 0.2 mV, 0.1 mV RMS). Mains is 50 Hz at 250 and 500 Hz, 60 Hz at 360 and 1000 Hz.
//! The seeds are fixed, so the figures are too; when written, over 144 signals of 120 s:
//!
//! | noise     | beats | FN | FP | ST at 0, worst | at +0.2 mV  | at −0.2 mV     |
//! |-----------|-------|----|----|----------------|-------------|----------------|
//! | clean     | 8,363 | 0  | 0  | 0.021 mV       | 0.202–0.227 | −0.200–−0.189  |
//! | realistic | 8,370 | 0  | 0  | 0.015 mV       | 0.197–0.225 | −0.208–−0.189  |
//! | heavy     | 8,366 | 0  | 2  | 0.034 mV       | 0.185–0.229 | −0.215–−0.182  |
//!
//! The two false beats, since the T-wave test reads the slope on the input (issue 20): 500 Hz,
//! heavy, 130 bpm, ST +0.2 mV (+P 99.62 %) and 500 Hz, heavy, AF, ST +0.2 mV (+P 99.50 %);
//! before it, one at 1000 Hz, heavy, 130 bpm, ST +0.2 mV. Every rhythm label was right.

use std::collections::BTreeSet;

use anyhow::{Result, ensure};
use ecg_analyzer::analyze;
use ecg_analyzer::synthetic::{Noise, Rhythm, Synthetic};
use medplug_pdk::ecg::RhythmLabel;

/// Length of every signal, s.
const DURATION_S: f64 = 120.0;
/// A detection within this of a true beat is that beat, s.
const TOLERANCE_S: f64 = 0.150;
/// Least Se and +P, percent.
const LEAST_PCT: f64 = 99.5;

/// A noise level, by the mains frequency of the recording.
struct Level {
    name: &'static str,
    noise: fn(f64) -> Noise,
}

const LEVELS: [Level; 3] = [
    Level {
        name: "clean",
        noise: |_| Noise::NONE,
    },
    Level {
        name: "realistic",
        noise: Noise::realistic,
    },
    Level {
        name: "heavy",
        noise: Noise::heavy,
    },
];

/// A rhythm, its expected label and the abnormality it calls for.
struct Case {
    name: &'static str,
    rhythm: Rhythm,
    label: RhythmLabel,
    finding: Option<&'static str>,
}

const CASES: [Case; 4] = [
    Case {
        name: "normal 75",
        rhythm: Rhythm::Sinus { bpm: 75.0 },
        label: RhythmLabel::NormalSinus,
        finding: None,
    },
    Case {
        name: "brady 45",
        rhythm: Rhythm::Sinus { bpm: 45.0 },
        label: RhythmLabel::SinusBradycardia,
        finding: Some("bradycardia"),
    },
    Case {
        name: "tachy 130",
        rhythm: Rhythm::Sinus { bpm: 130.0 },
        label: RhythmLabel::SinusTachycardia,
        finding: Some("tachycardia"),
    },
    Case {
        name: "AF 100",
        rhythm: Rhythm::Irregular {
            mean_bpm: 100.0,
            cv: 0.25,
        },
        label: RhythmLabel::IrregularPossibleAf,
        finding: Some("possible_atrial_fibrillation"),
    },
];

/// ST shifts, mV, and the abnormality each calls for.
const ST_SHIFTS: [(f64, Option<&str>); 3] = [
    (-0.2, Some("st_depression")),
    (0.0, None),
    (0.2, Some("st_elevation")),
];

/// True positives: detections within `tolerance` samples of a true beat, each matched at most
/// once, greedily in time order.
fn true_positives(beats: &[usize], detected: &[u64], tolerance: usize) -> usize {
    let (mut i, mut j, mut matched) = (0, 0, 0);
    while i < beats.len() && j < detected.len() {
        let (b, d) = (beats[i], detected[j] as usize);
        if b.abs_diff(d) <= tolerance {
            matched += 1;
            i += 1;
            j += 1;
        } else if d < b {
            j += 1;
        } else {
            i += 1;
        }
    }
    matched
}

/// Every case at `rate`: prints the table, then fails naming every case that missed.
fn check_rate(rate: f64) -> Result<()> {
    // Europe's and Brazil's mains at 250 and 500 Hz, North America's (MIT-BIH) at 360 and 1000.
    let mains_hz = if rate == 250.0 || rate == 500.0 {
        50.0
    } else {
        60.0
    };
    let tolerance = (TOLERANCE_S * rate).round() as usize;
    let mut table = format!(
        "{:>5} {:<9} {:<9} {:>5} | {:>4} {:>3} {:>3} {:>7} {:>7} | {:<22} | {:>6}\n",
        "Hz", "noise", "rhythm", "ST", "n", "FN", "FP", "Se %", "+P %", "label", "ST mV"
    );
    let mut failures = Vec::new();
    for (l, level) in LEVELS.iter().enumerate() {
        for (c, case) in CASES.iter().enumerate() {
            for (s, &(st_shift_mv, st_finding)) in ST_SHIFTS.iter().enumerate() {
                let ecg = Synthetic {
                    st_shift_mv,
                    noise: (level.noise)(mains_hz),
                    seed: rate as u64 * 1000 + (l * 100 + c * 10 + s) as u64,
                    ..Synthetic::new(rate, DURATION_S, case.rhythm)
                }
                .generate();
                let report = analyze(ecg.input())?;
                let tp = true_positives(&ecg.beats, &report.r_peaks, tolerance);
                let (fn_, fp) = (ecg.beats.len() - tp, report.r_peaks.len() - tp);
                let se = 100.0 * tp as f64 / ecg.beats.len() as f64;
                let ppv = 100.0 * tp as f64 / report.r_peaks.len().max(1) as f64;
                let st = report.st_deviation_mv.map(|d| d.median_mv);
                let name = format!("{rate} Hz {} {} ST {st_shift_mv:+}", level.name, case.name);
                table.push_str(&format!(
                    "{rate:>5} {:<9} {:<9} {st_shift_mv:>+5.1} | {:>4} {fn_:>3} {fp:>3} {se:>7.2} {ppv:>7.2} | {:<22} | {:>6}\n",
                    level.name,
                    case.name,
                    ecg.beats.len(),
                    format!("{:?}", report.rhythm.label),
                    st.map_or("-".to_owned(), |v| format!("{v:+.3}")),
                ));
                if se < LEAST_PCT || ppv < LEAST_PCT {
                    failures.push(format!("{name}: Se {se:.2} %, +P {ppv:.2} %"));
                }
                if report.rhythm.label != case.label {
                    failures.push(format!(
                        "{name}: rhythm {:?}, expected {:?}",
                        report.rhythm.label, case.label
                    ));
                }
                let st_right = match st {
                    Some(v) if st_shift_mv > 0.0 => v > 0.1,
                    Some(v) if st_shift_mv < 0.0 => v < -0.1,
                    Some(v) => v.abs() <= 0.05,
                    None => false,
                };
                if !st_right {
                    failures.push(format!("{name}: ST median {st:?} mV"));
                }
                // AF's short intervals are premature by the 20 % rule, and so is a false beat (a
                // missed one lengthens the expected interval, so the next ones may look
                // premature): then that finding may come too.
                let premature_expected =
                    case.label == RhythmLabel::IrregularPossibleAf || fn_ + fp > 0;
                let found: BTreeSet<&str> = report
                    .abnormalities
                    .iter()
                    .map(|a| a.kind.as_str())
                    .filter(|&k| !(premature_expected && k == "premature_beats"))
                    .collect();
                let expected: BTreeSet<&str> = case.finding.into_iter().chain(st_finding).collect();
                if found != expected {
                    failures.push(format!(
                        "{name}: abnormalities {found:?}, expected {expected:?}"
                    ));
                }
            }
        }
    }
    println!("{table}");
    ensure!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

#[test]
fn at_250_hz() -> Result<()> {
    check_rate(250.0)
}

#[test]
fn at_360_hz() -> Result<()> {
    check_rate(360.0)
}

#[test]
fn at_500_hz() -> Result<()> {
    check_rate(500.0)
}

#[test]
fn at_1000_hz() -> Result<()> {
    check_rate(1000.0)
}

#[test]
fn matching_is_one_to_one_within_the_tolerance() {
    // Beat 300 matched by 310; 500 unmatched (its detection 700 is 200 away); 900 by 880 but
    // not also by 890; 700 is a false positive.
    let beats = [300, 500, 900];
    let detected = [310, 700, 880, 890];
    assert_eq!(true_positives(&beats, &detected, 150), 2);
}
