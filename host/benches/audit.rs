//! Group commit of the durable audit trail (issue 21), run and tabulated by `cargo xtask bench`:
//! appends per second to `SqliteAuditTrail` with `Durability::Full` (an fsync per commit) on a
//! fresh file under `target/tmp` (this disk), with 1, 2 and 8 threads appending at once, each
//! with group commit and with one transaction per append (the path before it). The two modes
//! alternate, round after round, so that both see the same disk; each figure is the median of
//! the rounds. Goal: group commit ≥ 5× one commit per append at 8 callers.
//!
//! Prints its table and writes it to `target/bench-extra/audit_group_commit.json`.
//! `MEDPLUG_AUDIT_BENCH_ROUNDS` (default 5) and `MEDPLUG_AUDIT_BENCH_SECONDS` (default 1, per
//! measurement) size it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[path = "support/audit_load.rs"]
mod audit_load;

use audit_load::{append_for, env_number, median, record};
use medplug_host::audit::{AuditSink, Durability, SqliteAuditTrail};

const CALLERS: [usize; 3] = [1, 2, 8];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One measurement: `callers` threads append for `window` to a fresh trail; returns appends
/// per second and appends per commit.
fn measure(group: bool, callers: usize, window: Duration) -> (f64, f64) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let path = dir.path().join("audit.db");
    let record = record();
    // The steady state of a trail in service: its WAL has grown to the checkpoint size and is
    // being reused, so commits overwrite allocated blocks. (In a fresh file every commit also
    // grows the WAL, and the file system's metadata journal makes each fsync several times
    // slower: the slower mode would stay in that phase longer and look worse than it is.)
    // Written without fsync, then measured on a handle of its own.
    let warm = SqliteAuditTrail::open_with(&path, Durability::Normal).expect("audit trail");
    const WARM_UP: u64 = 3000;
    for _ in 0..WARM_UP {
        warm.append(&record).expect("append");
    }
    drop(warm);
    let trail = SqliteAuditTrail::open_with(&path, durability()).expect("audit trail");
    let trail = Arc::new(if group {
        trail
    } else {
        trail.one_commit_per_append()
    });
    let (before_appends, before_commits) = (WARM_UP, trail.commits());
    let (appended, elapsed) = append_for(std::slice::from_ref(&trail), callers, &record, window);
    let records = trail.count().expect("count");
    assert_eq!(records, before_appends + appended);
    assert!(trail.verify().expect("verify").is_intact());
    let commits = trail.commits() - before_commits;
    #[allow(clippy::cast_precision_loss)]
    (
        appended as f64 / elapsed,
        appended as f64 / commits.max(1) as f64,
    )
}

/// `Durability::Full`, or `Normal` with `MEDPLUG_AUDIT_BENCH_DURABILITY=normal`: no fsync, so
/// what the CPU alone allows.
fn durability() -> Durability {
    match std::env::var("MEDPLUG_AUDIT_BENCH_DURABILITY").as_deref() {
        Ok("normal") => Durability::Normal,
        _ => Durability::Full,
    }
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
    // [callers][mode] → rates and batch sizes, one per round; mode 0 is one commit per append.
    let mut rates = vec![[Vec::new(), Vec::new()]; CALLERS.len()];
    let mut batches = vec![[Vec::new(), Vec::new()]; CALLERS.len()];
    for round in 0..rounds {
        for (c, &callers) in CALLERS.iter().enumerate() {
            // Alternate which mode goes first, so neither always follows the other.
            let order = if (round + c as u64).is_multiple_of(2) {
                [false, true]
            } else {
                [true, false]
            };
            for group in order {
                let (rate, batch) = measure(group, callers, window);
                rates[c][usize::from(group)].push(rate);
                batches[c][usize::from(group)].push(batch);
            }
        }
        eprintln!("audit bench: round {} of {rounds} done", round + 1);
    }
    println!();
    println!(
        "audit appends/s, Durability::{:?}, {} (median of {rounds} rounds of {:.1} s)",
        durability(),
        env!("CARGO_TARGET_TMPDIR"),
        window.as_secs_f64()
    );
    println!(
        "{:>8} {:>16} {:>14} {:>8} {:>16} {:>8}",
        "callers", "commit per call", "group commit", "ratio", "records/commit", "goal"
    );
    let mut rows = Vec::new();
    for (c, &callers) in CALLERS.iter().enumerate() {
        let per_call = median(&mut rates[c][0]);
        let group = median(&mut rates[c][1]);
        let batch = median(&mut batches[c][1]);
        let ratio = group / per_call;
        let goal = match callers {
            8 if ratio >= 5.0 => "≥ 5 ✓",
            8 => "≥ 5 ✗",
            _ => "-",
        };
        println!(
            "{callers:>8} {per_call:>16.0} {group:>14.0} {ratio:>8.2} {batch:>16.2} {goal:>8}"
        );
        rows.push(serde_json::json!({
            "callers": callers,
            "per_call_appends_per_s": per_call,
            "group_appends_per_s": group,
            "ratio": ratio,
            "group_records_per_commit": batch,
        }));
    }
    let report = serde_json::json!({
        "rounds": rounds,
        "seconds": window.as_secs_f64(),
        "rows": rows,
    });
    let dir = root().join("target/bench-extra");
    std::fs::create_dir_all(&dir).expect("target/bench-extra");
    std::fs::write(
        dir.join("audit_group_commit.json"),
        serde_json::to_vec_pretty(&report).expect("json"),
    )
    .expect("audit_group_commit.json written");
}
