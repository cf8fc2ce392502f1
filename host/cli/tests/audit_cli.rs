//! `medplug audit`, `medplug patients`, the key commands, and the audit trail of a process that
//! is killed in the middle of a burst of calls. Needs `cargo xtask build-plugins` first.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use medplug_host::audit::SqliteAuditTrail;
use serde_json::Value;

mod common;

use common::command;

fn medplug(dir: &Path, args: &[&str]) -> Result<Output> {
    Ok(command(dir, args)?.output()?)
}

fn stdout(out: &Output) -> Result<String> {
    if !out.status.success() {
        bail!("medplug failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout.clone())?)
}

fn audit_db(dir: &Path) -> PathBuf {
    dir.join("target/medplug/audit.db")
}

/// `medplug call lgpd-analyzer analyze --input FILE EXTRA…`, with `{"content": CONTENT}` written
/// to `FILE` in `dir`.
fn analyze_note(dir: &Path, content: &str, extra: &[&str]) -> Result<Command> {
    let input = dir.join("note.json");
    std::fs::write(
        &input,
        serde_json::json!({ "content": content }).to_string(),
    )?;
    let input = input.to_str().context("path")?;
    let args = ["call", "lgpd-analyzer", "analyze", "--input", input];
    command(dir, &[&args[..], extra].concat())
}

#[test]
fn audit_verify_and_export_read_what_the_calls_wrote_and_name_a_tampered_record() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let note = "Paciente CPF 529.982.247-25";
    stdout(&analyze_note(dir.path(), note, &["--repeat", "3"])?.output()?)?;
    let denied = analyze_note(dir.path(), note, &["--tenant", "clinica-fantasma"])?.output()?;
    assert_eq!(denied.status.code(), Some(1));
    let verified = stdout(&medplug(dir.path(), &["audit", "verify"])?)?;
    let db = audit_db(dir.path());
    let head = SqliteAuditTrail::open(&db)?.head()?.1;
    assert_eq!(
        verified,
        format!("{}: 4 records, chain intact, head {head}\n", db.display())
    );
    let exported = stdout(&medplug(dir.path(), &["audit", "export"])?)?;
    let records: Vec<Value> = exported
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let summary: Vec<(u64, &str, &str, &str)> = records
        .iter()
        .map(|r| {
            (
                r["sequence"].as_u64().unwrap_or(0),
                r["tenant"].as_str().unwrap_or(""),
                r["actor"].as_str().unwrap_or(""),
                r["outcome"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "clinica-horizonte", "cli", "ok"),
            (2, "clinica-horizonte", "cli", "ok"),
            (3, "clinica-horizonte", "cli", "ok"),
            (4, "clinica-fantasma", "cli", "denied"),
        ]
    );
    assert!(!exported.contains("529.982.247-25"));

    // An attacker with the file rewrites who made call 2.
    let connection = rusqlite::Connection::open(&db)?;
    let triggers: Vec<String> = connection
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for trigger in triggers {
        connection.execute_batch(&format!("DROP TRIGGER \"{trigger}\""))?;
    }
    connection.execute(
        "UPDATE audit_records SET record = replace(record, '\"actor\":\"cli\"', '\"actor\":\"ghost\"') WHERE sequence = 2",
        [],
    )?;
    drop(connection);
    let out = medplug(dir.path(), &["audit", "verify"])?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.starts_with(&format!(
            "medplug: {}: the chain is broken: record 2 ",
            db.display()
        )),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn a_process_killed_during_a_burst_leaves_a_trail_that_verifies() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut child =
        analyze_note(dir.path(), "CPF 529.982.247-25", &["--repeat", "1000000"])?.spawn()?;
    let db = audit_db(dir.path());
    let started = Instant::now();
    let committed = loop {
        if started.elapsed() > Duration::from_secs(120) {
            child.kill()?;
            bail!("no 50 records within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
        if !db.exists() {
            continue;
        }
        let count = SqliteAuditTrail::open(&db)?.count()?;
        if count >= 50 {
            break count;
        }
    };
    // SIGKILL: no destructor, no flush, possibly in the middle of an append.
    child.kill()?;
    child.wait()?;
    let report = medplug_host::audit::verify_file(&db)?;
    assert!(report.first_break.is_none(), "{:?}", report.first_break);
    assert!(
        report.records >= committed,
        "{} < {committed}",
        report.records
    );
    let verified = stdout(&medplug(dir.path(), &["audit", "verify"])?)?;
    assert!(
        verified.contains(&format!(": {} records, chain intact", report.records)),
        "{verified}"
    );
    Ok(())
}

#[test]
fn patients_seed_is_idempotent_and_keys_are_never_overwritten() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("target/medplug/patients.db");
    for _ in 0..2 {
        assert_eq!(
            stdout(&medplug(dir.path(), &["patients", "seed"])?)?,
            format!("{}: 5 demo patients\n", db.display())
        );
    }
    let key = dir.path().join("phi.key");
    let key_arg = key.to_str().context("path")?;
    stdout(&medplug(dir.path(), &["phi-key", "new", key_arg])?)?;
    let hex = std::fs::read_to_string(&key)?;
    assert_eq!(hex.trim().len(), 64);
    medplug_host::phi::PhiKey::from_file("k", &key)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key)?.permissions().mode() & 0o777, 0o600);
    }
    let again = medplug(dir.path(), &["phi-key", "new", key_arg])?;
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&key)?, hex);

    let signing = dir.path().join("signing.key");
    let signing_arg = signing.to_str().context("path")?;
    let out = stdout(&medplug(dir.path(), &["signing-key", "new", signing_arg])?)?;
    let public = medplug_host::signature::SigningKey::read(&signing)?.public_key();
    assert!(out.ends_with(&format!("\n{public}\n")), "{out}");
    assert_eq!(
        medplug(dir.path(), &["signing-key", "new", signing_arg])?
            .status
            .code(),
        Some(1)
    );
    Ok(())
}
