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

/// Set to the trail's path in the process [`crash_loop_child`] runs in.
const KILL_CHILD: &str = "MEDPLUG_AUDIT_KILL_CHILD";
/// Threads calling at once in each killed process.
const CALLERS: usize = 4;

/// Not a test on its own: the process `twenty_kills_during_concurrent_calls_lose_no_reported_record`
/// kills. Does nothing unless that test started it. Builds a host on the trail (durable, group
/// commit), then [`CALLERS`] threads call the `boundary` test plugin through it without end (a
/// module of 39 KB: it compiles in a moment, so twenty processes start fast); after each
/// call returns, its thread prints `appended SEQUENCE ACTOR` (the sequence of the call's record,
/// and the call's actor, unique to the call) and flushes, in one write.
#[test]
fn crash_loop_child() -> Result<()> {
    use std::io::Write;
    use std::sync::Arc;

    use medplug_host::audit::AuditSink;
    use medplug_host::{CallContext, Host};

    let Some(path) = std::env::var_os(KILL_CHILD) else {
        return Ok(());
    };
    let run = std::env::var("MEDPLUG_AUDIT_KILL_RUN")?;
    let trail: Arc<dyn AuditSink> = Arc::new(SqliteAuditTrail::open(path)?);
    let host = Host::builder()
        .audit_sink(trail)
        .plugin_bytes(
            "boundary.wasm",
            std::fs::read(common::plugins_dir().join("../test-plugins/boundary.wasm"))?,
        )
        .build()?;
    let input = br#"{"output_bytes":12,"pad":"fictional"}"#;
    let warm_up = CallContext::new("local", "warm-up");
    host.call_json_as(&warm_up, "boundary", "pass", input)?;
    // On a line of its own: the test harness has written `test crash_loop_child ... `.
    println!("\nready");
    std::io::stdout().flush()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    std::thread::scope(|scope| {
        for thread in 0..CALLERS {
            let (host, run) = (&host, &run);
            scope.spawn(move || {
                for n in 0.. {
                    assert!(Instant::now() < deadline, "never killed");
                    let actor = format!("r{run}-t{thread}-{n}");
                    let context = CallContext::new("local", &actor);
                    let receipt = host
                        .call_json_receipt(&context, "boundary", "pass", input)
                        .expect("a call");
                    let line = format!("appended {} {actor}\n", receipt.audit_sequence);
                    let mut out = std::io::stdout().lock();
                    out.write_all(line.as_bytes()).expect("stdout");
                    out.flush().expect("stdout");
                }
            });
        }
    });
    Ok(())
}

/// A child process killed when dropped, so that a failed assertion leaves no caller running.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// xorshift64: kill delays that differ from run to run and are the same every time.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn twenty_kills_during_concurrent_calls_lose_no_reported_record() -> Result<()> {
    use std::io::BufRead;
    use std::process::Stdio;

    let dir = tempfile::tempdir()?;
    let db = dir.path().join("audit.db");
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let (mut reported, mut runs) = (0_usize, Vec::new());
    for run in 0..20 {
        let delay = Duration::from_millis(50 + xorshift(&mut rng) % 351);
        let log = dir.path().join(format!("child-{run}.log"));
        let mut child = Child(
            Command::new(std::env::current_exe()?)
                .args([
                    "--exact",
                    "crash_loop_child",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(KILL_CHILD, &db)
                .env("MEDPLUG_AUDIT_KILL_RUN", run.to_string())
                .stdout(Stdio::piped())
                .stderr(std::fs::File::create(&log)?)
                .spawn()?,
        );
        let stdout = child.0.stdout.take().context("stdout")?;
        let (lines, received) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        loop {
            match received.recv_timeout(Duration::from_secs(60)) {
                Ok(line) if line == "ready" => break,
                Ok(_) => {}
                Err(e) => bail!(
                    "run {run}: the child never got ready ({e}): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                ),
            }
        }
        std::thread::sleep(delay);
        // SIGKILL: no destructor, no flush, in the middle of some append or other.
        child.0.kill()?;
        child.0.wait()?;
        reader
            .join()
            .map_err(|_| anyhow::anyhow!("reader panicked"))?;
        let appended: Vec<(u64, String)> = received
            .try_iter()
            .filter_map(|line| {
                let rest = line.strip_prefix("appended ")?;
                let (sequence, actor) = rest.split_once(' ')?;
                Some((sequence.parse().ok()?, actor.to_owned()))
            })
            .collect();

        let report = medplug_host::audit::verify_file(&db)?;
        assert!(report.is_intact(), "run {run}: {report}");
        let records = SqliteAuditTrail::open(&db)?.records()?;
        assert_eq!(records.len() as u64, report.records, "run {run}");
        let prefix = format!("r{run}-");
        let found = records
            .iter()
            .filter(|r| r.record.actor.starts_with(&prefix))
            .count();
        for (sequence, actor) in &appended {
            let record = usize::try_from(*sequence)
                .ok()
                .and_then(|s| records.get(s.checked_sub(1)?))
                .with_context(|| format!("run {run}: record {sequence} ({actor}) is missing"))?;
            assert_eq!(
                (
                    record.sequence,
                    record.record.actor.as_str(),
                    record.record.outcome.as_str()
                ),
                (*sequence, actor.as_str(), "ok"),
                "run {run}"
            );
        }
        // Beyond the calls that returned, only those in flight when the kill came (at most one
        // per caller) may have committed without their caller hearing of it.
        assert!(
            (appended.len()..=appended.len() + CALLERS).contains(&found),
            "run {run}: {found} records, {} calls returned",
            appended.len()
        );
        reported += appended.len();
        runs.push((delay.as_millis(), appended.len(), found));
    }
    eprintln!("kill after ms, calls that returned, records of the run:");
    for (run, (delay, returned, found)) in runs.iter().enumerate() {
        eprintln!("run {run:>2}: {delay:>4} ms {returned:>5} {found:>5}");
    }
    let records = SqliteAuditTrail::open(&db)?.count()?;
    eprintln!("{reported} calls returned, {records} records, chain intact after every kill");
    // The runs did call: most kills land after some calls have returned.
    assert!(reported >= 20, "{reported} calls returned in 20 runs");
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

/// What an attacker who can write the database does: drops the append-only triggers, edits
/// record `sequence` with `edit`, and rebuilds the chain after it — every hash and prev_hash
/// recomputed, the head moved — so that a plain `verify` finds nothing wrong.
fn rewrite_with_recomputed_hashes(
    db: &Path,
    sequence: u64,
    edit: impl Fn(&mut medplug_host::audit::AuditRecord),
) -> Result<()> {
    use medplug_host::audit::ChainedRecord;

    let connection = rusqlite::Connection::open(db)?;
    let triggers: Vec<String> = connection
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for trigger in triggers {
        connection.execute_batch(&format!("DROP TRIGGER \"{trigger}\""))?;
    }
    let rows: Vec<String> = connection
        .prepare("SELECT record FROM audit_records ORDER BY sequence")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut prev: Option<String> = None;
    for json in rows {
        let mut record: ChainedRecord = serde_json::from_str(&json)?;
        if record.sequence >= sequence {
            if record.sequence == sequence {
                edit(&mut record.record);
            }
            if let Some(prev) = &prev {
                record.prev_hash.clone_from(prev);
            }
            record.hash = record.compute_hash()?;
            connection.execute(
                "UPDATE audit_records SET record = ?1, hash = ?2, prev_hash = ?3, tenant = ?4, \
                 plugin = ?5, time = ?6 WHERE sequence = ?7",
                rusqlite::params![
                    record.to_json()?,
                    record.hash,
                    record.prev_hash,
                    record.record.tenant,
                    record.record.plugin,
                    record.record.time,
                    i64::try_from(record.sequence)?,
                ],
            )?;
        }
        prev = Some(record.hash);
    }
    connection.execute(
        "UPDATE audit_head SET hash = ?1 WHERE id = 1",
        [prev.context("an empty trail")?],
    )?;
    Ok(())
}

#[test]
fn a_signed_checkpoint_catches_a_chain_rewritten_with_every_hash_recomputed() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let note = "Paciente CPF 529.982.247-25";
    stdout(&analyze_note(dir.path(), note, &["--repeat", "3"])?.output()?)?;
    let key = dir.path().join("checkpoint.key");
    let key_arg = key.to_str().context("path")?;
    let public = stdout(&medplug(dir.path(), &["signing-key", "new", key_arg])?)?
        .split_whitespace()
        .last()
        .context("no public key")?
        .to_owned();
    let db = audit_db(dir.path());
    let head = SqliteAuditTrail::open(&db)?.head()?.1;
    let checkpoints = dir.path().join("checkpoints");
    let args = ["audit", "checkpoint", "--key", key_arg, "--dir"];
    let written = stdout(&medplug(
        dir.path(),
        &[&args[..], &[checkpoints.to_str().context("path")?]].concat(),
    )?)?;
    let file = checkpoints.join("checkpoint-3.json");
    assert!(
        written.starts_with(&format!(
            "{}: record 3, hash {head}, signed by {public} at ",
            file.display()
        )),
        "{written}"
    );
    let file_arg = file.to_str().context("path")?;
    let verify = ["audit", "verify", "--checkpoint", file_arg];
    fn with<'a>(verify: &[&'a str], key: &'a str) -> Vec<&'a str> {
        [verify, &["--trusted-key", key]].concat()
    }
    let with_key = |key| with(&verify, key);

    // More calls after the checkpoint: it still holds.
    stdout(&analyze_note(dir.path(), note, &[])?.output()?)?;
    let holds = stdout(&medplug(dir.path(), &with_key(&public))?)?;
    assert!(
        holds.starts_with(&format!("{}: 4 records, chain intact, head ", db.display()))
            && holds.contains(&format!(
                "; checkpoint {file_arg} holds: record 3 has hash {head} (signed by {public} at "
            )),
        "{holds}"
    );

    // A checkpoint signed by a key not trusted, or edited after signing, is refused.
    let stranger = medplug_host::signature::SigningKey::generate().public_key();
    let stranger = stranger.to_string();
    let out = medplug(dir.path(), &with_key(&stranger))?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains(&format!(
            "{file_arg} is signed by key {public}, which is not trusted"
        )),
        "{stderr}"
    );
    let edited = checkpoints.join("edited.json");
    std::fs::write(
        &edited,
        std::fs::read_to_string(&file)?.replace("\"sequence\": 3", "\"sequence\": 2"),
    )?;
    let edited_arg = edited.to_str().context("path")?;
    let out = medplug(
        dir.path(),
        &[
            "audit",
            "verify",
            "--checkpoint",
            edited_arg,
            "--trusted-key",
            &public,
        ],
    )?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains(&format!("{edited_arg} has a bad signature")),
        "{stderr}"
    );

    // The attacker rewrites who made call 2 and recomputes every hash after it, head included.
    rewrite_with_recomputed_hashes(&db, 2, |record| record.actor = "ghost".to_owned())?;
    let plain = stdout(&medplug(dir.path(), &["audit", "verify"])?)?;
    assert!(
        plain.starts_with(&format!("{}: 4 records, chain intact, head ", db.display())),
        "{plain}"
    );
    let out = medplug(dir.path(), &with_key(&public))?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.starts_with(&format!(
            "medplug: {}: checkpoint {file_arg} (record 3, ",
            db.display()
        )) && stderr.contains(&format!(
            "does not hold: record 3 has hash {}",
            SqliteAuditTrail::open(&db)?.records()?[2].hash
        )) && stderr.contains(&format!(
            ", but the checkpoint says {head}: a record at or before 3 was rewritten"
        )),
        "{stderr}"
    );
    Ok(())
}
