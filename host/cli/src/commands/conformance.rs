//! `medplug conformance`: any module against ABI v1, as a table (or JSON); exits non-zero when
//! a check fails.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use medplug_conformance::{Options, check_module};

/// `medplug conformance`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The `.wasm` file, built anywhere, in any language.
    module: PathBuf,
    /// The plugin's fixtures: `DIR/<function>/<case>.input.json` and `.expected.json`.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// The published schemas: `DIR/<plugin>/<function>.{input,output}.json`. Default: a
    /// `schemas` directory beside the module, when there is one.
    #[arg(long)]
    schemas: Option<PathBuf>,
    /// Print the report as JSON (for CI systems) instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs the checks and prints the report.
pub fn run(args: &Args) -> Result<()> {
    let module = &args.module;
    let bytes = std::fs::read(module).with_context(|| format!("reading {}", module.display()))?;
    let beside = module
        .parent()
        .map(|dir| dir.join("schemas"))
        .filter(|dir| dir.is_dir());
    let options = Options {
        fixtures: args.fixtures.clone(),
        schemas: args.schemas.clone().or(beside),
    };
    let report = check_module(&module.display().to_string(), &bytes, &options);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
    }
    let failed = report.failed();
    if !failed.is_empty() {
        bail!(
            "{} is not conformant to ABI v1: {} failed",
            module.display(),
            failed.join(", ")
        );
    }
    Ok(())
}
