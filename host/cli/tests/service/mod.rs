//! A `medplug serve` process for a test: its own directory (policy, keys, audit trail, patient
//! store, plugins and schemas), on an ephemeral loopback port, killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A PHI key the service's policy reads from the environment (tests only).
const TEST_PHI_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// What a test serves: module files (`name.wasm` under `target/plugins` or
/// `target/test-plugins`) and the policy's text after the `[storage]` table.
pub struct Setup<'a> {
    /// `(file name in the service's plugins directory, module path under target/)`.
    pub modules: &'a [(&'a str, &'a str)],
    /// The policy, minus `[storage]` and `[phi_key]`, which the service adds.
    pub policy: &'a str,
    /// Extra arguments for `medplug serve`.
    pub args: &'a [&'a str],
}

/// A running service.
pub struct Service {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The service's directory.
    pub dir: tempfile::TempDir,
    stdout: Option<BufReader<std::process::ChildStdout>>,
}

/// `medplug` with the service's policy and plugins.
pub fn medplug(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_medplug"));
    command
        .args(args)
        .current_dir(dir)
        .env("MEDPLUG_POLICY", dir.join("medplug.toml"))
        .env("MEDPLUG_PLUGINS", dir.join("plugins"))
        .env("MEDPLUG_TEST_PHI_KEY", TEST_PHI_KEY);
    command
}

/// Runs `medplug ARGS` in `dir` and returns the last word of its output (a new key).
pub fn new_key(dir: &Path, args: &[&str]) -> Result<String> {
    let out = medplug(dir, args).output()?;
    if !out.status.success() {
        bail!("medplug {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    String::from_utf8(out.stdout)?
        .split_whitespace()
        .last()
        .map(str::to_owned)
        .context("no key printed")
}

/// Accepts any JSON: the schema of test plugins' functions (`true`, JSON Schema's "anything").
fn write_open_schemas(schemas: &Path, plugin: &str, functions: &[&str]) -> Result<()> {
    let dir = schemas.join(plugin);
    std::fs::create_dir_all(&dir)?;
    for function in functions {
        for side in ["input", "output"] {
            std::fs::write(dir.join(format!("{function}.{side}.json")), "true")?;
        }
    }
    Ok(())
}

impl Service {
    /// Lays out the directory, then starts `medplug serve` and reads its address. The audit
    /// trail and the patient store are SQLite files in the directory.
    pub fn start(setup: &Setup<'_>) -> Result<Self> {
        Self::start_with_storage(
            setup,
            "audit_db = \"audit.db\"\npatients_db = \"patients.db\"\n",
        )
    }

    /// [`start`](Self::start) with `storage` as the `[storage]` table's lines besides
    /// `api_keys` (empty: the audit trail in memory, no patient store).
    pub fn start_with_storage(setup: &Setup<'_>, storage: &str) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let plugins = dir.path().join("plugins");
        let schemas = plugins.join("schemas");
        std::fs::create_dir_all(&schemas)?;
        for (name, module) in setup.modules {
            let from = root().join("target").join(module);
            std::fs::copy(&from, plugins.join(name)).with_context(|| {
                format!("{}: run `cargo xtask build-plugins` first", from.display())
            })?;
        }
        copy_dir(
            &root().join("target/plugins/schemas/lgpd-analyzer"),
            &schemas.join("lgpd-analyzer"),
        )?;
        write_open_schemas(&schemas, "versioned", &["echo", "work"])?;
        write_open_schemas(
            &schemas,
            "misbehave",
            &["echo", "spin", "burn", "bomb", "panic", "fail"],
        )?;
        write_open_schemas(
            &schemas,
            "host-caller",
            &["log", "patient", "patients", "encrypt"],
        )?;
        std::fs::write(
            dir.path().join("medplug.toml"),
            format!(
                "[storage]\n{storage}api_keys = \"api-keys.json\"\n\
                 [phi_key]\nid = \"test\"\nenv = \"MEDPLUG_TEST_PHI_KEY\"\n{}",
                setup.policy
            ),
        )?;
        let mut service = Self {
            child: None,
            base: String::new(),
            dir,
            stdout: None,
        };
        service.spawn(setup.args)?;
        Ok(service)
    }

    fn spawn(&mut self, args: &[&str]) -> Result<()> {
        let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
        all.extend_from_slice(args);
        let mut child = medplug(self.dir.path(), &all)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let mut stdout = BufReader::new(child.stdout.take().context("stdout")?);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        let base = line
            .trim()
            .strip_prefix("medplug serve: listening on ")
            .with_context(|| format!("the service did not start: {line:?}"))?
            .to_owned();
        self.child = Some(child);
        self.base = base;
        self.stdout = Some(stdout);
        Ok(())
    }

    /// A new tenant key.
    pub fn tenant_key(&self, tenant: &str, label: &str) -> Result<String> {
        new_key(
            self.dir.path(),
            &["tenant-key", "new", tenant, "--label", label],
        )
    }

    /// A new administrator's key.
    pub fn admin_key(&self) -> Result<String> {
        new_key(self.dir.path(), &["admin-key", "new", "--label", "ops"])
    }

    /// `medplug …` in the service's directory.
    pub fn medplug(&self, args: &[&str]) -> Command {
        medplug(self.dir.path(), args)
    }

    /// Sends `signal` (`TERM`, `KILL`) and waits for the process; returns its exit code and
    /// the rest of its output.
    pub fn stop(&mut self, signal: &str) -> Result<(Option<i32>, String)> {
        let mut child = self.child.take().context("not running")?;
        let status = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()?;
        if !status.success() {
            bail!("kill -{signal} failed");
        }
        let code = child.wait()?.code();
        let mut rest = String::new();
        if let Some(mut stdout) = self.stdout.take() {
            std::io::Read::read_to_string(&mut stdout, &mut rest)?;
        }
        Ok((code, rest))
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| from.display().to_string())? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

/// An HTTP client that returns every status (errors are what these tests look at).
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// One response: status, headers we read, and the body.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// `Retry-After`, when present.
    pub retry_after: Option<String>,
    /// `medplug-version`, when present.
    pub version: Option<String>,
    /// `medplug-audit-record`, when present.
    pub audit_record: Option<String>,
    /// The body.
    pub body: String,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_str(&self.body).with_context(|| self.body.clone())
    }
}

fn answer(response: ureq::http::Response<ureq::Body>) -> Result<Answer> {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (status, content_type, retry_after, version, audit_record) = (
        response.status().as_u16(),
        header("content-type").unwrap_or_default(),
        header("retry-after"),
        header("medplug-version"),
        header("medplug-audit-record"),
    );
    let body = response.into_body().read_to_string()?;
    Ok(Answer {
        status,
        content_type,
        retry_after,
        version,
        audit_record,
        body,
    })
}

/// `GET path` with `key` (none: no `Authorization` header).
pub fn get(agent: &ureq::Agent, base: &str, path: &str, key: Option<&str>) -> Result<Answer> {
    let mut request = agent.get(format!("{base}{path}"));
    if let Some(key) = key {
        request = request.header("Authorization", format!("Bearer {key}"));
    }
    answer(request.call()?)
}

/// `POST path` with `body` and `key`.
pub fn post(
    agent: &ureq::Agent,
    base: &str,
    path: &str,
    key: Option<&str>,
    body: &[u8],
) -> Result<Answer> {
    let mut request = agent.post(format!("{base}{path}"));
    if let Some(key) = key {
        request = request.header("Authorization", format!("Bearer {key}"));
    }
    answer(request.send(body)?)
}

/// `DELETE path` with `key`.
pub fn delete(agent: &ureq::Agent, base: &str, path: &str, key: Option<&str>) -> Result<Answer> {
    let mut request = agent.delete(format!("{base}{path}"));
    if let Some(key) = key {
        request = request.header("Authorization", format!("Bearer {key}"));
    }
    answer(request.call()?)
}
