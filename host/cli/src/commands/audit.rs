//! `medplug audit`: verify the trail's hash chain (against a signed checkpoint too), write a
//! checkpoint, or export its records.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use medplug_host::audit::{
    AuditTrail, Checkpoint, PostgresAuditTrail, open_existing_trail, verify_against_of,
    write_checkpoint_of,
};
use medplug_host::signature::{SigningKey, TrustedKey};

use super::{Globals, db_location, grant_database, print_grants};

/// `medplug audit`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every record's hash and link; exit non-zero naming the first bad record.
    Verify {
        /// The audit trail: a SQLite file or a `postgres://user@host/database` URL (password in
        /// PGPASSWORD); the policy's `[storage] audit_db` or `audit` when absent.
        #[arg(long)]
        db: Option<String>,
        /// Also prove that no record at or before this signed checkpoint was rewritten, even
        /// with every hash recomputed: the record at its sequence must have its hash.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// A public key (64 hex digits) whose checkpoints are trusted; repeatable. Default: the
        /// public key of the policy's `[audit] checkpoint_key`.
        #[arg(long = "trusted-key")]
        trusted_keys: Vec<TrustedKey>,
    },
    /// Sign the trail's head (sequence, hash, time) into `checkpoint-<sequence>.json`, after
    /// verifying the chain; keep the file away from the database.
    Checkpoint {
        /// The audit trail: a SQLite file or a `postgres://user@host/database` URL (password in
        /// PGPASSWORD); the policy's `[storage] audit_db` or `audit` when absent.
        #[arg(long)]
        db: Option<String>,
        /// The ed25519 signing key file (`medplug signing-key new`); the policy's
        /// `[audit] checkpoint_key` when absent.
        #[arg(long)]
        key: Option<PathBuf>,
        /// Where to write the checkpoint; the policy's `[audit] checkpoint_dir` when absent.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// PostgreSQL only: create the trail's tables if absent, then give ROLE (the role the
    /// service connects as) exactly the rights to read and append: run once, as the tables'
    /// owner. The service's role can then neither change nor delete a record, nor drop the
    /// triggers that guard them.
    Grant {
        /// The service's role: lowercase letters, digits and `_`.
        role: String,
        /// The trail's database URL; the policy's `[storage] audit` when absent.
        #[arg(long)]
        db: Option<String>,
    },
    /// Write every record as one JSON line, in order.
    Export {
        /// The audit trail: a SQLite file or a `postgres://user@host/database` URL (password in
        /// PGPASSWORD); the policy's `[storage] audit_db` or `audit` when absent.
        #[arg(long)]
        db: Option<String>,
        /// Where to write; stdout when absent.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// The audit trail, opened without creating anything: `--db`, else the policy's.
fn audit_trail(globals: &Globals, db: Option<&String>) -> Result<Box<dyn AuditTrail>> {
    let location = match db {
        Some(db) => db_location(db)?,
        None => globals.policy()?.audit.context(
            "the policy keeps audit records in memory (no [storage] audit_db or audit): pass --db",
        )?,
    };
    Ok(open_existing_trail(&location)?)
}

/// `--key`, else the policy's `[audit] checkpoint_key`.
fn checkpoint_key(globals: &Globals, key: Option<&PathBuf>) -> Result<PathBuf> {
    if let Some(key) = key {
        return Ok(key.clone());
    }
    Ok(globals
        .policy()?
        .audit_checkpoints
        .context("the policy has no [audit] checkpoint_key: pass --key")?
        .key)
}

/// The keys whose checkpoints are trusted: `--trusted-key`, else the policy's checkpoint key's.
fn trusted_keys(globals: &Globals, given: &[TrustedKey]) -> Result<Vec<TrustedKey>> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let key = checkpoint_key(globals, None)
        .context("no key to check the checkpoint with: pass --trusted-key")?;
    Ok(vec![SigningKey::read(&key)?.public_key()])
}

/// `medplug audit verify --checkpoint FILE`.
fn verify_checkpoint(trail: &dyn AuditTrail, file: &Path, trusted: &[TrustedKey]) -> Result<()> {
    let checkpoint = Checkpoint::read(file)?;
    checkpoint.verify_signature(file, trusted)?;
    let report = verify_against_of(trail, &checkpoint)?;
    let (db, sequence) = (trail.location(), checkpoint.sequence);
    if !report.verdict.holds() {
        bail!(
            "{db}: checkpoint {} (record {sequence}, {}) does not hold: {}",
            file.display(),
            checkpoint.time,
            report.verdict
        );
    }
    if let Some(chain_break) = report.verify.first_break {
        bail!(
            "{db}: records up to the checkpoint's record {sequence} are unchanged, but the chain \
             is broken after it: {chain_break} ({} records read)",
            report.verify.records
        );
    }
    println!(
        "{db}: {} records, chain intact, head {}; checkpoint {} holds: record {sequence} has \
         hash {} (signed by {} at {})",
        report.verify.records,
        report.verify.head_hash,
        file.display(),
        checkpoint.hash,
        checkpoint.signature.key,
        checkpoint.time
    );
    Ok(())
}

/// Runs the subcommand.
pub fn run(globals: &Globals, command: &Command) -> Result<()> {
    match command {
        Command::Verify {
            db,
            checkpoint: Some(file),
            trusted_keys: given,
        } => {
            let trusted = trusted_keys(globals, given)?;
            verify_checkpoint(audit_trail(globals, db.as_ref())?.as_ref(), file, &trusted)?;
        }
        Command::Verify { db, .. } => {
            let trail = audit_trail(globals, db.as_ref())?;
            let report = trail.verify()?;
            match report.first_break {
                None => println!(
                    "{}: {} records, chain intact, head {}",
                    trail.location(),
                    report.records,
                    report.head_hash
                ),
                Some(chain_break) => bail!(
                    "{}: the chain is broken: {chain_break} ({} records read)",
                    trail.location(),
                    report.records
                ),
            }
        }
        Command::Checkpoint { db, key, dir } => {
            let trail = audit_trail(globals, db.as_ref())?;
            let key_file = checkpoint_key(globals, key.as_ref())?;
            let dir = match dir {
                Some(dir) => dir.clone(),
                None => {
                    globals
                        .policy()?
                        .audit_checkpoints
                        .context("the policy has no [audit] checkpoint_dir: pass --dir")?
                        .dir
                }
            };
            let key = SigningKey::read(&key_file)?;
            let (checkpoint, file) = write_checkpoint_of(trail.as_ref(), &key, &dir)?;
            println!(
                "{}: record {}, hash {}, signed by {} at {}",
                file.display(),
                checkpoint.sequence,
                checkpoint.hash,
                checkpoint.signature.key,
                checkpoint.time
            );
        }
        Command::Grant { role, db } => {
            let url = grant_database(db.as_ref(), || Ok(globals.policy()?.audit), "audit")?;
            PostgresAuditTrail::connect(&url)?.grant_service(role)?;
            let what = "read and append the audit trail";
            print_grants(&url, role, what, PostgresAuditTrail::SERVICE_GRANTS);
        }
        Command::Export { db, output } => {
            let trail = audit_trail(globals, db.as_ref())?;
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
            eprintln!("exported {count} records from {}", trail.location());
        }
    }
    Ok(())
}
