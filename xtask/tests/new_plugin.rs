//! `cargo xtask new-plugin` end to end, in a scratch copy of the workspace: the scaffold, then
//! `cargo xtask schemas`, `cargo xtask build-plugins --plugin NAME`, the new crate's own tests
//! and `medplug conformance` of the module it built — with no edit in between.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, Result, ensure};

/// This workspace.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_owned()
}

/// Copies the workspace's files (tracked, or new and not ignored: no `target/`) into `to`.
fn copy_workspace(from: &Path, to: &Path) -> Result<()> {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(from)
        .output()
        .context("running git ls-files")?;
    ensure!(listed.status.success(), "git ls-files failed");
    for file in listed.stdout.split(|&b| b == 0).filter(|f| !f.is_empty()) {
        let relative = Path::new(std::str::from_utf8(file)?);
        let source = from.join(relative);
        if !source.is_file() {
            continue; // deleted in the work tree
        }
        let target = to.join(relative);
        std::fs::create_dir_all(target.parent().expect("a file has a parent"))?;
        std::fs::copy(&source, &target).with_context(|| format!("copying {}", source.display()))?;
    }
    Ok(())
}

/// Runs `command`, echoing its output, and fails with it unless it succeeded.
fn run(command: &mut Command) -> Result<Output> {
    let output = command.output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("$ {command:?}\n{stdout}{stderr}");
    ensure!(output.status.success(), "{command:?} failed: {stderr}");
    Ok(output)
}

#[test]
fn a_new_plugin_publishes_its_schemas_builds_passes_its_tests_and_conforms() -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let root = scratch.path();
    copy_workspace(&workspace(), root)?;
    // A target directory of its own: registry crates are built once and reused by later runs,
    // and the nested cargo never waits for the lock of the `cargo test` that runs this test.
    let target = workspace().join("target/new-plugin-test");
    let xtask = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .args(args)
            .env("MEDPLUG_WORKSPACE", root)
            .env("CARGO_TARGET_DIR", &target);
        command
    };

    let created = run(&mut xtask(&[
        "new-plugin",
        "qt-interval",
        "--specialty",
        "cardiology",
        "--capability",
        "audit_log",
    ]))?;
    assert!(
        String::from_utf8(created.stdout)?
            .starts_with("created plugins/qt-interval/ and tests/fixtures/qt-interval/\n")
    );
    let again = xtask(&["new-plugin", "qt-interval", "--specialty", "cardiology"]).output()?;
    assert!(!again.status.success());
    assert!(String::from_utf8(again.stderr)?.contains(
        "`qt-interval` exists: plugins/qt-interval is already there; choose another name"
    ));

    run(&mut xtask(&["schemas"]))?;
    let input: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
        root.join("schemas/qt-interval/evaluate.input.json"),
    )?)?;
    assert_eq!(
        input["required"],
        serde_json::json!(["weight_kg", "height_m"])
    );
    assert_eq!(input["additionalProperties"], false);
    run(&mut xtask(&["schemas", "--check"]))?;

    run(&mut xtask(&["build-plugins", "--plugin", "qt-interval"]))?;
    let module = std::fs::read(root.join("target/plugins/qt-interval.wasm"))?;

    let tested = run(Command::new(env!("CARGO"))
        .args(["test", "-p", "qt-interval"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target))?;
    assert!(
        String::from_utf8(tested.stdout)?.contains("test result: ok. 5 passed; 0 failed"),
        "the scaffold's unit tests: plugin_info, two of the algorithm, two of its audit event"
    );

    let report = medplug_conformance::check_module(
        "qt-interval.wasm",
        &module,
        &medplug_conformance::Options {
            fixtures: Some(root.join("tests/fixtures/qt-interval")),
            schemas: Some(root.join("schemas")),
        },
    );
    assert!(report.passed(), "{}", report.table());
    assert_eq!(report.failed(), Vec::<&str>::new());
    assert_eq!(
        report.check("fixtures").map(|c| c.detail.as_str()),
        Some("1 cases")
    );
    Ok(())
}
