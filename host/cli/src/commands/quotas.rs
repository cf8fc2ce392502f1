//! `medplug quotas`: the quota windows replicas share in PostgreSQL (`[storage] quotas`).

use anyhow::Result;
use clap::Subcommand;
use medplug_host::PostgresQuotas;
use medplug_host::policy::StoreLocation;

use super::{Globals, grant_database, print_grants};

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
    let configured = || Ok(globals.policy()?.quotas.map(StoreLocation::Postgres));
    let url = grant_database(db.as_ref(), configured, "quotas")?;
    PostgresQuotas::connect(&url)?.grant_service(role)?;
    print_grants(
        &url,
        role,
        "keep the quota windows",
        PostgresQuotas::SERVICE_GRANTS,
    );
    Ok(())
}
