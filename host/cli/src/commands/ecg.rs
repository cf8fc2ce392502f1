//! `medplug ecg`: the ECG analyzer on one lead of a WFDB record, scored against its reference
//! beats when the record has them (ANSI/AAMI EC57).

use std::path::PathBuf;

use anyhow::{Result, bail};
use medplug_pdk::ecg::{self, AnalyzeInput, AnalyzeOutput};
use medplug_wfdb::{Record, match_beats, match_window, read_annotations};

use super::{Globals, context};

/// `medplug ecg`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record's path without extension (`../shared/data/mitdb/100`).
    record: PathBuf,
    /// The signal to analyse, by its position in the header.
    #[arg(long, default_value_t = 0)]
    lead: usize,
    /// Print the analyzer's whole JSON report instead of a summary.
    #[arg(long)]
    json: bool,
    /// The calling tenant; the policy's default tenant when absent.
    #[arg(long, env = "MEDPLUG_TENANT")]
    tenant: Option<String>,
}

/// The analyzer on the lead, then its score against `RECORD.atr`.
pub fn run(globals: &Globals, args: &Args) -> Result<()> {
    let (path, lead) = (&args.record, args.lead);
    let record = Record::open(path)?;
    let Some(spec) = record.header.signals.get(lead) else {
        bail!(
            "{} has {} signal(s); there is no lead {lead}",
            path.display(),
            record.header.signals.len()
        );
    };
    let rate = record.header.sampling_frequency;
    let mut input = AnalyzeInput::from_adc(rate, &record.signals[lead], spec.gain, spec.baseline);
    input.lead = Some(spec.description.clone());
    let host = globals.host()?;
    let context = context(&host, args.tenant.as_ref(), "cli")?;
    let started = std::time::Instant::now();
    let report: AnalyzeOutput = host.call_as(&context, ecg::PLUGIN_NAME, ecg::ANALYZE, &input)?;
    let took = started.elapsed();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "{}: lead {lead} ({}), {:.1} s at {rate} Hz, analysed in {took:.1?}",
        path.display(),
        spec.description,
        report.duration_s
    );
    println!("  beats        {}", report.beat_count);
    print!("{}", report.summary());
    // `100` → `100.atr` (not `with_extension`, which would replace a dot in the name).
    let mut annotations = path.as_os_str().to_owned();
    annotations.push(".atr");
    let annotations = PathBuf::from(annotations);
    if !annotations.exists() {
        println!("  no {} to compare against", annotations.display());
        return Ok(());
    }
    let reference: Vec<u64> = read_annotations(path, "atr")?
        .iter()
        .filter(|a| a.is_beat())
        .map(|a| a.sample)
        .collect();
    let score = match_beats(&reference, &report.r_peaks, match_window(rate));
    let pct = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{:.2}%", 100.0 * v));
    println!(
        "  against {} ({} reference beats, 150 ms window): Se {} +P {} (TP {}, FN {}, FP {})",
        annotations.display(),
        reference.len(),
        pct(score.sensitivity()),
        pct(score.positive_predictivity()),
        score.true_positives,
        score.false_negatives,
        score.false_positives
    );
    Ok(())
}
