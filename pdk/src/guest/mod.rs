//! Guest-side glue (wasm32 only): run a plugin function under ABI v1 and export it.
//!
//! Every export reads its input as JSON, turns a deserialization failure into an `invalid_input`
//! error (never a trap), runs the plain-Rust function, and writes its JSON output or its
//! [`PluginError`]. A panic hook reports a panic as an `internal` error before the module aborts,
//! so the host can say what went wrong instead of only "unreachable".

pub mod host;

use std::sync::Once;

use extism_pdk as pdk;
use serde::{Serialize, de::DeserializeOwned};

use crate::{PluginError, PluginInfo};

/// Hands `error` to the host as this call's Extism error.
fn set_error(error: &PluginError) {
    // If even this allocation fails the module traps, and the host reports a trap: still typed.
    if let Ok(memory) = pdk::Memory::from_bytes(error.to_json()) {
        // SAFETY: `memory` is a live Extism allocation holding the UTF-8 error text.
        unsafe { pdk::extism::error_set(memory.offset()) };
    }
}

fn set_output(bytes: &[u8]) -> Result<(), PluginError> {
    let memory = pdk::Memory::from_bytes(bytes)
        .map_err(|e| PluginError::internal(format!("could not allocate the output: {e}")))?;
    memory.set_output();
    Ok(())
}

fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|panic| {
            set_error(&PluginError::internal(format!("plugin {panic}")));
        }));
    });
}

fn finish(result: Result<Vec<u8>, PluginError>) -> i32 {
    match result.and_then(|bytes| set_output(&bytes)) {
        Ok(()) => 0,
        Err(error) => {
            set_error(&error);
            1
        }
    }
}

/// Runs `describe`: no input, returns the [`PluginInfo`] as JSON. Used by [`export_plugin!`].
pub fn run_describe(info: impl FnOnce() -> PluginInfo) -> i32 {
    install_panic_hook();
    finish(serde_json::to_vec(&info()).map_err(|e| PluginError::internal(e.to_string())))
}

/// Runs `warm_up`: no input, no output; a panic is reported as an `internal` error. Used by
/// [`export_plugin!`].
pub fn run_warm_up(warm_up: impl FnOnce()) -> i32 {
    install_panic_hook();
    warm_up();
    0
}

/// Runs one plugin function over the call's JSON input. Used by [`export_plugin!`].
pub fn run_function<I, O>(name: &str, function: impl FnOnce(I) -> Result<O, PluginError>) -> i32
where
    I: DeserializeOwned,
    O: Serialize,
{
    install_panic_hook();
    let input = pdk::input_bytes();
    finish(
        serde_json::from_slice::<I>(&input)
            .map_err(|e| PluginError::from_json(name, &e))
            .and_then(function)
            .and_then(|output| {
                serde_json::to_vec(&output).map_err(|e| {
                    PluginError::internal(format!("output of `{name}` did not serialize: {e}"))
                })
            }),
    )
}

/// Exports `describe` and the plugin's functions, each a plain-Rust
/// `fn(Input) -> Result<Output, PluginError>` with serde input and output.
///
/// ```ignore
/// medplug_pdk::export_plugin! {
///     describe: crate::plugin_info,   // fn() -> PluginInfo
///     warm_up: crate::warm_up,        // optional: fn(), run before any tenant's call
///     analyze: crate::analyze,        // export name: function
/// }
/// ```
///
/// `warm_up` ([`WARM_UP_FUNCTION`](crate::WARM_UP_FUNCTION)) is for plugins with lazy state — an
/// automaton compiled on first use, a cache — that would otherwise make the first call of every
/// fresh instance slow: a host that pre-warms instances calls it before any tenant's call.
#[macro_export]
macro_rules! export_plugin {
    (describe: $describe:path, warm_up: $warm_up:path $(, $name:ident : $function:path)* $(,)?) => {
        /// ABI v1 `warm_up`: runs the plugin's lazy initialisation ahead of the first call.
        #[unsafe(no_mangle)]
        pub extern "C" fn warm_up() -> i32 {
            $crate::run_warm_up($warm_up)
        }
        $crate::export_plugin! { describe: $describe $(, $name : $function)* }
    };
    (describe: $describe:path $(, $name:ident : $function:path)* $(,)?) => {
        /// ABI v1 `describe`: the plugin's [`PluginInfo`]($crate::PluginInfo) as JSON.
        #[unsafe(no_mangle)]
        pub extern "C" fn describe() -> i32 {
            $crate::run_describe($describe)
        }
        $(
            /// A plugin function: JSON in, JSON out, `PluginError` on failure.
            #[unsafe(no_mangle)]
            pub extern "C" fn $name() -> i32 {
                $crate::run_function(stringify!($name), $function)
            }
        )*
    };
}
