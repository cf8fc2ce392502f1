//! `cargo xtask`: medplug's build tasks, in Rust so that they run wherever cargo does.
//!
//! ```text
//! cargo xtask build-plugins [--plugin NAME] [--opt-level z|s|0..4] [--no-opt]
//! cargo xtask schemas [--check]
//! cargo xtask demo
//! cargo xtask test
//! cargo xtask bench
//! cargo xtask fetch-mitdb [--records 100,101,...] [--dir DIR]
//! ```
//! One module per task (as rust-analyzer's xtask): `build_plugins`, `schemas`, `demo`, `test`,
//! `bench`, `fetch_mitdb` (downloads MIT-BIH Arrhythmia Database records from PhysioNet for the
//! ECG tests); `toolchain` installs what they need.

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
mod schemas;
mod service;
mod test;
mod toolchain;

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
        Task::Test => test::run(),
        Task::Bench { service_only } => bench::run(service_only),
        Task::FetchMitdb(options) => fetch_mitdb::run(&options),
    }
}

/// The workspace root (the xtask crate's parent).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_owned()
}

/// An `xshell` shell in the workspace root.
pub fn shell() -> Result<xshell::Shell> {
    let sh = xshell::Shell::new()?;
    sh.change_dir(project_root());
    Ok(sh)
}
