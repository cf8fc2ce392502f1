//! `medplug patients`: the patient store.

use anyhow::{Context, Result};
use clap::Subcommand;
use medplug_cli::demo_patients::seed_demo;
use medplug_host::patients::{PostgresPatientStore, open_store};

use super::{Globals, db_location, grant_database, print_grants};

/// `medplug patients`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the demo patients of the two demo tenants (idempotent).
    Seed {
        /// The patient store: a SQLite file or a `postgres://user@host/database` URL (password
        /// in PGPASSWORD); the policy's `[storage] patients_db` or `patients` when absent.
        #[arg(long)]
        db: Option<String>,
    },
    /// PostgreSQL only: create the store's tables if absent, then give ROLE (the role the
    /// service connects as) the rights to read and write patients and consents, and no more.
    Grant {
        /// The service's role: lowercase letters, digits and `_`.
        role: String,
        /// The store's database URL; the policy's `[storage] patients` when absent.
        #[arg(long)]
        db: Option<String>,
    },
}

/// Runs the subcommand.
pub fn run(globals: &Globals, command: &Command) -> Result<()> {
    let configured = || Ok(globals.policy()?.patients);
    let db = match command {
        Command::Grant { role, db } => {
            let url = grant_database(db.as_ref(), configured, "patients")?;
            PostgresPatientStore::connect(&url)?.grant_service(role)?;
            let what = "read and write patients and consents";
            print_grants(&url, role, what, PostgresPatientStore::SERVICE_GRANTS);
            return Ok(());
        }
        Command::Seed { db } => db,
    };
    let location = match db {
        Some(db) => db_location(db)?,
        None => configured()?
            .context("the policy has no [storage] patients_db or patients: pass --db")?,
    };
    location
        .create_parent_dir()
        .map_err(|(dir, e)| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
    let store = open_store(&location)?;
    let count = seed_demo(store.as_ref())?;
    println!("{location}: {count} demo patients");
    Ok(())
}
