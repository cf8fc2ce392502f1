//! A test-only module whose `describe` never returns: the host must stop it at its time limit
//! and refuse it at load with a typed error.

#[cfg(target_arch = "wasm32")]
mod exports {
    /// ABI v1 `describe`, broken on purpose.
    #[unsafe(no_mangle)]
    pub extern "C" fn describe() -> i32 {
        loop {
            std::hint::black_box(());
        }
    }
}
