//! The plugin's wasm exports: the only file that touches the PDK's guest glue.

medplug_pdk::export_plugin! {
    describe: crate::plugin_info,
    extract: crate::extract,
    extract_medical_claims: crate::extract_medical_claims,
    validate_medical_claims: crate::validate_medical_claims,
}
