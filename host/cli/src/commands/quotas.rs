//! `medplug quotas`: the quota windows replicas share in PostgreSQL (`[storage] quotas`).

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use medplug_host::PostgresQuotas;
use medplug_host::policy::StoreLocation;

use super::{Globals, db_location};

/// `medplug quotas`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the shared quota windows' table if absent, then give ROLE (the role the service
    /// connects as) the rights to keep them, and no more: run once, as the tables' owner.
    Grant {
        /// The service's role: lowercase letters, digits and `_`.
        role: String,
        /// The database URL; the policy's `[storage] quotas` when absent.
        #[arg(long)]
        db: Option<String>,
    },
}

/// Runs the subcommand.
pub fn run(globals: &Globals, command: &Command) -> Result<()> {
    let Command::Grant { role, db } = command;
    let url = match db {
        Some(db) => match db_location(db)? {
            StoreLocation::Postgres(url) => url,
            StoreLocation::Sqlite(path) => bail!(
                "{}: the quota windows are shared only through PostgreSQL",
                path.display()
            ),
        },
        None => globals
            .policy()?
            .quotas
            .context("the policy has no [storage] quotas: pass --db")?,
    };
    PostgresQuotas::connect(&url)?.grant_service(role)?;
    println!(
        "{url}: role {role} may keep the quota windows, nothing more:\n{}",
        PostgresQuotas::SERVICE_GRANTS.replace("{role}", role)
    );
    Ok(())
}
