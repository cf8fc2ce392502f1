//! `medplug patients`: the patient store.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;
use medplug_cli::demo_patients::seed_demo;
use medplug_host::patients::SqlitePatientStore;

use super::Globals;

/// `medplug patients`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the demo patients of the two demo tenants (idempotent).
    Seed {
        /// The patient database; the policy's `patients_db` when absent.
        #[arg(long)]
        db: Option<PathBuf>,
    },
}

/// Runs the subcommand.
pub fn run(globals: &Globals, command: &Command) -> Result<()> {
    let Command::Seed { db } = command;
    let path = match db {
        Some(db) => db.clone(),
        None => globals
            .policy()?
            .patients_db
            .context("the policy has no [storage] patients_db: pass --db")?,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let store = SqlitePatientStore::open(&path)?;
    let count = seed_demo(&store)?;
    println!("{}: {count} demo patients", path.display());
    Ok(())
}
