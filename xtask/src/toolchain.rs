//! Making sure the toolchain has what the tasks need, installing it when it can.

use anyhow::{Context, Result, bail};
use xshell::cmd;

/// The target plugins are built for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Installs the wasm32 target with rustup when it is missing (rustup does not install a
/// `rust-toolchain.toml`'s targets by itself on every setup).
pub fn ensure_wasm_target() -> Result<()> {
    let sh = crate::shell()?;
    let sysroot = cmd!(sh, "rustc --print sysroot")
        .read()
        .context("running `rustc --print sysroot`")?;
    let target_dir = std::path::Path::new(&sysroot)
        .join("lib/rustlib")
        .join(WASM_TARGET);
    if target_dir.exists() {
        return Ok(());
    }
    eprintln!("xtask: the {WASM_TARGET} target is missing; installing it with rustup");
    if let Err(error) = cmd!(sh, "rustup target add {WASM_TARGET}").run() {
        bail!(
            "the {WASM_TARGET} target is missing and `rustup target add {WASM_TARGET}` failed ({error}); \
             install it by hand for the toolchain in rust-toolchain.toml and run again"
        );
    }
    Ok(())
}

/// Where the JavaScript Extism host the conformance suite uses as a second, independent host
/// lives (`@extism/extism`, on Node.js).
pub const EXTISM_JS_DIR: &str = "tests/extism-js";

/// Installs `@extism/extism` (pinned by `package-lock.json`) with npm when it is missing.
pub fn ensure_extism_js() -> Result<()> {
    let sh = crate::shell()?;
    let dir = crate::project_root().join(EXTISM_JS_DIR);
    if dir
        .join("node_modules/@extism/extism/package.json")
        .exists()
    {
        return Ok(());
    }
    if cmd!(sh, "node --version")
        .quiet()
        .ignore_stdout()
        .run()
        .is_err()
    {
        bail!(
            "node is not installed: the conformance suite runs plugins in a second Extism host on Node.js (install nodejs and npm)"
        );
    }
    sh.change_dir(&dir);
    cmd!(sh, "npm ci --no-audit --no-fund --loglevel=error")
        .run()
        .context("installing @extism/extism with `npm ci` in tests/extism-js failed")?;
    Ok(())
}
