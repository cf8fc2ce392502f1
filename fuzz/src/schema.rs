//! The schema guard (`FunctionSchemas`, host/src/registry/schema_guard.rs) against arbitrary
//! JSON, for every published schema under `schemas/`.
//!
//! The schemas are compiled into the target (`include_str!`), once per process. Each input
//! that is JSON is checked against the input and the output schema of every plugin function,
//! the host functions' requests and replies, and `PluginInfo`/`PluginError`. The contract: a
//! refusal lists between one and `MAX_LISTED_ERRORS` errors, each message at most
//! `MAX_MESSAGE_CHARS` characters (plus the ellipsis), each JSON pointer naming a place in the
//! checked value, and `more` counts the rest.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use medplug_host::{FunctionSchemas, SchemaViolation};
use serde_json::Value;

/// Every schema under `schemas/`, paired as a function's (input, output), by id.
macro_rules! pairs {
    ($(($input:literal, $output:literal)),* $(,)?) => {
        &[$((
            $input,
            include_str!(concat!("../../schemas/", $input, ".json")),
            $output,
            include_str!(concat!("../../schemas/", $output, ".json")),
        )),*]
    };
}

/// (input id, input schema, output id, output schema).
type Pair = (&'static str, &'static str, &'static str, &'static str);

const PAIRS: &[Pair] = pairs![
    (
        "lgpd-analyzer/analyze.input",
        "lgpd-analyzer/analyze.output"
    ),
    ("lgpd-analyzer/redact.input", "lgpd-analyzer/redact.output"),
    (
        "lgpd-analyzer/analyze_lgpd_compliance.input",
        "lgpd-analyzer/analyze_lgpd_compliance.output"
    ),
    ("ecg-analyzer/analyze.input", "ecg-analyzer/analyze.output"),
    (
        "ecg-analyzer/process_medical_content.input",
        "ecg-analyzer/process_medical_content.output"
    ),
    (
        "claims-extractor/extract.input",
        "claims-extractor/extract.output"
    ),
    (
        "claims-extractor/extract_medical_claims.input",
        "claims-extractor/extract_medical_claims.output"
    ),
    (
        "claims-extractor/validate_medical_claims.input",
        "claims-extractor/validate_medical_claims.output"
    ),
    ("lesion-risk/score.input", "lesion-risk/score.output"),
    (
        "lesion-risk/process_medical_content.input",
        "lesion-risk/process_medical_content.output"
    ),
    (
        "host-functions/audit_log.request",
        "host-functions/audit_log.reply"
    ),
    (
        "host-functions/get_patient.request",
        "host-functions/get_patient.reply"
    ),
    (
        "host-functions/encrypt_phi.request",
        "host-functions/encrypt_phi.reply"
    ),
    ("plugin-info", "plugin-error"),
];

/// The most errors a refusal lists (`schema_guard::MAX_LISTED_ERRORS`).
const MAX_LISTED_ERRORS: usize = 5;

/// The longest message, in characters, before the ellipsis (`schema_guard::MAX_MESSAGE_CHARS`).
const MAX_MESSAGE_CHARS: usize = 300;

/// Every pair of schemas, compiled, by input id (`lgpd-analyzer/analyze.input`).
pub fn compiled() -> &'static BTreeMap<&'static str, FunctionSchemas> {
    static COMPILED: OnceLock<BTreeMap<&'static str, FunctionSchemas>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        PAIRS
            .iter()
            .map(|(input_id, input, output_id, output)| {
                let parse = |text: &str| -> Value {
                    serde_json::from_str(text).expect("a published schema is JSON")
                };
                let schemas = FunctionSchemas::from_values(
                    input_id,
                    &parse(input),
                    output_id,
                    &parse(output),
                )
                .expect("a published schema compiles");
                (*input_id, schemas)
            })
            .collect()
    })
}

/// The schemas of `plugin`'s `function`.
pub fn of(plugin: &str, function: &str) -> &'static FunctionSchemas {
    &compiled()[format!("{plugin}/{function}.input").as_str()]
}

/// Checks `value` against `schemas`' output schema; panics (a plugin bug) when it does not
/// validate.
pub fn assert_output(schemas: &FunctionSchemas, value: &Value) {
    if let Err(violation) = schemas.check_output(value) {
        panic!("output does not validate: {violation}\n{value}");
    }
}

/// Every schema's check on the bytes, when they are JSON.
pub fn schema_guard(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for schemas in compiled().values() {
        for result in [schemas.check_input(&value), schemas.check_output(&value)] {
            if let Err(violation) = result {
                check_violation(&violation, &value);
            }
        }
    }
}

/// What a refusal promises.
fn check_violation(violation: &SchemaViolation, value: &Value) {
    assert!(
        !violation.errors.is_empty(),
        "a refusal lists at least one error: {violation:?}"
    );
    assert!(violation.errors.len() <= MAX_LISTED_ERRORS);
    for item in &violation.errors {
        assert!(
            value.pointer(&item.pointer).is_some(),
            "the pointer {:?} names a place in the value {value}",
            item.pointer
        );
        for message in [&item.message, &item.masked] {
            assert!(
                message.chars().count() <= MAX_MESSAGE_CHARS + 1,
                "a message is capped: {message:?}"
            );
        }
    }
    let _ = violation.to_string();
}
