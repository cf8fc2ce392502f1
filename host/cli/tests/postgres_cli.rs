//! `medplug audit` and `medplug patients` on a PostgreSQL database (a server of the test's own):
//! the owner grants the service's role its rights, the service's role seeds, appends and
//! verifies, a tampered record is named, a checkpoint is written and checked, and passwords stay
//! out of URLs and messages.

use std::path::Path;
use std::process::Output;

use anyhow::{Context, Result, bail};
use medplug_host::audit::{AuditRecord, AuditSink, Outcome, PostgresAuditTrail};
use medplug_host::policy::PostgresUrl;
use medplug_testdb::TestPostgres;

mod common;

/// `medplug ARGS` with `password` in `PGPASSWORD`.
fn medplug(dir: &Path, args: &[&str], password: &str) -> Result<Output> {
    Ok(common::command(dir, args)?
        .env("PGPASSWORD", password)
        .output()?)
}

fn stdout(out: &Output) -> Result<String> {
    if !out.status.success() {
        bail!("medplug failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout.clone())?)
}

fn record(actor: &str) -> AuditRecord {
    AuditRecord::of_host_action(
        "clinica-horizonte",
        actor,
        Outcome::Ok,
        medplug_host::audit::HostAction::PolicyInForce {
            source: "medplug.toml".to_owned(),
            sha256: "ab".repeat(32),
        },
    )
}

/// A new database whose owner, through `medplug audit|patients|quotas grant`, gave
/// `medplug_service` its rights (each grant's answer checked); its URL as that role, and its
/// name.
fn granted_database(dir: &Path, password: &str) -> Result<(String, String)> {
    let owner_url = TestPostgres::shared().create_database("cli");
    let database = owner_url
        .rsplit('/')
        .next()
        .context("a database")?
        .to_owned();
    let granted = stdout(&medplug(
        dir,
        &["audit", "grant", "medplug_service", "--db", &owner_url],
        password,
    )?)?;
    assert_eq!(
        granted,
        format!(
            "{owner_url}: role medplug_service may read and append the audit trail, nothing more:\n\
             GRANT SELECT ON medplug_schema TO medplug_service;\n\
             GRANT SELECT, INSERT ON audit_records TO medplug_service;\n\
             GRANT SELECT, UPDATE ON audit_head TO medplug_service;\n\
             GRANT EXECUTE ON FUNCTION medplug_audit_append(TEXT[], TEXT[], TEXT[], TEXT[], TEXT[]) TO medplug_service;\n"
        )
    );
    stdout(&medplug(
        dir,
        &["patients", "grant", "medplug_service", "--db", &owner_url],
        password,
    )?)?;
    let granted = stdout(&medplug(
        dir,
        &["quotas", "grant", "medplug_service", "--db", &owner_url],
        password,
    )?)?;
    assert!(
        granted.ends_with(
            "GRANT EXECUTE ON FUNCTION medplug_quota_take(TEXT, TEXT, TEXT, INTEGER, BIGINT) TO medplug_service;\n"
        ),
        "{granted}"
    );
    Ok((
        owner_url.replace("://medplug@", "://medplug_service@"),
        database,
    ))
}

/// The service's role, on a granted database, keeps quota windows and seeds patients, and the
/// trail it appends to is verified and exported by `medplug audit … --db postgres://…`.
#[test]
fn the_service_role_keeps_quotas_seeds_appends_verifies_and_exports() -> Result<()> {
    let password = TestPostgres::shared().password();
    let dir = tempfile::tempdir()?;
    let (service_url, _) = granted_database(dir.path(), password)?;
    let quotas = medplug_host::PostgresQuotas::connect_with_password(
        &PostgresUrl::parse(&service_url).map_err(anyhow::Error::msg)?,
        password,
    )?;
    let hour = std::time::Duration::from_secs(3600);
    assert_eq!(quotas.take("t", "p", "", 1, hour)?, Ok(()));
    assert!(quotas.take("t", "p", "", 1, hour)?.is_err());
    // The service's role: seeds patients, appends, verifies.
    let seeded = stdout(&medplug(
        dir.path(),
        &["patients", "seed", "--db", &service_url],
        password,
    )?)?;
    assert!(seeded.starts_with(&format!("{service_url}: ")), "{seeded}");
    let url = PostgresUrl::parse(&service_url).map_err(anyhow::Error::msg)?;
    let trail = PostgresAuditTrail::connect_with_password(&url, password)?;
    for actor in ["a", "b", "c"] {
        trail.append(&record(actor))?;
    }
    let head = trail.head()?.1;
    let verify = ["audit", "verify", "--db", service_url.as_str()];
    assert_eq!(
        stdout(&medplug(dir.path(), &verify, password)?)?,
        format!("{service_url}: 3 records, chain intact, head {head}\n")
    );
    let exported = stdout(&medplug(
        dir.path(),
        &["audit", "export", "--db", &service_url],
        password,
    )?)?;
    let lines: Vec<String> = trail
        .records()?
        .iter()
        .map(|r| r.to_json().map(|json| json + "\n"))
        .collect::<Result<_, _>>()?;
    assert_eq!(exported, lines.concat());

    Ok(())
}

/// A signed checkpoint on PostgreSQL catches record 2 rewritten with every hash after it
/// recomputed; plain verify names an edit that recomputed nothing.
#[test]
fn a_checkpoint_catches_a_rewrite_and_verify_names_an_edit() -> Result<()> {
    let server = TestPostgres::shared();
    let password = server.password();
    let dir = tempfile::tempdir()?;
    let (service_url, database) = granted_database(dir.path(), password)?;
    let url = PostgresUrl::parse(&service_url).map_err(anyhow::Error::msg)?;
    let trail = PostgresAuditTrail::connect_with_password(&url, password)?;
    for actor in ["a", "b", "c"] {
        trail.append(&record(actor))?;
    }
    let verify = ["audit", "verify", "--db", service_url.as_str()];

    // A signed checkpoint, then a rewrite of record 2 with every hash after it recomputed.
    let key = dir.path().join("checkpoint.key");
    let key_arg = key.to_str().context("path")?;
    let public = stdout(&medplug(
        dir.path(),
        &["signing-key", "new", key_arg],
        password,
    )?)?
    .split_whitespace()
    .last()
    .context("a public key")?
    .to_owned();
    let checkpoints = dir.path().join("checkpoints");
    let dir_arg = checkpoints.to_str().context("path")?;
    stdout(&medplug(
        dir.path(),
        &[
            "audit",
            "checkpoint",
            "--db",
            &service_url,
            "--key",
            key_arg,
            "--dir",
            dir_arg,
        ],
        password,
    )?)?;
    let file = checkpoints.join("checkpoint-3.json");
    let mut records = trail.records()?;
    records[1].record.actor = "forged".to_owned();
    let mut sql = String::from("SET session_replication_role = replica;\n");
    for i in 1..records.len() {
        records[i].prev_hash = records[i - 1].hash.clone();
        records[i].hash = records[i].compute_hash()?;
        sql.push_str(&format!(
            "UPDATE audit_records SET prev_hash = '{}', hash = '{}', record = '{}' WHERE sequence = {};\n",
            records[i].prev_hash,
            records[i].hash,
            records[i].to_json()?.replace('\'', "''"),
            records[i].sequence
        ));
    }
    sql.push_str(&format!(
        "UPDATE audit_head SET hash = '{}' WHERE id = 1;",
        records[2].hash
    ));
    server.psql(&database, &sql);
    // The forgery verifies on its own; the checkpoint names it.
    stdout(&medplug(dir.path(), &verify, password)?)?;
    let file_arg = file.to_str().context("path")?;
    let against = medplug(
        dir.path(),
        &[
            &verify[..],
            &["--checkpoint", file_arg, "--trusted-key", &public],
        ]
        .concat(),
        password,
    )?;
    assert_eq!(against.status.code(), Some(1));
    let stderr = String::from_utf8(against.stderr)?;
    assert!(
        stderr.contains("does not hold: record 3 has hash"),
        "{stderr}"
    );

    // An edit without recomputing is named by plain verify.
    server.psql(
        &database,
        "SET session_replication_role = replica;\n\
         UPDATE audit_records SET tenant = 'cardio-sul' WHERE sequence = 2;",
    );
    let broken = medplug(dir.path(), &verify, password)?;
    assert_eq!(broken.status.code(), Some(1));
    let stderr = String::from_utf8(broken.stderr)?;
    assert!(
        stderr.contains(
            "the chain is broken: record 2 was edited: its tenant column does not match its content"
        ),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn passwords_stay_out_of_urls_and_messages() -> Result<()> {
    let server = TestPostgres::shared();
    let url = server.create_database("cli_password");
    let dir = tempfile::tempdir()?;
    let with_password = url.replace("://medplug@", "://medplug:hunter2@");
    let out = medplug(dir.path(), &["audit", "verify", "--db", &with_password], "")?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("a PostgreSQL URL must not hold a password: set the environment variable PGPASSWORD instead"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"));
    let out = medplug(
        dir.path(),
        &["audit", "verify", "--db", &url],
        "hunter2-wrong",
    )?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("password authentication failed for user \"medplug\""),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"));
    // A database with no trail: verify creates nothing.
    let out = medplug(
        dir.path(),
        &["audit", "verify", "--db", &url],
        server.password(),
    )?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains(&format!("audit trail {url} does not exist")),
        "{stderr}"
    );
    let tables = server.psql(
        url.rsplit('/').next().context("a database")?,
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
    );
    assert_eq!(tables.trim(), "0");
    Ok(())
}
