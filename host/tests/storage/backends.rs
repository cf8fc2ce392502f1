//! The two backends under test, made alike: a fresh trail or store on each, another handle on
//! the same database (another replica), and tampering as an attacker with the database's own
//! rights would do it (triggers off).

use std::path::PathBuf;

use medplug_host::audit::{AuditTrail, PostgresAuditTrail, SqliteAuditTrail};
use medplug_host::patients::{PatientStore, PostgresPatientStore, SqlitePatientStore};
use medplug_host::policy::PostgresUrl;
use medplug_testdb::TestPostgres;

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// One fresh database of a backend.
pub struct Fixture {
    pub kind: Kind,
    /// SQLite: the directory and the file.
    _dir: Option<tempfile::TempDir>,
    file: Option<PathBuf>,
    /// PostgreSQL: the database's URL and name.
    url: Option<PostgresUrl>,
    database: String,
}

impl Fixture {
    /// A new, empty database.
    pub fn new(kind: Kind, name: &str) -> Self {
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let file = dir.path().join(format!("{name}.db"));
                Self {
                    kind,
                    _dir: Some(dir),
                    file: Some(file),
                    url: None,
                    database: name.to_owned(),
                }
            }
            Kind::Postgres => {
                let url = TestPostgres::shared().create_database(name);
                let database = url.rsplit('/').next().expect("a database name").to_owned();
                Self {
                    kind,
                    _dir: None,
                    file: None,
                    url: Some(PostgresUrl::parse(&url).expect("a PostgreSQL URL")),
                    database,
                }
            }
        }
    }

    /// The database's URL (PostgreSQL only).
    pub fn url(&self) -> &PostgresUrl {
        self.url.as_ref().expect("a PostgreSQL fixture")
    }

    /// The database's name on the test server (PostgreSQL only).
    pub fn database(&self) -> &str {
        &self.database
    }

    /// A handle on the trail, creating it if absent: each call another connection, as another
    /// replica would have.
    pub fn trail(&self) -> Box<dyn AuditTrail> {
        match self.kind {
            Kind::Sqlite => Box::new(SqliteAuditTrail::open(self.file()).expect("a SQLite trail")),
            Kind::Postgres => Box::new(
                PostgresAuditTrail::connect_with_password(self.url(), password())
                    .expect("a PostgreSQL trail"),
            ),
        }
    }

    /// A handle on an existing trail, creating nothing.
    pub fn existing_trail(&self) -> Result<Box<dyn AuditTrail>, medplug_host::audit::AuditError> {
        Ok(match self.kind {
            Kind::Sqlite => medplug_host::audit::open_existing_trail(
                &medplug_host::policy::StoreLocation::Sqlite(self.file().to_owned()),
            )?,
            Kind::Postgres => Box::new(PostgresAuditTrail::connect_existing_with_password(
                self.url(),
                password(),
            )?),
        })
    }

    /// A patient store on this database, creating it if absent.
    pub fn patients(&self) -> Box<dyn PatientStore> {
        self.try_patients().expect("a patient store")
    }

    /// A patient store on this database, or why not.
    pub fn try_patients(
        &self,
    ) -> Result<Box<dyn PatientStore>, medplug_host::patients::PatientStoreError> {
        Ok(match self.kind {
            Kind::Sqlite => Box::new(SqlitePatientStore::open(self.file())?),
            Kind::Postgres => Box::new(PostgresPatientStore::connect_with_password(
                self.url(),
                password(),
            )?),
        })
    }

    /// Runs `sql` (statements both dialects accept) with the triggers that guard the trail off:
    /// what someone who can write the database directly can do.
    pub fn tamper(&self, sql: &str) {
        match self.kind {
            Kind::Sqlite => {
                let conn = rusqlite::Connection::open(self.file()).expect("the SQLite file");
                conn.execute_batch(
                    "DROP TRIGGER IF EXISTS audit_records_no_update;
                     DROP TRIGGER IF EXISTS audit_records_no_delete;
                     DROP TRIGGER IF EXISTS audit_head_no_delete;
                     DROP TRIGGER IF EXISTS audit_head_forward_only;",
                )
                .expect("dropping the triggers");
                conn.execute_batch(sql).expect("the tampering SQL");
            }
            Kind::Postgres => {
                TestPostgres::shared().psql(
                    &self.database,
                    &format!("SET session_replication_role = replica;\n{sql}"),
                );
            }
        }
    }

    /// Sets the stored schema version of `component` (`audit` or `patients`), as a newer build
    /// would have left it.
    pub fn set_schema_version(&self, component: &str, version: i32) {
        match self.kind {
            Kind::Sqlite => {
                let conn = rusqlite::Connection::open(self.file()).expect("the SQLite file");
                conn.pragma_update(None, "user_version", version)
                    .expect("setting user_version");
            }
            Kind::Postgres => {
                TestPostgres::shared().psql(
                    &self.database,
                    &format!(
                        "UPDATE medplug_schema SET version = {version} WHERE component = '{component}'"
                    ),
                );
            }
        }
    }

    fn file(&self) -> &std::path::Path {
        self.file.as_deref().expect("a SQLite fixture")
    }
}

/// The password of the test server's roles.
pub fn password() -> &'static str {
    TestPostgres::shared().password()
}

/// Runs a test function against each backend, as a test per backend.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name($crate::backends::Kind::Sqlite);
                }
                #[test]
                fn postgres() {
                    super::$name($crate::backends::Kind::Postgres);
                }
            }
        )*
    };
}
pub(crate) use on_both;

/// A plain client on `url` as `role` (which has the test password).
pub fn client(url: &PostgresUrl, role: &str) -> postgres::Client {
    let mut config: postgres::Config = url.as_str().parse().expect("a PostgreSQL URL");
    config
        .user(role)
        .password(password())
        .connect(postgres::NoTls)
        .expect("a connection to the test server")
}
