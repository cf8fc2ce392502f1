//! A plugin author's path, end to end, each in a scratch copy of the workspace:
//!
//! - `cargo xtask new-plugin`, then `cargo xtask schemas`, `cargo xtask build-plugins --plugin
//!   NAME`, the new crate's own tests and every `medplug conformance` check of the module it
//!   built — with no edit in between;
//! - `docs/authoring.md`: every `sh` block of the guide, in order, as one bash script, from the
//!   scaffold to the plugin answering through `medplug serve`.
//!
//! Both use their own cargo target directory, `target/new-plugin-test`: the scratch copy's crates
//! build there once and later runs reuse them. The host itself is not built again for the copy:
//! `cargo xtask` runs this package's `xtask` binary on the copy (`MEDPLUG_WORKSPACE`), and in the
//! guide a `cargo` shim serves `cargo run -q -p medplug-cli -- …` with the workspace's `medplug`
//! (same sources; a cold build of both for the copy took 9.7 minutes on 2 cores).

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

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

/// The cargo target directory of the scratch copies.
fn scratch_target_dir() -> PathBuf {
    workspace().join("target/new-plugin-test")
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
    let target = scratch_target_dir();
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
        Some("1 case")
    );
    Ok(())
}

/// The `sh` blocks of a Markdown text, in order.
fn shell_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// Writes `DIR/cargo`: `cargo xtask …` runs this package's `xtask`, `cargo run -q -p medplug-cli
/// -- …` the workspace's `medplug` (built now if needed), anything else the real cargo. Returns
/// `DIR`.
fn write_cargo_shim(dir: &Path) -> Result<PathBuf> {
    let cargo = env!("CARGO");
    run(Command::new(cargo)
        .args(["build", "-q", "-p", "medplug-cli", "--bin", "medplug"])
        .current_dir(workspace()))?;
    let medplug = workspace().join("target/debug/medplug");
    let xtask = env!("CARGO_BIN_EXE_xtask");
    let shim = format!(
        "#!/bin/sh\n\
         if [ \"$1\" = xtask ]; then shift; exec '{xtask}' \"$@\"; fi\n\
         if [ \"$1 $2 $3 $4 $5\" = 'run -q -p medplug-cli --' ]; then shift 5; exec '{medplug}' \"$@\"; fi\n\
         exec '{cargo}' \"$@\"\n",
        medplug = medplug.display()
    );
    let path = dir.join("cargo");
    std::fs::write(&path, shim)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    Ok(dir.to_owned())
}

/// A loopback port nobody listens on now.
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

#[test]
fn the_authoring_guide_runs_as_written_up_to_the_service() -> Result<()> {
    let guide = std::fs::read_to_string(workspace().join("docs/authoring.md"))?;
    let blocks = shell_blocks(&guide);
    assert_eq!(blocks.len(), 9, "the guide's steps: one sh block each");
    let script = blocks
        .concat()
        .replace("127.0.0.1:8787", &format!("127.0.0.1:{}", free_port()?));

    let scratch = tempfile::tempdir()?;
    copy_workspace(&workspace(), scratch.path())?;
    let shim_dir = tempfile::tempdir()?;
    let path = format!(
        "{}:{}",
        write_cargo_shim(shim_dir.path())?.display(),
        std::env::var("PATH")?
    );
    let mut child = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(scratch.path())
        .env("PATH", path)
        .env("MEDPLUG_WORKSPACE", scratch.path())
        .env("CARGO_TARGET_DIR", scratch_target_dir())
        .env_remove("MEDPLUG_POLICY")
        .env_remove("MEDPLUG_PLUGINS")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        // Its own process group, so that a service the script started never outlives the test.
        .process_group(0)
        .spawn()?;
    let group = format!("-{}", child.id());
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let read_out = std::thread::spawn(move || std::io::read_to_string(stdout));
    let read_err = std::thread::spawn(move || std::io::read_to_string(stderr));
    // Bounded: a cold scratch build of the host takes minutes on 2 cores, a warm run seconds.
    let deadline = Instant::now() + Duration::from_secs(30 * 60);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(std::process::Stdio::null())
        .status();
    let stdout = read_out.join().expect("reader")?;
    let stderr = read_err.join().expect("reader")?;
    println!("{stdout}\n{stderr}");
    let status = status.context("the guide's commands took over 30 minutes")?;
    ensure!(
        status.success(),
        "the guide's commands failed ({status}): {stderr}"
    );

    assert!(stdout.contains("\nconformant to ABI v1\n"), "{stdout}");
    let answers: Vec<&str> = stdout.lines().filter(|l| l.contains("\"bmi\"")).collect();
    assert_eq!(
        answers,
        [
            r#"{"bmi":22.9,"class":"normal"}"#,
            r#"{"bmi":22.9,"class":"normal"}"#
        ],
        "one answer from `medplug call`, one through the service"
    );
    assert!(
        stdout.contains("target/my-clinic/audit.db: 4 records, chain intact"),
        "one record per call, one for the API key made, one for the policy the service \
         started under: {stdout}"
    );
    Ok(())
}
