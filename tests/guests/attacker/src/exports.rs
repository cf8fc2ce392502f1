//! The module's exports (wasm only): the JSON functions through `export_plugin!`, the ones that
//! write their output themselves by hand, and Extism's kernel imports declared directly — as an
//! attacker would, without the pdk in the way.

use std::hint::black_box;

use medplug_pdk::PluginError;
use serde_json::{Value, json};

use crate::{BIG_OUTPUT_BYTES, CONFIG_KEYS};

medplug_pdk::export_plugin! {
    describe: crate::plugin_info,
    echo: do_echo,
    spin: do_spin,
    grow: do_grow,
    recurse: do_recurse,
    host_flood: do_host_flood,
    patient: do_patient,
    raw_host: do_raw_host,
    host_bad_offset: do_host_bad_offset,
    kernel_load: do_kernel_load,
    kernel_store: do_kernel_store,
    kernel_free: do_kernel_free,
    kernel_length: do_kernel_length,
    kernel_input_load: do_kernel_input_load,
    kernel_alloc: do_kernel_alloc,
    var_fill: do_var_fill,
    config_probe: do_config_probe,
}

// Extism's kernel, `extism:host/env`, renamed on the Rust side only.
#[link(wasm_import_module = "extism:host/env")]
unsafe extern "C" {
    #[link_name = "alloc"]
    fn k_alloc(length: u64) -> u64;
    #[link_name = "free"]
    fn k_free(offset: u64);
    #[link_name = "length"]
    fn k_length(offset: u64) -> u64;
    #[link_name = "load_u8"]
    fn k_load_u8(offset: u64) -> u8;
    #[link_name = "load_u64"]
    fn k_load_u64(offset: u64) -> u64;
    #[link_name = "store_u8"]
    fn k_store_u8(offset: u64, value: u8);
    #[link_name = "store_u64"]
    fn k_store_u64(offset: u64, value: u64);
    #[link_name = "input_length"]
    fn k_input_length() -> u64;
    #[link_name = "input_load_u64"]
    fn k_input_load_u64(offset: u64) -> u64;
    #[link_name = "output_set"]
    fn k_output_set(offset: u64, length: u64);
    #[link_name = "config_get"]
    fn k_config_get(key: u64) -> u64;
    #[link_name = "var_set"]
    fn k_var_set(key: u64, value: u64);
}

// The host functions, called with raw offsets.
#[link(wasm_import_module = "extism:host/user")]
unsafe extern "C" {
    #[link_name = "get_patient"]
    fn h_get_patient(request: u64) -> u64;
}

/// Copies `bytes` into a fresh kernel allocation; 0 if the kernel refused.
fn to_kernel(bytes: &[u8]) -> u64 {
    // SAFETY: Extism's kernel functions take and return plain integers; a bad offset is the
    // kernel's (and the host's) problem, which is the point of this plugin.
    unsafe {
        let offset = k_alloc(bytes.len() as u64);
        if offset == 0 {
            return 0;
        }
        let mut chunks = bytes.chunks_exact(8);
        let mut at = offset;
        for chunk in &mut chunks {
            k_store_u64(at, u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
            at += 8;
        }
        for &byte in chunks.remainder() {
            k_store_u8(at, byte);
            at += 1;
        }
        offset
    }
}

/// The bytes of the kernel allocation at `offset` (its length as the kernel says).
fn from_kernel(offset: u64) -> Vec<u8> {
    // SAFETY: as in `to_kernel`.
    unsafe {
        let length = k_length(offset);
        (0..length).map(|i| k_load_u8(offset + i)).collect()
    }
}

fn do_echo(input: Value) -> Result<Value, PluginError> {
    Ok(input)
}

fn do_spin(_: Value) -> Result<Value, PluginError> {
    loop {
        black_box(());
    }
}

/// Grows linear memory 1 MiB at a time until the host's limit stops it.
fn do_grow(_: Value) -> Result<Value, PluginError> {
    loop {
        if core::arch::wasm32::memory_grow(0, 16) == usize::MAX {
            return Err(PluginError::internal("memory.grow refused without a trap"));
        }
    }
}

/// Recursion with nothing to stop it (2^64 levels), in a shape no compiler turns into a loop.
#[inline(never)]
fn depth(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let below = depth(black_box(n.wrapping_add(1)));
    below.rotate_left(3) ^ n
}

fn do_recurse(_: Value) -> Result<Value, PluginError> {
    Ok(Value::from(depth(black_box(1))))
}

/// `audit_log` a million times: the host ends the call long before.
fn do_host_flood(_: Value) -> Result<Value, PluginError> {
    let mut answered = 0u32;
    for _ in 0..1_000_000 {
        let _ = black_box(medplug_pdk::host::audit_log("flood", "again"));
        answered += 1;
    }
    Ok(Value::from(answered))
}

fn do_patient(input: Value) -> Result<Value, PluginError> {
    let id = input["patient_id"].as_str().unwrap_or_default();
    Ok(match medplug_pdk::host::get_patient(id) {
        Ok(patient) => json!({ "ok": patient }),
        Err(error) => json!({ "error": error }),
    })
}

/// Sends `{"request": text}` as it is, or `{"fill": n}` as a `get_patient` request whose id is
/// `n` bytes, to `get_patient`; returns the reply as it came (or `null` for no reply).
fn do_raw_host(input: Value) -> Result<Value, PluginError> {
    let request = match input["fill"].as_u64() {
        Some(n) => {
            let mut request = br#"{"patient_id":""#.to_vec();
            request.resize(request.len() + n as usize, b'x');
            request.extend_from_slice(br#""}"#);
            request
        }
        None => input["request"]
            .as_str()
            .unwrap_or_default()
            .as_bytes()
            .to_vec(),
    };
    let offset = to_kernel(&request);
    drop(request);
    // SAFETY: `offset` is a live kernel allocation holding the request.
    let reply = unsafe { h_get_patient(offset) };
    if reply == 0 {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&from_kernel(reply))
        .map_err(|e| PluginError::internal(format!("the reply is not json: {e}")))
}

/// `get_patient` with an offset the plugin never allocated.
fn do_host_bad_offset(_: Value) -> Result<Value, PluginError> {
    // SAFETY: deliberately not an allocation.
    let reply = unsafe { h_get_patient(0xdead_beef) };
    Ok(Value::from(reply))
}

/// Offsets nobody allocated: past any memory, at the edge of 4 GiB, and the largest.
const FOREIGN: [u64; 4] = [1 << 40, 0xffff_fff8, u64::MAX - 7, 0x10_0000];

fn do_kernel_load(_: Value) -> Result<Value, PluginError> {
    // SAFETY: deliberately foreign offsets.
    let seen: Vec<u64> = FOREIGN.iter().map(|&o| unsafe { k_load_u64(o) }).collect();
    Ok(json!(seen))
}

/// Overwrites the kernel's allocator bookkeeping (the start of its memory) and foreign
/// offsets, then answers through the (now corrupted) allocator.
fn do_kernel_store(_: Value) -> Result<Value, PluginError> {
    for offset in (0..64).step_by(8).chain(FOREIGN) {
        // SAFETY: deliberately foreign offsets.
        unsafe { k_store_u64(offset, u64::MAX) };
    }
    Ok(json!("stored"))
}

fn do_kernel_free(_: Value) -> Result<Value, PluginError> {
    for offset in [0, 1, 7, 12_345].into_iter().chain(FOREIGN) {
        // SAFETY: deliberately foreign offsets.
        unsafe { k_free(offset) };
    }
    Ok(json!("freed"))
}

fn do_kernel_length(_: Value) -> Result<Value, PluginError> {
    // SAFETY: deliberately foreign offsets.
    let seen: Vec<u64> = [0, 1, 7, 12_345]
        .into_iter()
        .chain(FOREIGN)
        .map(|o| unsafe { k_length(o) })
        .collect();
    Ok(json!(seen))
}

/// Reads the input past its end.
fn do_kernel_input_load(_: Value) -> Result<Value, PluginError> {
    // SAFETY: deliberately past the input.
    let seen: Vec<u64> = unsafe {
        let end = k_input_length();
        [end, end + 8, end + 4096, 1 << 40, u64::MAX - 7]
            .into_iter()
            .map(|o| k_input_load_u64(o))
            .collect()
    };
    Ok(json!(seen))
}

fn do_kernel_alloc(_: Value) -> Result<Value, PluginError> {
    // SAFETY: sizes no memory can hold.
    let seen: Vec<u64> = [u64::MAX, 1 << 40, 1 << 33]
        .into_iter()
        .map(|n| unsafe { k_alloc(n) })
        .collect();
    Ok(json!(seen))
}

/// `var_set` of 64 KiB values under new keys until the host refuses (64 MiB at most).
fn do_var_fill(_: Value) -> Result<Value, PluginError> {
    let value = vec![0x5au8; 64 << 10];
    for i in 0..1024 {
        let key = to_kernel(format!("hoard-{i}").as_bytes());
        let value = to_kernel(&value);
        // SAFETY: live kernel allocations, which `var_set` takes over.
        unsafe { k_var_set(key, value) };
    }
    Ok(json!("the host kept 64 MiB of variables"))
}

/// Every key of [`CONFIG_KEYS`] the host answers, with its value.
fn do_config_probe(_: Value) -> Result<Value, PluginError> {
    let mut found = serde_json::Map::new();
    for key in CONFIG_KEYS {
        let offset = to_kernel(key.as_bytes());
        // SAFETY: a live kernel allocation holding the key (an empty key allocates nothing).
        let value = unsafe { k_config_get(offset) };
        if value != 0 {
            let bytes = from_kernel(value);
            found.insert(key.to_owned(), json!(String::from_utf8_lossy(&bytes)));
        }
    }
    Ok(Value::Object(found))
}

/// Sets the call's output to `length` bytes of a fresh kernel allocation; 1 if refused.
fn set_raw_output(bytes: Option<&[u8]>, length: u64) -> i32 {
    // SAFETY: the output is a live kernel allocation of `length` bytes.
    unsafe {
        let offset = match bytes {
            Some(bytes) => to_kernel(bytes),
            None => k_alloc(length),
        };
        if offset == 0 {
            return 1;
        }
        k_output_set(offset, length);
    }
    0
}

/// A 100 MB output, never written by the guest (the kernel's fresh pages are zeros).
#[unsafe(no_mangle)]
pub extern "C" fn big_output() -> i32 {
    set_raw_output(None, BIG_OUTPUT_BYTES)
}

/// Output that is not UTF-8.
#[unsafe(no_mangle)]
pub extern "C" fn not_utf8() -> i32 {
    let bytes = [0xff, 0xfe, b'{', 0xc3, 0x28, b'}'];
    set_raw_output(Some(&bytes), bytes.len() as u64)
}

/// Output that is UTF-8 but not JSON.
#[unsafe(no_mangle)]
pub extern "C" fn not_json() -> i32 {
    let bytes = b"{\"findings\": [1, 2,";
    set_raw_output(Some(bytes), bytes.len() as u64)
}

/// An output the plugin does not own: an offset past any memory.
#[unsafe(no_mangle)]
pub extern "C" fn output_foreign() -> i32 {
    // SAFETY: deliberately not an allocation.
    unsafe { k_output_set(1 << 40, 16) };
    0
}

/// An output that starts in a real allocation and runs 8 MiB past it (and past the kernel's
/// memory), under the default `max_output_bytes`.
#[unsafe(no_mangle)]
pub extern "C" fn output_overrun() -> i32 {
    // SAFETY: deliberately longer than the allocation.
    unsafe {
        let offset = k_alloc(16);
        k_output_set(offset, 8 << 20);
    }
    0
}
