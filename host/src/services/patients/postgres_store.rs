//! [`PostgresPatientStore`]: the patient store in PostgreSQL, shared by every replica.
//!
//! The same tables and rules as [`SqlitePatientStore`](super::SqlitePatientStore): `patient_id`
//! unique across tenants, each row with its tenant, consents per specialty (LGPD Art. 11 I) that
//! a withdrawal deletes (Art. 8 §5), a replaced patient keeping the grant time of each consent it
//! still has. A read runs in one `REPEATABLE READ` snapshot, so a patient and its consents are
//! read as of one moment even while another replica rewrites them.

use std::collections::BTreeSet;
use std::fmt;

use postgres::IsolationLevel;

use super::error::{PatientStoreError, quote};
use super::record::{PatientRecord, check_id};
use super::sqlite_store::{sex_to_sql, stored_sex};
use super::store::PatientStore;
use crate::policy::PostgresUrl;
use crate::services::postgres::{self as pg, Migration, OpenError, Pool, PostgresError};

/// The component name of the patient store in `medplug_schema`.
const COMPONENT: &str = "patients";

/// Connections per store: calls read patients concurrently.
const POOL_SIZE: u32 = 8;

/// The schema, by version: the SQLite store's two steps, in PostgreSQL's types.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "create patients",
        sql: "CREATE TABLE patients (
                  patient_id TEXT PRIMARY KEY NOT NULL,
                  tenant     TEXT NOT NULL,
                  name       TEXT NOT NULL,
                  birth_date TEXT,
                  sex        TEXT CHECK (sex IN ('female', 'male', 'other'))
              );
              CREATE INDEX patients_by_tenant ON patients (tenant);
              REVOKE ALL ON patients FROM PUBLIC;",
    },
    Migration {
        version: 2,
        description: "create consents",
        sql: "CREATE TABLE consents (
                  patient_id TEXT NOT NULL
                      REFERENCES patients (patient_id) ON DELETE CASCADE,
                  specialty  TEXT NOT NULL,
                  granted_at TEXT NOT NULL,
                  PRIMARY KEY (patient_id, specialty)
              );
              REVOKE ALL ON consents FROM PUBLIC;",
    },
];

/// The schema version this build writes (`medplug_schema`, component `patients`).
pub const POSTGRES_SCHEMA_VERSION: i32 = 2;

/// Records a consent stamped UTC to the second by the server's clock; granting again keeps the
/// first grant time.
const GRANT: &str = "INSERT INTO consents (patient_id, specialty, granted_at)
     VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))
     ON CONFLICT DO NOTHING";

/// Withdraws a consent.
const REVOKE: &str = "DELETE FROM consents WHERE patient_id = $1 AND specialty = $2";

/// Patients and consents in a PostgreSQL database.
pub struct PostgresPatientStore {
    pool: Pool,
    url: PostgresUrl,
}

impl PostgresPatientStore {
    /// The rights the service's role needs: read patients and consents, write them for
    /// `medplug patients` and consent changes.
    pub const SERVICE_GRANTS: &'static str = "GRANT SELECT ON medplug_schema TO {role};
GRANT SELECT, INSERT, UPDATE ON patients TO {role};
GRANT SELECT, INSERT, DELETE ON consents TO {role};";

    /// Connects (password from `PGPASSWORD`) and brings the schema up to date; a schema from a
    /// newer build is [`SchemaTooNew`](PatientStoreError::SchemaTooNew).
    pub fn connect(url: &PostgresUrl) -> Result<Self, PatientStoreError> {
        Self::open(url, None)
    }

    /// [`connect`](Self::connect) with this password instead of `PGPASSWORD`'s.
    pub fn connect_with_password(
        url: &PostgresUrl,
        password: &str,
    ) -> Result<Self, PatientStoreError> {
        Self::open(url, Some(password))
    }

    fn open(url: &PostgresUrl, password: Option<&str>) -> Result<Self, PatientStoreError> {
        let pool = pg::open_pool(
            url,
            password,
            POOL_SIZE,
            "medplug-patients",
            COMPONENT,
            MIGRATIONS,
            true,
        )
        .map_err(|e| match e {
            OpenError::Newer { found } => PatientStoreError::SchemaTooNew {
                found: found.into(),
                known: POSTGRES_SCHEMA_VERSION.into(),
            },
            // Not asked for: the store creates its schema.
            OpenError::Absent => PatientStoreError::Postgres {
                operation: format!("open {url}"),
                source: PostgresError::other("no patient store"),
            },
            OpenError::Failed(source) => PatientStoreError::Postgres {
                operation: format!("open {url}"),
                source,
            },
        })?;
        Ok(Self {
            pool,
            url: url.clone(),
        })
    }

    /// Grants `role` exactly [`SERVICE_GRANTS`](Self::SERVICE_GRANTS); run once as the tables'
    /// owner.
    pub fn grant_service(&self, role: &str) -> Result<(), PatientStoreError> {
        let operation = format!("grant role {} the service's rights", quote(role));
        let mut conn = self.conn(&operation)?;
        pg::grant(&mut conn, Self::SERVICE_GRANTS, role).map_err(fail(&operation))
    }

    /// The database's schema version of the patient store.
    pub fn schema_version(&self) -> Result<i64, PatientStoreError> {
        let mut conn = self.conn("read the schema version")?;
        pg::current_version(&mut conn, COMPONENT)
            .map(i64::from)
            .map_err(fail("read the schema version"))
    }

    fn conn(&self, operation: &str) -> Result<pg::Connection, PatientStoreError> {
        self.pool
            .get()
            .map_err(|e| fail(operation)(PostgresError::from(e)))
    }
}

/// Wraps a PostgreSQL error with what was being done.
fn fail<E: Into<PostgresError>>(operation: &str) -> impl FnOnce(E) -> PatientStoreError + '_ {
    move |e| PatientStoreError::Postgres {
        operation: operation.to_owned(),
        source: e.into(),
    }
}

impl fmt::Debug for PostgresPatientStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresPatientStore")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

impl PostgresPatientStore {
    /// Runs `op` on a pooled connection. Every operation of the store is idempotent (reads,
    /// upserts, a grant or withdrawal that is a no-op the second time), so when the connection
    /// turns out to be dropped (a server restart, a failover) it is marked for the pool to
    /// discard and `op` runs again on another, up to once per pooled connection.
    fn run<T>(
        &self,
        operation: &str,
        mut op: impl FnMut(&mut postgres::Client) -> Result<T, postgres::Error>,
    ) -> Result<T, PatientStoreError> {
        let mut attempts = 1;
        loop {
            let mut conn = self.conn(operation)?;
            match op(&mut conn) {
                Err(e) if pg::is_dropped(&e) && attempts <= POOL_SIZE => {
                    conn.broken = true;
                    attempts += 1;
                }
                result => return result.map_err(fail(operation)),
            }
        }
    }
}

/// A patient's row: tenant, name, birth date, sex.
type PatientRow = (String, String, Option<String>, Option<String>);

impl PatientStore for PostgresPatientStore {
    fn get(&self, patient_id: &str) -> Result<Option<PatientRecord>, PatientStoreError> {
        let operation = format!("read patient {}", quote(patient_id));
        let found = self.run(&operation, |client| {
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let Some(row) = tx.query_opt(
                "SELECT tenant, name, birth_date, sex FROM patients WHERE patient_id = $1",
                &[&patient_id],
            )?
            else {
                return Ok(None);
            };
            let row: PatientRow = (row.get(0), row.get(1), row.get(2), row.get(3));
            let consents: BTreeSet<String> = tx
                .query(
                    "SELECT specialty FROM consents WHERE patient_id = $1",
                    &[&patient_id],
                )?
                .iter()
                .map(|row| row.get(0))
                .collect();
            tx.commit()?;
            Ok(Some((row, consents)))
        })?;
        let Some(((tenant, name, birth_date, sex), consents)) = found else {
            return Ok(None);
        };
        let sex = stored_sex(patient_id, sex)?;
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
        let operation = format!("write patient {}", quote(id));
        // Withdraw what is no longer consented to; keep the grant time of what still is.
        let consents: Vec<&str> = record.consents.iter().map(String::as_str).collect();
        self.run(&operation, |client| {
            let mut tx = client.transaction()?;
            tx.execute(
                "INSERT INTO patients (patient_id, tenant, name, birth_date, sex)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (patient_id) DO UPDATE SET tenant = excluded.tenant,
                     name = excluded.name, birth_date = excluded.birth_date, sex = excluded.sex",
                &[
                    &id,
                    &record.tenant,
                    &record.name,
                    &record.birth_date,
                    &record.sex.map(sex_to_sql),
                ],
            )?;
            tx.execute(
                "DELETE FROM consents WHERE patient_id = $1 AND NOT (specialty = ANY($2))",
                &[&id, &consents],
            )?;
            for specialty in &consents {
                tx.execute(GRANT, &[&id, specialty])?;
            }
            tx.commit()
        })
    }

    fn set_consent(
        &self,
        patient_id: &str,
        specialty: &str,
        granted: bool,
    ) -> Result<(), PatientStoreError> {
        check_id("specialty", specialty)?;
        let verb = if granted { "record" } else { "withdraw" };
        let operation = format!(
            "{verb} consent of patient {} for {}",
            quote(patient_id),
            quote(specialty)
        );
        let exists = self.run(&operation, |client| {
            let mut tx = client.transaction()?;
            // Locks the patient's row: a concurrent `put` of the same patient waits.
            let exists = tx
                .query_opt(
                    "SELECT 1 FROM patients WHERE patient_id = $1 FOR UPDATE",
                    &[&patient_id],
                )?
                .is_some();
            if exists {
                tx.execute(
                    if granted { GRANT } else { REVOKE },
                    &[&patient_id, &specialty],
                )?;
                tx.commit()?;
            }
            Ok(exists)
        })?;
        if !exists {
            return Err(PatientStoreError::NotFound {
                patient_id: quote(patient_id),
            });
        }
        Ok(())
    }

    fn count(&self, tenant: &str) -> Result<u64, PatientStoreError> {
        let operation = format!("count patients of tenant {}", quote(tenant));
        let count: i64 = self.run(&operation, |client| {
            Ok(client
                .query_one(
                    "SELECT count(*) FROM patients WHERE tenant = $1",
                    &[&tenant],
                )?
                .get(0))
        })?;
        Ok(count.unsigned_abs())
    }
}
