//! A test-only plugin that measures the Extism boundary alone (issue 20, decision 1).
//!
//! `pass` reads its whole input from the host, as every plugin function does, and writes an
//! output of exactly the size the input asks for, and does nothing else: no JSON parsing, no
//! analysis. Its input is `{"output_bytes":N,"pad":"…"}`, padded to the size of the real call it
//! stands for ([`input_of`]); its output is `{"pad":"…"}` of exactly `N` bytes ([`output_of`]).
//! A benchmark that times it beside an analyzer's end-to-end call, for the same input and output
//! bytes, isolates what the analysis itself costs in wasm.

use medplug_pdk::{ABI_VERSION, FunctionInfo, PluginError, PluginInfo, SchemaId};

/// The plugin's name.
pub const NAME: &str = "boundary";

/// Its only function.
pub const PASS: &str = "pass";

/// The input's fixed prefix; the output size follows it as decimal digits.
const PREFIX: &[u8] = br#"{"output_bytes":"#;

/// The smallest input and output: `{"output_bytes":N,"pad":""}` and `{"pad":""}`.
pub const MIN_OUTPUT_BYTES: usize = br#"{"pad":""}"#.len();

/// What `describe` returns.
pub fn plugin_info() -> PluginInfo {
    PluginInfo {
        name: NAME.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        abi_version: ABI_VERSION,
        specialty: "testing".to_owned(),
        description: "reads its input and writes an output of the requested size, nothing else"
            .to_owned(),
        functions: vec![FunctionInfo {
            name: PASS.to_owned(),
            input_schema: SchemaId::input(NAME, PASS),
            output_schema: SchemaId::output(NAME, PASS),
        }],
        capabilities: Vec::new(),
    }
}

/// An input of exactly `input_bytes` bytes that asks for `output_bytes` of output; `None` when
/// `input_bytes` is too small to hold the request.
pub fn input_of(input_bytes: usize, output_bytes: usize) -> Option<Vec<u8>> {
    let mut input = PREFIX.to_vec();
    input.extend_from_slice(output_bytes.to_string().as_bytes());
    input.extend_from_slice(br#","pad":""#);
    let pad = input_bytes.checked_sub(input.len() + 2)?;
    input.resize(input.len() + pad, b'x');
    input.extend_from_slice(b"\"}");
    Some(input)
}

/// The output `pass` writes for `input`: `{"pad":"…"}` of the size the input asks for.
pub fn output_of(input: &[u8]) -> Result<Vec<u8>, PluginError> {
    let bad = || {
        PluginError::invalid_input(format!(
            "expected {{\"output_bytes\":N,…}} with N ≥ {MIN_OUTPUT_BYTES}"
        ))
    };
    let digits = input.strip_prefix(PREFIX).ok_or_else(bad)?;
    let end = digits
        .iter()
        .position(|b| !b.is_ascii_digit())
        .ok_or_else(bad)?;
    let size: usize = std::str::from_utf8(&digits[..end])
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n >= MIN_OUTPUT_BYTES)
        .ok_or_else(bad)?;
    let mut output = Vec::with_capacity(size);
    output.extend_from_slice(br#"{"pad":""#);
    output.resize(size - 2, b'y');
    output.extend_from_slice(b"\"}");
    Ok(output)
}

#[cfg(target_arch = "wasm32")]
mod exports {
    //! The raw exports: `describe` through the pdk, `pass` on Extism's bytes directly.

    /// ABI v1 `describe`.
    #[unsafe(no_mangle)]
    pub extern "C" fn describe() -> i32 {
        medplug_pdk::run_describe(super::plugin_info)
    }

    /// Reads the input, writes the requested output; a malformed request is `invalid_input`.
    #[unsafe(no_mangle)]
    pub extern "C" fn pass() -> i32 {
        // The same calls as the pdk's `run_function`: the input read whole, the output copied
        // once into Extism's memory.
        let input = extism_pdk::input_bytes();
        let (bytes, code) = match super::output_of(&input) {
            Ok(output) => (output, 0),
            Err(error) => (error.to_json().into_bytes(), 1),
        };
        let Ok(memory) = extism_pdk::Memory::from_bytes(&bytes) else {
            return 1;
        };
        if code == 0 {
            memory.set_output();
        } else {
            // SAFETY: `memory` is a live Extism allocation holding the UTF-8 error text.
            unsafe { extism_pdk::extism::error_set(memory.offset()) };
        }
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_and_outputs_have_exactly_the_sizes_asked_for() {
        for (input_bytes, output_bytes) in [(64, 10), (1_000_000, 3_770_000), (40, 4_096)] {
            let input = input_of(input_bytes, output_bytes).unwrap();
            assert_eq!(input.len(), input_bytes);
            let output = output_of(&input).unwrap();
            assert_eq!(output.len(), output_bytes);
            let input: serde_json::Value = serde_json::from_slice(&input).unwrap();
            assert_eq!(input["output_bytes"], output_bytes);
            let output: serde_json::Value = serde_json::from_slice(&output).unwrap();
            assert_eq!(output["pad"].as_str().unwrap().len(), output_bytes - 10);
        }
        assert_eq!(
            output_of(br#"{"output_bytes":3}"#).unwrap_err().code,
            medplug_pdk::ErrorCode::InvalidInput
        );
        assert_eq!(input_of(20, 10), None, "too small to hold the request");
    }
}
