//! The ECG analyzer's part of `cargo xtask demo`: MIT-BIH record 100 when it is at hand (the
//! whole 30 minutes, scored against its reference beats), and a synthetic strip with the
//! abnormalities a clinician must see worded.

use std::fmt::Write;
use std::time::Instant;

use anyhow::Result;
use medplug_host::{CallContext, Host};
use medplug_pdk::ecg::{self, AnalyzeInput, AnalyzeOutput, Patient, Sex};
use medplug_wfdb::{MITDB_HOWTO, Record, match_beats, match_window, mitdb_dir, read_annotations};

/// Columns of the signal strip.
const STRIP_COLUMNS: usize = 100;
/// Seconds of signal the strip shows.
const STRIP_SECONDS: f64 = 8.0;

/// The demo's cardiology clinic: the default tenant (a dermatology clinic) may not call the
/// ECG analyzer.
fn cardiology() -> CallContext {
    CallContext::new(
        crate::demo_security::CARDIOLOGY,
        crate::demo_security::ACTOR,
    )
}

/// The ECG analyzer's report on record 100 (or a line saying where to get it) and on a
/// synthetic strip.
pub fn ecg_report(host: &Host) -> Result<String> {
    let mut out = String::new();
    match mitdb_dir(&crate::project_root())? {
        Some(dir) => record_100(host, &dir.join("100"), &mut out)?,
        None => writeln!(
            out,
            "── ECG analyzer · MIT-BIH record 100 not found: {MITDB_HOWTO} ──"
        )?,
    }
    writeln!(out)?;
    synthetic_strip(host, &mut out)?;
    Ok(out)
}

/// A minute of synthetic ECG (`ecg_analyzer::synthetic`) at 500 Hz with mains, wander and
/// muscle noise: an irregular rhythm at 110 bpm with 0.25 mV of ST elevation in V2, from a man
/// of 62 — what the analyzer must flag.
fn synthetic_strip(host: &Host, out: &mut String) -> Result<()> {
    use ecg_analyzer::synthetic::{Noise, Rhythm, Synthetic};
    let mut spec = Synthetic::new(
        500.0,
        60.0,
        Rhythm::Irregular {
            mean_bpm: 110.0,
            cv: 0.2,
        },
    );
    spec.noise = Noise::realistic(60.0);
    spec.st_shift_mv = 0.25;
    let ecg = spec.generate();
    let mut input = ecg.input();
    input.lead = Some("V2".to_owned());
    input.patient = Some(Patient {
        age: Some(62),
        sex: Some(Sex::Male),
    });
    let started = Instant::now();
    let report: AnalyzeOutput =
        host.call_as(&cardiology(), ecg::PLUGIN_NAME, ecg::ANALYZE, &input)?;
    let took = started.elapsed();
    writeln!(
        out,
        "── ECG analyzer · synthetic lead V2, man of 62: irregular rhythm at 110 bpm, ST +0.25 mV, noisy (60 s at 500 Hz as samples_mv, {took:.1?}) ──"
    )?;
    strip(&ecg.samples_mv, ecg.rate_hz, &report.r_peaks, out)?;
    let truth: Vec<u64> = ecg.beats.iter().map(|&b| b as u64).collect();
    let score = match_beats(&truth, &report.r_peaks, match_window(ecg.rate_hz));
    writeln!(
        out,
        "  beats        {} found; {} generated: sensitivity {:.2}%, +P {:.2}%",
        report.beat_count,
        truth.len(),
        100.0 * score.sensitivity().unwrap_or_default(),
        100.0 * score.positive_predictivity().unwrap_or_default()
    )?;
    out.push_str(&report.summary());
    Ok(())
}

fn record_100(host: &Host, path: &std::path::Path, out: &mut String) -> Result<()> {
    let record = Record::open(path)?;
    let spec = &record.header.signals[0];
    let rate = record.header.sampling_frequency;
    let mut input = AnalyzeInput::from_adc(rate, &record.signals[0], spec.gain, spec.baseline);
    input.lead = Some(spec.description.clone());
    let started = Instant::now();
    let report: AnalyzeOutput =
        host.call_as(&cardiology(), ecg::PLUGIN_NAME, ecg::ANALYZE, &input)?;
    let took = started.elapsed();
    writeln!(
        out,
        "── ECG analyzer · {} `{}` on MIT-BIH record 100, lead {} ({:.0} min at {rate} Hz, {} samples as samples_i16, {took:.1?}) ──",
        ecg::PLUGIN_NAME,
        ecg::ANALYZE,
        spec.description,
        report.duration_s / 60.0,
        record.len()
    )?;
    let mv = record.physical(0).unwrap_or_default();
    strip(&mv, rate, &report.r_peaks, out)?;
    let reference: Vec<u64> = read_annotations(path, "atr")?
        .iter()
        .filter(|a| a.is_beat())
        .map(|a| a.sample)
        .collect();
    let score = match_beats(&reference, &report.r_peaks, match_window(rate));
    writeln!(
        out,
        "  beats        {} found; reference {}: sensitivity {:.2}%, +P {:.2}% (EC57, 150 ms)",
        report.beat_count,
        reference.len(),
        100.0 * score.sensitivity().unwrap_or_default(),
        100.0 * score.positive_predictivity().unwrap_or_default()
    )?;
    out.push_str(&report.summary());
    Ok(())
}

/// The first [`STRIP_SECONDS`] of `mv` as a row of block characters, with `▲` under each
/// detected R peak.
fn strip(mv: &[f64], rate: f64, r_peaks: &[u64], out: &mut String) -> Result<()> {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let n = ((STRIP_SECONDS * rate) as usize).min(mv.len());
    if n == 0 {
        return Ok(());
    }
    let per_column = n.div_ceil(STRIP_COLUMNS);
    let columns: Vec<f64> = mv[..n]
        .chunks(per_column)
        .map(|c| c.iter().copied().fold(f64::MIN, f64::max))
        .collect();
    let (low, high) = columns
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &v| (l.min(v), h.max(v)));
    let level = |v: f64| {
        let t = if high > low {
            (v - low) / (high - low)
        } else {
            0.0
        };
        LEVELS[((t * 7.0).round() as usize).min(7)]
    };
    let line: String = columns.iter().map(|&v| level(v)).collect();
    let mut marks = vec![' '; columns.len()];
    for &r in r_peaks.iter().filter(|&&r| (r as usize) < n) {
        marks[r as usize / per_column] = '▲';
    }
    writeln!(out, "  {line}  first {STRIP_SECONDS:.0} s")?;
    writeln!(
        out,
        "  {}  ▲ detected R peaks",
        marks.into_iter().collect::<String>()
    )?;
    Ok(())
}
