//! Tests on MIT-BIH Arrhythmia Database record 100, where the machine has it (see
//! [`mitdb_dir`](super::mitdb_dir)). Expected figures are from the record's own header, the
//! database's directory of records (2239 N, 33 A, 1 V) and a hand decoding of the first words of
//! `100.atr` and `100.dat`.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{Format, Record, checksum, match_beats, match_window, mitdb_dir, read_annotations};

/// `<dir>/100`, or `None` (after saying so) where the records are not on this machine.
fn record_100() -> Result<Option<PathBuf>> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match mitdb_dir(&workspace)? {
        Some(dir) => Ok(Some(dir.join("100"))),
        None => {
            println!(
                "skipped: MIT-BIH record 100 not found; {}",
                super::MITDB_HOWTO
            );
            Ok(None)
        }
    }
}

#[test]
fn header_of_record_100() -> Result<()> {
    let Some(path) = record_100()? else {
        return Ok(());
    };
    let record = Record::open(&path)?;
    let h = &record.header;
    assert_eq!(h.record_name, "100");
    assert_eq!(h.sampling_frequency, 360.0);
    assert_eq!(h.samples_per_signal, Some(650_000));
    assert_eq!(h.signals.len(), 2);
    let expected = [(995, -22131, "MLII"), (1011, 20052, "V5")];
    for (spec, (initial, sum, description)) in h.signals.iter().zip(expected) {
        assert_eq!(spec.file_name, "100.dat");
        assert_eq!(spec.format, Format::Packed12);
        assert_eq!(
            (spec.gain, spec.baseline, spec.units.as_str()),
            (200.0, 1024, "mV")
        );
        assert_eq!((spec.adc_resolution, spec.adc_zero), (11, 1024));
        assert_eq!((spec.initial_value, spec.checksum), (initial, Some(sum)));
        assert_eq!(
            (spec.block_size, spec.description.as_str()),
            (0, description)
        );
    }
    Ok(())
}

#[test]
fn signals_of_record_100() -> Result<()> {
    let Some(path) = record_100()? else {
        return Ok(());
    };
    // `open` verifies the sample count and both checksums; check them here too.
    let record = Record::open(&path)?;
    assert_eq!(record.len(), 650_000);
    assert_eq!(record.signals.len(), 2);
    assert_eq!(record.signals[1].len(), 650_000);
    assert_eq!(checksum(&record.signals[0]), -22131);
    assert_eq!(checksum(&record.signals[1]), 20052);
    // The first bytes, e3 33 f3, hold 0x3e3 = 995 and 0x3f3 = 1011: the initial values.
    assert_eq!(record.signals[0][..5], [995; 5]);
    assert_eq!(record.signals[1][..5], [1011; 5]);
    let (min, max) = record.signals[0]
        .iter()
        .fold((i16::MAX, i16::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    assert_eq!((min, max), (481, 1311));
    // (995 - 1024) / 200 mV.
    let mv = record.physical(0).unwrap_or_default();
    assert_eq!(mv[0], -0.145);
    Ok(())
}

#[test]
fn annotations_of_record_100() -> Result<()> {
    let Some(path) = record_100()? else {
        return Ok(());
    };
    let annotations = read_annotations(&path, "atr")?;
    assert_eq!(annotations.len(), 2274);
    // Words 12 70, 03 fc "(N\0\0": a rhythm change at sample 18 with its aux string.
    let first = &annotations[0];
    assert_eq!((first.sample, first.symbol(), first.code), (18, "+", 28));
    assert_eq!(first.aux.as_deref(), Some("(N"));
    let beats: Vec<_> = annotations.iter().filter(|a| a.is_beat()).collect();
    assert_eq!(beats.len(), 2273);
    // Words 3b 04, 25 05, 24 05, 1c 05, 1d 05: NORMAL after 59, 293, 292, 284 and 285 samples.
    let first_five: Vec<(u64, &str)> = beats[..5].iter().map(|a| (a.sample, a.symbol())).collect();
    assert_eq!(
        first_five,
        [(77, "N"), (370, "N"), (662, "N"), (946, "N"), (1231, "N")]
    );
    let count = |symbol: &str| beats.iter().filter(|a| a.symbol() == symbol).count();
    assert_eq!((count("N"), count("A"), count("V")), (2239, 33, 1));
    let last = annotations.last().map(|a| a.sample);
    assert_eq!(last, Some(649_991));
    Ok(())
}

#[test]
fn beat_matching_on_record_100() -> Result<()> {
    let Some(path) = record_100()? else {
        return Ok(());
    };
    let reference: Vec<u64> = read_annotations(&path, "atr")?
        .iter()
        .filter(|a| a.is_beat())
        .map(|a| a.sample)
        .collect();
    let window = match_window(360.0);
    let m = match_beats(&reference, &reference, window);
    assert_eq!(
        (m.true_positives, m.false_negatives, m.false_positives),
        (2273, 0, 0)
    );
    // Every detection 40 samples (111 ms) late, every tenth one dropped.
    let detected: Vec<u64> = reference
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 0)
        .map(|(_, s)| s + 40)
        .collect();
    let m = match_beats(&reference, &detected, window);
    assert_eq!(
        (m.true_positives, m.false_negatives, m.false_positives),
        (2045, 228, 0)
    );
    Ok(())
}
