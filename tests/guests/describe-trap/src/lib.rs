//! A test-only module whose `describe` traps (`unreachable`) before answering: the host must
//! refuse it at load with a typed error, and keep serving.

#[cfg(target_arch = "wasm32")]
mod exports {
    /// ABI v1 `describe`, broken on purpose.
    #[unsafe(no_mangle)]
    pub extern "C" fn describe() -> i32 {
        core::arch::wasm32::unreachable()
    }
}
