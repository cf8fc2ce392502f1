//! The commands, one file each, and what they share: the global options, the policy, the host.

pub mod api_keys;
pub mod audit;
pub mod call;
pub mod conformance;
pub mod ecg;
pub mod inspect;
pub mod keys;
pub mod list;
pub mod patients;
pub mod quotas;
pub mod serve;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use medplug_cli::default_policy::default_policy;
use medplug_host::{CallContext, Host, Policy};

/// Options every command takes.
#[derive(Debug, clap::Args)]
pub struct Globals {
    /// Directory of plugin modules (`*.wasm`), with their schemas in `schemas/`.
    #[arg(
        long,
        global = true,
        env = "MEDPLUG_PLUGINS",
        default_value = "target/plugins"
    )]
    pub plugins: PathBuf,
    /// The policy file (TOML); the built-in `medplug.toml` when absent.
    #[arg(long, global = true, env = "MEDPLUG_POLICY")]
    pub policy: Option<PathBuf>,
    /// Do not read `DIR/schemas`: modules that embed their schemas (every module
    /// `cargo xtask build-plugins` makes) are still validated against them.
    #[arg(long, global = true)]
    pub no_schemas: bool,
}

impl Globals {
    /// `--policy`, else the built-in default.
    pub fn policy(&self) -> Result<Policy> {
        match &self.policy {
            Some(path) => Ok(Policy::load(path)?),
            None => Ok(default_policy(Path::new("."))),
        }
    }

    /// A host over `--plugins` for one command: no pre-warmed instances (one call and exit:
    /// warming every tenant's would only delay it).
    pub fn host(&self) -> Result<Host> {
        self.build_host(self.policy()?, false)
    }

    /// A host over `--plugins` for a long-running service, pre-warmed as the policy says.
    pub fn serving_host(&self, policy: Policy) -> Result<Host> {
        self.build_host(policy, true)
    }

    fn build_host(&self, policy: Policy, prewarm: bool) -> Result<Host> {
        let dir = &self.plugins;
        let mut builder = Host::builder().policy(policy).plugins_dir(dir);
        if !prewarm {
            builder = builder.without_prewarming();
        }
        if !self.no_schemas {
            builder = builder.schemas_dir(dir.join("schemas"));
        }
        builder
            .build()
            .with_context(|| format!("loading plugins from {}", dir.display()))
    }
}

/// The call's context: `tenant`, else the policy's default tenant.
pub fn context(host: &Host, tenant: Option<&String>, actor: &str) -> Result<CallContext> {
    Ok(match tenant {
        Some(tenant) => CallContext::new(tenant.clone(), actor),
        None => CallContext::new(host.default_context()?.tenant, actor),
    })
}

/// A `--db` argument: a `postgres://…` URL or a SQLite file. Parsed here rather than by clap,
/// whose error would repeat the argument — and a password someone put in it — on stderr.
pub fn db_location(db: &str) -> Result<medplug_host::policy::StoreLocation> {
    medplug_host::policy::StoreLocation::parse(db).map_err(|e| anyhow::anyhow!("--db: {e}"))
}

/// The database of a `grant` subcommand: `--db`, else `configured` (the policy's `[storage]
/// key`). Roles and grants are PostgreSQL's: a SQLite file is refused (its file's permissions
/// guard it).
pub fn grant_database(
    db: Option<&String>,
    configured: impl FnOnce() -> Result<Option<medplug_host::policy::StoreLocation>>,
    key: &str,
) -> Result<medplug_host::policy::PostgresUrl> {
    use medplug_host::policy::StoreLocation;
    let location = match db {
        Some(db) => db_location(db)?,
        None => configured()?
            .with_context(|| format!("the policy has no [storage] {key}: pass --db"))?,
    };
    match location {
        StoreLocation::Postgres(url) => Ok(url),
        StoreLocation::Sqlite(_) => anyhow::bail!(
            "{location} is a SQLite file: roles and grants are PostgreSQL's (a SQLite file is \
             guarded by its permissions)"
        ),
    }
}

/// What `medplug … grant` says it did: `grants` (with `{role}`) given to `role` on `url`.
pub fn print_grants(url: &medplug_host::policy::PostgresUrl, role: &str, what: &str, grants: &str) {
    println!(
        "{url}: role {role} may {what}, nothing more:\n{}",
        grants.replace("{role}", role)
    );
}

/// The error and its causes, joined by `: `, leaving out a cause whose text the message already
/// holds (medplug's errors name their cause in their own message).
pub fn error_chain(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}
