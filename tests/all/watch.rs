//! Hot reload of a watched plugins directory, with real files, real threads and real modules:
//! upgrades under load with zero failed calls, refused modules that never replace the running
//! version, and a module written slowly that is loaded only once whole.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use conformance::policy as parse_policy;
use conformance::{test_plugin, versioned_module};
use medplug_host::audit::SqliteAuditTrail;
use medplug_host::signature::SigningKey;
use medplug_host::{CallContext, Host, LifecycleEvent, Policy, WatchOptions, sha256_hex};
use serde_json::{Value, json};

/// The next event, within `within`.
fn next_event(events: &Receiver<LifecycleEvent>, within: Duration) -> Result<LifecycleEvent> {
    events
        .recv_timeout(within)
        .with_context(|| format!("no lifecycle event within {within:?}"))
}

/// `policy` with one `testing` clinic that enables `versioned`.
fn policy(extra: &str) -> Result<Policy> {
    let text = format!(
        "{extra}\n[limits]\nfuel = 0\n[quotas]\ncalls = 0\n\
         [tenants.a]\nspecialties = [\"testing\"]\nplugins = [\"versioned\", \"host-caller\"]\n"
    );
    parse_policy(&text)
}

fn version_answering(host: &Host) -> Result<String> {
    let output: Value = host.call_as(
        &CallContext::new("a", "dr.teste"),
        "versioned",
        "echo",
        &json!(0),
    )?;
    Ok(output["version"].as_str().unwrap_or_default().to_owned())
}

/// Replaces `path`'s content: in place (truncate, write, close) or by renaming a whole file
/// over it, as deploy tools do.
fn replace(path: &Path, bytes: &[u8], in_place: bool) -> Result<()> {
    if in_place {
        std::fs::write(path, bytes)?;
    } else {
        let staged = path.with_extension("tmp");
        std::fs::write(&staged, bytes)?;
        std::fs::rename(&staged, path)?;
    }
    Ok(())
}

#[test]
fn a_module_replaced_twenty_times_under_load_fails_no_call() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let module = dir.path().join("versioned.wasm");
    let builds = [versioned_module(1)?, versioned_module(2)?];
    std::fs::write(&module, &builds[0])?;
    let audit = Arc::new(SqliteAuditTrail::open(dir.path().join("audit.db"))?);
    let host = Host::builder()
        .policy(policy("allow_unlisted_plugins = true")?)
        .audit_sink(audit.clone())
        .plugins_dir(dir.path())
        .build()?;
    let events = host.subscribe();
    let _watcher = host.watch(dir.path(), WatchOptions::default())?;

    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
    let callers: Vec<_> = (0..4)
        .map(|_| {
            let (host, stop, calls) = (host.clone(), stop.clone(), calls.clone());
            let (failures, seen) = (failures.clone(), seen.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    calls.fetch_add(1, Ordering::Relaxed);
                    match version_answering(&host) {
                        Ok(version) => {
                            seen.lock().unwrap().insert(version);
                        }
                        Err(error) => failures.lock().unwrap().push(error.to_string()),
                    }
                }
            })
        })
        .collect();

    for round in 0..20 {
        let next = &builds[(round + 1) % 2];
        replace(&module, next, round % 2 == 0)?;
        let event = next_event(&events, Duration::from_secs(20))?;
        let LifecycleEvent::Reloaded {
            version,
            previous_version,
            sha256,
            ..
        } = &event
        else {
            bail!("round {round}: expected `reloaded`, got {event:?}");
        };
        assert_eq!(sha256, &sha256_hex(next), "round {round}");
        let expected = if round % 2 == 0 {
            ("2.0.0", "versioned@1.0.0")
        } else {
            ("1.0.0", "versioned@2.0.0")
        };
        assert_eq!(
            (version.as_str(), previous_version.as_str()),
            expected,
            "round {round}"
        );
        // Let the callers run on the new version for a moment.
        std::thread::sleep(Duration::from_millis(30));
    }
    stop.store(true, Ordering::Relaxed);
    for caller in callers {
        caller.join().expect("caller thread");
    }
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} failed calls: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert_eq!(
        *seen.lock().unwrap(),
        ["1.0.0".to_owned(), "2.0.0".to_owned()].into(),
        "every output comes from one of the two builds"
    );
    // One record per call, plus one per reload; the chain verifies.
    let records = audit.records()?;
    let call_records = records
        .iter()
        .filter(|r| r.record.lifecycle.is_none())
        .count();
    let reloads = records
        .iter()
        .filter(|r| {
            r.record
                .lifecycle
                .as_ref()
                .is_some_and(|l| l.event == "reloaded")
        })
        .count();
    assert_eq!(call_records as u64, calls.load(Ordering::Relaxed));
    assert_eq!(reloads, 20);
    assert!(calls.load(Ordering::Relaxed) > 100, "the callers ran");
    let report = audit.verify()?;
    assert!(report.is_intact(), "{report:?}");
    Ok(())
}

#[test]
fn refused_modules_never_replace_the_running_version() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let v1 = versioned_module(1)?;
    let v2 = versioned_module(2)?;
    let module = dir.path().join("versioned.wasm");
    std::fs::write(&module, &v1)?;
    let trusted = SigningKey::generate();
    let stranger = SigningKey::generate();
    let host = Host::builder()
        .policy(policy(&format!(
            "[signatures]\ntrusted_keys = [\"{}\"]\n\
             [plugins.versioned]\nsha256 = \"{}\"\n[plugins.host-caller]\n",
            trusted.public_key(),
            sha256_hex(&v1)
        ))?)
        .plugins_dir(dir.path())
        .build()?;
    let events = host.subscribe();
    let _watcher = host.watch(dir.path(), WatchOptions::default())?;

    let mut truncated = v2.clone();
    truncated.truncate(v2.len() / 2);
    let other = dir.path().join("other.wasm");
    type DropIn<'a> = Box<dyn Fn() -> Result<()> + 'a>;
    let cases: Vec<(&str, DropIn<'_>, &str)> = vec![
        (
            "versioned.wasm",
            Box::new(|| Ok(std::fs::write(&module, b"\0asm\x01\0\0\0garbage")?)),
            "invalid_module",
        ),
        (
            "versioned.wasm",
            Box::new(|| Ok(std::fs::write(&module, &truncated)?)),
            "invalid_module",
        ),
        (
            "versioned.wasm",
            Box::new(|| Ok(std::fs::write(&module, &v2)?)),
            "digest_mismatch",
        ),
        (
            "host-caller.wasm",
            Box::new(|| {
                Ok(std::fs::write(
                    dir.path().join("host-caller.wasm"),
                    test_plugin("host-caller")?,
                )?)
            }),
            "contract_violation",
        ),
        (
            "other.wasm",
            Box::new(|| {
                std::fs::write(
                    dir.path().join("other.wasm.sig"),
                    stranger.sign(&v2).to_file_contents(),
                )?;
                Ok(std::fs::write(&other, &v2)?)
            }),
            "signature",
        ),
    ];
    for (file, drop_in, kind) in cases {
        drop_in()?;
        // The first event for this file is its refusal (a `.sig` written first may announce it
        // once already: skip repeats of the same refusal).
        let event = next_event(&events, Duration::from_secs(20))?;
        let LifecycleEvent::LoadFailed {
            origin,
            error_kind,
            reason,
        } = &event
        else {
            bail!("{file}: expected `load_failed`, got {event:?}");
        };
        assert!(origin.ends_with(file), "{origin}");
        assert_eq!(error_kind, kind, "{file}: {reason}");
        assert_eq!(version_answering(&host)?, "1.0.0", "after {file} ({kind})");
        while let Ok(extra) = events.recv_timeout(Duration::from_millis(300)) {
            assert!(
                matches!(&extra, LifecycleEvent::LoadFailed { error_kind, .. } if error_kind == kind),
                "{file}: unexpected {extra:?}"
            );
        }
    }
    assert_eq!(host.plugins().len(), 1);
    Ok(())
}

#[test]
fn a_module_written_in_slow_chunks_is_loaded_once_whole() -> Result<()> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("versioned.wasm"), versioned_module(1)?)?;
    let host = Host::builder()
        .policy(policy("allow_unlisted_plugins = true")?)
        .plugins_dir(dir.path())
        .build()?;
    let events = host.subscribe();
    let options = WatchOptions {
        debounce: Duration::from_millis(100),
        ..WatchOptions::default()
    };
    let _watcher = host.watch(dir.path(), options)?;
    // Eight chunks, 300 ms apart: each pause is three times the debounce period.
    let v2 = versioned_module(2)?;
    let started = Instant::now();
    let mut file = std::fs::File::create(dir.path().join("versioned-2.wasm"))?;
    for chunk in v2.chunks(v2.len().div_ceil(8)) {
        file.write_all(chunk)?;
        file.flush()?;
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            events.try_recv().is_err(),
            "an event before the write ended ({:?} in)",
            started.elapsed()
        );
    }
    drop(file);
    let event = next_event(&events, Duration::from_secs(20))?;
    let LifecycleEvent::Installed {
        version, origin, ..
    } = &event
    else {
        bail!("expected `installed`, got {event:?}");
    };
    assert_eq!(version, "2.0.0");
    assert!(origin.ends_with("versioned-2.wasm"), "{origin}");
    assert!(
        events.recv_timeout(Duration::from_millis(500)).is_err(),
        "one event only"
    );
    assert_eq!(version_answering(&host)?, "2.0.0");
    // Deleting the file uninstalls its version; the other keeps serving.
    std::fs::remove_file(dir.path().join("versioned-2.wasm"))?;
    let event = next_event(&events, Duration::from_secs(20))?;
    assert_eq!(event.kind(), "uninstalled", "{event:?}");
    assert_eq!(version_answering(&host)?, "1.0.0");
    Ok(())
}
