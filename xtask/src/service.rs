//! A `medplug serve` process for the demo and the service benchmark: built, started on an
//! ephemeral loopback port in a directory of its own, given keys, and stopped with SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use anyhow::{Context, Result, bail};
use xshell::cmd;

/// Builds the `medplug` binary (`release` for measurements) and returns its path.
pub fn build_medplug(release: bool) -> Result<PathBuf> {
    let sh = crate::shell()?;
    let profile: &[&str] = if release { &["--release"] } else { &[] };
    cmd!(
        sh,
        "cargo build --quiet {profile...} -p medplug-cli --bin medplug"
    )
    .run()?;
    let dir = if release { "release" } else { "debug" };
    Ok(crate::project_root()
        .join("target")
        .join(dir)
        .join("medplug"))
}

/// A running service.
pub struct ServiceProcess {
    medplug: PathBuf,
    dir: PathBuf,
    plugins: PathBuf,
    child: Option<Child>,
    stdout: Option<BufReader<ChildStdout>>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl ServiceProcess {
    /// `medplug ARGS` with the service's policy (`dir/medplug.toml`) and plugins.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.medplug);
        command
            .args(args)
            .current_dir(&self.dir)
            .env("MEDPLUG_POLICY", self.dir.join("medplug.toml"))
            .env("MEDPLUG_PLUGINS", &self.plugins);
        command
    }

    /// Starts `medplug serve --listen 127.0.0.1:0 ARGS` under `dir/medplug.toml` (which the
    /// caller wrote) over `plugins`, and reads its address.
    pub fn start(medplug: &Path, dir: &Path, plugins: &Path, args: &[&str]) -> Result<Self> {
        let mut service = Self {
            medplug: medplug.to_owned(),
            dir: dir.to_owned(),
            plugins: plugins.to_owned(),
            child: None,
            stdout: None,
            base: String::new(),
        };
        let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
        all.extend_from_slice(args);
        let mut child = service
            .command(&all)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting medplug serve")?;
        let mut stdout = BufReader::new(child.stdout.take().context("its stdout")?);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        service.base = line
            .trim()
            .strip_prefix("medplug serve: listening on ")
            .with_context(|| format!("medplug serve did not start: {line:?}"))?
            .to_owned();
        service.child = Some(child);
        service.stdout = Some(stdout);
        Ok(service)
    }

    /// Runs `medplug ARGS` and returns the last word it printed (a new key).
    pub fn key(&self, args: &[&str]) -> Result<String> {
        let out = self.command(args).output()?;
        if !out.status.success() {
            bail!("medplug {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        String::from_utf8(out.stdout)?
            .split_whitespace()
            .last()
            .map(str::to_owned)
            .context("no key printed")
    }

    /// Sends SIGTERM and waits: the exit code and what it printed after starting.
    pub fn stop(mut self) -> Result<(Option<i32>, String)> {
        let mut child = self.child.take().context("not running")?;
        let pid = child.id().to_string();
        if !Command::new("kill")
            .args(["-TERM", &pid])
            .status()?
            .success()
        {
            bail!("kill -TERM {pid} failed");
        }
        let code = child.wait()?.code();
        let mut rest = String::new();
        if let Some(mut stdout) = self.stdout.take() {
            stdout.read_to_string(&mut rest)?;
        }
        Ok((code, rest))
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
