//! `cargo xtask test`: everything CI checks, in the order that fails fastest.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use xshell::cmd;

use crate::build_plugins::{self, Options};
use crate::other_language;
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
    use super::parse_test_result;

    #[test]
    fn libtest_summaries_are_counted() {
        let ok = "test result: ok. 20 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 10.76s";
        assert_eq!(parse_test_result(ok), Some((20, 0)));
        let failed = "test result: FAILED. 19 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 10.38s";
        assert_eq!(parse_test_result(failed), Some((19, 1)));
        assert_eq!(parse_test_result("test foo ... ok"), None);
    }
}
