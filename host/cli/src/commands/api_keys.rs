//! `medplug tenant-key` and `medplug admin-key`: the service's API keys, kept as hashes in the
//! policy's `[storage] api_keys` file.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use medplug_host::audit::{AuditRecord, AuditTrail, HostAction, Outcome, open_trail};
use medplug_server::keys::{KeyEntry, create_key, list_keys, revoke_key};

use super::Globals;

/// The actor of the audit records of key changes made with this command.
const KEY_ACTOR: &str = "cli";

/// The policy's durable audit trail, opened before a key changes (so that a trail that cannot be
/// opened stops the change); `None` when the policy keeps records in memory.
fn audit_trail(globals: &Globals) -> Result<Option<Box<dyn AuditTrail>>> {
    let Some(location) = globals.policy()?.audit else {
        return Ok(None);
    };
    location
        .create_parent_dir()
        .map_err(|(dir, e)| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
    Ok(Some(open_trail(&location)?))
}

/// Records a key's creation or revocation: its id, label and tenant, never the key or its hash.
fn audit_key_change(trail: Option<&dyn AuditTrail>, entry: &KeyEntry, created: bool) -> Result<()> {
    let Some(trail) = trail else {
        return Ok(());
    };
    let (key_id, label) = (entry.id.clone(), entry.label.clone());
    let action = if created {
        HostAction::ApiKeyCreated { key_id, label }
    } else {
        HostAction::ApiKeyRevoked { key_id, label }
    };
    let tenant = entry.tenant.as_deref().unwrap_or("*");
    trail
        .append(&AuditRecord::of_host_action(
            tenant,
            KEY_ACTOR,
            Outcome::Ok,
            action,
        ))
        .with_context(|| {
            format!(
                "key {} was {} but its audit record could not be written",
                entry.id,
                if created { "made" } else { "revoked" }
            )
        })?;
    Ok(())
}

/// `medplug tenant-key`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Make a key for TENANT; it is printed once, as the last word of the output.
    New {
        /// The tenant (from the policy).
        tenant: String,
        /// Who holds it: the actor of the audit records of its calls. Default `key-<id>`.
        #[arg(long)]
        label: Option<String>,
    },
    /// Revoke the key of that id (a running service refuses it within a second).
    Revoke {
        /// The key's id (`medplug tenant-key list` shows them).
        id: String,
    },
    /// List every key: id, tenant, label, created, revoked (never the key).
    List,
}

/// `medplug admin-key`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Make an administrator's key (for `/v1/admin/…`); printed once, as the last word.
    New {
        /// Who holds it. Default `key-<id>`.
        #[arg(long)]
        label: Option<String>,
    },
}

fn keys_file(globals: &Globals) -> Result<std::path::PathBuf> {
    globals
        .policy()?
        .api_keys
        .context("the policy has no [storage] api_keys: name the file that keeps key hashes")
}

/// Runs a `tenant-key` subcommand.
pub fn tenant(globals: &Globals, command: &TenantCommand) -> Result<()> {
    let path = keys_file(globals)?;
    match command {
        TenantCommand::New { tenant, label } => {
            if globals.policy()?.tenant(tenant).is_none() {
                bail!("tenant `{tenant}` is not in the policy");
            }
            let trail = audit_trail(globals)?;
            let (entry, key) = create_key(&path, Some(tenant), label.as_deref())?;
            audit_key_change(trail.as_deref(), &entry, true)?;
            println!(
                "key {} for tenant {tenant} (label {}), hash stored in {}; it is shown only now:\n{key}",
                entry.id,
                entry.label,
                path.display()
            );
        }
        TenantCommand::Revoke { id } => {
            let trail = audit_trail(globals)?;
            let entry = revoke_key(&path, id)?;
            audit_key_change(trail.as_deref(), &entry, false)?;
            println!("key {} revoked ({})", entry.id, entry.label);
        }
        TenantCommand::List => {
            for entry in list_keys(&path)? {
                println!(
                    "{}  {:<20} {:<20} created {}{}",
                    entry.id,
                    entry.tenant.as_deref().unwrap_or("(administrator)"),
                    entry.label,
                    entry.created,
                    entry
                        .revoked
                        .map(|r| format!("  revoked {r}"))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

/// Runs an `admin-key` subcommand.
pub fn admin(globals: &Globals, command: &AdminCommand) -> Result<()> {
    let AdminCommand::New { label } = command;
    let path = keys_file(globals)?;
    let trail = audit_trail(globals)?;
    let (entry, key) = create_key(&path, None, label.as_deref())?;
    audit_key_change(trail.as_deref(), &entry, true)?;
    println!(
        "administrator's key {} (label {}), hash stored in {}; it is shown only now:\n{key}",
        entry.id,
        entry.label,
        path.display()
    );
    Ok(())
}
