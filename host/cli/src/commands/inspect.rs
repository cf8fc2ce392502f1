//! `medplug inspect`: a module file's description, interface, size and digest, without a host.

use std::path::PathBuf;

use anyhow::{Context, Result};
use medplug_host::inspect;

/// `medplug inspect`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The `.wasm` file.
    file: PathBuf,
}

/// Prints the inspection as JSON.
pub fn run(args: &Args) -> Result<()> {
    let file = &args.file;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
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
    Ok(())
}
