//! What only the PostgreSQL backend has: a service role that may append and nothing more,
//! replicas that start together, connections that die, and a password kept out of every
//! message.

use std::sync::Arc;

use medplug_host::audit::{AuditSink, AuditTrail, PostgresAuditTrail};
use medplug_host::policy::PostgresUrl;
use medplug_testdb::TestPostgres;

use crate::audit_suite::record;
use crate::backends::{Fixture, Kind, client, password};

/// `url` with another user.
fn as_role(url: &PostgresUrl, role: &str) -> PostgresUrl {
    PostgresUrl::parse(&url.as_str().replace("://medplug@", &format!("://{role}@"))).unwrap()
}

#[test]
fn the_service_role_appends_and_can_neither_change_nor_unguard_the_trail() {
    let fixture = Fixture::new(Kind::Postgres, "service_role");
    let owner = PostgresAuditTrail::connect_with_password(fixture.url(), password()).unwrap();
    owner.append(&record("t", "owner")).unwrap();
    let service_url = as_role(fixture.url(), "medplug_service");
    // Before the grants: the service role may not even read the trail.
    let error = PostgresAuditTrail::connect_with_password(&service_url, password()).unwrap_err();
    assert!(error.to_string().contains("permission denied"), "{error}");
    owner.grant_service("medplug_service").unwrap();
    let service = PostgresAuditTrail::connect_with_password(&service_url, password()).unwrap();
    service.check_writable().unwrap();
    assert_eq!(service.append(&record("t", "service")).unwrap(), 2);
    let mut raw = client(&service_url, "medplug_service");
    for (sql, refusal) in [
        (
            "UPDATE audit_records SET tenant = 'x'",
            "permission denied for table audit_records",
        ),
        (
            "DELETE FROM audit_records",
            "permission denied for table audit_records",
        ),
        (
            "TRUNCATE audit_records",
            "permission denied for table audit_records",
        ),
        (
            "DROP TRIGGER audit_records_no_change ON audit_records",
            "must be owner of relation audit_records",
        ),
        (
            "DELETE FROM audit_head",
            "permission denied for table audit_head",
        ),
        (
            "ALTER TABLE audit_records DISABLE TRIGGER ALL",
            "must be owner of table audit_records",
        ),
    ] {
        let error = raw.batch_execute(sql).unwrap_err();
        let message = error
            .as_db_error()
            .map(|e| e.message().to_owned())
            .unwrap_or_default();
        assert_eq!(message, refusal, "{sql}");
    }
    // The head may only move over appended records, even for a role allowed to update it.
    let error = raw
        .batch_execute("UPDATE audit_head SET sequence = 3, hash = 'forged' WHERE id = 1")
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the audit head must move over appended records")
    );
    // The owner is held by the triggers.
    let mut owner_raw = client(fixture.url(), "medplug");
    let error = owner_raw
        .batch_execute("TRUNCATE audit_records")
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("audit records are append-only (TRUNCATE refused)")
    );
    assert!(service.verify().unwrap().is_intact());
    // A role without the grants is not ready to append.
    owner_raw
        .batch_execute("REVOKE INSERT ON audit_records FROM medplug_service")
        .unwrap();
    let error = service.check_writable().unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "audit trail {service_url}: cannot append: this role may not append (INSERT on audit_records, UPDATE on audit_head)"
        )
    );
}

#[test]
fn replicas_starting_together_create_the_schema_once() {
    let fixture = Fixture::new(Kind::Postgres, "start_together");
    let url = fixture.url().clone();
    let trails: Vec<Arc<PostgresAuditTrail>> = std::thread::scope(|scope| {
        let starting: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                scope.spawn(move || {
                    Arc::new(PostgresAuditTrail::connect_with_password(&url, password()).unwrap())
                })
            })
            .collect();
        starting.into_iter().map(|s| s.join().unwrap()).collect()
    });
    for (n, trail) in trails.iter().enumerate() {
        assert_eq!(trail.append(&record("t", "a")).unwrap(), n as u64 + 1);
    }
    let versions = TestPostgres::shared().psql(
        fixture.database(),
        "SELECT component || '=' || version FROM medplug_schema ORDER BY component",
    );
    assert_eq!(versions.trim(), "audit=1");
}

#[test]
fn a_writer_killed_while_holding_the_head_leaves_no_trace() {
    let fixture = Fixture::new(Kind::Postgres, "killed_writer");
    let trail =
        Arc::new(PostgresAuditTrail::connect_with_password(fixture.url(), password()).unwrap());
    trail.append(&record("t", "before")).unwrap();
    // A replica mid-append: the head locked, a record inserted, no commit.
    let mut doomed = client(fixture.url(), "medplug");
    let pid: i32 = doomed
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    doomed
        .batch_execute(
            "BEGIN; SELECT * FROM audit_head WHERE id = 1 FOR UPDATE;
             INSERT INTO audit_records VALUES (2, 't', 't', 'p', 'ok', 'x', 'half', 'half-written');",
        )
        .unwrap();
    let waiting = {
        let trail = Arc::clone(&trail);
        std::thread::spawn(move || trail.append(&record("t", "after")))
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !waiting.is_finished(),
        "the append waits for the head's lock"
    );
    // kill -9 of the replica's connection, as the server sees it.
    TestPostgres::shared().psql("postgres", &format!("SELECT pg_terminate_backend({pid})"));
    assert_eq!(waiting.join().unwrap().unwrap(), 2);
    let records = trail.records().unwrap();
    assert_eq!(
        records
            .iter()
            .map(|r| r.record.actor.as_str())
            .collect::<Vec<_>>(),
        ["before", "after"]
    );
    assert!(trail.verify().unwrap().is_intact());
}

#[test]
fn a_connection_the_server_drops_is_replaced() {
    let fixture = Fixture::new(Kind::Postgres, "dropped_connection");
    let trail = PostgresAuditTrail::connect_with_password(fixture.url(), password()).unwrap();
    trail.append(&record("t", "a")).unwrap();
    TestPostgres::shared().psql(
        "postgres",
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{}' AND application_name = 'medplug-audit'",
            fixture.database()
        ),
    );
    // The append meets the dead connections at BEGIN, where nothing was sent, and takes new ones.
    assert_eq!(trail.append(&record("t", "b")).unwrap(), 2);
    let report = trail.verify().unwrap();
    assert!(report.is_intact());
    assert_eq!(report.records, 2);
}

#[test]
fn a_wrong_password_is_named_without_the_password() {
    let fixture = Fixture::new(Kind::Postgres, "wrong_password");
    let error =
        PostgresAuditTrail::connect_with_password(fixture.url(), "hunter2-wrong").unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("password authentication failed for user \"medplug\""),
        "{message}"
    );
    assert!(!message.contains("hunter2"));
    let trail = PostgresAuditTrail::connect_with_password(fixture.url(), password()).unwrap();
    let debug = format!("{trail:?}");
    assert!(!debug.contains(password()), "{debug}");
    let _: &dyn AuditTrail = &trail;
}

#[test]
fn the_patient_store_outlives_its_connections() {
    use medplug_host::patients::{PatientRecord, PatientStore, PostgresPatientStore};
    let fixture = Fixture::new(Kind::Postgres, "patients_dropped");
    let store = PostgresPatientStore::connect_with_password(fixture.url(), password()).unwrap();
    let patient = PatientRecord {
        patient_id: "HZ-7".to_owned(),
        tenant: "horizonte".to_owned(),
        name: "Paciente Fictícia".to_owned(),
        birth_date: None,
        sex: None,
        consents: ["privacy".to_owned()].into(),
    };
    // Fill the pool: concurrent reads open several connections.
    store.put(&patient).unwrap();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| store.get("HZ-7").unwrap());
        }
    });
    TestPostgres::shared().psql(
        "postgres",
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{}' AND application_name = 'medplug-patients'",
            fixture.database()
        ),
    );
    // Every operation finds its connection dropped, discards it and runs again on a new one.
    assert_eq!(store.get("HZ-7").unwrap(), Some(patient.clone()));
    store.set_consent("HZ-7", "dermatology", true).unwrap();
    assert_eq!(store.count("horizonte").unwrap(), 1);
    assert_eq!(store.get("HZ-7").unwrap().unwrap().consents.len(), 2);
}

#[test]
fn with_the_server_gone_appends_fail_closed_and_the_probe_says_so_quickly() {
    let server = TestPostgres::start().unwrap();
    let url = PostgresUrl::parse(&server.create_database("gone")).unwrap();
    let trail = PostgresAuditTrail::connect_with_password(&url, server.password()).unwrap();
    trail.append(&record("t", "before")).unwrap();
    server.stop();
    let started = std::time::Instant::now();
    let error = trail.check_writable().unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "the probe took {:?}",
        started.elapsed()
    );
    assert!(
        error
            .to_string()
            .starts_with(&format!("audit trail {url}: ")),
        "{error}"
    );
    let error = trail.append(&record("t", "after")).unwrap_err();
    assert!(
        matches!(error, medplug_host::audit::AuditError::Postgres { .. }),
        "{error}"
    );
}
