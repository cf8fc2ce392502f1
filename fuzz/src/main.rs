//! The instrumented fuzzing binary (feature `afl`), one for every target:
//!
//! ```text
//! medplug-fuzz TARGET              run TARGET under afl-fuzz (persistent mode)
//! medplug-fuzz --seeds TARGET DIR  write TARGET's made seeds into DIR
//! medplug-fuzz --list              the targets, one a line
//! ```
//!
//! `cargo xtask fuzz` builds it (`cargo afl build`) and runs it; see the crate's documentation.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[..] {
        ["--list"] => {
            for (name, _) in medplug_fuzz::TARGETS {
                println!("{name}");
            }
            ExitCode::SUCCESS
        }
        ["--seeds", target, dir] => {
            let dir = Path::new(dir);
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("cannot create {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
            for (name, bytes) in medplug_fuzz::seeds::seeds(target, dir) {
                if let Err(e) = std::fs::write(dir.join(&name), bytes) {
                    eprintln!("cannot write seed {name}: {e}");
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        [name] => {
            let Some(target) = medplug_fuzz::target(name) else {
                eprintln!("unknown target {name:?}; `--list` lists them");
                return ExitCode::from(2);
            };
            afl::fuzz!(|data: &[u8]| target(data));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: medplug-fuzz TARGET | --seeds TARGET DIR | --list");
            ExitCode::from(2)
        }
    }
}
