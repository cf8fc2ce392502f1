//! binaryen's `wasm-opt`, found, installed or built: the optimiser of `cargo xtask build-plugins`.
//!
//! Compiling binaryen's C++ from the `wasm-opt` crate took 14 of the 29.5 minutes of a first
//! `cargo xtask demo` on 2 cores. So the xtask no longer links it; it runs a `wasm-opt` program,
//! the first of:
//!
//! 1. `MEDPLUG_WASM_OPT=PATH`: that program (`MEDPLUG_WASM_OPT=bundled` forces step 4);
//! 2. `wasm-opt` on `PATH`, when its version is at least [`MIN_VERSION`];
//! 3. on Debian or Ubuntu as root, Debian's `binaryen` package, installed with `apt-get` (about
//!    20 s; `MEDPLUG_NO_APT=1` skips it);
//! 4. `xtask/wasm-opt-bundled`: binaryen 116 compiled from the `wasm-opt` crate, once, into
//!    `target/wasm-opt-bundled` (its own workspace, so no other cargo command compiles it).
//!
//! All of them take binaryen's command line; the same flags give the same optimisation passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The oldest binaryen accepted from the machine: Debian 12's (108). It reads every wasm feature
/// rustc 1.95 emits for wasm32-unknown-unknown, which [`FEATURES`] enables.
pub const MIN_VERSION: u32 = 108;

/// The binaryen that `xtask/wasm-opt-bundled` compiles (crate `wasm-opt` 0.116).
const BUNDLED_VERSION: u32 = 116;

/// The wasm features rustc emits by default; binaryen rejects the module unless they are on.
pub const FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-multivalue",
    "--enable-reference-types",
];

/// Where the optimiser came from, for the build's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `MEDPLUG_WASM_OPT` named it.
    Environment,
    /// Found on `PATH`.
    Path,
    /// Debian's `binaryen`, installed by this run.
    InstalledNow,
    /// Built from the `wasm-opt` crate.
    Bundled,
}

/// A `wasm-opt` program this build can run.
#[derive(Debug, Clone)]
pub struct WasmOpt {
    /// The program.
    pub program: PathBuf,
    /// binaryen's version number (`wasm-opt version 116` → 116).
    pub version: u32,
    /// How it was found.
    pub origin: Origin,
}

impl WasmOpt {
    /// Finds, installs or builds a fitting `wasm-opt` (see the module docs for the order).
    pub fn locate() -> Result<Self> {
        match std::env::var("MEDPLUG_WASM_OPT").ok().as_deref() {
            Some("bundled") => return build_bundled(),
            Some(path) if !path.is_empty() => {
                let version = version_of(Path::new(path))
                    .with_context(|| format!("MEDPLUG_WASM_OPT={path} does not run"))?;
                return Ok(Self {
                    program: path.into(),
                    version,
                    origin: Origin::Environment,
                });
            }
            _ => {}
        }
        match version_of(Path::new("wasm-opt")) {
            Ok(version) if version >= MIN_VERSION => {
                return Ok(Self {
                    program: "wasm-opt".into(),
                    version,
                    origin: Origin::Path,
                });
            }
            Ok(version) => eprintln!(
                "xtask: the wasm-opt on PATH is binaryen {version}, older than {MIN_VERSION}; not using it"
            ),
            Err(_) => {}
        }
        if let Some(installed) = install_from_debian() {
            return Ok(installed);
        }
        build_bundled()
    }

    /// Optimises `input` into `output` at `level` (z, s, 0–4) and returns the result.
    pub fn optimise(&self, input: &Path, output: &Path, level: &str) -> Result<Vec<u8>> {
        let level = match level {
            "z" | "s" | "0" | "1" | "2" | "3" | "4" => format!("-O{level}"),
            other => bail!("unknown wasm-opt level `{other}`"),
        };
        let status = Command::new(&self.program)
            .arg(&level)
            .args(FEATURES)
            .arg(input)
            .arg("-o")
            .arg(output)
            .status()
            .with_context(|| format!("running {}", self.program.display()))?;
        if !status.success() {
            bail!(
                "{} {level} {} failed ({status})",
                self.program.display(),
                input.display()
            );
        }
        Ok(std::fs::read(output)?)
    }

    /// One line for the build's log: `wasm-opt: binaryen 108 (on PATH)`.
    pub fn describe(&self) -> String {
        let origin = match self.origin {
            Origin::Environment => "MEDPLUG_WASM_OPT",
            Origin::Path => "on PATH",
            Origin::InstalledNow => "Debian's binaryen, installed now",
            Origin::Bundled => "built from the wasm-opt crate",
        };
        format!("wasm-opt: binaryen {} ({origin})", self.version)
    }
}

/// binaryen's version of the `wasm-opt` at `program`.
fn version_of(program: &Path) -> Result<u32> {
    let output = Command::new(program).arg("--version").output()?;
    if !output.status.success() {
        bail!("`{} --version` failed", program.display());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    parse_version(&text).with_context(|| format!("no version in `{}`", text.trim()))
}

/// `wasm-opt version 116 (version_116)` → 116; `wasm-opt version 108` → 108.
fn parse_version(text: &str) -> Option<u32> {
    let rest = &text[text.find("version ")? + "version ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Installs Debian's `binaryen` with apt-get when this is a Debian-like system and we are root;
/// `None` (with the reason on stderr) when it cannot, so that the caller falls back.
fn install_from_debian() -> Option<WasmOpt> {
    if std::env::var_os("MEDPLUG_NO_APT").is_some() {
        return None;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if !root || !Path::new("/usr/bin/apt-get").exists() {
        return None;
    }
    eprintln!("xtask: no wasm-opt on PATH; installing Debian's binaryen with apt-get");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "binaryen"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    // A fresh machine may have no package lists yet.
    let installed = install()
        || (Command::new("apt-get")
            .args(["update", "-qq"])
            .status()
            .is_ok_and(|s| s.success())
            && install());
    if !installed {
        eprintln!(
            "xtask: `apt-get install binaryen` failed; building binaryen from the wasm-opt crate instead (about 14 minutes on 2 cores, once)"
        );
        return None;
    }
    match version_of(Path::new("wasm-opt")) {
        Ok(version) if version >= MIN_VERSION => Some(WasmOpt {
            program: "wasm-opt".into(),
            version,
            origin: Origin::InstalledNow,
        }),
        _ => {
            eprintln!(
                "xtask: Debian's binaryen is older than {MIN_VERSION}; building binaryen from the wasm-opt crate instead"
            );
            None
        }
    }
}

/// Builds `xtask/wasm-opt-bundled` (cached after the first time) and returns its binary.
fn build_bundled() -> Result<WasmOpt> {
    let root = crate::project_root();
    let manifest = root.join("xtask/wasm-opt-bundled/Cargo.toml");
    let target_dir = root.join("target/wasm-opt-bundled");
    let program = target_dir.join("debug/wasm-opt-bundled");
    if !program.exists() {
        eprintln!(
            "xtask: building binaryen from the wasm-opt crate (about 14 minutes on 2 cores, once)"
        );
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["build", "--quiet", "--locked", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .context("running cargo to build xtask/wasm-opt-bundled")?;
    if !status.success() {
        bail!(
            "building binaryen from the wasm-opt crate failed ({status}); install binaryen {MIN_VERSION} or newer \
             (Debian: `apt-get install binaryen`) or point MEDPLUG_WASM_OPT at a wasm-opt program"
        );
    }
    Ok(WasmOpt {
        program,
        version: BUNDLED_VERSION,
        origin: Origin::Bundled,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn binaryen_versions_are_read_from_both_spellings() {
        assert_eq!(parse_version("wasm-opt version 108\n"), Some(108));
        assert_eq!(
            parse_version("wasm-opt version 116 (version_116)"),
            Some(116)
        );
        assert_eq!(parse_version("wasm-opt, no number"), None);
    }
}
