//! `medplug audit`: verify the trail's hash chain, or export its records.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use medplug_host::audit::{SqliteAuditTrail, verify_file};

use super::Globals;

/// `medplug audit`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every record's hash and link; exit non-zero naming the first bad record.
    Verify {
        /// The audit database; the policy's `audit_db` when absent.
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Write every record as one JSON line, in order.
    Export {
        /// The audit database; the policy's `audit_db` when absent.
        #[arg(long)]
        db: Option<PathBuf>,
        /// Where to write; stdout when absent.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// The audit database: `--db`, else the policy's.
fn audit_db(globals: &Globals, db: Option<&PathBuf>) -> Result<PathBuf> {
    if let Some(db) = db {
        return Ok(db.clone());
    }
    globals
        .policy()?
        .audit_db
        .context("the policy keeps audit records in memory (no [storage] audit_db): pass --db")
}

/// Runs the subcommand.
pub fn run(globals: &Globals, command: &Command) -> Result<()> {
    match command {
        Command::Verify { db } => {
            let path = audit_db(globals, db.as_ref())?;
            let report = verify_file(&path)?;
            match report.first_break {
                None => println!(
                    "{}: {} records, chain intact, head {}",
                    path.display(),
                    report.records,
                    report.head_hash
                ),
                Some(chain_break) => bail!(
                    "{}: the chain is broken: {chain_break} ({} records read)",
                    path.display(),
                    report.records
                ),
            }
        }
        Command::Export { db, output } => {
            let path = audit_db(globals, db.as_ref())?;
            if !path.exists() {
                bail!(
                    "{} does not exist: no call has been audited there",
                    path.display()
                );
            }
            let trail = SqliteAuditTrail::open(&path)?;
            let count = match output {
                Some(file) => {
                    let mut out = std::io::BufWriter::new(
                        std::fs::File::create(file)
                            .with_context(|| format!("creating {}", file.display()))?,
                    );
                    let count = trail.export(&mut out)?;
                    out.flush()?;
                    count
                }
                None => trail.export(&mut std::io::stdout().lock())?,
            };
            eprintln!("exported {count} records from {}", path.display());
        }
    }
    Ok(())
}
