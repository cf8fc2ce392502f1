//! `medplug`: call, list and inspect medplug plugins from the command line.
//!
//! ```text
//! medplug call <plugin> <function> [--input FILE]   JSON in (stdin by default), JSON out
//! medplug list                                      the loaded plugins and their functions
//! medplug inspect FILE.wasm                         describe, imports, exports, size, sha256
//! medplug ecg RECORD [--lead N] [--json]            the ECG analyzer on a WFDB record; with a
//!                                                   `.atr`, sensitivity and +P against it
//! ```
//! Plugins come from `--plugins DIR`, else `$MEDPLUG_PLUGINS`, else `target/plugins`.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use medplug_host::wfdb::{Record, match_beats, match_window, read_annotations};
use medplug_host::{Host, inspect};
use medplug_pdk::ecg::{self, AnalyzeInput, AnalyzeOutput};

/// Run untrusted medical plugins safely.
#[derive(Debug, Parser)]
#[command(name = "medplug", version, about)]
struct Cli {
    /// Directory of plugin modules (`*.wasm`).
    #[arg(
        long,
        global = true,
        env = "MEDPLUG_PLUGINS",
        default_value = "target/plugins"
    )]
    plugins: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Call a plugin function: JSON input from --input or stdin, JSON output on stdout.
    Call {
        /// Plugin name (`lgpd-analyzer`).
        plugin: String,
        /// Function name (`analyze`).
        function: String,
        /// File holding the JSON input; stdin when absent.
        #[arg(long)]
        input: Option<PathBuf>,
    },
    /// List the loaded plugins with their functions and capabilities.
    List,
    /// Describe a module file: plugin info, imports, exports, size and sha256.
    Inspect {
        /// The `.wasm` file.
        file: PathBuf,
    },
    /// Run the ECG analyzer on one lead of a WFDB record (formats 212 and 16); when the record
    /// has reference beat annotations (`RECORD.atr`), compare the beats found with them
    /// (ANSI/AAMI EC57, 150 ms window).
    Ecg {
        /// The record's path without extension (`../shared/data/mitdb/100`).
        record: PathBuf,
        /// The signal to analyse, by its position in the header.
        #[arg(long, default_value_t = 0)]
        lead: usize,
        /// Print the analyzer's whole JSON report instead of a summary.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("medplug: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn load(dir: &PathBuf) -> Result<Host> {
    Host::builder()
        .plugins_dir(dir)
        .build()
        .with_context(|| format!("loading plugins from {}", dir.display()))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Call {
            plugin,
            function,
            input,
        } => {
            let input = match input {
                Some(path) => {
                    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?
                }
                None => {
                    let mut buffer = Vec::new();
                    std::io::stdin()
                        .read_to_end(&mut buffer)
                        .context("reading stdin")?;
                    buffer
                }
            };
            let host = load(&cli.plugins)?;
            let output = host.call_json(&plugin, &function, &input)?;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&output)?;
            stdout.write_all(b"\n")?;
        }
        Command::List => {
            let host = load(&cli.plugins)?;
            for plugin in host.plugins() {
                let info = plugin.info();
                let functions: Vec<&str> = info.functions.iter().map(|f| f.name.as_str()).collect();
                let capabilities: Vec<&str> =
                    info.capabilities.iter().map(|c| c.as_str()).collect();
                println!(
                    "{:<20} {:<8} {:<12} functions: {}  capabilities: {}",
                    info.name,
                    info.version,
                    info.specialty,
                    functions.join(", "),
                    if capabilities.is_empty() {
                        "none".to_owned()
                    } else {
                        capabilities.join(", ")
                    }
                );
            }
        }
        Command::Inspect { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let inspection = inspect(&file.display().to_string(), &bytes)?;
            let imports: Vec<String> = inspection
                .interface
                .imports
                .iter()
                .map(ToString::to_string)
                .collect();
            let report = serde_json::json!({
                "file": file.display().to_string(),
                "size": inspection.size,
                "sha256": inspection.sha256,
                "describe": inspection.info,
                "imports": imports,
                "exports": inspection.interface.function_exports,
            });
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::Ecg { record, lead, json } => ecg_record(&cli.plugins, &record, lead, json)?,
    }
    Ok(())
}

/// `medplug ecg`: the analyzer on lead `lead` of `path`, and its score against `path.atr`.
fn ecg_record(plugins: &PathBuf, path: &std::path::Path, lead: usize, json: bool) -> Result<()> {
    let record = Record::open(path)?;
    let Some(spec) = record.header.signals.get(lead) else {
        anyhow::bail!(
            "{} has {} signal(s); there is no lead {lead}",
            path.display(),
            record.header.signals.len()
        );
    };
    let rate = record.header.sampling_frequency;
    let mut input = AnalyzeInput::from_adc(rate, &record.signals[lead], spec.gain, spec.baseline);
    input.lead = Some(spec.description.clone());
    let host = load(plugins)?;
    let started = std::time::Instant::now();
    let report: AnalyzeOutput = host.call(ecg::PLUGIN_NAME, ecg::ANALYZE, &input)?;
    let took = started.elapsed();
    if json {
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
    if annotations.exists() {
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
    } else {
        println!("  no {} to compare against", annotations.display());
    }
    Ok(())
}
