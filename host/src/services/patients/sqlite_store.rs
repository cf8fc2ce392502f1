//! [`SqlitePatientStore`]: the patient store in SQLite, one connection behind a mutex.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use medplug_pdk::host_fns::Sex;
use rusqlite::{Connection, OptionalExtension, params};

use super::error::{PatientStoreError, db, quote};
use super::migrations;
use super::record::{PatientRecord, check_id};
use super::store::PatientStore;

/// Records a consent, stamped UTC to the second by SQLite's clock; granting again keeps the first
/// grant time, since consent never lapsed in between.
const GRANT: &str = "INSERT INTO consents (patient_id, specialty, granted_at)
     VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) ON CONFLICT DO NOTHING";

/// Withdraws a consent (LGPD Art. 8 §5): the host's next read sees it gone.
const REVOKE: &str = "DELETE FROM consents WHERE patient_id = ?1 AND specialty = ?2";

/// A patient's consented specialties.
const CONSENTS: &str = "SELECT specialty FROM consents WHERE patient_id = ?1";

/// How long a statement waits for another process's write lock on the same file.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Patients and consents in a SQLite database, a file or memory.
///
/// `patient_id` is the primary key, unique across tenants; each row carries its tenant. Foreign
/// keys are on: withdrawing a patient's row withdraws its consents. The schema is brought up to
/// date on open (see [`SCHEMA_VERSION`](super::SCHEMA_VERSION)).
pub struct SqlitePatientStore {
    conn: Mutex<Connection>,
    location: String,
}

impl SqlitePatientStore {
    /// Opens (creating if needed) the database file at `path` and migrates it. A database
    /// written by a newer medplug is refused
    /// ([`SchemaTooNew`](PatientStoreError::SchemaTooNew)).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, PatientStoreError> {
        let path = path.as_ref();
        let conn = Connection::open(path).map_err(|source| PatientStoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_connection(conn, path.display().to_string())
    }

    /// A new, empty database in memory, gone when the store is dropped.
    pub fn in_memory() -> Result<Self, PatientStoreError> {
        let conn = Connection::open_in_memory().map_err(db("open an in-memory database"))?;
        Self::from_connection(conn, ":memory:".into())
    }

    fn from_connection(mut conn: Connection, location: String) -> Result<Self, PatientStoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(db("set the busy timeout"))?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(db("turn foreign keys on"))?;
        migrations::migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            location,
        })
    }

    /// The database's schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64, PatientStoreError> {
        migrations::user_version(&self.lock())
    }

    /// The connection. A panic while it was held cannot leave a transaction open (rusqlite
    /// rolls back on drop), so a poisoned lock is still safe to use.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for SqlitePatientStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlitePatientStore")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl PatientStore for SqlitePatientStore {
    fn get(&self, patient_id: &str) -> Result<Option<PatientRecord>, PatientStoreError> {
        let operation = || format!("read patient {}", quote(patient_id));
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(db(operation()))?;
        let row = tx
            .query_row(
                "SELECT tenant, name, birth_date, sex FROM patients WHERE patient_id = ?1",
                [patient_id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, Option<String>>(2)?,
                        row.get::<_, Option<String>>(3)?,
                    ))
                },
            )
            .optional()
            .map_err(db(operation()))?;
        let Some((tenant, name, birth_date, sex)) = row else {
            return Ok(None);
        };
        let sex = stored_sex(patient_id, sex)?;
        let consents = tx
            .prepare(CONSENTS)
            .and_then(|mut stmt| {
                stmt.query_map([patient_id], |row| row.get::<_, String>(0))?
                    .collect::<Result<BTreeSet<_>, _>>()
            })
            .map_err(db(operation()))?;
        Ok(Some(PatientRecord {
            patient_id: patient_id.to_owned(),
            tenant,
            name,
            birth_date,
            sex,
            consents,
        }))
    }

    fn put(&self, record: &PatientRecord) -> Result<(), PatientStoreError> {
        record.validate()?;
        let id = record.patient_id.as_str();
        let mut conn = self.lock();
        let fail = db(format!("write patient {}", quote(id)));
        let result = (|| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO patients (patient_id, tenant, name, birth_date, sex)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (patient_id) DO UPDATE SET tenant = excluded.tenant,
                     name = excluded.name, birth_date = excluded.birth_date, sex = excluded.sex",
                params![
                    id,
                    record.tenant,
                    record.name,
                    record.birth_date,
                    record.sex.map(sex_to_sql)
                ],
            )?;
            // Withdraw what is no longer consented to; keep the grant time of what still is.
            let stored: Vec<String> = tx
                .prepare(CONSENTS)?
                .query_map([id], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            for specialty in stored.iter().filter(|s| !record.consents.contains(*s)) {
                tx.execute(REVOKE, params![id, specialty])?;
            }
            for specialty in &record.consents {
                tx.execute(GRANT, params![id, specialty])?;
            }
            tx.commit()
        })();
        result.map_err(fail)
    }

    fn set_consent(
        &self,
        patient_id: &str,
        specialty: &str,
        granted: bool,
    ) -> Result<(), PatientStoreError> {
        check_id("specialty", specialty)?;
        let verb = if granted { "record" } else { "withdraw" };
        let fail = || {
            db(format!(
                "{verb} consent of patient {} for {}",
                quote(patient_id),
                quote(specialty)
            ))
        };
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(fail())?;
        let exists = tx
            .query_row(
                "SELECT 1 FROM patients WHERE patient_id = ?1",
                [patient_id],
                |_| Ok(()),
            )
            .optional()
            .map_err(fail())?
            .is_some();
        if !exists {
            return Err(PatientStoreError::NotFound {
                patient_id: quote(patient_id),
            });
        }
        tx.execute(
            if granted { GRANT } else { REVOKE },
            params![patient_id, specialty],
        )
        .map_err(fail())?;
        tx.commit().map_err(fail())
    }

    fn count(&self, tenant: &str) -> Result<u64, PatientStoreError> {
        self.lock()
            .query_row(
                "SELECT count(*) FROM patients WHERE tenant = ?1",
                [tenant],
                |row| row.get::<_, i64>(0),
            )
            .map(|n| n.unsigned_abs())
            .map_err(db(format!("count patients of tenant {}", quote(tenant))))
    }
}

pub(super) fn sex_to_sql(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "female",
        Sex::Male => "male",
        Sex::Other => "other",
    }
}

/// A patient's stored `sex` column as a [`Sex`]; a value no valid record has is
/// [`CorruptRow`](PatientStoreError::CorruptRow).
pub(super) fn stored_sex(
    patient_id: &str,
    sex: Option<String>,
) -> Result<Option<Sex>, PatientStoreError> {
    sex.map(|text| {
        sex_from_sql(&text).ok_or_else(|| PatientStoreError::CorruptRow {
            patient_id: quote(patient_id),
            message: format!("unknown sex {}", quote(&text)),
        })
    })
    .transpose()
}

fn sex_from_sql(text: &str) -> Option<Sex> {
    match text {
        "female" => Some(Sex::Female),
        "male" => Some(Sex::Male),
        "other" => Some(Sex::Other),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, tenant: &str, consents: &[&str]) -> PatientRecord {
        PatientRecord {
            patient_id: id.into(),
            tenant: tenant.into(),
            name: format!("Paciente Fictício {id}"),
            birth_date: Some("1990-01-31".into()),
            sex: Some(Sex::Other),
            consents: consents.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn granted_at(store: &SqlitePatientStore, id: &str, specialty: &str) -> String {
        store
            .lock()
            .query_row(
                "SELECT granted_at FROM consents WHERE patient_id = ?1 AND specialty = ?2",
                [id, specialty],
                |row| row.get(0),
            )
            .unwrap()
    }

    #[test]
    fn the_store_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SqlitePatientStore>();
        let store: Box<dyn PatientStore> = Box::new(SqlitePatientStore::in_memory().unwrap());
        assert_eq!(
            format!("{store:?}"),
            r#"SqlitePatientStore { location: ":memory:", .. }"#
        );
    }

    #[test]
    fn records_round_trip() {
        let store = SqlitePatientStore::in_memory().unwrap();
        assert_eq!(store.schema_version().unwrap(), 2);
        assert_eq!(store.get("P-1").unwrap(), None);
        let full = record("P-1", "t1", &["cardiology", "privacy"]);
        let bare = PatientRecord {
            birth_date: None,
            sex: None,
            ..record("P-2", "t1", &[])
        };
        for r in [&full, &bare] {
            store.put(r).unwrap();
            assert_eq!(store.get(&r.patient_id).unwrap().as_ref(), Some(r));
        }
        for sex in [Sex::Female, Sex::Male, Sex::Other] {
            let r = PatientRecord {
                sex: Some(sex),
                ..full.clone()
            };
            store.put(&r).unwrap();
            assert_eq!(store.get("P-1").unwrap().unwrap().sex, Some(sex));
        }
    }

    #[test]
    fn put_replaces_the_record_and_its_consents() {
        let store = SqlitePatientStore::in_memory().unwrap();
        store
            .put(&record("P-1", "t1", &["cardiology", "privacy"]))
            .unwrap();
        let first_grant = granted_at(&store, "P-1", "cardiology");
        let mut changed = record("P-1", "t1", &["cardiology", "dermatology"]);
        changed.name = "Outro Nome Fictício".into();
        store.put(&changed).unwrap();
        assert_eq!(store.get("P-1").unwrap().unwrap(), changed);
        assert_eq!(granted_at(&store, "P-1", "cardiology"), first_grant);
        assert_eq!(store.count("t1").unwrap(), 1);
    }

    #[test]
    fn consent_is_granted_and_revoked() {
        let store = SqlitePatientStore::in_memory().unwrap();
        store.put(&record("P-1", "t1", &[])).unwrap();
        store.set_consent("P-1", "cardiology", true).unwrap();
        store.set_consent("P-1", "cardiology", true).unwrap();
        let stamp = granted_at(&store, "P-1", "cardiology");
        assert_eq!(stamp.len(), "2025-01-01T00:00:00Z".len(), "{stamp}");
        assert!(stamp.ends_with('Z'), "{stamp}");
        assert!(store.get("P-1").unwrap().unwrap().has_consent("cardiology"));

        store.set_consent("P-1", "cardiology", false).unwrap();
        assert!(!store.get("P-1").unwrap().unwrap().has_consent("cardiology"));
        // Withdrawing what was never granted is not an error.
        store.set_consent("P-1", "dermatology", false).unwrap();
    }

    #[test]
    fn consent_for_an_unknown_patient_or_bad_specialty_is_refused() {
        let store = SqlitePatientStore::in_memory().unwrap();
        for granted in [true, false] {
            let err = store
                .set_consent("NOPE-1", "cardiology", granted)
                .unwrap_err();
            assert!(matches!(err, PatientStoreError::NotFound { .. }));
            assert_eq!(err.to_string(), r#"no patient with id "NOPE-1""#);
        }
        store.put(&record("P-1", "t1", &[])).unwrap();
        let err = store.set_consent("P-1", "", true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid patient record: specialty: must not be empty"
        );
    }

    #[test]
    fn invalid_records_are_not_stored() {
        let store = SqlitePatientStore::in_memory().unwrap();
        let mut bad = record("P-1", "t1", &[]);
        bad.birth_date = Some("2023-02-29".into());
        let err = store.put(&bad).unwrap_err();
        assert!(matches!(
            err,
            PatientStoreError::InvalidRecord {
                field: "birth_date",
                ..
            }
        ));
        assert_eq!(store.get("P-1").unwrap(), None);
    }

    #[test]
    fn count_is_per_tenant() {
        let store = SqlitePatientStore::in_memory().unwrap();
        store.put(&record("A-1", "t1", &[])).unwrap();
        store.put(&record("A-2", "t1", &[])).unwrap();
        store.put(&record("B-1", "t2", &[])).unwrap();
        assert_eq!(store.count("t1").unwrap(), 2);
        assert_eq!(store.count("t2").unwrap(), 1);
        assert_eq!(store.count("t3").unwrap(), 0);
    }

    #[test]
    fn deleting_a_patient_cascades_to_its_consents() {
        let store = SqlitePatientStore::in_memory().unwrap();
        store.put(&record("P-1", "t1", &["cardiology"])).unwrap();
        let conn = store.lock();
        conn.execute("DELETE FROM patients WHERE patient_id = 'P-1'", [])
            .unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM consents", [], |row| row.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn a_reopened_file_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("patients.db");
        let r = record("P-1", "t1", &["cardiology"]);
        {
            let store = SqlitePatientStore::open(&path).unwrap();
            store.put(&r).unwrap();
            store.set_consent("P-1", "privacy", true).unwrap();
        }
        let store = SqlitePatientStore::open(&path).unwrap();
        let back = store.get("P-1").unwrap().unwrap();
        assert_eq!(
            back.consents,
            ["cardiology", "privacy"].map(String::from).into()
        );
        assert_eq!(back.name, r.name);
        assert!(format!("{store:?}").contains("patients.db"));
    }

    #[test]
    fn an_unopenable_path_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-dir").join("patients.db");
        let err = SqlitePatientStore::open(&path).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "cannot open patient database {}: ",
                path.display()
            )),
            "{err}"
        );
    }
}
