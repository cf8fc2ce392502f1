//! `medplug`: call, list and inspect medplug plugins from the command line.
//!
//! ```text
//! medplug call <plugin> <function> [--input FILE]   JSON in (stdin by default), JSON out
//! medplug list                                      the loaded plugins and their functions
//! medplug inspect FILE.wasm                         describe, imports, exports, size, sha256
//! ```
//! Plugins come from `--plugins DIR`, else `$MEDPLUG_PLUGINS`, else `target/plugins`.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use medplug_host::{Host, inspect};

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
    }
    Ok(())
}
