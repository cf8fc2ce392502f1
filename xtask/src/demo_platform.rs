//! The demo's live-platform part: a watched plugins directory, an upgrade and a rollback while
//! four threads call, a broken module that changes nothing, two versions side by side with a
//! per-tenant rollout — zero failed calls, the events, and a trail that verifies.
//!
//! It uses the `versioned` test plugin (`tests/guests/versioned-v1` and `-v2`): two real builds
//! of one plugin that report 1.0.0 and 2.0.0, so that the version answering each call is plain.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use medplug_host::audit::SqliteAuditTrail;
use medplug_host::{CallContext, Host, LifecycleEvent, Policy, WatchOptions};
use serde_json::{Value, json};

/// The clinics that call during the demo.
const CLINICS: [&str; 2] = ["clinica-horizonte", "cardio-sul"];

const POLICY: &str = r#"
allow_unlisted_plugins = true
[quotas]
calls = 0
[pool]
min_idle = 1
[tenants.clinica-horizonte]
specialties = ["testing"]
plugins = ["versioned"]
[tenants.cardio-sul]
specialties = ["testing"]
plugins = ["versioned"]
"#;

/// Calls per clinic and version, and the failures.
#[derive(Default)]
struct Tally {
    answered: BTreeMap<(String, String), u64>,
    failed: Vec<String>,
}

fn wait_for(events: &Receiver<LifecycleEvent>, kind: &str) -> Result<(LifecycleEvent, Duration)> {
    let started = Instant::now();
    let event = events
        .recv_timeout(Duration::from_secs(30))
        .with_context(|| format!("no `{kind}` event within 30 s"))?;
    if event.kind() != kind {
        bail!("expected `{kind}`, got {event:?}");
    }
    Ok((event, started.elapsed()))
}

/// One line for an event.
fn describe(event: &LifecycleEvent) -> String {
    match event {
        LifecycleEvent::Installed {
            plugin,
            version,
            sha256,
            ..
        } => {
            format!("installed  {plugin}@{version} (sha256 {}…)", &sha256[..12])
        }
        LifecycleEvent::Reloaded {
            plugin,
            version,
            previous_version,
            sha256,
            ..
        } => format!(
            "reloaded   {previous_version} → {plugin}@{version} (sha256 {}…)",
            &sha256[..12]
        ),
        LifecycleEvent::Disabled {
            plugin,
            version,
            tenant,
        } => format!(
            "disabled   {plugin}@{version} for {}",
            tenant.as_deref().unwrap_or("every tenant")
        ),
        LifecycleEvent::LoadFailed {
            origin,
            error_kind,
            reason,
        } => {
            let file = Path::new(origin)
                .file_name()
                .map_or(origin.clone(), |f| f.to_string_lossy().into_owned());
            let reason = reason.split(": ").last().unwrap_or(reason);
            format!("load_failed {file} ({error_kind}): {reason}")
        }
        other => format!("{} {other:?}", other.kind()),
    }
}

/// The platform report; `root` is the workspace, `dir` the demo's fresh directory.
pub fn platform_report(root: &Path, dir: &Path) -> Result<String> {
    let mut out = String::new();
    writeln!(
        out,
        "── Live platform · hot reload, an upgrade under load, versions side by side ──"
    )?;
    let v1 = std::fs::read(root.join("target/test-plugins/versioned-v1.wasm"))?;
    let v2 = std::fs::read(root.join("target/test-plugins/versioned-v2.wasm"))?;
    let plugins = dir.join("platform");
    std::fs::create_dir_all(&plugins)?;
    let module = plugins.join("versioned.wasm");
    std::fs::write(&module, &v1)?;
    let audit = Arc::new(SqliteAuditTrail::open(dir.join("platform-audit.db"))?);
    let host = Host::builder()
        .policy(Policy::parse(POLICY, "the platform demo's policy", dir)?)
        .audit_sink(audit.clone())
        .plugins_dir(&plugins)
        .build()?;
    let events = host.subscribe();
    let _watcher = host.watch(&plugins, WatchOptions::default())?;
    writeln!(
        out,
        "  watching {} — test plugin `versioned` 1.0.0 serving; 4 threads call it as {} (2 each)",
        plugins.strip_prefix(root).unwrap_or(&plugins).display(),
        CLINICS.join(" and ")
    )?;

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let callers: Vec<_> = (0..4)
        .map(|i| {
            let (host, stop, tally) = (host.clone(), stop.clone(), tally.clone());
            let context = CallContext::new(CLINICS[i % 2], "demo");
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let answer = host.call_as::<_, Value>(&context, "versioned", "echo", &json!(i));
                    let mut tally = tally.lock().unwrap_or_else(|p| p.into_inner());
                    match answer {
                        Ok(answer) => {
                            let version = answer["version"].as_str().unwrap_or("?").to_owned();
                            *tally
                                .answered
                                .entry((context.tenant.clone(), version))
                                .or_default() += 1;
                        }
                        Err(error) => tally.failed.push(error.to_string()),
                    }
                    drop(tally);
                    std::thread::sleep(Duration::from_micros(500));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));

    let steps: [(&str, &[u8], &str); 3] = [
        (
            "upgrade: 2.0.0 written over versioned.wasm",
            &v2,
            "reloaded",
        ),
        ("rollback: 1.0.0 written back", &v1, "reloaded"),
        (
            "a broken module (half of 2.0.0) written over it",
            &v2[..v2.len() / 2],
            "load_failed",
        ),
    ];
    for (what, bytes, expected) in steps {
        std::fs::write(&module, bytes)?;
        let (event, took) = wait_for(&events, expected)?;
        writeln!(
            out,
            "  → {what}\n      {} — after {took:.0?}",
            describe(&event)
        )?;
        std::thread::sleep(Duration::from_millis(200));
    }
    std::fs::write(&module, &v1)?; // the file matches what serves again (unchanged: no event)
    std::fs::write(plugins.join("versioned-2.wasm"), &v2)?;
    let (event, took) = wait_for(&events, "installed")?;
    writeln!(
        out,
        "  → 2.0.0 dropped in beside it as versioned-2.wasm\n      {} — after {took:.0?}",
        describe(&event)
    )?;
    host.disable("versioned@2.0.0", Some("cardio-sul"), "demo")?;
    let (event, _) = wait_for(&events, "disabled")?;
    writeln!(
        out,
        "  → a per-tenant rollout: cardio-sul stays on 1.0.0\n      {}",
        describe(&event)
    )?;
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for caller in callers {
        caller
            .join()
            .map_err(|_| anyhow::anyhow!("a calling thread panicked"))?;
    }

    let tally = tally.lock().unwrap_or_else(|p| p.into_inner());
    let total: u64 = tally.answered.values().sum();
    writeln!(out, "  calls answered, by clinic and version:")?;
    for ((clinic, version), n) in &tally.answered {
        writeln!(out, "    {clinic:<18} {version}  {n:>6}")?;
    }
    let failed = tally.failed.len();
    writeln!(
        out,
        "  {} {total} calls answered, {failed} failed",
        if failed == 0 { "✓" } else { "✗" }
    )?;
    if let Some(first) = tally.failed.first() {
        bail!("{failed} calls failed during the platform demo; the first: {first}");
    }
    for listing in host.versions() {
        writeln!(
            out,
            "  {:<18} {:<36} used by: {}",
            listing.plugin.id(),
            listing.status.describe(),
            listing.default_for.join(", ")
        )?;
    }
    let report = audit.verify()?;
    let changes = audit
        .records()?
        .iter()
        .filter(|r| r.record.lifecycle.is_some())
        .count();
    writeln!(
        out,
        "  {} audit: {} records ({changes} of them changes), hash chain {}",
        if report.is_intact() { "✓" } else { "✗" },
        report.records,
        if report.is_intact() {
            "intact"
        } else {
            "BROKEN"
        }
    )?;
    Ok(out)
}
