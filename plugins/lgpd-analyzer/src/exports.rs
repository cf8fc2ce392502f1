//! The plugin's wasm exports: the only file that touches the PDK's guest glue.

medplug_pdk::export_plugin! {
    describe: crate::plugin_info,
    warm_up: crate::warm_up,
    analyze: crate::analyze,
    redact: crate::redact,
    analyze_lgpd_compliance: crate::analyze_lgpd_compliance,
}
