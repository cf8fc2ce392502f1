//! A test-only plugin, `versioned`, built twice: `versioned-v1` reports version 1.0.0 and
//! `versioned-v2` (the same source) 2.0.0, so that the conformance suite can upgrade a running
//! host between two real modules, pin tenants to either, and see which answered.
//!
//! - `echo(v)` returns `{"version": …, "warmed": …, "calls": …, "input": v}`: the version that
//!   answered, whether `warm_up` ran on this instance, and how many calls (of either function)
//!   this instance served before (0 on a fresh one) — what the pool and pre-warming tests read.
//! - `work({"iterations": n})` computes for a while (n rounds of a 64-bit LCG) and returns
//!   `{"version": …, "result": …}`: a call that holds its instance for as long as a test needs,
//!   then returns normally.
//! - `warm_up` (ABI v1's optional reserved export) marks the instance warmed.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use medplug_pdk::{PluginError, PluginInfo};
use serde_json::{Value, json};

/// The plugin's name, in both builds.
pub const NAME: &str = "versioned";

/// Whether `warm_up` ran on this instance.
static WARMED: AtomicBool = AtomicBool::new(false);
/// Calls (`echo` and `work`) this instance served.
static CALLS: AtomicU64 = AtomicU64::new(0);

/// What `describe` returns: the crate's version is the plugin's.
pub fn plugin_info() -> PluginInfo {
    PluginInfo::new(
        NAME,
        env!("CARGO_PKG_VERSION"),
        "testing",
        "reports its version, for upgrade, pin and pool tests",
        &["echo", "work"],
    )
}

/// Marks the instance warmed.
pub fn warm_up() {
    WARMED.store(true, Ordering::Relaxed);
}

/// Returns the input with the version that answered and the instance's state.
pub fn echo(input: Value) -> Result<Value, PluginError> {
    let calls = CALLS.fetch_add(1, Ordering::Relaxed);
    Ok(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "warmed": WARMED.load(Ordering::Relaxed),
        "calls": calls,
        "input": input,
    }))
}

/// Runs `iterations` rounds of Knuth's MMIX linear congruential generator.
pub fn work(input: Value) -> Result<Value, PluginError> {
    CALLS.fetch_add(1, Ordering::Relaxed);
    let iterations = input
        .get("iterations")
        .and_then(Value::as_u64)
        .ok_or_else(|| PluginError::invalid_input("`iterations` must be a whole number"))?;
    let mut x: u64 = 1;
    for _ in 0..iterations {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
    }
    Ok(json!({ "version": env!("CARGO_PKG_VERSION"), "result": x }))
}

#[cfg(target_arch = "wasm32")]
mod exports {
    //! The test plugin's wasm exports.
    medplug_pdk::export_plugin! {
        describe: crate::plugin_info,
        warm_up: crate::warm_up,
        echo: crate::echo,
        work: crate::work,
    }
}
