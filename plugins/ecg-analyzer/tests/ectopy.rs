//! The detector and the beat classifier on ectopic rhythms: synthetic ECGs with frequent
//! ventricular ectopy (bigeminy, couplets, wide complexes of either polarity), premature atrial
//! beats with tall T waves, baseline wander and muscle noise (`ecg_analyzer::synthetic::
//! ectopy_cases`, each at 250, 360 and 500 Hz), and MIT-BIH record 100 against its reference annotations when the record is on
//! this machine (`medplug_wfdb::mitdb_dir`).
//!
//! Detection is scored as ANSI/AAMI EC57:2012 does: a detection within 150 ms of a reference
//! beat is that beat, one to one; Se = TP / (TP + FN), +P = TP / (TP + FP). Each case asserts
//! its exact counts (and Se, +P ≥ 99.5 %), as a baseline a change must move on purpose.
//!
//! Classification is scored on the matched beats in AAMI's classes: MIT-BIH's N, L, R, e, j
//! are N; A, a, J, S are S; V, E are V (EC57 §4.2.1, Table 1; F and Q beats, absent from
//! these signals, would be left out). The confusion tables are asserted exactly and printed
//! (`cargo test -p ecg-analyzer --test ectopy -- --nocapture`).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, ensure};
use ecg_analyzer::analyze;
use ecg_analyzer::synthetic::{BeatKind, ECTOPY_CASE_RATES, ectopy_cases};
use medplug_pdk::ecg::{AnalyzeInput, AnalyzeOutput, EctopicClass};

/// Least Se and +P, percent.
const LEAST_PCT: f64 = 99.5;

/// An AAMI class: 0 N, 1 S, 2 V.
type Class = usize;
const CLASSES: [&str; 3] = ["N", "S", "V"];

/// (TP, FN, FP) of each case of `ectopy_cases` at 250, 360 and 500 Hz.
const COUNTS: [[(usize, usize, usize); 3]; 9] = [
    [(150, 0, 0), (150, 0, 0), (150, 0, 0)],
    [(259, 0, 0), (259, 0, 0), (259, 0, 0)],
    [(279, 0, 0), (279, 0, 0), (280, 0, 0)],
    [(173, 0, 0), (173, 0, 0), (173, 0, 0)],
    [(143, 0, 0), (143, 0, 0), (143, 0, 0)],
    [(260, 0, 0), (260, 0, 0), (260, 0, 0)],
    [(216, 0, 0), (216, 0, 0), (216, 0, 0)],
    [(175, 0, 0), (175, 0, 0), (175, 0, 0)],
    [(209, 0, 0), (209, 0, 0), (209, 0, 0)],
];

/// Reference beats matched to detections within `window` samples, one to one, greedily in
/// time order: (reference index, detection index) pairs, the unmatched counted by the caller.
fn pairs(reference: &[u64], detected: &[u64], window: u64) -> Vec<(usize, usize)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < reference.len() && j < detected.len() {
        let (r, d) = (reference[i], detected[j]);
        if r.abs_diff(d) <= window {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if d < r {
            j += 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The class `report` gives each detected beat.
fn predicted(report: &AnalyzeOutput) -> Vec<Class> {
    let mut class = vec![0; report.r_peaks.len()];
    for p in &report.premature_beats {
        class[p.beat_index] = match p.class {
            EctopicClass::Supraventricular => 1,
            EctopicClass::Ventricular => 2,
        };
    }
    class
}

/// Scores `report` against reference beats and classes: (TP, FN, FP) and the confusion table
/// (reference class × predicted class) of the matched beats.
fn score(
    reference: &[u64],
    classes: &[Class],
    report: &AnalyzeOutput,
    rate: f64,
) -> ((usize, usize, usize), [[usize; 3]; 3]) {
    let window = (0.150 * rate).round() as u64;
    let matched = pairs(reference, &report.r_peaks, window);
    let class = predicted(report);
    let mut table = [[0; 3]; 3];
    for &(i, j) in &matched {
        table[classes[i]][class[j]] += 1;
    }
    let tp = matched.len();
    ((tp, reference.len() - tp, report.r_peaks.len() - tp), table)
}

fn print_table(title: &str, table: &[[usize; 3]; 3]) {
    println!("{title}: reference (rows) × analyzer (columns)");
    println!("        {:>6} {:>6} {:>6}   Se", "N", "S", "V");
    for (c, row) in table.iter().enumerate() {
        let total: usize = row.iter().sum();
        let se = if total > 0 {
            format!("{:.1} %", 100.0 * row[c] as f64 / total as f64)
        } else {
            "-".to_owned()
        };
        println!(
            "  {:<5} {:>6} {:>6} {:>6}   {se}",
            CLASSES[c], row[0], row[1], row[2]
        );
    }
    let ppv: Vec<String> = (0..3)
        .map(|c| {
            let column: usize = table.iter().map(|row| row[c]).sum();
            if column > 0 {
                format!("{:.1} %", 100.0 * table[c][c] as f64 / column as f64)
            } else {
                "-".to_owned()
            }
        })
        .collect();
    println!("  +P    {:>6} {:>6} {:>6}\n", ppv[0], ppv[1], ppv[2]);
}

#[test]
fn synthetic_ectopy_is_detected_and_classed() -> Result<()> {
    let mut failures = Vec::new();
    let mut total = [[0; 3]; 3];
    println!(
        "{:<32} {:>5} | {:>4} {:>3} {:>3} {:>7} {:>7} | S→S V→V",
        "case", "Hz", "n", "FN", "FP", "Se %", "+P %"
    );
    let cases = ectopy_cases();
    assert_eq!(cases.len(), COUNTS.len());
    for (k, case) in cases.iter().enumerate() {
        for (r, &rate) in ECTOPY_CASE_RATES.iter().enumerate() {
            let ecg = case.generate(rate, k);
            let report = analyze(ecg.input())?;
            let reference: Vec<u64> = ecg.beats.iter().map(|&b| b as u64).collect();
            let classes: Vec<Class> = ecg
                .kinds
                .iter()
                .map(|k| match k {
                    BeatKind::Normal => 0,
                    BeatKind::Supraventricular => 1,
                    BeatKind::Ventricular => 2,
                })
                .collect();
            let (counts, table) = score(&reference, &classes, &report, rate);
            let (tp, fn_, fp) = counts;
            let se = 100.0 * tp as f64 / (tp + fn_) as f64;
            let ppv = 100.0 * tp as f64 / (tp + fp).max(1) as f64;
            println!(
                "{:<32} {rate:>5} | {:>4} {fn_:>3} {fp:>3} {se:>7.2} {ppv:>7.2} | {}/{} {}/{}",
                case.name,
                reference.len(),
                table[1][1],
                table[1].iter().sum::<usize>(),
                table[2][2],
                table[2].iter().sum::<usize>(),
            );
            for (row, add) in total.iter_mut().zip(&table) {
                for (t, a) in row.iter_mut().zip(add) {
                    *t += a;
                }
            }
            if se < LEAST_PCT || ppv < LEAST_PCT {
                failures.push(format!(
                    "{} at {rate} Hz: Se {se:.2} %, +P {ppv:.2} %",
                    case.name
                ));
            }
            if counts != COUNTS[k][r] {
                failures.push(format!(
                    "{} at {rate} Hz: (TP, FN, FP) {counts:?}, expected {:?}",
                    case.name, COUNTS[k][r]
                ));
            }
        }
    }
    println!();
    print_table("synthetic, all cases and rates", &total);
    ensure!(failures.is_empty(), "{}", failures.join("\n"));
    // Rows: reference N, S, V; columns: the analyzer's. The 21 N taken for V are sinus beats
    // that follow a ventricular couplet at 120 bpm so closely that the ventricular beat's T wave
    // runs through their QRS window; the 18 S taken for N came less than 20 % early against the
    // local RR.
    assert_eq!(
        total,
        [[3806, 1, 21], [18, 525, 0], [1, 0, 1221]],
        "the synthetic confusion table"
    );
    Ok(())
}

/// Record 100 as the tests read it.
struct Record100 {
    /// Lead MLII as `samples_i16`.
    input: AnalyzeInput,
    /// The reference beats' samples…
    reference: Vec<u64>,
    /// …and their AAMI classes.
    classes: Vec<Class>,
    /// How many beats of each MIT-BIH symbol.
    symbols: BTreeMap<&'static str, usize>,
}

/// Record 100, or `None` (after saying so) where it is not on this machine.
fn record_100() -> Result<Option<Record100>> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let Some(dir) = medplug_wfdb::mitdb_dir(&workspace)? else {
        println!(
            "MIT-BIH record 100 not found: skipped ({})",
            medplug_wfdb::MITDB_HOWTO
        );
        return Ok(None);
    };
    let path = dir.join("100");
    let record = medplug_wfdb::Record::open(&path)?;
    let spec = &record.header.signals[0];
    let input = AnalyzeInput::from_adc(
        record.header.sampling_frequency,
        &record.signals[0],
        spec.gain,
        spec.baseline,
    );
    let mut symbols = BTreeMap::new();
    let mut reference = Vec::new();
    let mut classes = Vec::new();
    for a in medplug_wfdb::read_annotations(&path, "atr")?
        .iter()
        .filter(|a| a.is_beat())
    {
        let symbol = a.symbol();
        *symbols.entry(symbol).or_insert(0) += 1;
        // ANSI/AAMI EC57:2012 Table 1.
        let class = match symbol {
            "N" | "L" | "R" | "e" | "j" => 0,
            "A" | "a" | "J" | "S" => 1,
            "V" | "E" => 2,
            // F, Q and paced beats: not in record 100.
            _ => continue,
        };
        reference.push(a.sample);
        classes.push(class);
    }
    Ok(Some(Record100 {
        input,
        reference,
        classes,
        symbols,
    }))
}

#[test]
fn record_100_beats_and_classes() -> Result<()> {
    let Some(Record100 {
        input,
        reference,
        classes,
        symbols,
    }) = record_100()?
    else {
        return Ok(());
    };
    // The database's directory of records: 2239 N, 33 A, 1 V.
    assert_eq!(
        symbols.into_iter().collect::<Vec<_>>(),
        [("A", 33), ("N", 2239), ("V", 1)]
    );
    let report = analyze(input)?;
    let (counts, table) = score(&reference, &classes, &report, 360.0);
    println!("record 100: (TP, FN, FP) {counts:?}");
    print_table("record 100", &table);
    assert_eq!(counts, (2273, 0, 0));
    // Every N stays N and the one V is found; 30 of the 33 A beats are S, the other 3 came
    // less than 20 % early against the local RR.
    assert_eq!(
        table,
        [[2239, 0, 0], [3, 30, 0], [0, 0, 1]],
        "record 100's confusion table"
    );
    Ok(())
}
