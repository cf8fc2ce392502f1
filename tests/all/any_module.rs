//! `medplug conformance`'s checks (crate medplug-conformance, one implementation) on every
//! module this repository builds: each reference plugin passes every check with its fixtures and
//! published schemas; each test plugin that breaks a rule of ABI v1 fails exactly the checks of
//! the rules it breaks.

use anyhow::Result;
use conformance::{index, plugin, root, test_plugin};
use medplug_conformance::{Options, Status, check_module};

#[test]
fn every_reference_plugin_passes_every_check() -> Result<()> {
    for entry in index()?.plugins {
        let options = Options {
            fixtures: Some(root().join("tests/fixtures").join(&entry.name)),
            schemas: Some(root().join("schemas")),
        };
        let report = check_module(&entry.name, &plugin(&entry.name)?, &options);
        let not_passed: Vec<_> = report
            .checks
            .iter()
            .filter(|c| c.status != Status::Passed)
            .collect();
        assert!(not_passed.is_empty(), "{}", report.table());
        assert_eq!(
            report.plugin.as_deref(),
            Some(format!("{}@{}", entry.name, entry.version).as_str())
        );
    }
    Ok(())
}

#[test]
fn each_test_plugin_fails_exactly_the_checks_of_the_rules_it_breaks() -> Result<()> {
    let expected: [(&str, &[&str]); 6] = [
        // Says it speaks ABI v2.
        ("abi-two", &["describe"]),
        // `peek` reads a patient whatever its input: a number is not refused as invalid.
        ("forbidden-import", &["invalid_input"]),
        // `echo` takes any JSON; `spin`, `burn`, `bomb`, `panic` and `fail` misbehave on any
        // input, and `spin` runs into the default time limit.
        ("misbehave", &["invalid_input", "limits"]),
        // `echo` takes any JSON.
        ("versioned-v1", &["invalid_input"]),
        // Honours ABI v1: its static state is the host's business (per-tenant instances).
        ("state-leak", &[]),
        // Requests every capability it imports, and checks its input.
        ("host-caller", &[]),
    ];
    for (name, failing) in expected {
        let report = check_module(name, &test_plugin(name)?, &Options::default());
        assert_eq!(report.failed(), failing, "{}", report.table());
    }
    Ok(())
}
