//! A test-only plugin that misbehaves on request, so that the conformance suite can prove the
//! host's limits with real wasm: `spin` never returns, `burn` computes for a very long time,
//! `bomb` allocates until memory runs out, `panic` panics, `fail` returns an `unsupported` error,
//! and `echo` behaves.

#[cfg(target_arch = "wasm32")]
mod exports;

use std::hint::black_box;

use medplug_pdk::{ABI_VERSION, FunctionInfo, PluginError, PluginInfo, SchemaId};
use serde_json::Value;

const NAME: &str = "misbehave";
const FUNCTIONS: [&str; 6] = ["echo", "spin", "burn", "bomb", "panic", "fail"];

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    PluginInfo {
        name: NAME.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        abi_version: ABI_VERSION,
        specialty: "testing".to_owned(),
        description: "misbehaves on request, for the conformance suite".to_owned(),
        functions: FUNCTIONS
            .iter()
            .map(|f| FunctionInfo {
                name: (*f).to_owned(),
                input_schema: SchemaId::input(NAME, f),
                output_schema: SchemaId::output(NAME, f),
            })
            .collect(),
        capabilities: Vec::new(),
    }
}

/// Returns its input.
pub fn echo(input: Value) -> Result<Value, PluginError> {
    Ok(input)
}

/// Never returns: only a timeout ends it.
pub fn spin(_: Value) -> Result<Value, PluginError> {
    loop {
        black_box(());
    }
}

/// Computes for `{"iterations": n}` rounds (default 10^12): only fuel or a timeout ends it soon.
pub fn burn(input: Value) -> Result<Value, PluginError> {
    let rounds = input
        .get("iterations")
        .and_then(Value::as_u64)
        .unwrap_or(1_000_000_000_000);
    let mut acc = 0u64;
    for i in 0..rounds {
        acc = black_box(acc.wrapping_mul(6364136223846793005).wrapping_add(i));
    }
    Ok(Value::from(acc))
}

/// Allocates and touches 1 MiB after 1 MiB until the memory limit stops it.
pub fn bomb(_: Value) -> Result<Value, PluginError> {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(black_box(vec![1u8; 1 << 20]));
    }
}

/// Panics with a known message.
pub fn panic(_: Value) -> Result<Value, PluginError> {
    panic!("misbehave was asked to panic");
}

/// Fails with an `unsupported` error.
pub fn fail(_: Value) -> Result<Value, PluginError> {
    Err(PluginError::unsupported("misbehave does not support this"))
}
