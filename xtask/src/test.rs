//! `cargo xtask test`: everything CI checks, in the order that fails fastest.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use xshell::cmd;

use crate::build_plugins::{self, Options};
use crate::other_language;
use crate::postgres;
use crate::schemas;
use crate::toolchain::{WASM_TARGET, ensure_extism_js};

/// Runs every check; stops at the first failure.
pub fn run() -> Result<()> {
    let started = Instant::now();
    let sh = crate::shell()?;
    step("build plugins", || {
        build_plugins::run(&Options::default()).map(drop)
    })?;
    step("check schemas", || schemas::run(schemas::Mode::Check))?;
    step("check dependencies (licences, duplicates, sources)", || {
        ensure_cargo_deny()?;
        let findings = dependency_findings(&crate::project_root())?;
        if !findings.is_empty() {
            bail!(
                "deny.toml refuses:\n  {}\nsee `cargo deny --frozen check licenses bans sources` for \
                 the inclusion graphs",
                findings.join("\n  ")
            );
        }
        Ok(())
    })?;
    step("check formatting", || {
        cmd!(sh, "cargo fmt --all -- --check")
            .run()
            .context("run `cargo fmt --all` to fix")
    })?;
    // xtask is checked and tested on its own, with exactly the features `cargo xtask` built it
    // with: unified with the rest of the workspace, its dependencies would be compiled again
    // with other features. (binaryen is no longer among them: see wasm_opt.rs.)
    step("clippy (native)", || {
        cmd!(
            sh,
            "cargo clippy --quiet -p xtask --all-targets -- -D warnings"
        )
        .run()?;
        Ok(cmd!(
            sh,
            "cargo clippy --quiet --workspace --exclude xtask --all-targets -- -D warnings"
        )
        .run()?)
    })?;
    step("clippy (wasm32 guests)", || {
        let guests = wasm_packages()?;
        Ok(cmd!(
            sh,
            "cargo clippy --quiet --target {WASM_TARGET} {guests...} -- -D warnings"
        )
        .run()?)
    })?;
    step("install the second extism host (node)", ensure_extism_js)?;
    step("build the AssemblyScript test plugin (node)", || {
        other_language::build_cns_check().map(drop)
    })?;
    step(
        "install PostgreSQL for the storage tests",
        postgres::ensure_postgres,
    )?;
    let mut counts = (0, 0);
    step("test suite", || {
        let xtask = run_test_suite(&["-p", "xtask"])?;
        let rest = run_test_suite(&["--workspace", "--exclude", "xtask"])?;
        counts = (xtask.0 + rest.0, xtask.1 + rest.1);
        Ok(())
    })?;
    println!("xtask test: all checks passed in {:.0?}", started.elapsed());
    // The closing line CI reads: the totals over every test binary.
    println!("xtask test: {} passed, {} failed", counts.0, counts.1);
    Ok(())
}

/// Runs `cargo test` on `packages`, echoing its output, and returns the summed
/// `(passed, failed)` of its `test result:` lines.
fn run_test_suite(packages: &[&str]) -> Result<(u64, u64)> {
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .arg("test")
        .args(packages)
        .current_dir(crate::project_root())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting cargo test")?;
    let mut totals = (0, 0);
    for line in BufReader::new(child.stdout.take().context("cargo test's stdout")?).lines() {
        let line = line?;
        println!("{line}");
        if let Some((passed, failed)) = parse_test_result(&line) {
            totals = (totals.0 + passed, totals.1 + failed);
        }
    }
    if !child.wait()?.success() {
        bail!(
            "cargo test failed ({} passed, {} failed)",
            totals.0,
            totals.1
        );
    }
    Ok(totals)
}

/// `(passed, failed)` of a libtest summary: `test result: ok. 20 passed; 0 failed; …`.
fn parse_test_result(line: &str) -> Option<(u64, u64)> {
    let rest = line.strip_prefix("test result: ")?;
    let count = |word: &str| {
        rest.split(';')
            .find_map(|part| {
                part.trim()
                    .trim_start_matches("ok. ")
                    .trim_start_matches("FAILED. ")
                    .strip_suffix(word)
            })
            .and_then(|n| n.trim().parse().ok())
    };
    Some((count(" passed")?, count(" failed")?))
}

/// The cargo-deny `cargo xtask test` installs when none is on `PATH`: the version `deny.toml` was
/// written for.
const CARGO_DENY_VERSION: &str = "0.20.2";

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Installs cargo-deny unless one runs (once per machine: 3 minutes on 2 cores, from crates.io).
fn ensure_cargo_deny() -> Result<()> {
    let found = Command::new(cargo())
        .args(["deny", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    if found {
        return Ok(());
    }
    println!("xtask test: installing cargo-deny {CARGO_DENY_VERSION} (once; about 3 minutes)");
    let status = Command::new(cargo())
        .args([
            "install",
            "cargo-deny",
            "--locked",
            "--version",
            CARGO_DENY_VERSION,
        ])
        .status()
        .context("starting `cargo install cargo-deny`")?;
    if !status.success() {
        bail!(
            "`cargo install cargo-deny --locked --version {CARGO_DENY_VERSION}` failed: it needs \
             crates.io once; install cargo-deny another way and put it on PATH"
        );
    }
    Ok(())
}

/// What `cargo deny --frozen check licenses bans sources` refuses in the workspace at `root`
/// under its `deny.toml` — offline, from `Cargo.lock` as it is — one line per error, sorted:
/// `<code>: <message> [<crate@version>, …]`. Empty when the policy holds.
fn dependency_findings(root: &Path) -> Result<Vec<String>> {
    let output = Command::new(cargo())
        .args(["deny", "--frozen", "--format", "json", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--config")
        .arg(root.join("deny.toml"))
        .args(["check", "licenses", "bans", "sources"])
        .output()
        .context("starting cargo-deny")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut findings = Vec::new();
    for line in stderr.lines() {
        let Ok(diagnostic) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let fields = &diagnostic["fields"];
        if diagnostic["type"] != "diagnostic" || fields["severity"] != "error" {
            continue;
        }
        let crates: Vec<String> = fields["graphs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|graph| {
                let krate = &graph["Krate"];
                format!(
                    "{}@{}",
                    krate["name"].as_str().unwrap_or("?"),
                    krate["version"].as_str().unwrap_or("?")
                )
            })
            .collect();
        findings.push(format!(
            "{}: {} [{}]",
            fields["code"].as_str().unwrap_or("?"),
            fields["message"].as_str().unwrap_or("?"),
            crates.join(", ")
        ));
    }
    if findings.is_empty() && !output.status.success() {
        // Not a finding: cargo-deny could not run (a stale Cargo.lock, a bad deny.toml).
        bail!("cargo-deny failed: {}", stderr.trim());
    }
    findings.sort();
    Ok(findings)
}

/// `-p` arguments for every crate that compiles to wasm: the pdk, the plugins, the test plugins.
fn wasm_packages() -> Result<Vec<String>> {
    let root = crate::project_root();
    let mut args = vec!["-p".to_owned(), "medplug-pdk".to_owned()];
    for dir in ["plugins", "tests/guests"] {
        for krate in build_plugins::crates_under(&root, dir)? {
            args.extend(["-p".to_owned(), krate.name]);
        }
    }
    Ok(args)
}

fn step(name: &str, run: impl FnOnce() -> Result<()>) -> Result<()> {
    let started = Instant::now();
    println!("xtask test: {name} …");
    run().with_context(|| format!("xtask test: step `{name}` failed"))?;
    println!("xtask test: {name} ok ({:.1?})", started.elapsed());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{dependency_findings, ensure_cargo_deny, parse_test_result};

    /// Writes `files` (path, contents) under `dir`.
    fn write(dir: &std::path::Path, files: &[(&str, &str)]) -> anyhow::Result<()> {
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("a file in a directory"))?;
            std::fs::write(path, text)?;
        }
        Ok(())
    }

    #[test]
    fn the_dependency_check_refuses_a_copyleft_licence_and_a_duplicate() -> anyhow::Result<()> {
        ensure_cargo_deny()?;
        // A scratch workspace under the repository's deny.toml: two versions of `dup` and a
        // GPL-3.0 crate, all path dependencies, so that it locks and checks offline.
        let dir = tempfile::tempdir()?;
        let package = |name: &str, version: &str, licence: &str| {
            format!(
                "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2024\"\n\
                 license = \"{licence}\"\n"
            )
        };
        let root = package("scratch", "0.1.0", "Apache-2.0")
            + "publish = false\n[dependencies]\n\
               dup1 = { package = \"dup\", path = \"dup1\" }\n\
               dup2 = { package = \"dup\", path = \"dup2\" }\n\
               gpl = { path = \"gpl\", version = \"0.1\" }\n";
        let deny = std::fs::read_to_string(crate::project_root().join("deny.toml"))?;
        write(
            dir.path(),
            &[
                ("Cargo.toml", &root),
                ("src/lib.rs", ""),
                ("deny.toml", &deny),
                ("dup1/Cargo.toml", &package("dup", "0.1.0", "MIT")),
                ("dup1/src/lib.rs", ""),
                ("dup2/Cargo.toml", &package("dup", "0.2.0", "MIT")),
                ("dup2/src/lib.rs", ""),
                ("gpl/Cargo.toml", &package("gpl", "0.1.0", "GPL-3.0-only")),
                ("gpl/src/lib.rs", ""),
            ],
        )?;
        let locked = std::process::Command::new(super::cargo())
            .args(["generate-lockfile", "--offline"])
            .current_dir(dir.path())
            .status()?;
        assert!(locked.success());
        assert_eq!(
            dependency_findings(dir.path())?,
            [
                "duplicate: found 2 duplicate entries for crate 'dup' [dup@0.1.0, dup@0.2.0]",
                "rejected: failed to satisfy license requirements [gpl@0.1.0]",
            ]
        );
        // The same workspace without the offenders passes.
        let clean = package("scratch", "0.1.0", "Apache-2.0")
            + "publish = false\n[dependencies]\ndup1 = { package = \"dup\", path = \"dup1\" }\n";
        write(dir.path(), &[("Cargo.toml", &clean)])?;
        std::fs::remove_file(dir.path().join("Cargo.lock"))?;
        let locked = std::process::Command::new(super::cargo())
            .args(["generate-lockfile", "--offline"])
            .current_dir(dir.path())
            .status()?;
        assert!(locked.success());
        assert_eq!(dependency_findings(dir.path())?, Vec::<String>::new());
        Ok(())
    }

    #[test]
    fn libtest_summaries_are_counted() {
        let ok = "test result: ok. 20 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 10.76s";
        assert_eq!(parse_test_result(ok), Some((20, 0)));
        let failed = "test result: FAILED. 19 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 10.38s";
        assert_eq!(parse_test_result(failed), Some((19, 1)));
        assert_eq!(parse_test_result("test foo ... ok"), None);
    }
}
