//! `medplug`: call, list and inspect medplug plugins; verify and export the audit trail.
//!
//! ```text
//! medplug call <plugin[@version]> <function> [--input FILE] [--tenant T] [--actor A] [--repeat N]
//!                                                   JSON in (stdin by default), JSON out
//! medplug list                                      every version, its state, the tenants using it
//! medplug inspect FILE.wasm                         describe, imports, exports, size, sha256
//! medplug conformance FILE.wasm [--fixtures DIR] [--schemas DIR] [--json]
//!                                                   any module against ABI v1: a table of checks
//! medplug ecg RECORD [--lead N] [--json]            the ECG analyzer on a WFDB record; with a
//!                                                   `.atr`, sensitivity and +P against it
//! medplug audit verify [--db FILE]                  check the hash chain, name the first bad record
//! medplug audit export [--db FILE] [--output FILE]  the records as JSON lines
//! medplug patients seed                             write the demo patients into the store
//! medplug phi-key new FILE                          a new AES-256 key file for encrypt_phi
//! medplug signing-key new FILE                      a new ed25519 key for `build-plugins --sign`
//! medplug serve [--listen ADDR] [--watch] [--metrics-listen ADDR] [--workers N]
//!                                                   the HTTP service, until SIGTERM or Ctrl-C
//! medplug tenant-key new TENANT [--label L] | revoke ID | list
//!                                                   the service's API keys (hashes only)
//! medplug admin-key new [--label L]                 a key for the service's /v1/admin endpoints
//! ```
//! Plugins come from `--plugins DIR`, else `$MEDPLUG_PLUGINS`, else `target/plugins`; their
//! JSON Schemas from the module's `medplug.schemas` section, else `DIR/schemas` (`--no-schemas`
//! skips the directory, never a section). The policy comes from
//! `--policy FILE`, else `$MEDPLUG_POLICY`, else the built-in copy of `medplug.toml` (paths
//! relative to the working directory). One file per command under `commands/`.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::Globals;

/// Run untrusted medical plugins safely.
#[derive(Debug, Parser)]
#[command(name = "medplug", version, about)]
struct Cli {
    #[command(flatten)]
    globals: Globals,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Call a plugin function: JSON input from --input or stdin, JSON output on stdout.
    Call(commands::call::Args),
    /// List every installed version with its state, the tenants using it, its functions and
    /// capabilities; then the tenants.
    List,
    /// Describe a module file: plugin info, imports, exports, size and sha256.
    Inspect(commands::inspect::Args),
    /// Check any module, built anywhere in any language, against ABI v1: a table of checks
    /// passed and failed (`--json` for CI); exits non-zero when one fails.
    Conformance(commands::conformance::Args),
    /// Run the ECG analyzer on one lead of a WFDB record (formats 212 and 16); when the record
    /// has reference beat annotations (`RECORD.atr`), compare the beats found with them
    /// (ANSI/AAMI EC57, 150 ms window).
    Ecg(commands::ecg::Args),
    /// The audit trail: verify its hash chain, or export it.
    Audit {
        #[command(subcommand)]
        command: commands::audit::Command,
    },
    /// The patient store.
    Patients {
        #[command(subcommand)]
        command: commands::patients::Command,
    },
    /// The quota windows replicas share in PostgreSQL.
    Quotas {
        #[command(subcommand)]
        command: commands::quotas::Command,
    },
    /// Keys for `encrypt_phi`.
    PhiKey {
        #[command(subcommand)]
        command: commands::keys::Command,
    },
    /// Keys that sign plugin modules.
    SigningKey {
        #[command(subcommand)]
        command: commands::keys::Command,
    },
    /// Serve the plugins over HTTP: tenant API keys, quotas, metrics, graceful shutdown.
    Serve(commands::serve::Args),
    /// The HTTP service's tenant API keys.
    TenantKey {
        #[command(subcommand)]
        command: commands::api_keys::TenantCommand,
    },
    /// The HTTP service's administrator keys.
    AdminKey {
        #[command(subcommand)]
        command: commands::api_keys::AdminCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let globals = &cli.globals;
    let result = match &cli.command {
        Command::Call(args) => commands::call::run(globals, args),
        Command::List => commands::list::run(globals),
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Conformance(args) => commands::conformance::run(args),
        Command::Ecg(args) => commands::ecg::run(globals, args),
        Command::Audit { command } => commands::audit::run(globals, command),
        Command::Patients { command } => commands::patients::run(globals, command),
        Command::Quotas { command } => commands::quotas::run(globals, command),
        Command::PhiKey { command } => commands::keys::phi_key(command),
        Command::SigningKey { command } => commands::keys::signing_key(command),
        Command::Serve(args) => commands::serve::run(globals, args),
        Command::TenantKey { command } => commands::api_keys::tenant(globals, command),
        Command::AdminKey { command } => commands::api_keys::admin(globals, command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("medplug: {}", commands::error_chain(&error));
            ExitCode::FAILURE
        }
    }
}
