//! `medplug serve` through real HTTP on 127.0.0.1: every endpoint, every error status with its
//! problem body, tenant isolation, quotas, a looping plugin under load, graceful shutdown,
//! `kill -9`, metrics, and hot reload under load. Each test runs its own service process.
//! Needs `cargo xtask build-plugins` first (`cargo xtask test` does it).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;

mod service;

use service::{Service, Setup, client, delete, get, post};

const CPF_NOTE: &[u8] = br#"{"content":"Paciente com CPF 529.982.247-25."}"#;

/// Two demo clinics and a third that enabled the LGPD analyzer but does not practise privacy.
const POLICY: &str = r#"
[quotas]
calls = 0
[plugins.lgpd-analyzer]
limits = { max_input_bytes = 4096 }
[plugins.versioned]
[plugins.misbehave]
limits = { timeout_ms = 500, fuel = 0 }
pool = { max_instances = 1, queue_timeout_ms = 100 }
[plugins.host-caller]
grants = ["audit_log", "read_patient", "encrypt_phi"]
[tenants.clinica-horizonte]
specialties = ["privacy", "testing", "dermatology"]
plugins = ["lgpd-analyzer", "versioned", "misbehave", "host-caller"]
pins = { versioned = "1.0.0" }
[tenants.cardio-sul]
specialties = ["testing"]
plugins = ["versioned"]
[tenants.clinica-c]
specialties = ["cardiology"]
plugins = ["lgpd-analyzer"]
"#;

const MODULES: &[(&str, &str)] = &[
    ("lgpd-analyzer.wasm", "plugins/lgpd-analyzer.wasm"),
    ("versioned-1.wasm", "test-plugins/versioned-v1.wasm"),
    ("versioned-2.wasm", "test-plugins/versioned-v2.wasm"),
    ("misbehave.wasm", "test-plugins/misbehave.wasm"),
    ("host-caller.wasm", "test-plugins/host-caller.wasm"),
];

fn problem_code(answer: &service::Answer) -> Result<String> {
    assert_eq!(
        answer.content_type, "application/problem+json",
        "{answer:?}"
    );
    let body = answer.json()?;
    assert_eq!(body["status"], answer.status, "{body}");
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:medplug:problem:"))
    );
    Ok(body["code"].as_str().context("code")?.to_owned())
}

/// A request whose headers promise a large body, with none sent: the answer must come before.
fn promise_large_body(base: &str, path: &str, key: &str, length: u64) -> Result<String> {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{\"content\":\""
    )?;
    let mut response = vec![0; 4096];
    let n = stream.read(&mut response)?;
    Ok(String::from_utf8_lossy(&response[..n]).into_owned())
}

#[test]
fn every_endpoint_answers_and_every_error_is_a_problem() -> Result<()> {
    let service = Service::start(&Setup {
        modules: MODULES,
        policy: POLICY,
        args: &[],
    })?;
    let seeded = service.medplug(&["patients", "seed"]).output()?;
    assert!(seeded.status.success());
    let horizonte = service.tenant_key("clinica-horizonte", "dr.ana")?;
    let cardio = service.tenant_key("cardio-sul", "dr.bruno")?;
    let clinic_c = service.tenant_key("clinica-c", "dr.c")?;
    let admin = service.admin_key()?;
    let agent = client();
    let base = service.base.as_str();
    let mut calls = 0u64;
    let call = |key: &str, target: &str, body: &[u8]| {
        post(
            &agent,
            base,
            &format!("/v1/plugins/{target}"),
            Some(key),
            body,
        )
    };

    // Probes and scrapers need no key.
    assert_eq!(get(&agent, base, "/healthz", None)?.status, 200);
    let ready = get(&agent, base, "/readyz", None)?;
    assert_eq!(
        (ready.status, ready.json()?["status"].clone()),
        (200, json!("ready"))
    );
    let metrics = get(&agent, base, "/metrics", None)?;
    assert!(
        metrics
            .content_type
            .starts_with("application/openmetrics-text")
    );

    // 401: no key, not a key, a revoked key.
    for key in [None, Some("junk"), Some("mpk_0000000000000000_AAAA")] {
        let answer = get(&agent, base, "/v1/plugins", key)?;
        assert_eq!(
            (answer.status, problem_code(&answer)?.as_str()),
            (401, "unauthorized")
        );
    }

    // What a tenant may call: its pin leaves out versioned 2.0.0.
    let listed = get(&agent, base, "/v1/plugins", Some(&horizonte))?.json()?;
    let versions: Vec<String> = listed["plugins"]
        .as_array()
        .context("plugins")?
        .iter()
        .map(|p| {
            format!(
                "{}@{}",
                p["plugin"].as_str().unwrap_or(""),
                p["version"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            "host-caller@0.1.0",
            "lgpd-analyzer@0.1.0",
            "misbehave@0.1.0",
            "versioned@1.0.0"
        ]
    );
    let described = get(&agent, base, "/v1/plugins/lgpd-analyzer", Some(&horizonte))?.json()?;
    assert_eq!(described["describe"]["name"], "lgpd-analyzer");
    assert_eq!(described["schemas"]["analyze"]["input"]["type"], "object");

    // A call: the output, the version that answered, the audit record (record 1 is the
    // policy the service started under, records 2 to 5 the four keys made above).
    let answer = call(&horizonte, "lgpd-analyzer/analyze", CPF_NOTE)?;
    calls += 1;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.version.as_deref(), Some("lgpd-analyzer@0.1.0"));
    assert_eq!(answer.audit_record.as_deref(), Some("6"));
    assert_eq!(answer.json()?["findings"][0]["masked"], "***.***.***-25");

    // 400 with pointers, never echoing the input.
    let answer = call(
        &horizonte,
        "lgpd-analyzer/analyze",
        br#"{"content": 52998224725}"#,
    )?;
    calls += 1;
    assert_eq!(
        (answer.status, problem_code(&answer)?.as_str()),
        (400, "input_schema")
    );
    let body = answer.json()?;
    assert_eq!(body["errors"][0]["pointer"], "/content");
    assert!(!answer.body.contains("52998224725"), "{}", answer.body);
    let answer = call(&horizonte, "versioned@^x/echo", b"1")?;
    calls += 1;
    assert_eq!(
        (answer.status, problem_code(&answer)?.as_str()),
        (400, "invalid_target")
    );

    // 404 alike for a plugin the tenant did not enable and one that does not exist.
    let not_enabled = call(&cardio, "lgpd-analyzer/analyze", CPF_NOTE)?;
    let absent = call(&cardio, "nothing/analyze", CPF_NOTE)?;
    calls += 2;
    assert_eq!((not_enabled.status, absent.status), (404, 404));
    assert_eq!(
        not_enabled.json()?["detail"],
        "plugin `lgpd-analyzer` is not available to this tenant"
    );
    assert_eq!(problem_code(&not_enabled)?, problem_code(&absent)?);
    // Pinned versions: within the pin only.
    let outside = call(&horizonte, "versioned@2.0.0/echo", b"1")?;
    calls += 1;
    assert_eq!(
        (outside.status, problem_code(&outside)?.as_str()),
        (404, "no_matching_version")
    );
    assert_eq!(
        call(&cardio, "versioned/echo", b"1")?.version.as_deref(),
        Some("versioned@2.0.0")
    );
    assert_eq!(
        call(&horizonte, "versioned/echo", b"1")?.version.as_deref(),
        Some("versioned@1.0.0")
    );
    calls += 2;
    let function = call(&horizonte, "versioned/nope", b"1")?;
    calls += 1;
    assert_eq!(
        (function.status, problem_code(&function)?.as_str()),
        (404, "function_not_found")
    );

    // A path no endpoint serves is a problem too.
    let answer = get(&agent, base, "/v2/plugins", Some(&horizonte))?;
    assert_eq!(
        (answer.status, problem_code(&answer)?.as_str()),
        (404, "not_found")
    );

    // 403: a specialty the tenant does not practise; a tenant's key on the admin endpoints.
    let answer = call(&clinic_c, "lgpd-analyzer/analyze", CPF_NOTE)?;
    calls += 1;
    assert_eq!(
        (answer.status, problem_code(&answer)?.as_str()),
        (403, "specialty_not_served")
    );
    let answer = get(&agent, base, "/v1/admin/plugins", Some(&horizonte))?;
    assert_eq!(
        (answer.status, problem_code(&answer)?.as_str()),
        (403, "forbidden")
    );

    // 413 before the body is read: the headers promise 10 MB, nothing follows.
    let started = Instant::now();
    let raw = promise_large_body(
        base,
        "/v1/plugins/lgpd-analyzer/analyze",
        &horizonte,
        10_000_000,
    )?;
    assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
    assert!(
        raw.contains("application/problem+json") && raw.contains("input_too_large"),
        "{raw}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));

    // 504, 500, 422 from a misbehaving plugin; 503 with Retry-After when its one instance runs.
    let timeout = call(&horizonte, "misbehave/spin", b"{}")?;
    let panic = call(&horizonte, "misbehave/panic", b"{}")?;
    let unsupported = call(&horizonte, "misbehave/fail", b"{}")?;
    calls += 3;
    assert_eq!(
        (timeout.status, problem_code(&timeout)?.as_str()),
        (504, "timeout")
    );
    assert_eq!(
        (panic.status, problem_code(&panic)?.as_str()),
        (500, "internal")
    );
    assert_eq!(
        (unsupported.status, problem_code(&unsupported)?.as_str()),
        (422, "unsupported")
    );
    let spinning = {
        let (base, key) = (base.to_owned(), horizonte.clone());
        std::thread::spawn(move || {
            post(
                &client(),
                &base,
                "/v1/plugins/misbehave/spin",
                Some(&key),
                b"{}",
            )
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let busy = call(&horizonte, "misbehave/echo", b"{}")?;
    calls += 2;
    assert_eq!((busy.status, problem_code(&busy)?.as_str()), (503, "busy"));
    assert_eq!(busy.retry_after.as_deref(), Some("1"));
    assert_eq!(spinning.join().expect("spinning thread")?.status, 504);

    // Another clinic's patient is answered as a patient that does not exist.
    let patients = call(
        &horizonte,
        "host-caller/patients",
        br#"{"patient_ids":["HZ-0001","CS-0001","XX-9999"]}"#,
    )?;
    calls += 1;
    let replies = patients.json()?;
    assert_eq!(replies[0]["ok"]["patient_id"], "HZ-0001");
    assert_eq!(
        replies[1]["error"],
        json!({"code": "not_found", "message": "no patient `CS-0001`"})
    );
    assert_eq!(replies[2]["error"]["code"], "not_found");

    // The administrator: list, install from the body, disable per tenant, uninstall.
    let listed = get(&agent, base, "/v1/admin/plugins", Some(&admin))?.json()?;
    assert_eq!(listed["plugins"].as_array().map(Vec::len), Some(5));
    let v2 = std::fs::read(service::root().join("target/test-plugins/versioned-v2.wasm"))?;
    let conflict = post(
        &agent,
        base,
        "/v1/admin/plugins?origin=upload",
        Some(&admin),
        &v2,
    )?;
    assert_eq!(
        (conflict.status, problem_code(&conflict)?.as_str()),
        (409, "version_conflict")
    );
    let disabled = post(
        &agent,
        base,
        "/v1/admin/plugins/versioned@2.0.0/disable?tenant=cardio-sul",
        Some(&admin),
        b"",
    )?;
    assert_eq!(disabled.status, 200, "{}", disabled.body);
    assert_eq!(
        call(&cardio, "versioned/echo", b"1")?.version.as_deref(),
        Some("versioned@1.0.0")
    );
    calls += 1;
    let gone = delete(
        &agent,
        base,
        "/v1/admin/plugins/versioned@2.0.0",
        Some(&admin),
    )?;
    assert_eq!(gone.status, 200, "{}", gone.body);
    let installed = post(
        &agent,
        base,
        "/v1/admin/plugins?origin=upload",
        Some(&admin),
        &v2,
    )?;
    assert_eq!(
        (installed.status, installed.json()?["version"].clone()),
        (201, json!("2.0.0"))
    );
    let missing = delete(
        &agent,
        base,
        "/v1/admin/plugins/versioned@9.0.0",
        Some(&admin),
    )?;
    assert_eq!(
        (missing.status, problem_code(&missing)?.as_str()),
        (404, "not_installed")
    );

    // A revoked key stops working within a second.
    let revoked = service::new_key(service.dir.path(), &["tenant-key", "new", "cardio-sul"])?;
    assert_eq!(
        get(&agent, base, "/v1/plugins", Some(&revoked))?.status,
        200
    );
    let id = revoked.split('_').nth(1).context("key id")?;
    assert!(
        service
            .medplug(&["tenant-key", "revoke", id])
            .output()?
            .status
            .success()
    );
    std::thread::sleep(Duration::from_millis(1_100));
    assert_eq!(
        get(&agent, base, "/v1/plugins", Some(&revoked))?.status,
        401
    );

    // /metrics parses, and its call counters add up to the calls that reached the host.
    let text = get(&agent, base, "/metrics", None)?.body;
    let counted: f64 = text
        .lines()
        .filter(|l| l.starts_with("medplug_plugin_calls_total{"))
        .map(|l| {
            l.rsplit(' ')
                .next()
                .and_then(|v| v.parse::<f64>().ok())
                .context(l.to_owned())
        })
        .sum::<Result<f64>>()?;
    assert_eq!(counted as u64, calls, "{text}");
    assert!(
        text.contains(r#"medplug_plugin_errors_total{plugin="misbehave",kind="timeout"} 2"#),
        "{text}"
    );
    assert!(text.trim_end().ends_with("# EOF"));
    Ok(())
}

#[test]
fn the_call_past_the_quota_gets_429_with_retry_after() -> Result<()> {
    let policy = r#"
[plugins.versioned]
quotas = { calls = 1000, period_seconds = 60 }
[tenants.clinica-horizonte]
specialties = ["testing"]
plugins = ["versioned"]
[tenants.cardio-sul]
specialties = ["testing"]
plugins = ["versioned"]
"#;
    let service = Service::start(&Setup {
        modules: &[("versioned.wasm", "test-plugins/versioned-v1.wasm")],
        policy,
        args: &[],
    })?;
    let key = service.tenant_key("clinica-horizonte", "dr.ana")?;
    let agent = client();
    // 1,000 calls a minute (the design's figure): the 1,001st within the minute is refused.
    let started = Instant::now();
    for n in 1..=1000 {
        let answer = post(
            &agent,
            &service.base,
            "/v1/plugins/versioned/echo",
            Some(&key),
            b"1",
        )?;
        assert_eq!(answer.status, 200, "call {n}: {}", answer.body);
    }
    let refused = post(
        &agent,
        &service.base,
        "/v1/plugins/versioned/echo",
        Some(&key),
        b"1",
    )?;
    assert_eq!(
        (refused.status, problem_code(&refused)?.as_str()),
        (429, "quota_exceeded")
    );
    // The window has room once the first call's slice (one second) has left it: 61 s after the
    // first call at most, less the time the calls took.
    let retry: u64 = refused
        .retry_after
        .as_deref()
        .context("Retry-After")?
        .parse()?;
    let took = started.elapsed().as_secs();
    assert!(took < 55, "1,000 calls took {took} s");
    assert!(
        (60 - took..=61).contains(&retry),
        "{retry} s after {took} s"
    );
    assert_eq!(refused.json()?["retry_after"], retry);
    // Another clinic's quota is its own.
    let other = service.tenant_key("cardio-sul", "dr.bruno")?;
    assert_eq!(
        post(
            &agent,
            &service.base,
            "/v1/plugins/versioned/echo",
            Some(&other),
            b"1"
        )?
        .status,
        200
    );
    Ok(())
}

#[test]
fn a_looping_plugin_delays_neither_healthz_nor_other_tenants() -> Result<()> {
    let policy = r#"
[quotas]
calls = 0
[plugins.misbehave]
limits = { timeout_ms = 1500, fuel = 0 }
[plugins.versioned]
[tenants.clinica-horizonte]
specialties = ["testing"]
plugins = ["misbehave"]
[tenants.cardio-sul]
specialties = ["testing"]
plugins = ["versioned"]
"#;
    let service = Service::start(&Setup {
        modules: &[
            ("misbehave.wasm", "test-plugins/misbehave.wasm"),
            ("versioned.wasm", "test-plugins/versioned-v1.wasm"),
        ],
        policy,
        args: &[],
    })?;
    let looping = service.tenant_key("clinica-horizonte", "dr.ana")?;
    let other = service.tenant_key("cardio-sul", "dr.bruno")?;
    let spinners: Vec<_> = (0..4)
        .map(|_| {
            let (base, key) = (service.base.clone(), looping.clone());
            std::thread::spawn(move || {
                post(
                    &client(),
                    &base,
                    "/v1/plugins/misbehave/spin",
                    Some(&key),
                    b"{}",
                )
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let agent = client();
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let started = Instant::now();
        assert_eq!(get(&agent, &service.base, "/healthz", None)?.status, 200);
        slowest = slowest.max(started.elapsed());
        let answer = post(
            &agent,
            &service.base,
            "/v1/plugins/versioned/echo",
            Some(&other),
            b"1",
        )?;
        assert_eq!(answer.status, 200, "{}", answer.body);
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        slowest <= Duration::from_millis(50),
        "/healthz took {slowest:?}"
    );
    for spinner in spinners {
        assert_eq!(spinner.join().expect("spinner")?.status, 504);
    }
    Ok(())
}

/// A calling thread: how many calls got 200, and what the others got.
type Caller = std::thread::JoinHandle<(u64, Vec<String>)>;

/// POSTs `body` to `path` on `threads` threads until the flag is set; counts 200s and keeps
/// anything else.
fn load(
    service: &Service,
    key: &str,
    threads: usize,
    body: &'static [u8],
    path: &'static str,
) -> (Arc<AtomicBool>, Vec<Caller>) {
    let stop = Arc::new(AtomicBool::new(false));
    let handles = (0..threads)
        .map(|_| {
            let (base, key, stop) = (service.base.clone(), key.to_owned(), stop.clone());
            std::thread::spawn(move || {
                let agent = client();
                let (mut ok, mut failed) = (0, Vec::new());
                while !stop.load(Ordering::Relaxed) {
                    match post(&agent, &base, path, Some(&key), body) {
                        Ok(answer) if answer.status == 200 => ok += 1,
                        Ok(answer) => failed.push(format!("{}: {}", answer.status, answer.body)),
                        Err(e) => failed.push(e.to_string()),
                    }
                }
                (ok, failed)
            })
        })
        .collect();
    (stop, handles)
}

fn audit_records(service: &Service) -> Result<u64> {
    let out = service
        .medplug(&["audit", "verify", "--db", "audit.db"])
        .output()?;
    let text = String::from_utf8(out.stdout)?;
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .with_context(|| text.clone())
}

const ONE_VERSION: &str = r#"
[quotas]
calls = 0
[plugins.versioned]
limits = { fuel = 0 }
[tenants.clinica-horizonte]
specialties = ["testing"]
plugins = ["versioned"]
"#;

#[test]
fn on_sigterm_calls_in_flight_finish_and_the_trail_holds_one_record_each() -> Result<()> {
    let mut service = Service::start(&Setup {
        modules: &[("versioned.wasm", "test-plugins/versioned-v1.wasm")],
        policy: ONE_VERSION,
        args: &[],
    })?;
    let key = service.tenant_key("clinica-horizonte", "dr.ana")?;
    // Calls of about half a second each, in flight when the signal comes.
    let answers = Arc::new(Mutex::new(Vec::new()));
    let callers: Vec<_> = (0..3)
        .map(|_| {
            let (base, key, answers) = (service.base.clone(), key.clone(), answers.clone());
            std::thread::spawn(move || {
                let answer = post(
                    &client(),
                    &base,
                    "/v1/plugins/versioned/work",
                    Some(&key),
                    br#"{"iterations": 400000000}"#,
                );
                answers
                    .lock()
                    .unwrap()
                    .push(answer.map(|a| a.status).map_err(|e| e.to_string()));
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (code, rest) = service.stop("TERM")?;
    for caller in callers {
        caller.join().expect("caller");
    }
    assert_eq!(code, Some(0), "{rest}");
    assert!(
        rest.contains("medplug serve: stopped after 3 calls"),
        "{rest}"
    );
    let answers = answers.lock().unwrap();
    assert_eq!(
        answers.iter().filter(|a| **a == Ok(200)).count(),
        3,
        "{answers:?}"
    );
    // The policy in force at start, the key made, then one record per call.
    assert_eq!(audit_records(&service)?, 1 + 1 + 3);
    Ok(())
}

#[test]
fn after_kill_9_the_trail_verifies_and_holds_every_answered_call() -> Result<()> {
    let mut service = Service::start(&Setup {
        modules: &[("versioned.wasm", "test-plugins/versioned-v1.wasm")],
        policy: ONE_VERSION,
        args: &[],
    })?;
    let key = service.tenant_key("clinica-horizonte", "dr.ana")?;
    let (stop, callers) = load(&service, &key, 3, b"1", "/v1/plugins/versioned/echo");
    std::thread::sleep(Duration::from_millis(1_500));
    service.stop("KILL")?;
    stop.store(true, Ordering::Relaxed);
    let answered: u64 = callers
        .into_iter()
        .map(|c| c.join().expect("caller").0)
        .sum();
    // The policy in force at start and the key made are not calls.
    let records = audit_records(&service)? - 2;
    assert!(answered > 10, "{answered}");
    // Every answered call was committed before its answer; at most the calls in flight at the
    // kill (one per caller) were committed and never answered.
    assert!(
        records >= answered && records <= answered + 3,
        "{records} records, {answered} answers"
    );
    Ok(())
}

#[test]
fn a_module_replaced_while_a_load_runs_fails_no_request() -> Result<()> {
    let service = Service::start(&Setup {
        modules: &[("versioned.wasm", "test-plugins/versioned-v1.wasm")],
        policy: ONE_VERSION,
        args: &["--watch"],
    })?;
    let key = service.tenant_key("clinica-horizonte", "dr.ana")?;
    let builds = [
        std::fs::read(service::root().join("target/test-plugins/versioned-v1.wasm"))?,
        std::fs::read(service::root().join("target/test-plugins/versioned-v2.wasm"))?,
    ];
    let (stop, callers) = load(&service, &key, 3, b"1", "/v1/plugins/versioned/echo");
    let agent = client();
    let module = service.dir.path().join("plugins/versioned.wasm");
    let seen = AtomicU64::new(0);
    for round in 0..4 {
        let (bytes, version) = if round % 2 == 0 {
            (&builds[1], "versioned@2.0.0")
        } else {
            (&builds[0], "versioned@1.0.0")
        };
        std::fs::write(&module, bytes)?;
        let started = Instant::now();
        loop {
            let answer = post(
                &agent,
                &service.base,
                "/v1/plugins/versioned/echo",
                Some(&key),
                b"1",
            )?;
            if answer.version.as_deref() == Some(version) {
                seen.fetch_add(1, Ordering::Relaxed);
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "round {round}: never reloaded"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    stop.store(true, Ordering::Relaxed);
    let mut answered = 0;
    for caller in callers {
        let (ok, failed) = caller.join().expect("caller");
        assert!(
            failed.is_empty(),
            "{} failed: {:?}",
            failed.len(),
            &failed[..failed.len().min(3)]
        );
        answered += ok;
    }
    assert!(answered > 20, "{answered}");
    assert_eq!(seen.load(Ordering::Relaxed), 4);
    Ok(())
}

#[test]
fn the_service_records_its_policy_and_signs_checkpoints_on_schedule() -> Result<()> {
    let keys = tempfile::tempdir()?;
    let key_file = keys.path().join("checkpoint.key");
    let public = medplug_host::signature::SigningKey::write_new(&key_file)?
        .public_key()
        .to_string();
    let policy = format!(
        "[audit]\ncheckpoint_key = {:?}\ncheckpoint_dir = \"checkpoints\"\n\
         checkpoint_interval_s = 1\n{ONE_VERSION}",
        key_file.display().to_string()
    );
    let service = Service::start(&Setup {
        modules: &[("versioned.wasm", "test-plugins/versioned-v1.wasm")],
        policy: &policy,
        args: &[],
    })?;
    let checkpoints = service.dir.path().join("checkpoints");
    let appears = |name: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if checkpoints.join(name).exists() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };
    // Record 1, the policy in force, is checkpointed at start.
    assert!(appears("checkpoint-1.json"));
    let key = service.tenant_key("clinica-horizonte", "dr.ana")?;
    let answer = post(
        &client(),
        &service.base,
        "/v1/plugins/versioned/echo",
        Some(&key),
        b"1",
    )?;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // Record 2 is the key made, record 3 the call.
    assert!(appears("checkpoint-3.json"));
    let out = service
        .medplug(&[
            "audit",
            "verify",
            "--db",
            "audit.db",
            "--checkpoint",
            "checkpoints/checkpoint-3.json",
            "--trusted-key",
            &public,
        ])
        .output()?;
    let text = String::from_utf8(out.stdout)?;
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("checkpoints/checkpoint-3.json holds: record 3 has hash "),
        "{text}"
    );
    let export = service
        .medplug(&["audit", "export", "--db", "audit.db"])
        .output()?;
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8(export.stdout)?
            .lines()
            .next()
            .context("no record")?,
    )?;
    assert_eq!(first["actor"], "medplug-serve");
    assert_eq!(first["host_action"]["action"], "policy_in_force");
    assert_eq!(
        first["host_action"]["sha256"],
        medplug_host::sha256_hex(&std::fs::read(service.dir.path().join("medplug.toml"))?)
    );
    // The key's record: its id and label, never the key or its hash.
    let second: serde_json::Value = serde_json::from_str(
        String::from_utf8(
            service
                .medplug(&["audit", "export", "--db", "audit.db"])
                .output()?
                .stdout,
        )?
        .lines()
        .nth(1)
        .context("no second record")?,
    )?;
    let key_id = key.split('_').nth(1).context("a key id")?;
    assert_eq!(
        (&second["tenant"], &second["actor"], &second["host_action"]),
        (
            &json!("clinica-horizonte"),
            &json!("cli"),
            &json!({ "action": "api_key_created", "key_id": key_id, "label": "dr.ana" })
        )
    );
    assert!(!second.to_string().contains(key.as_str()));
    Ok(())
}
