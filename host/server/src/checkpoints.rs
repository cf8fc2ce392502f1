//! Signed checkpoints of the audit trail on a schedule (`[audit]` in the policy): a background
//! task signs the trail's head into `checkpoint-<sequence>.json` every interval, when records
//! were appended since the last one (see `medplug_host::audit::write_checkpoint`).

use std::sync::Arc;

use medplug_host::audit::{CheckpointError, trail_head, write_checkpoint};
use medplug_host::policy::{AuditCheckpoints, StoreLocation};
use medplug_host::signature::SigningKey;
use tokio::task::JoinHandle;

/// Reads the signing key now (a service with a bad key should not start), then spawns the task
/// on the current tokio runtime: a checkpoint at once, then one per `schedule.interval` while
/// the head moves. Each checkpoint verifies the whole chain first, on a blocking thread; a
/// failure is written to stderr and the task goes on. Abort the handle (or drop the runtime) to
/// stop it.
pub fn spawn_checkpoints(
    db: StoreLocation,
    schedule: &AuditCheckpoints,
) -> Result<JoinHandle<()>, CheckpointError> {
    let key = Arc::new(SigningKey::read(&schedule.key).map_err(CheckpointError::Key)?);
    let (dir, period) = (schedule.dir.clone(), schedule.interval);
    Ok(tokio::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = 0;
        loop {
            interval.tick().await;
            let (db, dir, key) = (db.clone(), dir.clone(), Arc::clone(&key));
            let written = tokio::task::spawn_blocking(move || {
                let (head, _) = trail_head(&db)?;
                if head == 0 || head == last {
                    return Ok(None);
                }
                write_checkpoint(&db, &key, &dir).map(|(checkpoint, _)| Some(checkpoint.sequence))
            })
            .await;
            match written {
                Ok(Ok(Some(sequence))) => last = sequence,
                Ok(Ok(None)) => {}
                Ok(Err(error)) => eprintln!("medplug serve: audit checkpoint: {error}"),
                Err(error) => eprintln!("medplug serve: audit checkpoint task: {error}"),
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use medplug_host::audit::{
        AuditRecord, AuditSink, Checkpoint, Outcome, SqliteAuditTrail, verify_against,
    };

    use super::*;

    fn record() -> AuditRecord {
        AuditRecord {
            time: "2026-12-04T10:00:00.000Z".to_owned(),
            tenant: "t".to_owned(),
            actor: "a".to_owned(),
            plugin: "p".to_owned(),
            plugin_version: "1.0.0".to_owned(),
            module_sha256: String::new(),
            function: "f".to_owned(),
            input_sha256: String::new(),
            input_bytes: 0,
            outcome: Outcome::Ok,
            error_kind: None,
            duration_us: 1,
            fuel_used: None,
            host_calls: vec![],
            events: vec![],
            lifecycle: None,
            host_action: None,
        }
    }

    /// Waits up to 10 s for `dir/name`.
    async fn appears(dir: &std::path::Path, name: &str) -> bool {
        for _ in 0..200 {
            if dir.join(name).exists() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_service_checkpoints_the_head_each_interval_while_it_moves() {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("audit.db");
        let trail = SqliteAuditTrail::open(&db).unwrap();
        let key_file = tmp.path().join("checkpoint.key");
        let key = SigningKey::write_new(&key_file).unwrap();
        let dir = tmp.path().join("checkpoints");
        let schedule = AuditCheckpoints {
            key: key_file,
            dir: dir.clone(),
            interval: Duration::from_millis(100),
        };
        let task = spawn_checkpoints(StoreLocation::Sqlite(db.clone()), &schedule).unwrap();
        // An empty trail: nothing to checkpoint.
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(!dir.exists() || std::fs::read_dir(&dir).unwrap().next().is_none());
        for _ in 0..2 {
            trail.append(&record()).unwrap();
        }
        assert!(appears(&dir, "checkpoint-2.json").await);
        trail.append(&record()).unwrap();
        assert!(appears(&dir, "checkpoint-3.json").await);
        // Idle: no new file.
        tokio::time::sleep(Duration::from_millis(300)).await;
        task.abort();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["checkpoint-2.json", "checkpoint-3.json"]);
        let file = dir.join("checkpoint-3.json");
        let checkpoint = Checkpoint::read(&file).unwrap();
        checkpoint
            .verify_signature(&file, &[key.public_key()])
            .unwrap();
        assert_eq!(
            (checkpoint.sequence, checkpoint.hash.clone()),
            trail.head().unwrap()
        );
        let location = StoreLocation::Sqlite(db);
        assert!(verify_against(&location, &checkpoint).unwrap().is_intact());
    }

    #[test]
    fn a_missing_key_is_an_error_at_start() {
        let tmp = tempfile::tempdir().unwrap();
        let schedule = AuditCheckpoints {
            key: tmp.path().join("absent.key"),
            dir: tmp.path().join("c"),
            interval: Duration::from_secs(1),
        };
        let error = spawn_checkpoints(
            StoreLocation::Sqlite(tmp.path().join("audit.db")),
            &schedule,
        )
        .unwrap_err();
        assert!(error.to_string().contains("absent.key"), "{error}");
    }
}
