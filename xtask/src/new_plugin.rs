//! `cargo xtask new-plugin NAME --specialty S [--capability C …]`: a new plugin crate with
//! everything the reference plugins have, ready for `cargo xtask build-plugins`, `cargo xtask
//! schemas` and `cargo xtask test` with no hand edit.
//!
//! It writes, from the templates in `xtask/templates/plugin/`:
//!
//! - `plugins/NAME/`: `Cargo.toml`, the algorithm in plain Rust (`src/bmi.rs`, a real starter:
//!   body mass index in the WHO's classes) with its unit tests, `src/wire.rs` (the wire types:
//!   in the plugin crate, never in the pdk; see ARCHITECTURE.md), `src/exports.rs`,
//!   `examples/schemas.rs` (how `cargo xtask schemas` publishes them) and a criterion benchmark;
//! - `tests/fixtures/NAME/evaluate/adult.{input,expected}.json`, which the conformance suite runs.
//!
//! With `--capability audit_log` the starter writes one audit event per call and its tests check
//! it against the pdk's `MockHost`. It refuses a name that is not a valid crate and plugin name,
//! or that a crate, a plugin directory, fixtures or schemas already use; on any failure nothing
//! it wrote is left behind.

use std::path::Path;

use anyhow::{Context, Result, bail};
use medplug_pdk::{Capability, is_plugin_name};

/// Options of `new-plugin`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// The plugin's name: lowercase letters, digits and `-`, starting with a letter (it is also
    /// the crate's name).
    pub name: String,
    /// Its medical specialty: lowercase letters and `-` (`cardiology`, `dermatology`, …).
    #[arg(long)]
    pub specialty: String,
    /// A capability it requests: audit_log, read_patient or encrypt_phi (repeatable).
    #[arg(long = "capability", value_name = "CAPABILITY")]
    pub capabilities: Vec<String>,
}

/// The templates, as `(path in the new crate, text)`.
const CRATE_TEMPLATES: [(&str, &str); 7] = [
    ("Cargo.toml", include_str!("../templates/plugin/Cargo.toml")),
    ("src/lib.rs", include_str!("../templates/plugin/src/lib.rs")),
    (
        "src/wire.rs",
        include_str!("../templates/plugin/src/wire.rs"),
    ),
    ("src/bmi.rs", include_str!("../templates/plugin/src/bmi.rs")),
    (
        "src/exports.rs",
        include_str!("../templates/plugin/src/exports.rs"),
    ),
    (
        "examples/schemas.rs",
        include_str!("../templates/plugin/examples/schemas.rs"),
    ),
    (
        "benches/{{crate}}.rs",
        include_str!("../templates/plugin/benches/bench.rs"),
    ),
];

/// The fixture templates, as `(path under tests/fixtures/NAME/evaluate, text)`.
const FIXTURE_TEMPLATES: [(&str, &str); 2] = [
    (
        "adult.input.json",
        include_str!("../templates/plugin/fixture/adult.input.json"),
    ),
    (
        "adult.expected.json",
        include_str!("../templates/plugin/fixture/adult.expected.json"),
    ),
];

/// Rust keywords (2024 edition, strict and reserved): not usable as a crate name.
const KEYWORDS: [&str; 51] = [
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The standard library's crates: cargo refuses them as package names.
const STANDARD_CRATES: [&str; 5] = ["alloc", "core", "proc_macro", "std", "test"];

/// Runs the task in the workspace.
pub fn run(options: &Options) -> Result<()> {
    let created = create(&crate::project_root(), options)?;
    println!("created plugins/{0}/ and tests/fixtures/{0}/", options.name);
    for capability in &created.unused_capabilities {
        println!(
            "`{capability}` is requested in describe: call medplug_pdk::host::{}(…) where the \
             algorithm needs it, and test it with medplug_pdk::mock::MockHost",
            capability.host_function()
        );
    }
    println!(
        "next: cargo xtask schemas && cargo xtask build-plugins --plugin {0} && cargo test -p {0}",
        options.name
    );
    Ok(())
}

/// What [`create`] made.
#[derive(Debug)]
pub struct Created {
    /// Requested capabilities the starter algorithm does not call (all but `audit_log`).
    pub unused_capabilities: Vec<Capability>,
}

/// Writes the plugin crate and its fixture under `root`; on failure removes what it wrote.
pub fn create(root: &Path, options: &Options) -> Result<Created> {
    let name = options.name.as_str();
    check_name(name)?;
    check_specialty(&options.specialty)?;
    let capabilities = parse_capabilities(&options.capabilities)?;
    check_free(root, name)?;

    let crate_dir = root.join("plugins").join(name);
    let fixture_dir = root.join("tests/fixtures").join(name);
    let written = write_all(root, name, &options.specialty, &capabilities);
    if let Err(error) = written {
        let _ = std::fs::remove_dir_all(&crate_dir);
        let _ = std::fs::remove_dir_all(&fixture_dir);
        return Err(error);
    }
    Ok(Created {
        unused_capabilities: capabilities
            .into_iter()
            .filter(|c| *c != Capability::AuditLog)
            .collect(),
    })
}

fn write_all(root: &Path, name: &str, specialty: &str, capabilities: &[Capability]) -> Result<()> {
    let values = Values::new(name, specialty, capabilities);
    let crate_dir = root.join("plugins").join(name);
    for (path, text) in CRATE_TEMPLATES {
        write(&crate_dir.join(values.fill(path)), &values.fill(text))?;
    }
    let fixture_dir = root.join("tests/fixtures").join(name).join("evaluate");
    for (path, text) in FIXTURE_TEMPLATES {
        write(&fixture_dir.join(path), text)?;
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::create_dir_all(path.parent().expect("a template path has a parent"))?;
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// A valid plugin name (ABI v1) that is also a valid crate name and Rust identifier.
fn check_name(name: &str) -> Result<()> {
    if !is_plugin_name(name) || name.ends_with('-') || name.contains("--") {
        bail!(
            "`{name}` is not a valid plugin name: use lowercase ascii letters, digits and single `-` between words, starting with a letter (e.g. `ecg-qt-interval`)"
        );
    }
    if name.len() > 48 {
        bail!(
            "`{name}` is {} characters long; a plugin name has at most 48 (its audit event names add a suffix)",
            name.len()
        );
    }
    let identifier = name.replace('-', "_");
    if KEYWORDS.contains(&identifier.as_str()) {
        bail!("`{name}` is a Rust keyword and cannot be a crate name");
    }
    if STANDARD_CRATES.contains(&identifier.as_str()) {
        bail!("`{name}` is the name of a standard library crate and cannot be a crate name");
    }
    Ok(())
}

/// The ABI's rule for specialties: lowercase ascii letters and `-`.
fn check_specialty(specialty: &str) -> Result<()> {
    if specialty.is_empty()
        || !specialty
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-')
    {
        bail!(
            "specialty `{specialty}` is not valid: use lowercase ascii letters and `-` (e.g. `cardiology`)"
        );
    }
    Ok(())
}

fn parse_capabilities(names: &[String]) -> Result<Vec<Capability>> {
    let mut capabilities = Vec::new();
    for name in names {
        let Some(capability) = Capability::ALL.into_iter().find(|c| c.as_str() == name) else {
            let known: Vec<&str> = Capability::ALL.iter().map(|c| c.as_str()).collect();
            bail!(
                "unknown capability `{name}`; ABI v1 has: {}",
                known.join(", ")
            );
        };
        if !capabilities.contains(&capability) {
            capabilities.push(capability);
        }
    }
    capabilities.sort_by_key(|c| Capability::ALL.iter().position(|a| a == c));
    Ok(capabilities)
}

/// The name must be free: no directory of it under plugins/, tests/fixtures/ or schemas/, and
/// no workspace crate of that name.
fn check_free(root: &Path, name: &str) -> Result<()> {
    for dir in ["plugins", "tests/fixtures", "schemas", "tests/guests"] {
        if root.join(dir).join(name).exists() {
            bail!("`{name}` exists: {dir}/{name} is already there; choose another name");
        }
    }
    let taken = crate::build_plugins::has_package(root, name)
        .context("reading the workspace's crates with cargo metadata")?;
    if taken {
        bail!("`{name}` exists: the workspace already has a crate of that name");
    }
    Ok(())
}

/// The template placeholders and their values.
struct Values(Vec<(&'static str, String)>);

impl Values {
    fn new(name: &str, specialty: &str, capabilities: &[Capability]) -> Self {
        let identifier = name.replace('-', "_");
        let event = format!("{identifier}_evaluated");
        let listed: Vec<String> = capabilities
            .iter()
            .map(|c| format!("medplug_pdk::Capability::{c:?}"))
            .collect();
        let audits = capabilities.contains(&Capability::AuditLog);
        let pick = |yes: String, no: &str| if audits { yes } else { no.to_owned() };
        Self(vec![
            ("{{name}}", name.to_owned()),
            ("{{crate}}", identifier.clone()),
            ("{{specialty}}", specialty.to_owned()),
            ("{{capabilities}}", listed.join(", ")),
            (
                "{{host_doc}}",
                pick(
                    ", its host calls served by the pdk's `MockHost` in tests".to_owned(),
                    "",
                ),
            ),
            (
                "{{audit_doc}}",
                pick(
                    format!(
                        "\n//!\n//! Each evaluation writes one `{event}` event to the call's audit record through the\n//! host's `audit_log`: what happened, never who or which values (LGPD Art. 6 III, necessity)."
                    ),
                    "",
                ),
            ),
            (
                "{{audit_call}}",
                pick(
                    format!(
                        "\n    medplug_pdk::host::audit_log(\"{event}\", \"one body mass index evaluated\")\n        .map_err(|error| PluginError::internal(format!(\"audit_log failed: {{error}}\")))?;"
                    ),
                    "",
                ),
            ),
            (
                "{{test_imports}}",
                pick(
                    "\n    use medplug_pdk::Capability;\n    use medplug_pdk::host_fns::HostFnErrorCode;\n    use medplug_pdk::mock::MockHost;".to_owned(),
                    "",
                ),
            ),
            (
                "{{test_session}}",
                pick(
                    format!("\n        let _session = MockHost::new(\"{specialty}\").install();"),
                    "",
                ),
            ),
            ("{{audit_tests}}", pick(audit_tests(specialty, &event), "")),
            (
                "{{bench_setup}}",
                pick(
                    format!("medplug_pdk::mock::MockHost::new(\"{specialty}\").install()"),
                    "()",
                ),
            ),
        ])
    }

    fn fill(&self, template: &str) -> String {
        let mut text = template.to_owned();
        for (placeholder, value) in &self.0 {
            text = text.replace(placeholder, value);
        }
        text
    }
}

fn audit_tests(specialty: &str, event: &str) -> String {
    format!(
        r#"

    #[test]
    fn each_evaluation_writes_one_audit_event_without_values() {{
        let session = MockHost::new("{specialty}").install();
        let input = EvaluateInput {{
            weight_kg: 70.0,
            height_m: 1.75,
        }};
        assert_eq!(evaluate(input).map(|o| o.bmi), Ok(22.9));
        let events = session.audit_events();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event, "{event}");
        assert_eq!(events[0].message, "one body mass index evaluated");
        assert_eq!(session.calls(), [Capability::AuditLog]);
    }}

    #[test]
    fn a_refused_audit_event_fails_the_call() {{
        let _session = MockHost::new("{specialty}")
            .fail(Capability::AuditLog, HostFnErrorCode::Internal)
            .install();
        let input = EvaluateInput {{
            weight_kg: 70.0,
            height_m: 1.75,
        }};
        let error = evaluate(input).unwrap_err();
        assert_eq!(error.code, medplug_pdk::ErrorCode::Internal);
        assert!(error.message.starts_with("audit_log failed: "), "{{}}", error.message);
    }}"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(name: &str, specialty: &str, capabilities: &[&str]) -> Options {
        Options {
            name: name.to_owned(),
            specialty: specialty.to_owned(),
            capabilities: capabilities.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn bad_names_specialties_and_capabilities_are_refused_naming_the_problem() -> Result<()> {
        let root = tempfile::tempdir()?;
        let refused = |o: Options| create(root.path(), &o).unwrap_err().to_string();
        assert!(
            refused(options("Bad_Name", "cardiology", &[]))
                .starts_with("`Bad_Name` is not a valid plugin name")
        );
        assert!(
            refused(options("1ecg", "cardiology", &[]))
                .starts_with("`1ecg` is not a valid plugin name")
        );
        assert!(
            refused(options("ecg-", "cardiology", &[]))
                .starts_with("`ecg-` is not a valid plugin name")
        );
        assert_eq!(
            refused(options("loop", "cardiology", &[])),
            "`loop` is a Rust keyword and cannot be a crate name"
        );
        assert_eq!(
            refused(options("qt-interval", "Cardiology", &[])),
            "specialty `Cardiology` is not valid: use lowercase ascii letters and `-` (e.g. `cardiology`)"
        );
        assert_eq!(
            refused(options("qt-interval", "cardiology", &["network"])),
            "unknown capability `network`; ABI v1 has: audit_log, read_patient, encrypt_phi"
        );
        assert_eq!(
            std::fs::read_dir(root.path())?.count(),
            0,
            "nothing written"
        );
        Ok(())
    }

    #[test]
    fn an_existing_plugin_or_crate_name_is_refused() -> Result<()> {
        let root = crate::project_root();
        let refused = |name: &str| {
            create(&root, &options(name, "cardiology", &[]))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            refused("lesion-risk"),
            "`lesion-risk` exists: plugins/lesion-risk is already there; choose another name"
        );
        assert_eq!(
            refused("host-caller"),
            "`host-caller` exists: tests/guests/host-caller is already there; choose another name"
        );
        assert_eq!(
            refused("medplug-host"),
            "`medplug-host` exists: the workspace already has a crate of that name"
        );
        Ok(())
    }

    #[test]
    fn placeholders_are_all_filled() {
        for capabilities in [&[][..], &[Capability::AuditLog, Capability::EncryptPhi]] {
            let values = Values::new("qt-interval", "cardiology", capabilities);
            for (path, text) in CRATE_TEMPLATES {
                let filled = values.fill(text);
                assert!(!filled.contains("{{"), "{path}: {filled}");
            }
        }
        assert_eq!(
            parse_capabilities(&["encrypt_phi".into(), "audit_log".into(), "audit_log".into()])
                .unwrap(),
            [Capability::AuditLog, Capability::EncryptPhi]
        );
    }
}
