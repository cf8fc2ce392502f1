//! What the `medplug` binary's tests share: where the plugins are, and a `medplug` command that
//! runs under a copy of the default policy in a directory of the test's own (so its audit trail
//! and patient store live there, never in the source tree).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Result;

/// `target/plugins`, as `cargo xtask build-plugins` writes it.
pub fn plugins_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/plugins")
}

/// `medplug ARGS` with `medplug.toml` copied into `dir` as its policy; stdin, stdout and
/// stderr piped.
pub fn command(dir: &Path, args: &[&str]) -> Result<Command> {
    let policy = dir.join("medplug.toml");
    if !policy.exists() {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../medplug.toml"),
            &policy,
        )?;
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_medplug"));
    command
        .args(args)
        .env("MEDPLUG_PLUGINS", plugins_dir())
        .env("MEDPLUG_POLICY", &policy)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    Ok(command)
}
