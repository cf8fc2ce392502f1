//! Seeds that are made rather than found: `cargo xtask fuzz` adds them to the files of the
//! repository (fixtures, corpus texts, built modules) before a first run.
//!
//! - `audit_verify`: a real trail of three records, one of them a lifecycle change;
//! - `signature`: a signature line by a fixed key, then the module it signs;
//! - `module`: hand-written modules (no imports, Extism's imports, a `describe` export);
//! - `wfdb_*`: headers in both formats, signal files with correct checksums, annotation files
//!   with skips and aux strings.
//!
//! Deterministic: the same seeds every time (the audit database holds fixed times).

use std::path::Path;

use medplug_host::audit::{AuditRecord, AuditSink, LifecycleEntry, Outcome, PluginEvent};
use medplug_host::signature::SigningKey;

/// A named seed.
pub type Seed = (String, Vec<u8>);

/// The made seeds of `target` (none for targets whose seeds are all files).
pub fn seeds(target: &str, scratch: &Path) -> Vec<Seed> {
    match target {
        "audit_verify" => audit(scratch),
        "signature" => signature(),
        "module" => modules(),
        "wfdb_header" => wfdb_headers(),
        "wfdb_signal" => wfdb_signals(),
        "wfdb_annotation" => wfdb_annotations(),
        _ => Vec::new(),
    }
}

fn seed(name: &str, bytes: impl Into<Vec<u8>>) -> Seed {
    (name.to_owned(), bytes.into())
}

fn audit(scratch: &Path) -> Vec<Seed> {
    let path = scratch.join("seed-audit.db");
    let _ = std::fs::remove_file(&path);
    {
        let trail =
            medplug_host::audit::SqliteAuditTrail::open(&path).expect("a fresh audit trail");
        let record = |time: &str, outcome, lifecycle| AuditRecord {
            time: time.to_owned(),
            tenant: "clinic".to_owned(),
            actor: "dr-a".to_owned(),
            plugin: "lgpd-analyzer".to_owned(),
            plugin_version: "0.1.0".to_owned(),
            module_sha256: "ab".repeat(32),
            function: "analyze".to_owned(),
            input_sha256: "cd".repeat(32),
            input_bytes: 42,
            outcome,
            error_kind: None,
            duration_us: 1234,
            fuel_used: Some(99),
            host_calls: Vec::new(),
            events: vec![PluginEvent {
                event: "scan".to_owned(),
                message: "CPF ***".to_owned(),
            }],
            lifecycle,
            host_action: None,
        };
        trail
            .append(&record("2026-12-01T10:00:00.000Z", Outcome::Ok, None))
            .expect("append");
        trail
            .append(&record(
                "2026-12-01T10:00:01.000Z",
                Outcome::PluginError,
                None,
            ))
            .expect("append");
        trail
            .append(&record(
                "2026-12-01T10:00:02.000Z",
                Outcome::Ok,
                Some(LifecycleEntry {
                    event: "installed".to_owned(),
                    detail: "x.wasm".to_owned(),
                }),
            ))
            .expect("append");
    }
    let bytes = std::fs::read(&path).expect("the seed trail");
    let _ = std::fs::remove_file(&path);
    vec![seed("trail-3-records.db", bytes)]
}

/// The module every signature seed signs: a wasm header and a little more.
const SIGNED_MODULE: &[u8] = b"\0asm\x01\0\0\0";

fn signature() -> Vec<Seed> {
    let key = SigningKey::from_seed_hex(&"42".repeat(32)).expect("a fixed seed");
    let signed = key.sign(SIGNED_MODULE);
    let mut good = signed.to_file_contents().into_bytes();
    good.extend_from_slice(SIGNED_MODULE);
    let mut bare_key = key.public_key().to_string().into_bytes();
    bare_key.push(b'\n');
    vec![
        seed("signed-module.sig", good),
        seed("signature-only.sig", signed.to_file_contents()),
        seed("bare-key.txt", bare_key),
    ]
}

fn modules() -> Vec<Seed> {
    let wat = |name: &str, text: &str| seed(name, wat::parse_str(text).expect("valid wat"));
    vec![
        seed("header-only.bin", &b"\0asm\x01\0\0\0"[..]),
        wat("empty.bin", "(module)"),
        wat(
            "describe-traps.bin",
            r#"(module (func (export "describe") (result i32) unreachable) (memory (export "memory") 1))"#,
        ),
        wat(
            "describe-zero.bin",
            r#"(module
                 (import "extism:host/env" "output_set" (func $out (param i64 i64)))
                 (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
                 (func (export "describe") (result i32)
                   (call $out (call $alloc (i64.const 2)) (i64.const 2))
                   i32.const 0))"#,
        ),
    ]
}

fn wfdb_headers() -> Vec<Seed> {
    vec![
        seed(
            "full.hea",
            "# leading comment\r\n\
             rec_1 3 360/180(5) 1000 12:05:00 25/4/1989\r\n\
             a.dat 212 200(1000)/uV 11 1024 995 -22131 0 MLII lead\n\
             \n\
             a.dat 212 0 0 -3\n\
             b.dat 16+24\n\
             # 69 M\n",
        ),
        seed("minimal.hea", "r 0\n"),
        seed("frequencies.hea", "r 0 360/0 0\n"),
    ]
}

fn wfdb_signals() -> Vec<Seed> {
    let samples: [i16; 6] = [0, 1, -1, 2047, -2048, 100];
    let checksum = medplug_wfdb::checksum(&samples);
    let mut le16 = format!(
        "r 1 360 6\nr.dat 16 200 16 0 {} {checksum} 0 MLII\n",
        samples[0]
    )
    .into_bytes();
    le16.push(0);
    for s in samples {
        le16.extend_from_slice(&s.to_le_bytes());
    }
    // Format 212, two signals interleaved: frames (0, 1), (-1, 2047), (-2048, 100).
    let first: Vec<i16> = samples.iter().step_by(2).copied().collect();
    let second: Vec<i16> = samples.iter().skip(1).step_by(2).copied().collect();
    let mut packed = format!(
        "r 2 360 3\n\
         r.dat 212 200 12 0 0 {} 0 MLII\n\
         r.dat 212 200 12 0 1 {} 0 V5\n",
        medplug_wfdb::checksum(&first),
        medplug_wfdb::checksum(&second)
    )
    .into_bytes();
    packed.push(0);
    for pair in samples.chunks(2) {
        let (a, b) = ((pair[0] as u16) & 0x0fff, (pair[1] as u16) & 0x0fff);
        packed.extend_from_slice(&[
            (a & 0xff) as u8,
            ((a >> 8) | ((b >> 8) << 4)) as u8,
            (b & 0xff) as u8,
        ]);
    }
    let mut unspecified = b"r 1 250\nr.dat 16\n".to_vec();
    unspecified.push(0);
    unspecified.extend_from_slice(&[1, 0, 2, 0, 3, 0]);
    vec![
        seed("format-16.bin", le16),
        seed("format-212-two-signals.bin", packed),
        seed("no-length.bin", unspecified),
    ]
}

fn wfdb_annotations() -> Vec<Seed> {
    // annot(5): a 16-bit little-endian word, code in the top 6 bits, time difference in the low
    // 10; SKIP (59) is followed by a 32-bit PDP-11 long, AUX (63) by its length's bytes.
    let word = |code: u16, value: u16| ((code << 10) | (value & 0x3ff)).to_le_bytes();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&word(1, 100)); // N at 100
    bytes.extend_from_slice(&word(5, 300)); // V at 400
    bytes.extend_from_slice(&word(59, 0)); // SKIP
    bytes.extend_from_slice(&[0, 0, 0x10, 0]); // +16 (high word first)
    bytes.extend_from_slice(&word(28, 5)); // rhythm change
    bytes.extend_from_slice(&word(63, 4)); // AUX of 4 bytes
    bytes.extend_from_slice(b"(AFL");
    bytes.extend_from_slice(&word(61, 1)); // SUB
    bytes.extend_from_slice(&word(62, 2)); // CHN
    bytes.extend_from_slice(&word(60, 3)); // NUM
    bytes.extend_from_slice(&word(8, 10)); // A
    bytes.extend_from_slice(&[0, 0]);
    vec![
        seed("beats-skip-aux.atr", bytes),
        seed("empty.atr", &[0u8, 0][..]),
    ]
}
