//! `medplug`: call, list and inspect medplug plugins; verify and export the audit trail.
//!
//! ```text
//! medplug call <plugin> <function> [--input FILE] [--tenant T] [--actor A] [--repeat N]
//!                                                   JSON in (stdin by default), JSON out
//! medplug list                                      the loaded plugins and the policy's tenants
//! medplug inspect FILE.wasm                         describe, imports, exports, size, sha256
//! medplug ecg RECORD [--lead N] [--json]            the ECG analyzer on a WFDB record; with a
//!                                                   `.atr`, sensitivity and +P against it
//! medplug audit verify [--db FILE]                  check the hash chain, name the first bad record
//! medplug audit export [--db FILE] [--output FILE]  the records as JSON lines
//! medplug patients seed                             write the demo patients into the store
//! medplug phi-key new FILE                          a new AES-256 key file for encrypt_phi
//! medplug signing-key new FILE                      a new ed25519 key for `build-plugins --sign`
//! ```
//! Plugins come from `--plugins DIR`, else `$MEDPLUG_PLUGINS`, else `target/plugins`; their
//! JSON Schemas from `DIR/schemas` (`--no-schemas` skips validation). The policy comes from
//! `--policy FILE`, else `$MEDPLUG_POLICY`, else the built-in copy of `medplug.toml` (paths
//! relative to the working directory).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use medplug_host::audit::SqliteAuditTrail;
use medplug_host::patients::{SqlitePatientStore, seed_demo};
use medplug_host::phi::PhiKey;
use medplug_host::signature::SigningKey;
use medplug_host::wfdb::{Record, match_beats, match_window, read_annotations};
use medplug_host::{CallContext, Host, Policy, inspect};
use medplug_pdk::ecg::{self, AnalyzeInput, AnalyzeOutput};

/// Run untrusted medical plugins safely.
#[derive(Debug, Parser)]
#[command(name = "medplug", version, about)]
struct Cli {
    /// Directory of plugin modules (`*.wasm`), with their schemas in `schemas/`.
    #[arg(
        long,
        global = true,
        env = "MEDPLUG_PLUGINS",
        default_value = "target/plugins"
    )]
    plugins: PathBuf,
    /// The policy file (TOML); the built-in `medplug.toml` when absent.
    #[arg(long, global = true, env = "MEDPLUG_POLICY")]
    policy: Option<PathBuf>,
    /// Do not validate inputs and outputs against the functions' JSON Schemas.
    #[arg(long, global = true)]
    no_schemas: bool,
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
        /// The calling tenant; the policy's default tenant when absent.
        #[arg(long, env = "MEDPLUG_TENANT")]
        tenant: Option<String>,
        /// Who calls, for the audit trail (an account id, never a patient's name).
        #[arg(long, env = "MEDPLUG_ACTOR", default_value = "cli")]
        actor: String,
        /// Make the same call this many times (one audit record each); prints the last output.
        #[arg(long, default_value_t = 1)]
        repeat: u32,
    },
    /// List the loaded plugins with their functions and capabilities, and the tenants.
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
        /// The calling tenant; the policy's default tenant when absent.
        #[arg(long, env = "MEDPLUG_TENANT")]
        tenant: Option<String>,
    },
    /// The audit trail: verify its hash chain, or export it.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The patient store.
    Patients {
        #[command(subcommand)]
        command: PatientsCommand,
    },
    /// Keys for `encrypt_phi`.
    PhiKey {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Keys that sign plugin modules.
    SigningKey {
        #[command(subcommand)]
        command: KeyCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check every record's hash and link; exit non-zero naming the first bad record.
    Verify {
        /// The audit database; the policy's `audit_db` when absent.
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Write every record as one JSON line, in order.
    Export {
        /// The audit database; the policy's `audit_db` when absent.
        #[arg(long)]
        db: Option<PathBuf>,
        /// Where to write; stdout when absent.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum PatientsCommand {
    /// Write the demo patients of the two demo tenants (idempotent).
    Seed {
        /// The patient database; the policy's `patients_db` when absent.
        #[arg(long)]
        db: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Write a new random key to FILE (mode 0600; an existing file is never overwritten).
    New {
        /// The key file to create.
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("medplug: {}", error_chain(&error));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, joined by `: `, leaving out a cause whose text the message already
/// holds (medplug's errors name their cause in their own message).
fn error_chain(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}

fn policy(cli: &Cli) -> Result<Policy> {
    match &cli.policy {
        Some(path) => Ok(Policy::load(path)?),
        None => Ok(Policy::demo(Path::new("."))),
    }
}

fn load(cli: &Cli) -> Result<Host> {
    let dir = &cli.plugins;
    let mut builder = Host::builder().policy(policy(cli)?).plugins_dir(dir);
    if !cli.no_schemas {
        builder = builder.schemas_dir(dir.join("schemas"));
    }
    builder
        .build()
        .with_context(|| format!("loading plugins from {}", dir.display()))
}

fn context(host: &Host, tenant: Option<&String>, actor: &str) -> Result<CallContext> {
    Ok(match tenant {
        Some(tenant) => CallContext::new(tenant.clone(), actor),
        None => CallContext::new(host.default_context()?.tenant, actor),
    })
}

/// The audit database: `--db`, else the policy's.
fn audit_db(cli: &Cli, db: Option<&PathBuf>) -> Result<PathBuf> {
    if let Some(db) = db {
        return Ok(db.clone());
    }
    policy(cli)?
        .audit_db
        .context("the policy keeps audit records in memory (no [storage] audit_db): pass --db")
}

fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Call {
            plugin,
            function,
            input,
            tenant,
            actor,
            repeat,
        } => {
            let input = match input {
                Some(path) => {
                    std::fs::read(path).with_context(|| format!("reading {}", path.display()))?
                }
                None => {
                    let mut buffer = Vec::new();
                    std::io::stdin()
                        .read_to_end(&mut buffer)
                        .context("reading stdin")?;
                    buffer
                }
            };
            let host = load(&cli)?;
            let context = context(&host, tenant.as_ref(), actor)?;
            let mut output = Vec::new();
            for _ in 0..(*repeat).max(1) {
                output = host.call_json_as(&context, plugin, function, &input)?;
            }
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&output)?;
            stdout.write_all(b"\n")?;
        }
        Command::List => {
            let host = load(&cli)?;
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
            for tenant in host.policy().tenants.values() {
                let join = |set: &std::collections::BTreeSet<String>| {
                    set.iter().cloned().collect::<Vec<_>>().join(", ")
                };
                println!(
                    "tenant {:<18} specialties: {}  plugins: {}",
                    tenant.id,
                    join(&tenant.specialties),
                    join(&tenant.plugins)
                );
            }
        }
        Command::Inspect { file } => {
            let bytes =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
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
        Command::Ecg {
            record,
            lead,
            json,
            tenant,
        } => ecg_record(&cli, record, *lead, *json, tenant.as_ref())?,
        Command::Audit { command } => match command {
            AuditCommand::Verify { db } => {
                let path = audit_db(&cli, db.as_ref())?;
                let report = medplug_host::audit::verify_file(&path)?;
                match report.first_break {
                    None => println!(
                        "{}: {} records, chain intact, head {}",
                        path.display(),
                        report.records,
                        report.head_hash
                    ),
                    Some(chain_break) => bail!(
                        "{}: the chain is broken: {chain_break} ({} records read)",
                        path.display(),
                        report.records
                    ),
                }
            }
            AuditCommand::Export { db, output } => {
                let path = audit_db(&cli, db.as_ref())?;
                if !path.exists() {
                    bail!(
                        "{} does not exist: no call has been audited there",
                        path.display()
                    );
                }
                let trail = SqliteAuditTrail::open(&path)?;
                let count = match output {
                    Some(file) => {
                        let mut out = std::io::BufWriter::new(
                            std::fs::File::create(file)
                                .with_context(|| format!("creating {}", file.display()))?,
                        );
                        let count = trail.export(&mut out)?;
                        out.flush()?;
                        count
                    }
                    None => trail.export(&mut std::io::stdout().lock())?,
                };
                eprintln!("exported {count} records from {}", path.display());
            }
        },
        Command::Patients {
            command: PatientsCommand::Seed { db },
        } => {
            let path = match db {
                Some(db) => db.clone(),
                None => policy(&cli)?
                    .patients_db
                    .context("the policy has no [storage] patients_db: pass --db")?,
            };
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            let store = SqlitePatientStore::open(&path)?;
            let count = seed_demo(&store)?;
            println!("{}: {count} demo patients", path.display());
        }
        Command::PhiKey {
            command: KeyCommand::New { file },
        } => {
            PhiKey::write_new("new", file)?;
            println!(
                "wrote a new AES-256 key to {} (give it an id in the policy's [phi_key])",
                file.display()
            );
        }
        Command::SigningKey {
            command: KeyCommand::New { file },
        } => {
            let key = SigningKey::write_new(file)?;
            println!(
                "wrote a new ed25519 signing key to {}; its public key, for the policy's [signatures] trusted_keys:\n{}",
                file.display(),
                key.public_key()
            );
        }
    }
    Ok(())
}

/// `medplug ecg`: the analyzer on lead `lead` of `path`, and its score against `path.atr`.
fn ecg_record(
    cli: &Cli,
    path: &Path,
    lead: usize,
    json: bool,
    tenant: Option<&String>,
) -> Result<()> {
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
    let host = load(cli)?;
    let context = context(&host, tenant, "cli")?;
    let started = std::time::Instant::now();
    let report: AnalyzeOutput = host.call_as(&context, ecg::PLUGIN_NAME, ecg::ANALYZE, &input)?;
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
