//! [`PostgresQuotas`]: the quotas' rate state in PostgreSQL, so that replicas behind one load
//! balancer share one window per tenant × plugin (`[storage] quotas = "postgres://…"`).
//!
//! The same sliding window as [`QuotaLedger`](super::QuotaLedger)'s in-memory one — slices of
//! `period / 60`, a call admitted while the 61 slices overlapping the last period hold fewer
//! than the limit, a refusal naming when the oldest needed slice leaves — kept in the table
//! `quota_slices` and decided by one PL/pgSQL call, `medplug_quota_take`, under an advisory lock
//! per key: two replicas taking the last unit of one window are serialised, and different keys
//! never wait on each other. Slices are numbered by the database server's clock, which every
//! replica shares, not by each replica's. A take commits without waiting for its WAL flush
//! (`synchronous_commit = off` for that transaction): a crash of the database may forget the
//! last few counts, which errs towards admitting, never towards losing an audit record.

use std::time::Duration;

use crate::policy::PostgresUrl;
use crate::services::postgres::{self as pg, Migration, OpenError, Pool, PostgresError};

/// The component name of the quotas in `medplug_schema`.
const COMPONENT: &str = "quotas";

/// Connections: one per call admitted at once, up to this many.
const POOL_SIZE: u32 = 8;

/// How long a call waits for a connection before it is refused (`quota_unavailable`): calls
/// fail fast while the database is away, rather than each waiting out a reconnection.
const TAKE_TIMEOUT: Duration = Duration::from_secs(2);

/// The schema, by version.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    description: "create the quota windows",
    sql: "
CREATE TABLE quota_slices (
    tenant TEXT NOT NULL,
    plugin TEXT NOT NULL,
    what TEXT NOT NULL,
    slice BIGINT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (tenant, plugin, what, slice)
);
REVOKE ALL ON quota_slices FROM PUBLIC;
-- 0: admitted (and counted); otherwise the microseconds until the window has room.
CREATE FUNCTION medplug_quota_take(
    p_tenant TEXT, p_plugin TEXT, p_what TEXT, p_limit INTEGER, p_slice_us BIGINT
) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    now_us BIGINT := (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT;
    current_slice BIGINT := now_us / p_slice_us;
    used BIGINT;
    freed_at BIGINT;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM pg_advisory_xact_lock(
        hashtextextended(p_tenant || '/' || p_plugin || '/' || p_what, 0));
    DELETE FROM quota_slices q
        WHERE q.tenant = p_tenant AND q.plugin = p_plugin AND q.what = p_what
          AND q.slice < current_slice - 60;
    SELECT coalesce(sum(q.count), 0) INTO used FROM quota_slices q
        WHERE q.tenant = p_tenant AND q.plugin = p_plugin AND q.what = p_what;
    IF used < p_limit THEN
        INSERT INTO quota_slices AS q (tenant, plugin, what, slice, count)
            VALUES (p_tenant, p_plugin, p_what, current_slice, 1)
            ON CONFLICT (tenant, plugin, what, slice) DO UPDATE SET count = q.count + 1;
        RETURN 0;
    END IF;
    -- The oldest slices leave first: slice n stops overlapping at (n + 61) slices.
    SELECT s.slice INTO freed_at FROM (
        SELECT q.slice, used - sum(q.count) OVER (ORDER BY q.slice) AS left_after
        FROM quota_slices q
        WHERE q.tenant = p_tenant AND q.plugin = p_plugin AND q.what = p_what
    ) s WHERE s.left_after < p_limit ORDER BY s.slice LIMIT 1;
    RETURN greatest((freed_at + 61) * p_slice_us - now_us, 1000);
END $$;
REVOKE ALL ON FUNCTION medplug_quota_take(TEXT, TEXT, TEXT, INTEGER, BIGINT) FROM PUBLIC;
",
}];

/// The schema version this build writes (`medplug_schema`, component `quotas`).
pub const POSTGRES_SCHEMA_VERSION: i32 = 1;

/// Why the shared quota state could not answer: the call is not admitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("quota windows {location}: {source}")]
pub struct QuotaStoreError {
    /// The database's URL (no password).
    pub location: String,
    /// The server's or the client's error.
    #[source]
    pub source: PostgresError,
}

/// Quota windows shared by every host on one PostgreSQL database.
pub struct PostgresQuotas {
    pool: Pool,
    url: PostgresUrl,
}

impl std::fmt::Debug for PostgresQuotas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresQuotas")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

impl PostgresQuotas {
    /// The rights the service's role needs: its windows and the function that keeps them.
    pub const SERVICE_GRANTS: &'static str = "GRANT SELECT ON medplug_schema TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON quota_slices TO {role};
GRANT EXECUTE ON FUNCTION medplug_quota_take(TEXT, TEXT, TEXT, INTEGER, BIGINT) TO {role};";

    /// Connects (password from `PGPASSWORD`) and creates the schema if absent.
    pub fn connect(url: &PostgresUrl) -> Result<Self, QuotaStoreError> {
        Self::open(url, None)
    }

    /// [`connect`](Self::connect) with this password.
    pub fn connect_with_password(
        url: &PostgresUrl,
        password: &str,
    ) -> Result<Self, QuotaStoreError> {
        Self::open(url, Some(password))
    }

    fn open(url: &PostgresUrl, password: Option<&str>) -> Result<Self, QuotaStoreError> {
        let pool = pg::open_pool(
            url,
            password,
            POOL_SIZE,
            "medplug-quotas",
            COMPONENT,
            MIGRATIONS,
            true,
        )
        .map_err(|e| QuotaStoreError {
            location: url.to_string(),
            source: match e {
                OpenError::Newer { found } => PostgresError::other(format!(
                    "the quota schema is version {found}, newer than version \
                     {POSTGRES_SCHEMA_VERSION} which this build supports: upgrade the host"
                )),
                // Not asked for: the windows create their schema.
                OpenError::Absent => PostgresError::other("no quota windows"),
                OpenError::Failed(source) => source,
            },
        })?;
        Ok(Self {
            pool,
            url: url.clone(),
        })
    }

    /// Grants `role` exactly [`SERVICE_GRANTS`](Self::SERVICE_GRANTS); run once as the owner.
    pub fn grant_service(&self, role: &str) -> Result<(), QuotaStoreError> {
        let mut conn = self.pool.get().map_err(|e| self.error(e.into()))?;
        pg::grant(&mut conn, Self::SERVICE_GRANTS, role).map_err(|e| self.error(e))
    }

    fn error(&self, source: PostgresError) -> QuotaStoreError {
        QuotaStoreError {
            location: self.url.to_string(),
            source,
        }
    }

    /// Admits one use of `what`'s quota (`limit` per `period`) for `tenant` × `plugin`, as
    /// [`QuotaLedger::take`](super::QuotaLedger) does, over every host on this database.
    /// `Ok(Err(wait))`: the window is full for `wait`. A take on a dropped connection runs
    /// again on another: a take is one statement in its own transaction, so at worst (the
    /// connection dropped after the commit, before its answer) it is counted twice, which errs
    /// towards refusing.
    pub fn take(
        &self,
        tenant: &str,
        plugin: &str,
        what: &str,
        limit: u32,
        period: Duration,
    ) -> Result<Result<(), Duration>, QuotaStoreError> {
        if limit == 0 {
            return Ok(Ok(()));
        }
        let slice_us = i64::try_from((period / 60).as_micros().max(1000)).unwrap_or(i64::MAX);
        let limit = i32::try_from(limit).unwrap_or(i32::MAX);
        let mut attempts = 1;
        loop {
            let mut conn = self
                .pool
                .get_timeout(TAKE_TIMEOUT)
                .map_err(|e| self.error(e.into()))?;
            match conn.query_one(
                "SELECT medplug_quota_take($1, $2, $3, $4, $5)",
                &[&tenant, &plugin, &what, &limit, &slice_us],
            ) {
                Ok(row) => {
                    let wait: i64 = row.get(0);
                    return Ok(if wait == 0 {
                        Ok(())
                    } else {
                        Err(Duration::from_micros(wait.unsigned_abs()))
                    });
                }
                Err(e) if pg::is_dropped(&e) && attempts <= POOL_SIZE => {
                    conn.broken = true;
                    attempts += 1;
                }
                Err(e) => return Err(self.error(e.into())),
            }
        }
    }
}
