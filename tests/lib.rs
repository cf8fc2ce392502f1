//! Shared helpers of the conformance suite (`tests/all/`): where the built plugins, the schemas
//! and the fixtures are, how to check a JSON value against a published schema, and the index
//! `cargo xtask build-plugins` writes ([`PluginIndex`], which xtask shares from here).
//!
//! The suite tests what `cargo xtask build-plugins` produced; it says so, with the command, when
//! a module is missing.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

mod plugin_index;

pub use plugin_index::{PLUGIN_INDEX_FILE, PluginIndex, PluginIndexEntry};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_owned()
}

/// `target/plugins`: the reference plugins, optimised.
pub fn plugins_dir() -> PathBuf {
    root().join("target/plugins")
}

/// A misbehaving test plugin's module, from `target/test-plugins`.
pub fn test_plugin(name: &str) -> Result<Vec<u8>> {
    read_module(&root().join("target/test-plugins"), name)
}

/// The `versioned` test plugin at `major`.0.0 (`versioned-v1`, `versioned-v2`): two real
/// builds of one plugin, for upgrades, pins and pools.
pub fn versioned_module(major: u8) -> Result<Vec<u8>> {
    test_plugin(&format!("versioned-v{major}"))
}

/// A reference plugin's module, from `target/plugins`.
pub fn plugin(name: &str) -> Result<Vec<u8>> {
    read_module(&plugins_dir(), name)
}

fn read_module(dir: &Path, name: &str) -> Result<Vec<u8>> {
    let path = dir.join(format!("{name}.wasm"));
    std::fs::read(&path).with_context(|| {
        format!(
            "reading {}: run `cargo xtask build-plugins` first",
            path.display()
        )
    })
}

/// A host over the reference plugins in `target/plugins`, under the open policy.
pub fn reference_host() -> Result<medplug_host::Host> {
    medplug_host::Host::builder()
        .plugins_dir(plugins_dir())
        .build()
        .context("loading target/plugins: run `cargo xtask build-plugins` first")
}

/// `target/plugins/index.json`.
pub fn index() -> Result<PluginIndex> {
    let path = plugins_dir().join(PLUGIN_INDEX_FILE);
    let bytes = std::fs::read(&path).with_context(|| {
        format!(
            "reading {}: run `cargo xtask build-plugins` first",
            path.display()
        )
    })?;
    let index: PluginIndex =
        serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", path.display()))?;
    if index.plugins.is_empty() {
        bail!("{} lists no plugin", path.display());
    }
    Ok(index)
}

/// The published schema `schemas/<id>.json`.
pub fn schema(id: &str) -> Result<Value> {
    let path = root().join("schemas").join(format!("{id}.json"));
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading schema {}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}

/// Checks `value` against schema `id`; the error lists every violation with its JSON pointer.
pub fn validate(id: &str, value: &Value) -> Result<()> {
    let validator = jsonschema::validator_for(&schema(id)?)
        .with_context(|| format!("compiling schema {id}"))?;
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at `{}`", e, e.instance_path()))
        .collect();
    if !errors.is_empty() {
        bail!("does not validate against {id}: {}", errors.join("; "));
    }
    Ok(())
}

pub use medplug_conformance::Fixture;

/// Every fixture of `plugin` (`tests/fixtures/<plugin>/<function>/<case>.input.json` and its
/// `<case>.expected.json`), sorted; read as `medplug conformance --fixtures` reads them.
pub fn fixtures(plugin: &str) -> Result<Vec<Fixture>> {
    medplug_conformance::fixtures_in(&root().join("tests/fixtures").join(plugin))
        .map_err(anyhow::Error::msg)
}

/// The LGPD corpus documents (`tests/corpus/lgpd-analyzer/documents`), sorted by file name, as
/// `(file name, text)` with the `[[KIND:…]]` markup stripped.
pub fn lgpd_corpus() -> Result<Vec<(String, String)>> {
    let dir = root().join("tests/corpus/lgpd-analyzer/documents");
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| dir.display().to_string())? {
        let path = entry?.path();
        let marked = std::fs::read_to_string(&path)?;
        let mut text = String::with_capacity(marked.len());
        let mut rest = marked.as_str();
        while let Some(open) = rest.find("[[") {
            text.push_str(&rest[..open]);
            let close = open + rest[open..].find("]]").context("unclosed [[")?;
            let label = &rest[open + 2..close];
            text.push_str(label.split_once(':').context("entity without `:`")?.1);
            rest = &rest[close + 2..];
        }
        text.push_str(rest);
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        docs.push((name, text));
    }
    docs.sort();
    Ok(docs)
}

/// The claims corpus documents (`tests/corpus/claims-extractor/{tuning,held-out}.jsonl`), as
/// `(id, text)`: each document's sentences joined by their separators, as its README says.
pub fn claims_corpus() -> Result<Vec<(String, String)>> {
    let mut docs = Vec::new();
    for file in ["tuning.jsonl", "held-out.jsonl"] {
        let path = root().join("tests/corpus/claims-extractor").join(file);
        let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let doc: Value =
                serde_json::from_str(line).with_context(|| path.display().to_string())?;
            let id = doc["id"].as_str().context("document id")?.to_owned();
            let mut joined = String::new();
            for sentence in doc["sentences"].as_array().context("sentences")? {
                joined.push_str(sentence["sep"].as_str().context("sep")?);
                joined.push_str(sentence["text"].as_str().context("text")?);
            }
            docs.push((id, joined));
        }
    }
    Ok(docs)
}

/// The policy of the security tests: three fictional clinics and the two test plugins that
/// touch tenants and host functions.
///
/// - `clinica-horizonte` (dermatology, testing): `host-caller` with every grant, `state-leak`;
/// - `clinica-restrita` (dermatology): `host-caller`, narrowed to `audit_log`;
/// - `cardio-sul` (cardiology, testing): `state-leak` only.
pub const SECURITY_POLICY: &str = r#"
allow_unlisted_plugins = false

[phi_key]
id = "test-key"
env = "MEDPLUG_TEST_PHI_KEY_UNUSED"

[plugins.host-caller]
grants = ["audit_log", "read_patient", "encrypt_phi"]

[plugins.state-leak]

[tenants.clinica-horizonte]
specialties = ["dermatology", "testing"]
plugins = ["host-caller", "state-leak"]

[tenants.clinica-restrita]
specialties = ["dermatology"]
plugins = ["host-caller"]
grants = { host-caller = ["audit_log"] }

[tenants.cardio-sul]
specialties = ["cardiology", "testing"]
plugins = ["state-leak"]
"#;

/// A policy from TOML text, with relative paths under the working directory.
pub fn policy(text: &str) -> Result<medplug_host::Policy> {
    Ok(medplug_host::Policy::parse(
        text,
        "test policy",
        Path::new("."),
    )?)
}

/// [`SECURITY_POLICY`], parsed, without its `[phi_key]`: tests that encrypt give the host a
/// keyring of their own (`HostBuilder::phi_keyring`), the others need none.
pub fn security_policy() -> Result<medplug_host::Policy> {
    let mut policy =
        medplug_host::Policy::parse(SECURITY_POLICY, "SECURITY_POLICY", Path::new("."))?;
    policy.phi_key = None;
    Ok(policy)
}
