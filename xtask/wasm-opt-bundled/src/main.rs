//! `wasm-opt-bundled ARGS…`: binaryen's `wasm-opt` command line, run in-process by the `wasm-opt`
//! crate (binaryen 116, compiled from source). `cargo xtask build-plugins` builds and runs it only
//! when no installed `wasm-opt` fits (`xtask/src/wasm_opt.rs`); it takes the same arguments.

use std::process::ExitCode;

use wasm_opt::integration::Command;

fn main() -> ExitCode {
    let mut command = Command::new("wasm-opt");
    command.args(std::env::args_os().skip(1));
    match wasm_opt::integration::run_from_command_args(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wasm-opt-bundled: {error}");
            ExitCode::FAILURE
        }
    }
}
