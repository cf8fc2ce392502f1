//! `medplug inspect`: a module file's description, interface, size, digest and embedded schemas,
//! without a host.

use std::path::PathBuf;

use anyhow::{Context, Result};
use medplug_host::{SCHEMAS_SECTION, inspect};

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
        // The functions whose schemas travel in the module (`medplug.schemas`); `null` when it
        // embeds none, and a host validates it only against a schemas directory, if it has one.
        "embedded_schemas": inspection
            .embedded_schemas
            .as_ref()
            .map(|schemas| schemas.keys().collect::<Vec<_>>()),
    });
    if inspection.embedded_schemas.is_none() {
        eprintln!(
            "warning: {} embeds no schemas (no `{SCHEMAS_SECTION}` section): a host validates its \
             calls only against a schemas directory, and refuses it if its policy requires schemas",
            file.display()
        );
    }
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
