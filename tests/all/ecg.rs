//! The ECG analyzer through the host, on MIT-BIH record 100 (30 minutes, 360 Hz, lead MLII)
//! when the data is there: the wasm module finds every reference beat, answers exactly as the
//! native crate, and reads both signal encodings alike.
//!
//! The record is found as `medplug_wfdb::mitdb_dir` says (`MEDPLUG_MITDB_DIR`, else
//! `../shared/data/mitdb`); without it these tests say so and pass, except under `CI=true`.

use std::path::PathBuf;

use anyhow::{Result, ensure};
use conformance::{reference_host, root};
use medplug_pdk::ecg::{self, AnalyzeInput, AnalyzeOutput, RhythmLabel};
use medplug_wfdb::{Record, match_beats, match_window, mitdb_dir, read_annotations};

/// Record 100's path without extension, or `None` (with one line saying so) when absent.
fn record_100() -> Result<Option<PathBuf>> {
    match mitdb_dir(&root())? {
        Some(dir) => Ok(Some(dir.join("100"))),
        None => {
            println!(
                "MIT-BIH record 100 not found: skipped ({})",
                medplug_wfdb::MITDB_HOWTO
            );
            Ok(None)
        }
    }
}

/// Lead 0 of the record as `samples_i16` input.
fn compact_input(record: &Record) -> AnalyzeInput {
    let spec = &record.header.signals[0];
    AnalyzeInput::from_adc(
        record.header.sampling_frequency,
        &record.signals[0],
        spec.gain,
        spec.baseline,
    )
}

#[test]
fn record_100_every_beat_found_in_wasm() -> Result<()> {
    let Some(path) = record_100()? else {
        return Ok(());
    };
    let record = Record::open(&path)?;
    let reference: Vec<u64> = read_annotations(&path, "atr")?
        .iter()
        .filter(|a| a.is_beat())
        .map(|a| a.sample)
        .collect();
    let host = reference_host()?;
    let input = compact_input(&record);
    let wasm: AnalyzeOutput = host.call(ecg::PLUGIN_NAME, ecg::ANALYZE, &input)?;
    let score = match_beats(
        &reference,
        &wasm.r_peaks,
        match_window(record.header.sampling_frequency),
    );
    println!(
        "record 100: {} reference beats, {} detected, TP {} FN {} FP {}",
        reference.len(),
        wasm.beat_count,
        score.true_positives,
        score.false_negatives,
        score.false_positives
    );
    // Issue #4's bar is Se and +P ≥ 99.9 %; the detector reaches the goal, 100 % / 100 %.
    assert_eq!(
        (
            score.true_positives,
            score.false_negatives,
            score.false_positives
        ),
        (2273, 0, 0),
        "missed {:?}, extra {:?}",
        score.missed,
        score.extra
    );
    assert_eq!(wasm.rhythm.label, RhythmLabel::NormalSinus);
    let native = ecg_analyzer::analyze(input).map_err(|e| anyhow::anyhow!(e.message))?;
    ensure!(wasm == native, "wasm and native differ on record 100");
    Ok(())
}

#[test]
fn millivolts_and_compact_samples_give_the_same_report() -> Result<()> {
    let Some(path) = record_100()? else {
        return Ok(());
    };
    let mut record = Record::open(&path)?;
    // The first minute: enough to compare, small enough for JSON floats.
    record.signals[0].truncate(360 * 60);
    let compact = compact_input(&record);
    let mv = AnalyzeInput::from_mv(
        record.header.sampling_frequency,
        record.physical(0).expect("lead 0"),
    );
    let host = reference_host()?;
    let a: AnalyzeOutput = host.call(ecg::PLUGIN_NAME, ecg::ANALYZE, &compact)?;
    let b: AnalyzeOutput = host.call(ecg::PLUGIN_NAME, ecg::ANALYZE, &mv)?;
    assert_eq!(a, b);
    // The reference annotates 74 beats in the first minute.
    assert_eq!(a.beat_count, 74);
    Ok(())
}
