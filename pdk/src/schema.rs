//! The catalogue of JSON Schemas published in `schemas/` (feature `schema`).
//!
//! `cargo xtask schemas` writes one file per entry; `cargo xtask schemas --check` (and a test)
//! fails when a committed file differs. The reference plugins' wire types live in this crate and
//! are listed in [`catalog`]; a plugin whose wire types live in its own crate (every plugin
//! `cargo xtask new-plugin` makes) lists them with [`entry`] in an `examples/schemas.rs` that
//! calls [`print_catalog`], and `cargo xtask schemas` runs it.

use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::{PluginError, PluginInfo, SchemaId, claims, ecg, host_fns, lesion, lgpd};

/// One schema and the id it is published under.
#[derive(Debug, Clone)]
pub struct SchemaEntry {
    /// Where it goes: `schemas/<id>.json`.
    pub id: SchemaId,
    /// The JSON Schema (draft 2020-12).
    pub schema: Schema,
}

/// The schema of `T`, published under `id`.
pub fn entry<T: JsonSchema>(id: SchemaId) -> SchemaEntry {
    SchemaEntry {
        id,
        schema: SchemaGenerator::default().into_root_schema_for::<T>(),
    }
}

/// Every published schema, sorted by id.
pub fn catalog() -> Vec<SchemaEntry> {
    use host_fns::*;
    let host = |f: &str, part: &str| SchemaId::new(format!("host-functions/{f}.{part}"));
    let mut all = vec![
        entry::<PluginInfo>(SchemaId::new("plugin-info")),
        entry::<PluginError>(SchemaId::new("plugin-error")),
        entry::<AuditEvent>(host("audit_log", "request")),
        entry::<HostReply<AuditAck>>(host("audit_log", "reply")),
        entry::<PatientRequest>(host("get_patient", "request")),
        entry::<HostReply<Patient>>(host("get_patient", "reply")),
        entry::<EncryptRequest>(host("encrypt_phi", "request")),
        entry::<HostReply<EncryptedPhi>>(host("encrypt_phi", "reply")),
        entry::<lgpd::AnalyzeInput>(SchemaId::input(lgpd::PLUGIN_NAME, lgpd::ANALYZE)),
        entry::<lgpd::AnalyzeOutput>(SchemaId::output(lgpd::PLUGIN_NAME, lgpd::ANALYZE)),
        entry::<lgpd::RedactInput>(SchemaId::input(lgpd::PLUGIN_NAME, lgpd::REDACT)),
        entry::<lgpd::RedactOutput>(SchemaId::output(lgpd::PLUGIN_NAME, lgpd::REDACT)),
        entry::<ecg::AnalyzeInput>(SchemaId::input(ecg::PLUGIN_NAME, ecg::ANALYZE)),
        entry::<ecg::AnalyzeOutput>(SchemaId::output(ecg::PLUGIN_NAME, ecg::ANALYZE)),
        entry::<claims::ExtractInput>(SchemaId::input(claims::PLUGIN_NAME, claims::EXTRACT)),
        entry::<claims::ExtractOutput>(SchemaId::output(claims::PLUGIN_NAME, claims::EXTRACT)),
        entry::<lesion::ScoreInput>(SchemaId::input(lesion::PLUGIN_NAME, lesion::SCORE)),
        entry::<lesion::ScoreOutput>(SchemaId::output(lesion::PLUGIN_NAME, lesion::SCORE)),
        // The design documents' own contracts (docs/design-contracts.md).
        entry::<lgpd::ComplianceInput>(SchemaId::input(
            lgpd::PLUGIN_NAME,
            lgpd::ANALYZE_LGPD_COMPLIANCE,
        )),
        entry::<lgpd::ComplianceOutput>(SchemaId::output(
            lgpd::PLUGIN_NAME,
            lgpd::ANALYZE_LGPD_COMPLIANCE,
        )),
        entry::<ecg::EcgContentInput>(SchemaId::input(
            ecg::PLUGIN_NAME,
            ecg::PROCESS_MEDICAL_CONTENT,
        )),
        entry::<ecg::EcgContentOutput>(SchemaId::output(
            ecg::PLUGIN_NAME,
            ecg::PROCESS_MEDICAL_CONTENT,
        )),
        entry::<claims::ClaimsRequest>(SchemaId::input(
            claims::PLUGIN_NAME,
            claims::EXTRACT_MEDICAL_CLAIMS,
        )),
        entry::<Vec<claims::MedicalClaim>>(SchemaId::output(
            claims::PLUGIN_NAME,
            claims::EXTRACT_MEDICAL_CLAIMS,
        )),
        entry::<claims::ClaimsDocument>(SchemaId::input(
            claims::PLUGIN_NAME,
            claims::VALIDATE_MEDICAL_CLAIMS,
        )),
        entry::<Vec<claims::MedicalClaim>>(SchemaId::output(
            claims::PLUGIN_NAME,
            claims::VALIDATE_MEDICAL_CLAIMS,
        )),
        entry::<lesion::LesionContentInput>(SchemaId::input(
            lesion::PLUGIN_NAME,
            lesion::PROCESS_MEDICAL_CONTENT,
        )),
        entry::<lesion::LesionContentOutput>(SchemaId::output(
            lesion::PLUGIN_NAME,
            lesion::PROCESS_MEDICAL_CONTENT,
        )),
    ];
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// Prints `entries` on stdout as one JSON object, id → schema: what `cargo xtask schemas` reads
/// from a plugin crate's `schemas` example.
#[allow(clippy::print_stdout)]
pub fn print_catalog(entries: &[SchemaEntry]) {
    let catalog: serde_json::Map<String, serde_json::Value> = entries
        .iter()
        .map(|e| (e.id.as_str().to_owned(), e.schema.clone().to_value()))
        .collect();
    println!(
        "{}",
        serde_json::to_string(&catalog).expect("a JSON object always serialises")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_schemas_are_objects() {
        let all = catalog();
        let mut ids: Vec<_> = all.iter().map(|e| e.id.as_str().to_owned()).collect();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        assert!(ids.contains(&"lgpd-analyzer/analyze.input".to_owned()));
        for e in &all {
            assert_eq!(
                e.schema.get("$schema").and_then(|v| v.as_str()),
                Some("https://json-schema.org/draft/2020-12/schema"),
                "{}",
                e.id
            );
        }
    }
}
