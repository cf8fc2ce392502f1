//! Replays every committed corpus and regression input through its target: the minimised
//! corpora of `fuzz/corpus/<target>/` (what AFL++ reached) and the crashes of
//! `fuzz/regressions/<target>/` (each one a bug that was fixed). Deterministic and fast; a
//! panic names the file.

use std::path::{Path, PathBuf};

/// The files of `dir`, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

fn replay(kind: &str, target: &str) -> usize {
    let run = medplug_fuzz::target(target).expect("a known target");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(kind)
        .join(target);
    let files = files(&dir);
    for file in &files {
        let data = std::fs::read(file).expect("a readable corpus file");
        if let Err(panic) = std::panic::catch_unwind(|| run(&data)) {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            panic!("{target}: {} panicked: {message}", file.display());
        }
    }
    files.len()
}

macro_rules! replays {
    ($($target:ident),* $(,)?) => {$(
        #[test]
        fn $target() {
            let corpus = replay("corpus", stringify!($target));
            let regressions = replay("regressions", stringify!($target));
            println!("{}: {corpus} corpus inputs, {regressions} regressions", stringify!($target));
        }
    )*

        #[test]
        fn every_target_is_replayed() {
            let replayed = [$(stringify!($target)),*];
            for (name, _) in medplug_fuzz::TARGETS {
                assert!(replayed.contains(name), "add {name} to tests/replay.rs");
            }
        }
    };
}

replays!(
    policy,
    signature,
    module,
    wfdb_header,
    wfdb_signal,
    wfdb_annotation,
    schema_guard,
    audit_verify,
    lgpd,
    ecg,
    claims,
    lesion,
);

/// Every target takes the simplest inputs (no input at all, text, JSON) without a panic: a
/// target whose own harness is wrong fails here, not at its first execution under AFL++.
#[test]
fn every_target_takes_trivial_inputs() {
    let inputs: [&[u8]; 6] = [
        b"",
        b"\n",
        b"hello",
        b"{}",
        b"[]",
        b"{\"content\": \"CPF\"}",
    ];
    for (target, run) in medplug_fuzz::TARGETS {
        for input in inputs {
            if let Err(_panic) = std::panic::catch_unwind(|| run(input)) {
                panic!("{target}: panicked on {:?}", String::from_utf8_lossy(input));
            }
        }
    }
}

/// The made seeds are valid inputs of their targets (and stay so as the parsers change).
#[test]
fn made_seeds_run() {
    let scratch = std::env::temp_dir().join(format!("medplug-fuzz-seeds-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    for (target, run) in medplug_fuzz::TARGETS {
        for (name, bytes) in medplug_fuzz::seeds::seeds(target, &scratch) {
            if let Err(_panic) = std::panic::catch_unwind(|| run(&bytes)) {
                panic!("{target}: made seed {name} panicked");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The made seeds reach past the parsers' first refusal: the signal files read, the signature
/// verifies, the trail is intact.
#[test]
fn made_seeds_are_accepted() {
    use medplug_host::signature::{ModuleSignature, verify_module};
    let scratch = std::env::temp_dir().join(format!("medplug-fuzz-deep-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    for (name, bytes) in medplug_fuzz::seeds::seeds("wfdb_signal", &scratch) {
        let split = bytes.iter().position(|&b| b == 0).expect("a NUL");
        let text = std::str::from_utf8(&bytes[..split]).expect("a UTF-8 header");
        let header = medplug_wfdb::Header::parse(text, Path::new("r.hea")).expect(&name);
        std::fs::write(scratch.join("r.dat"), &bytes[split + 1..]).expect("a signal file");
        medplug_wfdb::read_signals(&header, &scratch).expect(&name);
    }
    let (_, signed) = &medplug_fuzz::seeds::seeds("signature", &scratch)[0];
    let split = signed.iter().position(|&b| b == b'\n').expect("a line") + 1;
    let line = std::str::from_utf8(&signed[..split]).expect("a UTF-8 line");
    let signature = ModuleSignature::parse(line).expect("a signature");
    verify_module(&signed[split..], &signature, &[signature.key]).expect("a valid signature");
    let (_, trail) = &medplug_fuzz::seeds::seeds("audit_verify", &scratch)[0];
    let path = scratch.join("trail.db");
    std::fs::write(&path, trail).expect("a database file");
    let report = medplug_host::audit::verify_file(&path).expect("a readable trail");
    assert!(report.is_intact() && report.records == 3, "{report}");
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The plugin targets' first seeds, the fixtures of `tests/fixtures/<plugin>/`, run cleanly.
#[test]
fn plugin_fixtures_run() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    for (target, plugin) in [
        ("lgpd", "lgpd-analyzer"),
        ("ecg", "ecg-analyzer"),
        ("claims", "claims-extractor"),
        ("lesion", "lesion-risk"),
    ] {
        let run = medplug_fuzz::target(target).expect("a known target");
        let functions = subdirectories(&fixtures.join(plugin));
        for dir in functions {
            for file in files(&dir) {
                if !file.to_string_lossy().ends_with(".input.json") {
                    continue;
                }
                let data = std::fs::read(&file).expect("a fixture");
                if std::panic::catch_unwind(|| run(&data)).is_err() {
                    panic!("{target}: {} panicked", file.display());
                }
            }
        }
    }
}

/// The directories in `dir`.
fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}
