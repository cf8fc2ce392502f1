//! `cargo xtask`: medplug's build tasks, in Rust so that they run wherever cargo does.
//!
//! ```text
//! cargo xtask build-plugins [--plugin NAME] [--opt-level z|s|0..4] [--no-opt]
//! cargo xtask schemas [--check]
//! cargo xtask new-plugin NAME --specialty S [--capability C …]
//! cargo xtask demo
//! cargo xtask test
//! cargo xtask bench
//! cargo xtask fetch-mitdb [--records 100,101,...] [--dir DIR]
//! cargo xtask fuzz [TARGET] [--time S] [--no-minimise]
//! ```
//! One module per task (as rust-analyzer's xtask): `build_plugins`, `schemas`, `demo`, `test`,
//! `bench`, `new_plugin` (a plugin crate from `xtask/templates/plugin`), `fetch_mitdb` (downloads
//! MIT-BIH Arrhythmia Database records from PhysioNet for the ECG tests), `fuzz` (AFL++ on every
//! parser of untrusted bytes, crate `fuzz/`); `toolchain` installs
//! what they need, `postgres` the PostgreSQL server the storage tests start servers of,
//! `wasm_opt` finds, installs or builds binaryen's optimiser, `other_language`
//! builds the AssemblyScript test plugin.

mod bench;
mod build_plugins;
mod demo;
mod demo_claims;
mod demo_ecg;
mod demo_lesion;
mod demo_platform;
mod demo_security;
mod demo_service;
mod fetch_mitdb;
mod fuzz;
mod new_plugin;
mod other_language;
mod postgres;
mod schemas;
mod service;
mod test;
mod toolchain;
mod wasm_opt;

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Parser, Subcommand};

/// medplug's build tasks.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Build every plugin to optimised, validated wasm in target/plugins (and the test plugins
    /// to target/test-plugins).
    BuildPlugins(build_plugins::Options),
    /// Generate schemas/ from the pdk's types; with --check, fail if the committed files differ.
    Schemas {
        /// Compare instead of writing.
        #[arg(long)]
        check: bool,
    },
    /// Create plugins/NAME (a plugin crate with a starter algorithm, wire types, exports, unit
    /// tests, a benchmark) and its fixture in tests/fixtures/NAME.
    NewPlugin(new_plugin::Options),
    /// Build the plugins and run them through the host on realistic samples.
    Demo,
    /// Everything CI checks: plugins, schemas, fmt, clippy, the whole test suite.
    Test,
    /// Run the criterion benchmarks and the service benchmark; print one table of medians and
    /// ratios.
    Bench {
        /// Only the service benchmark (`medplug serve` under load, beside the library).
        #[arg(long)]
        service_only: bool,
    },
    /// Download MIT-BIH Arrhythmia Database records (.hea, .dat, .atr) from PhysioNet into
    /// target/mitdb, for the ECG tests.
    FetchMitdb(fetch_mitdb::Options),
    /// Fuzz every parser of untrusted bytes with AFL++ (cargo-afl): the targets of fuzz/,
    /// `--time` seconds each; crashes go to fuzz/regressions/, the minimised queue to
    /// fuzz/corpus/.
    Fuzz(fuzz::Options),
}

fn main() -> Result<()> {
    match Cli::parse().task {
        Task::BuildPlugins(options) => build_plugins::run(&options).map(drop),
        Task::Schemas { check } => schemas::run(if check {
            schemas::Mode::Check
        } else {
            schemas::Mode::Write
        }),
        Task::Demo => demo::run(),
        Task::NewPlugin(options) => new_plugin::run(&options),
        Task::Test => test::run(),
        Task::Bench { service_only } => bench::run(service_only),
        Task::FetchMitdb(options) => fetch_mitdb::run(&options),
        Task::Fuzz(options) => fuzz::run(&options),
    }
}

/// The workspace root: the xtask crate's parent, or `MEDPLUG_WORKSPACE` when set (the scaffold's
/// test runs the tasks on a scratch copy of the workspace with it).
pub fn project_root() -> PathBuf {
    if let Some(root) = std::env::var_os("MEDPLUG_WORKSPACE").filter(|r| !r.is_empty()) {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_owned()
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set, else `<root>/target`. The
/// tasks' own outputs (`target/plugins`, …) stay under `<root>/target`.
pub fn cargo_target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => project_root().join(dir),
        None => project_root().join("target"),
    }
}

/// An `xshell` shell in the workspace root.
pub fn shell() -> Result<xshell::Shell> {
    let sh = xshell::Shell::new()?;
    sh.change_dir(project_root());
    Ok(sh)
}
