//! One hash chain, several writers (issue 22), run by `cargo xtask bench`: durable audit appends
//! per second with one and with three replicas on one PostgreSQL (`synchronous_commit = on`,
//! `fsync = on`, a server of the bench's own on this disk), beside SQLite's figure
//! (`Durability::Full`, a file under `target/tmp`), each replica with 8 callers appending at
//! once through group commit. A replica is a `PostgresAuditTrail` handle of its own: its own
//! connections and group-commit queue, as a `medplug serve` process has; the three run in this
//! process, so they share its two cores with the server, as on this machine they would anyway.
//!
//! Every append of every replica takes the one head row's lock, so commits are serialised:
//! commits per second are the chain's limit, and records per commit what group commit gives
//! back. The configurations alternate round after round; each figure is the median of the
//! rounds. Prints its table and writes it to `target/bench-extra/audit_replicas.json`.
//! `MEDPLUG_AUDIT_BENCH_ROUNDS` (default 5) and `MEDPLUG_AUDIT_BENCH_SECONDS` (default 1) size it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/audit_load.rs"]
mod audit_load;

use audit_load::{append_for, env_number, median, record};
use medplug_host::audit::{AuditTrail, PostgresAuditTrail, SqliteAuditTrail};
use medplug_host::policy::PostgresUrl;
use medplug_testdb::TestPostgres;

/// Callers per replica.
const CALLERS: usize = 8;

/// What is measured: SQLite (one machine), or PostgreSQL with this many replicas.
#[derive(Debug, Clone, Copy)]
enum Setup {
    Sqlite,
    Postgres { replicas: usize },
}

const SETUPS: [Setup; 3] = [
    Setup::Sqlite,
    Setup::Postgres { replicas: 1 },
    Setup::Postgres { replicas: 3 },
];

impl Setup {
    fn name(self) -> String {
        match self {
            Self::Sqlite => "SQLite, 1 process".to_owned(),
            Self::Postgres { replicas: 1 } => "PostgreSQL, 1 replica".to_owned(),
            Self::Postgres { replicas } => format!("PostgreSQL, {replicas} replicas"),
        }
    }
}

/// The handles of one measurement (one per replica), and how to count their commits.
struct Replicas {
    handles: Vec<Arc<dyn AuditTrail>>,
    commits: Box<dyn Fn() -> u64>,
    _dir: Option<tempfile::TempDir>,
}

fn replicas(setup: Setup, server: &TestPostgres, round: u64) -> Replicas {
    match setup {
        Setup::Sqlite => {
            let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
            let trail =
                Arc::new(SqliteAuditTrail::open(dir.path().join("audit.db")).expect("trail"));
            let counted = Arc::clone(&trail);
            Replicas {
                handles: vec![trail],
                commits: Box::new(move || counted.commits()),
                _dir: Some(dir),
            }
        }
        Setup::Postgres { replicas } => {
            let url = server.create_database(&format!("bench_{replicas}_{round}"));
            let url = PostgresUrl::parse(&url).expect("a URL");
            let trails: Vec<Arc<PostgresAuditTrail>> = (0..replicas)
                .map(|_| {
                    Arc::new(
                        PostgresAuditTrail::connect_with_password(&url, server.password())
                            .expect("trail"),
                    )
                })
                .collect();
            let counted = trails.clone();
            Replicas {
                handles: trails
                    .into_iter()
                    .map(|t| t as Arc<dyn AuditTrail>)
                    .collect(),
                commits: Box::new(move || counted.iter().map(|t| t.commits()).sum()),
                _dir: None,
            }
        }
    }
}

/// One measurement: appends per second, and records per commit.
fn measure(setup: Setup, server: &TestPostgres, round: u64, window: Duration) -> (f64, f64) {
    let replicas = replicas(setup, server, round);
    let record = record();
    // A short warm-up: connections open, statements prepared, files allocated.
    for handle in &replicas.handles {
        for _ in 0..50 {
            handle.append(&record).expect("append");
        }
    }
    let before = (
        replicas.handles[0].count().expect("count"),
        (replicas.commits)(),
    );
    let callers = CALLERS * replicas.handles.len();
    let (appended, elapsed) = append_for(&replicas.handles, callers, &record, window);
    let handle = &replicas.handles[0];
    assert_eq!(handle.count().expect("count"), before.0 + appended);
    assert!(handle.verify().expect("verify").is_intact());
    let commits = (replicas.commits)() - before.1;
    #[allow(clippy::cast_precision_loss)]
    (
        appended as f64 / elapsed,
        appended as f64 / commits.max(1) as f64,
    )
}

fn main() {
    // `cargo test --benches` runs benches once as tests: nothing to measure then.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let rounds = env_number("MEDPLUG_AUDIT_BENCH_ROUNDS", 5).max(1);
    let window = Duration::from_secs_f64(
        u32::try_from(env_number("MEDPLUG_AUDIT_BENCH_SECONDS", 1))
            .map_or(1.0, f64::from)
            .max(0.2),
    );
    let server = TestPostgres::start().unwrap_or_else(|e| panic!("{e}"));
    let mut rates = vec![Vec::new(); SETUPS.len()];
    let mut batches = vec![Vec::new(); SETUPS.len()];
    for round in 0..rounds {
        // Rotate the order, so that no setup always follows the same one.
        for i in 0..SETUPS.len() {
            let s = (i + usize::try_from(round).unwrap_or(0)) % SETUPS.len();
            let (rate, batch) = measure(SETUPS[s], &server, round, window);
            rates[s].push(rate);
            batches[s].push(batch);
        }
        eprintln!("replicas bench: round {} of {rounds} done", round + 1);
    }
    println!();
    println!(
        "durable audit appends/s, {CALLERS} callers per replica, one chain (median of {rounds} rounds of {:.1} s)",
        window.as_secs_f64()
    );
    println!(
        "{:<26} {:>12} {:>14} {:>12} {:>14}",
        "setup", "appends/s", "records/commit", "commits/s", "vs SQLite"
    );
    let sqlite = median(&mut rates[0].clone());
    let mut rows = Vec::new();
    for (s, setup) in SETUPS.iter().enumerate() {
        let rate = median(&mut rates[s]);
        let batch = median(&mut batches[s]);
        let commits = rate / batch;
        println!(
            "{:<26} {rate:>12.0} {batch:>14.2} {commits:>12.0} {:>14.2}",
            setup.name(),
            rate / sqlite
        );
        rows.push(serde_json::json!({
            "setup": setup.name(),
            "callers": CALLERS * match setup { Setup::Sqlite => 1, Setup::Postgres { replicas } => *replicas },
            "appends_per_s": rate,
            "records_per_commit": batch,
            "commits_per_s": commits,
        }));
    }
    let report =
        serde_json::json!({"rounds": rounds, "seconds": window.as_secs_f64(), "rows": rows});
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench-extra");
    std::fs::create_dir_all(&out).expect("target/bench-extra");
    std::fs::write(
        out.join("audit_replicas.json"),
        serde_json::to_string_pretty(&report).expect("json"),
    )
    .expect("writing the report");
    quota_take(&server);
    server.stop();
}

/// What a shared quota adds to each call: the median and p99 of one `PostgresQuotas::take`
/// (one round trip to a function that counts the call), 2,000 takes from one thread.
fn quota_take(server: &TestPostgres) {
    let url = PostgresUrl::parse(&server.create_database("bench_quotas")).expect("a URL");
    let quotas = medplug_host::PostgresQuotas::connect_with_password(&url, server.password())
        .expect("quota windows");
    let minute = Duration::from_secs(60);
    let mut took: Vec<f64> = (0..2_000)
        .map(|_| {
            let started = Instant::now();
            quotas
                .take("clinica-horizonte", "lgpd-analyzer", "", 1_000_000, minute)
                .expect("a take")
                .expect("room in the window");
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    took.sort_by(f64::total_cmp);
    let p99 = took[took.len() * 99 / 100];
    println!(
        "shared quota, one take (PostgreSQL, one thread, 2,000 takes): median {:.0} µs, p99 {p99:.0} µs",
        median(&mut took)
    );
}
