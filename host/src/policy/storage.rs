//! Where the audit trail and the patient store live: a SQLite file on this machine, or a
//! PostgreSQL database that several replicas share (`[storage]` in the policy).
//!
//! A PostgreSQL location is a URL without a password: the password comes from the environment
//! variable `PGPASSWORD` (libpq's own name, so a Kubernetes Secret maps onto it as it does for
//! `psql`), never from the policy or a command line, where `ps`, logs and the audit trail's
//! `policy_in_force` record would show it.

use std::fmt;
use std::path::PathBuf;

/// The environment variable the PostgreSQL password is read from.
pub const PASSWORD_ENV: &str = "PGPASSWORD";

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// A SQLite database file (`[storage] audit_db` / `patients_db`).
    Sqlite(PathBuf),
    /// A PostgreSQL database (`[storage] audit` / `patients`).
    Postgres(PostgresUrl),
}

impl StoreLocation {
    /// `postgres://…` or `postgresql://…` is a [`PostgresUrl`]; anything else a SQLite file.
    pub fn parse(text: &str) -> Result<Self, String> {
        if PostgresUrl::is_postgres(text) {
            PostgresUrl::parse(text).map(Self::Postgres)
        } else if text.is_empty() {
            Err("an empty database location".to_owned())
        } else {
            Ok(Self::Sqlite(PathBuf::from(text)))
        }
    }
}

impl StoreLocation {
    /// For a SQLite file, creates the directory it goes in (a new trail or store may live where
    /// nothing exists yet); a database URL needs none. Fails with the directory and why.
    pub fn create_parent_dir(&self) -> Result<(), (PathBuf, std::io::Error)> {
        match self {
            Self::Sqlite(path) => match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => {
                    std::fs::create_dir_all(dir).map_err(|e| (dir.to_owned(), e))
                }
                _ => Ok(()),
            },
            Self::Postgres(_) => Ok(()),
        }
    }
}

impl fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => url.fmt(f),
        }
    }
}

/// A PostgreSQL connection URL with no password in it (see the [module documentation](self)).
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresUrl(String);

impl PostgresUrl {
    /// Whether `text` names PostgreSQL (its scheme).
    pub fn is_postgres(text: &str) -> bool {
        text.starts_with("postgres://") || text.starts_with("postgresql://")
    }

    /// Checks the URL's form: its scheme, a host, no password (in the user part or as a
    /// `password` parameter). Everything else — ports, `sslmode`, options — is checked by the
    /// driver when it connects.
    pub fn parse(text: &str) -> Result<Self, String> {
        let Some((_, rest)) = text.split_once("://").filter(|_| Self::is_postgres(text)) else {
            return Err(format!(
                "{} is not a PostgreSQL URL (postgres://user@host:port/database)",
                crate::ids::quote(text)
            ));
        };
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let host = match authority.rsplit_once('@') {
            Some((user, host)) => {
                if user.contains(':') {
                    return Err(password_refused());
                }
                host
            }
            None => authority,
        };
        let query = rest.split_once('?').map_or("", |(_, q)| q);
        if query
            .split('&')
            .any(|pair| pair.split('=').next() == Some("password"))
        {
            return Err(password_refused());
        }
        if host.is_empty() && !query.split('&').any(|p| p.starts_with("host=")) {
            return Err(format!(
                "PostgreSQL URL {text} names no host (postgres://user@host:port/database)"
            ));
        }
        if text.chars().any(char::is_whitespace) {
            return Err(format!("PostgreSQL URL {text:?} holds white space"));
        }
        Ok(Self(text.to_owned()))
    }

    /// The URL as written (it holds no secret).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn password_refused() -> String {
    format!(
        "a PostgreSQL URL must not hold a password: set the environment variable {PASSWORD_ENV} \
         instead"
    )
}

impl fmt::Display for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostgresUrl({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_without_passwords_are_taken_and_paths_are_sqlite() {
        let url = "postgres://medplug@db.internal:5432/medplug?sslmode=disable";
        assert_eq!(
            StoreLocation::parse(url),
            Ok(StoreLocation::Postgres(PostgresUrl(url.to_owned())))
        );
        assert!(StoreLocation::parse("postgresql://u@h/d").is_ok());
        assert_eq!(
            StoreLocation::parse("/var/lib/medplug/audit.db"),
            Ok(StoreLocation::Sqlite(PathBuf::from(
                "/var/lib/medplug/audit.db"
            )))
        );
    }

    #[test]
    fn passwords_hosts_and_spaces_are_refused_by_name() {
        let refused = password_refused();
        assert_eq!(
            PostgresUrl::parse("postgres://u:secret@h/d"),
            Err(refused.clone())
        );
        assert_eq!(
            PostgresUrl::parse("postgres://u@h/d?sslmode=disable&password=x"),
            Err(refused)
        );
        assert_eq!(
            PostgresUrl::parse("postgres:///d").unwrap_err(),
            "PostgreSQL URL postgres:///d names no host (postgres://user@host:port/database)"
        );
        assert!(PostgresUrl::parse("postgres://u@h/d?host=/tmp").is_ok());
        assert_eq!(
            PostgresUrl::parse("mysql://u@h/d").unwrap_err(),
            "\"mysql://u@h/d\" is not a PostgreSQL URL (postgres://user@host:port/database)"
        );
        assert!(PostgresUrl::parse("postgres://u@h/d b").is_err());
    }
}
