//! `medplug phi-key` and `medplug signing-key`: new key files, never overwriting one.

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use medplug_host::phi::PhiKey;
use medplug_host::signature::SigningKey;

/// The key commands' subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a new random key to FILE (mode 0600; an existing file is never overwritten).
    New {
        /// The key file to create.
        file: PathBuf,
    },
}

/// `medplug phi-key new FILE`.
pub fn phi_key(command: &Command) -> Result<()> {
    let Command::New { file } = command;
    PhiKey::write_new("new", file)?;
    println!(
        "wrote a new AES-256 key to {} (give it an id in the policy's [phi_key])",
        file.display()
    );
    Ok(())
}

/// `medplug signing-key new FILE`.
pub fn signing_key(command: &Command) -> Result<()> {
    let Command::New { file } = command;
    let key = SigningKey::write_new(file)?;
    println!(
        "wrote a new ed25519 signing key to {}; its public key, for the policy's [signatures] trusted_keys:\n{}",
        file.display(),
        key.public_key()
    );
    Ok(())
}
