//! Test plugins written in other languages than Rust, built from source for the conformance
//! suite: `cns-check`, in AssemblyScript with Extism's as-pdk (`tests/other-language/cns-check`).
//!
//! Its toolchain (the AssemblyScript compiler and `@extism/as-pdk`, pinned by
//! `package-lock.json`) is installed with `npm ci` when missing, as [`ensure_extism_js`] installs
//! the second Extism host; the module goes to `target/test-plugins/`, never into the repository.
//!
//! [`ensure_extism_js`]: crate::toolchain::ensure_extism_js

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use xshell::cmd;

/// Where the AssemblyScript test plugin's sources, schemas and fixtures live.
pub const CNS_CHECK_DIR: &str = "tests/other-language/cns-check";

/// The oldest Node.js the pinned AssemblyScript compiler runs on (its `engines` field).
const MIN_NODE_MAJOR: u32 = 20;

/// Builds `cns-check` from source into `target/test-plugins/cns-check.wasm` (the `release`
/// target of its `asconfig.json`: optimised, `abort` handled inside the module) and returns the
/// module's path. Installs its npm dependencies first when they are missing.
pub fn build_cns_check() -> Result<PathBuf> {
    let sh = crate::shell()?;
    let dir = crate::project_root().join(CNS_CHECK_DIR);
    let node = cmd!(sh, "node --version").quiet().read().map_err(|_| {
        anyhow::anyhow!(
            "node is not installed: the conformance suite builds its AssemblyScript test plugin \
             ({CNS_CHECK_DIR}) with Node.js {MIN_NODE_MAJOR} or newer and npm (install nodejs and npm)"
        )
    })?;
    let major = node
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    if major.is_none_or(|m| m < MIN_NODE_MAJOR) {
        bail!(
            "node {} is too old: the AssemblyScript compiler in {CNS_CHECK_DIR} needs Node.js \
             {MIN_NODE_MAJOR} or newer (install a newer nodejs)",
            node.trim()
        );
    }
    sh.change_dir(&dir);
    let installed = ["assemblyscript", "@extism/as-pdk"].iter().all(|package| {
        dir.join("node_modules")
            .join(package)
            .join("package.json")
            .exists()
    });
    if !installed {
        if cmd!(sh, "npm --version")
            .quiet()
            .ignore_stdout()
            .run()
            .is_err()
        {
            bail!(
                "npm is not installed: it installs the AssemblyScript compiler for {CNS_CHECK_DIR} \
                 (install npm, which comes with most nodejs packages)"
            );
        }
        cmd!(sh, "npm ci --no-audit --no-fund --loglevel=error")
            .run()
            .with_context(|| {
                format!(
                    "installing assemblyscript and @extism/as-pdk with `npm ci` in {CNS_CHECK_DIR} \
                     failed: is the npm registry reachable?"
                )
            })?;
    }
    let out = crate::project_root().join("target/test-plugins/cns-check.wasm");
    std::fs::create_dir_all(out.parent().context("target/test-plugins")?)?;
    cmd!(
        sh,
        "node node_modules/assemblyscript/bin/asc.js assembly/index.ts --target release --outFile {out}"
    )
    .run()
    .with_context(|| format!("compiling {CNS_CHECK_DIR} with the AssemblyScript compiler failed"))?;
    let size = std::fs::metadata(&out)
        .with_context(|| format!("the compiler wrote no {}", out.display()))?
        .len();
    println!("cns-check (AssemblyScript): {size} bytes");
    Ok(out)
}
