//! `medplug patients`: the patient store.

use anyhow::{Context, Result};
use clap::Subcommand;
use medplug_cli::demo_patients::seed_demo;
use medplug_host::patients::open_store;
use medplug_host::policy::StoreLocation;

use super::Globals;

/// `medplug patients`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the demo patients of the two demo tenants (idempotent).
    Seed {
        /// The patient store: a SQLite file or a `postgres://user@host/database` URL (password
        /// in PGPASSWORD); the policy's `[storage] patients_db` or `patients` when absent.
        #[arg(long, value_parser = StoreLocation::parse)]
        db: Option<StoreLocation>,
    },
}

/// Runs the subcommand.
pub fn run(globals: &Globals, command: &Command) -> Result<()> {
    let Command::Seed { db } = command;
    let location = match db {
        Some(db) => db.clone(),
        None => globals
            .policy()?
            .patients
            .context("the policy has no [storage] patients_db or patients: pass --db")?,
    };
    if let StoreLocation::Sqlite(path) = &location
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let store = open_store(&location)?;
    let count = seed_demo(store.as_ref())?;
    println!("{location}: {count} demo patients");
    Ok(())
}
