//! The test plugin's wasm exports.

medplug_pdk::export_plugin! {
    describe: crate::plugin_info,
    echo: crate::echo,
    spin: crate::spin,
    burn: crate::burn,
    bomb: crate::bomb,
    panic: crate::panic,
    fail: crate::fail,
}
