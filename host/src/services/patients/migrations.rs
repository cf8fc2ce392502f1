//! The patient database's schema, as an ordered list of migrations tracked by
//! `PRAGMA user_version`.
//!
//! Migration `n` takes a database from version `n - 1` to `n`, in one transaction that also sets
//! `user_version`: a failed step leaves the database at the version before it. A database newer
//! than [`SCHEMA_VERSION`] was written by a newer medplug and is refused, never modified. Steps
//! are only ever appended; an applied step is never edited.

use rusqlite::{Connection, TransactionBehavior};

use super::error::{PatientStoreError, db};

/// One schema step.
pub(super) struct Migration {
    /// The version the step reaches.
    pub(super) version: i64,
    /// What it does, for error messages.
    pub(super) description: &'static str,
    /// The statements.
    pub(super) sql: &'static str,
}

/// Every step, in order; `MIGRATIONS[i].version == i + 1`.
pub(super) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "create patients",
        sql: "CREATE TABLE patients (
                  patient_id TEXT PRIMARY KEY NOT NULL,
                  tenant     TEXT NOT NULL,
                  name       TEXT NOT NULL,
                  birth_date TEXT,
                  sex        TEXT CHECK (sex IN ('female', 'male', 'other'))
              ) STRICT;
              CREATE INDEX patients_by_tenant ON patients (tenant);",
    },
    Migration {
        version: 2,
        // LGPD Art. 11 I: consent is specific to a purpose, here a specialty; Art. 8 §5: it can
        // be revoked, which deletes the row. Deleting a patient deletes its consents.
        description: "create consents",
        sql: "CREATE TABLE consents (
                  patient_id TEXT NOT NULL
                      REFERENCES patients (patient_id) ON DELETE CASCADE,
                  specialty  TEXT NOT NULL,
                  granted_at TEXT NOT NULL,
                  PRIMARY KEY (patient_id, specialty)
              ) STRICT;",
    },
];

/// The schema version this build writes: the last migration's.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The database's `PRAGMA user_version`.
pub(super) fn user_version(conn: &Connection) -> Result<i64, PatientStoreError> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(db("read the schema version"))
}

/// Brings the database to [`SCHEMA_VERSION`].
pub(super) fn migrate(conn: &mut Connection) -> Result<(), PatientStoreError> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Applies the steps up to `target`, each in its own transaction. Refuses a database newer than
/// [`SCHEMA_VERSION`] before touching it.
pub(super) fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), PatientStoreError> {
    check_not_newer(user_version(conn)?)?;
    for step in MIGRATIONS.iter().filter(|step| step.version <= target) {
        let fail = |source| PatientStoreError::Migration {
            version: step.version,
            description: step.description,
            source,
        };
        // IMMEDIATE takes the write lock before reading the version, so two processes opening
        // the same file do not both apply a step.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let current = user_version(&tx)?;
        check_not_newer(current)?;
        if current >= step.version {
            continue;
        }
        tx.execute_batch(step.sql).map_err(fail)?;
        tx.pragma_update(None, "user_version", step.version)
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

fn check_not_newer(found: i64) -> Result<(), PatientStoreError> {
    if found > SCHEMA_VERSION {
        return Err(PatientStoreError::SchemaTooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::sqlite_store::SqlitePatientStore;
    use super::super::store::PatientStore;
    use super::*;

    fn table_exists(conn: &Connection, table: &str) -> bool {
        conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |row| row.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    }

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, step) in MIGRATIONS.iter().enumerate() {
            assert_eq!(step.version, i as i64 + 1, "{}", step.description);
        }
        assert_eq!(SCHEMA_VERSION, 2);
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        assert!(table_exists(&conn, "patients") && table_exists(&conn, "consents"));
    }

    #[test]
    fn a_version_1_database_is_upgraded_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("patients.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, 1).unwrap();
            assert_eq!(user_version(&conn).unwrap(), 1);
            assert!(!table_exists(&conn, "consents"));
            conn.execute(
                "INSERT INTO patients VALUES ('HZ-0001', 'clinica-horizonte', 'Ana', '1980-04-12', 'female')",
                [],
            )
            .unwrap();
        }
        let store = SqlitePatientStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 2);
        let patient = store.get("HZ-0001").unwrap().unwrap();
        assert_eq!(patient.name, "Ana");
        assert!(patient.consents.is_empty());
        store.set_consent("HZ-0001", "dermatology", true).unwrap();
        assert!(
            store
                .get("HZ-0001")
                .unwrap()
                .unwrap()
                .has_consent("dermatology")
        );
    }

    #[test]
    fn a_newer_database_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 7).unwrap();
        }
        let err = SqlitePatientStore::open(&path).unwrap_err();
        assert!(matches!(
            err,
            PatientStoreError::SchemaTooNew { found: 7, known: 2 }
        ));
        assert_eq!(
            err.to_string(),
            "patient database schema version 7 is newer than version 2, the newest this medplug \
             knows: upgrade medplug to open it"
        );
        let conn = Connection::open(&path).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 7);
        assert!(!table_exists(&conn, "patients"));
    }

    #[test]
    fn a_failed_step_leaves_the_previous_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 1).unwrap();
        // A stray table in the way of step 2.
        conn.execute_batch("CREATE TABLE consents (x INTEGER)")
            .unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "patient database migration to schema version 2 (create consents) failed: "
            ),
            "{err}"
        );
        assert_eq!(user_version(&conn).unwrap(), 1);
    }
}
