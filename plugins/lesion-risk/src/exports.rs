//! The plugin's wasm exports: the only file that touches the PDK's guest glue.

medplug_pdk::export_plugin! {
    describe: crate::plugin_info,
    score: crate::score,
    process_medical_content: crate::process_medical_content,
}
