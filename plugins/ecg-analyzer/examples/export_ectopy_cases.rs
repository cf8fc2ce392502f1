//! Writes the synthetic ectopy cases (`ecg_analyzer::synthetic::ectopy_cases`) and this
//! analyzer's detections on them and on MIT-BIH record 100 to a directory, for the peer
//! comparison of `tests/peers/ecg/` (NeuroKit2 and WFDB's XQRS on the same signals):
//!
//! ```sh
//! cargo run -p ecg-analyzer --example export_ectopy_cases -- /tmp/ecg-peers
//! ```
//!
//! Per case and rate, `<id>.signal.csv` (one millivolt value a line), `<id>.truth.csv`
//! (`sample,class` with AAMI classes N, S, V) and `<id>.ours.csv` (one detected R-peak sample a
//! line); `cases.csv` lists `id,name,rate_hz`. Record 100 (when `medplug_wfdb::mitdb_dir` finds
//! it) gives `record100.ours.csv`; the script reads the record itself.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ecg_analyzer::analyze;
use ecg_analyzer::synthetic::{BeatKind, ECTOPY_CASE_RATES, ectopy_cases};
use medplug_pdk::ecg::AnalyzeInput;

fn main() -> Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .context("usage: export_ectopy_cases DIR")?,
    );
    std::fs::create_dir_all(&dir)?;
    let mut index = String::from("id,name,rate_hz\n");
    for (k, case) in ectopy_cases().iter().enumerate() {
        for rate in ECTOPY_CASE_RATES {
            let id = format!("case{k}_{rate}hz");
            let ecg = case.generate(rate, k);
            let report = analyze(ecg.input()).map_err(|e| anyhow::anyhow!(e.message))?;
            let signal: String = ecg.samples_mv.iter().map(|v| format!("{v}\n")).collect();
            let mut truth = String::from("sample,class\n");
            for (b, kind) in ecg.beats.iter().zip(&ecg.kinds) {
                let class = match kind {
                    BeatKind::Normal => "N",
                    BeatKind::Supraventricular => "S",
                    BeatKind::Ventricular => "V",
                };
                writeln!(truth, "{b},{class}")?;
            }
            std::fs::write(dir.join(format!("{id}.signal.csv")), signal)?;
            std::fs::write(dir.join(format!("{id}.truth.csv")), truth)?;
            write_peaks(&dir.join(format!("{id}.ours.csv")), &report.r_peaks)?;
            writeln!(index, "{id},\"{}\",{rate}", case.name)?;
        }
    }
    std::fs::write(dir.join("cases.csv"), index)?;
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match medplug_wfdb::mitdb_dir(&workspace)? {
        Some(mitdb) => {
            let record = medplug_wfdb::Record::open(mitdb.join("100"))?;
            let spec = &record.header.signals[0];
            let input = AnalyzeInput::from_adc(
                record.header.sampling_frequency,
                &record.signals[0],
                spec.gain,
                spec.baseline,
            );
            let report = analyze(input).map_err(|e| anyhow::anyhow!(e.message))?;
            write_peaks(&dir.join("record100.ours.csv"), &report.r_peaks)?;
            println!("record 100: {}", mitdb.join("100").display());
        }
        None => println!("record 100 not found ({})", medplug_wfdb::MITDB_HOWTO),
    }
    println!("wrote the cases to {}", dir.display());
    Ok(())
}

fn write_peaks(path: &Path, peaks: &[u64]) -> Result<()> {
    let text: String = peaks.iter().map(|p| format!("{p}\n")).collect();
    Ok(std::fs::write(path, text)?)
}
