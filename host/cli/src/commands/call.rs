//! `medplug call`: one plugin function, JSON in, JSON out.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::{Globals, context};

/// `medplug call`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plugin: `lgpd-analyzer`, `lgpd-analyzer@0.1.0` or `lgpd-analyzer@^0.1`.
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
}

/// Reads the input, calls, prints the output.
pub fn run(globals: &Globals, args: &Args) -> Result<()> {
    let input = match &args.input {
        Some(path) => std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
        None => {
            let mut buffer = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buffer)
                .context("reading stdin")?;
            buffer
        }
    };
    let host = globals.host()?;
    let context = context(&host, args.tenant.as_ref(), &args.actor)?;
    let mut output = Vec::new();
    for _ in 0..args.repeat.max(1) {
        output = host.call_json_as(&context, &args.plugin, &args.function, &input)?;
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&output)?;
    stdout.write_all(b"\n")?;
    Ok(())
}
