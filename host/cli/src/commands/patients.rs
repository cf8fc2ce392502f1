//! `medplug patients`: the patient store.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use medplug_cli::demo_patients::seed_demo;
use medplug_host::patients::{PostgresPatientStore, open_store};
use medplug_host::policy::StoreLocation;

use super::{Globals, db_location};

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
    let (Command::Seed { db } | Command::Grant { db, .. }) = command;
    let location = match db {
        Some(db) => db_location(db)?,
        None => globals
            .policy()?
            .patients
            .context("the policy has no [storage] patients_db or patients: pass --db")?,
    };
    if let Command::Grant { role, .. } = command {
        let StoreLocation::Postgres(url) = &location else {
            bail!("{location} is a SQLite file: roles and grants are PostgreSQL's");
        };
        PostgresPatientStore::connect(url)?.grant_service(role)?;
        println!(
            "{url}: role {role} may read and write patients and consents, nothing more:\n{}",
            PostgresPatientStore::SERVICE_GRANTS.replace("{role}", role)
        );
        return Ok(());
    }
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
