//! The four reference plugins, natively (their crates are rlibs too), on hostile input.
//!
//! For each function of the plugin, the bytes are decoded as its input type, as the wasm glue
//! decodes a call's input; when they decode, the function runs. For the text analyzers (LGPD,
//! claims) the bytes are also the text of every text function (as UTF-8, invalid sequences
//! replaced). The contract: no panic — a plugin answers hostile input with a typed
//! `PluginError` — and an answer that validates against the function's published output
//! schema (`schemas/<plugin>/<function>.output.json`), an error against `plugin-error.json`.
//!
//! Inputs are capped at [`MAX_INPUT`]: the fixtures are at most 34 KB, and a longer input
//! only makes executions slower.

use medplug_pdk::PluginError;
use medplug_pdk::{claims, ecg, lesion, lgpd};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::schema;

/// The longest input the plugin targets run.
pub const MAX_INPUT: usize = 64 * 1024;

/// Runs `function` on `input` and checks its answer against `plugin`'s schemas.
fn run<I, O: Serialize>(
    plugin: &str,
    name: &str,
    function: fn(I) -> Result<O, PluginError>,
    input: I,
) {
    match function(input) {
        Ok(output) => {
            let value = serde_json::to_value(&output).expect("an output serializes");
            schema::assert_output(schema::of(plugin, name), &value);
        }
        Err(error) => {
            let value = serde_json::to_value(&error).expect("an error serializes");
            // `plugin-info`'s pair holds `plugin-error` as its output.
            schema::assert_output(&schema::compiled()["plugin-info"], &value);
        }
    }
}

/// Runs `function` when the bytes decode as its input.
fn json<I: DeserializeOwned, O: Serialize>(
    data: &[u8],
    plugin: &str,
    name: &str,
    function: fn(I) -> Result<O, PluginError>,
) {
    if let Ok(input) = serde_json::from_slice::<I>(data) {
        run(plugin, name, function, input);
    }
}

/// Runs `function` on an input built from `value` (the text analyzers' text mode).
fn text<I: DeserializeOwned, O: Serialize>(
    value: Value,
    plugin: &str,
    name: &str,
    function: fn(I) -> Result<O, PluginError>,
) {
    let input = serde_json::from_value::<I>(value).expect("a text input decodes");
    run(plugin, name, function, input);
}

/// The LGPD analyzer: `analyze`, `redact`, `analyze_lgpd_compliance`, on JSON and on text.
pub fn lgpd(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let p = lgpd::PLUGIN_NAME;
    json(data, p, lgpd::ANALYZE, lgpd_analyzer::analyze);
    json(data, p, lgpd::REDACT, lgpd_analyzer::redact);
    json(
        data,
        p,
        lgpd::ANALYZE_LGPD_COMPLIANCE,
        lgpd_analyzer::analyze_lgpd_compliance,
    );
    let content = String::from_utf8_lossy(data);
    text(
        json!({ "content": content }),
        p,
        lgpd::ANALYZE,
        lgpd_analyzer::analyze,
    );
    let mode = ["mask", "tag", "pseudonym"][data.len() % 3];
    text(
        json!({ "content": content, "mode": mode }),
        p,
        lgpd::REDACT,
        lgpd_analyzer::redact,
    );
    let rules = json!({ "pii_patterns": [], "phi_patterns": [], "professional_data_patterns": [] });
    text(
        json!({
            "content": content,
            "metadata": { "specialty": "clinica", "target_audience": "publico" },
            "compliance_rules": rules,
        }),
        p,
        lgpd::ANALYZE_LGPD_COMPLIANCE,
        lgpd_analyzer::analyze_lgpd_compliance,
    );
}

/// The ECG analyzer: `analyze`, `process_medical_content`, on JSON.
pub fn ecg(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let p = ecg::PLUGIN_NAME;
    json(data, p, ecg::ANALYZE, ecg_analyzer::analyze);
    json(
        data,
        p,
        ecg::PROCESS_MEDICAL_CONTENT,
        ecg_analyzer::process_medical_content,
    );
}

/// The claims extractor: `extract`, `extract_medical_claims`, `validate_medical_claims`, on
/// JSON and on text.
pub fn claims(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let p = claims::PLUGIN_NAME;
    json(data, p, claims::EXTRACT, claims_extractor::extract);
    json(
        data,
        p,
        claims::EXTRACT_MEDICAL_CLAIMS,
        claims_extractor::extract_medical_claims,
    );
    json(
        data,
        p,
        claims::VALIDATE_MEDICAL_CLAIMS,
        claims_extractor::validate_medical_claims,
    );
    let content = String::from_utf8_lossy(data);
    text(
        json!({ "content": content }),
        p,
        claims::EXTRACT,
        claims_extractor::extract,
    );
    text(
        json!({ "content": content }),
        p,
        claims::EXTRACT_MEDICAL_CLAIMS,
        claims_extractor::extract_medical_claims,
    );
    text(
        json!([content]),
        p,
        claims::VALIDATE_MEDICAL_CLAIMS,
        claims_extractor::validate_medical_claims,
    );
}

/// The lesion scorer: `score`, `process_medical_content`, on JSON.
pub fn lesion(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let p = lesion::PLUGIN_NAME;
    json(data, p, lesion::SCORE, lesion_risk::score);
    json(
        data,
        p,
        lesion::PROCESS_MEDICAL_CONTENT,
        lesion_risk::process_medical_content,
    );
}
