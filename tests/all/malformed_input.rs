//! Malformed JSON and wrong-shaped input are `invalid_input` errors from the plugin itself,
//! never a trap, and the plugin serves the next call.

use anyhow::Result;
use conformance::{fixtures, index, reference_host};
use medplug_host::CallError;

/// Inputs no function of ABI v1 accepts: broken JSON, and JSON of the wrong shape.
const BAD_INPUTS: [(&str, &str); 6] = [
    ("", "is not valid json"),
    ("{", "is not valid json"),
    ("not json", "is not valid json"),
    ("[]", "has the wrong shape"),
    ("42", "has the wrong shape"),
    ("{\"unexpected_field\": true}", "has the wrong shape"),
];

#[test]
fn bad_input_is_invalid_input_never_a_trap() -> Result<()> {
    let host = reference_host()?;
    for entry in index()?.plugins {
        let good = fixtures(&entry.name)?;
        for function in &entry.functions {
            for (input, what) in BAD_INPUTS {
                match host.call_json(&entry.name, function, input.as_bytes()) {
                    Err(CallError::InvalidInput { site, message }) => {
                        assert_eq!(
                            (site.plugin.as_str(), site.function.as_str()),
                            (entry.name.as_str(), function.as_str())
                        );
                        let prefix = format!("input of `{function}` {what}");
                        assert!(
                            message.starts_with(&prefix),
                            "{}: {input:?} gave {message:?}, expected {prefix:?}",
                            entry.name
                        );
                    }
                    other => panic!(
                        "{} `{function}` with {input:?}: expected invalid_input, got {other:?}",
                        entry.name
                    ),
                }
            }
            // The instance that refused the input serves the next call.
            let case = good
                .iter()
                .find(|c| &c.function == function)
                .expect("a fixture per function");
            host.call_json(&entry.name, function, &std::fs::read(&case.input)?)?;
        }
    }
    Ok(())
}
