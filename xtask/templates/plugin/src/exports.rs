//! The plugin's wasm exports: the only file that touches the pdk's guest glue.

medplug_pdk::export_plugin! {
    describe: crate::plugin_info,
    evaluate: crate::evaluate,
}
