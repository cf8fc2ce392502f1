//! Three `medplug serve` replicas on one PostgreSQL database and one plugins directory, under a
//! round-robin load through real HTTP on 127.0.0.1: a module is replaced while they serve (each
//! hot-reloads it), then one replica is killed with SIGKILL while calls are in flight to it.
//! Afterwards the shared audit trail must verify, name every answered call exactly once, with
//! its tenant, plugin, function and input digest, and hold no more than the calls that were in
//! flight to the killed replica besides; the survivors must have answered every request.
//!
//! Needs `cargo xtask build-plugins` first (`cargo xtask test` does it) and PostgreSQL's
//! programs (`medplug-testdb` finds them).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use medplug_testdb::TestPostgres;
use serde_json::{Value, json};

// The test uses the service's command, client and `post`, not its single-process `Service`.
#[allow(dead_code)]
mod service;

use service::{client, post};

/// How many replicas serve, and which one is killed.
const REPLICAS: usize = 3;
const KILLED: usize = 2;
/// Load threads, each sending one request at a time.
const THREADS: usize = 6;
/// No more requests than this, whatever happens.
const MAX_REQUESTS: u64 = 900;
/// The tenant of the load and the label (actor) of its key.
const TENANT: &str = "clinica-horizonte";
const LABEL: &str = "replicas-load";

/// Two plugins: the LGPD analyzer, and `versioned`, whose module is replaced mid-load. The
/// quota is far above the load (it must refuse nothing) but counted, in the shared windows.
const POLICY: &str = r#"
[quotas]
calls = 100000
[plugins.lgpd-analyzer]
limits = { max_input_bytes = 4096 }
[plugins.versioned]
[tenants.clinica-horizonte]
specialties = ["privacy", "testing"]
plugins = ["lgpd-analyzer", "versioned"]
[tenants.cardio-sul]
specialties = ["testing"]
plugins = ["versioned"]
"#;

/// The shared directory: the policy (audit trail and patient store in `url`), the keys file,
/// and the plugins with their schemas.
fn lay_out(dir: &Path, url: &str) -> Result<()> {
    let target = service::root().join("target");
    let plugins = dir.join("plugins");
    let schemas = plugins.join("schemas");
    std::fs::create_dir_all(schemas.join("versioned"))?;
    for (name, module) in [
        ("lgpd-analyzer.wasm", "plugins/lgpd-analyzer.wasm"),
        ("versioned.wasm", "test-plugins/versioned-v1.wasm"),
    ] {
        let from = target.join(module);
        std::fs::copy(&from, plugins.join(name)).with_context(|| {
            format!("{}: run `cargo xtask build-plugins` first", from.display())
        })?;
    }
    let lgpd = schemas.join("lgpd-analyzer");
    std::fs::create_dir_all(&lgpd)?;
    for entry in std::fs::read_dir(target.join("plugins/schemas/lgpd-analyzer"))? {
        let entry = entry?;
        std::fs::copy(entry.path(), lgpd.join(entry.file_name()))?;
    }
    for function in ["echo", "work"] {
        for side in ["input", "output"] {
            std::fs::write(
                schemas.join(format!("versioned/{function}.{side}.json")),
                "true",
            )?;
        }
    }
    std::fs::write(
        dir.join("medplug.toml"),
        format!(
            "[storage]\naudit = \"{url}\"\npatients = \"{url}\"\nquotas = \"{url}\"\n\
             api_keys = \"api-keys.json\"\n\
             [phi_key]\nid = \"test\"\nenv = \"MEDPLUG_TEST_PHI_KEY\"\n{POLICY}"
        ),
    )?;
    Ok(())
}

/// `medplug ARGS` in the shared directory, with the database's password in its environment.
fn medplug(dir: &Path, password: &str, args: &[&str]) -> Command {
    let mut command = service::medplug(dir, args);
    command.env("PGPASSWORD", password);
    command
}

/// `medplug ARGS`'s standard output; fails with its standard error if it fails.
fn run(dir: &Path, password: &str, args: &[&str]) -> Result<String> {
    let out = medplug(dir, password, args).output()?;
    let stdout = String::from_utf8(out.stdout)?;
    if !out.status.success() {
        bail!(
            "medplug {args:?} failed ({}): {stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(stdout)
}

/// One `medplug serve --watch` process, killed (SIGKILL) when dropped.
struct Replica {
    child: Option<Child>,
    stdout: Option<BufReader<ChildStdout>>,
    /// `http://127.0.0.1:PORT`.
    base: String,
}

impl Replica {
    /// Starts the process; [`listening`](Self::listening) reads its address.
    fn spawn(dir: &Path, password: &str) -> Result<Self> {
        let mut child = medplug(
            dir,
            password,
            &["serve", "--listen", "127.0.0.1:0", "--watch"],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
        let stdout = BufReader::new(child.stdout.take().context("stdout")?);
        Ok(Self {
            child: Some(child),
            stdout: Some(stdout),
            base: String::new(),
        })
    }

    /// Waits for the `listening on` line.
    fn listening(&mut self) -> Result<()> {
        let mut line = String::new();
        self.stdout
            .as_mut()
            .context("stdout")?
            .read_line(&mut line)?;
        self.base = line
            .trim()
            .strip_prefix("medplug serve: listening on ")
            .with_context(|| format!("the replica did not start: {line:?}"))?
            .to_owned();
        Ok(())
    }

    /// SIGKILL (`Child::kill` on Unix), then waits until the process is gone.
    fn kill(&mut self) -> Result<()> {
        let mut child = self.child.take().context("not running")?;
        child.kill()?;
        child.wait()?;
        Ok(())
    }

    /// SIGTERM, then waits; returns the exit code and the rest of the output.
    fn terminate(&mut self) -> Result<(Option<i32>, String)> {
        let mut child = self.child.take().context("not running")?;
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()?;
        ensure!(status.success(), "kill -TERM failed");
        let code = child.wait()?.code();
        let mut rest = String::new();
        if let Some(mut stdout) = self.stdout.take() {
            stdout.read_to_string(&mut rest)?;
        }
        Ok((code, rest))
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One request of the load (or of a probe), as the client saw it.
#[derive(Debug)]
struct Sent {
    replica: usize,
    /// Sent to see whether the replica reloaded, not by the load's threads.
    probe: bool,
    /// `lgpd-analyzer/analyze` or `versioned/echo`.
    call: &'static str,
    input: Vec<u8>,
    started: Instant,
    ended: Instant,
    /// The answer, or why there was none.
    answer: std::result::Result<Answered, String>,
}

#[derive(Debug)]
struct Answered {
    status: u16,
    audit_record: Option<String>,
    version: Option<String>,
    body: String,
}

/// What the load threads share.
struct Load {
    bases: Vec<String>,
    key: String,
    /// The next request's number: its replica (round robin) and its unique input.
    next: AtomicU64,
    stop: AtomicBool,
    /// Requests under way, per replica.
    in_flight: Vec<AtomicUsize>,
    sent: Mutex<Vec<Sent>>,
}

impl Load {
    /// Sends request `n`'s unique input to `replica`, logs what came back, and returns the
    /// answer's version header.
    fn send(
        &self,
        agent: &ureq::Agent,
        replica: usize,
        n: u64,
        call: &'static str,
        probe: bool,
    ) -> Option<String> {
        let input = match call {
            "versioned/echo" => json!({ "n": n, "note": format!("request {n}") }).to_string(),
            _ => json!({ "content": format!("Pedido {n}: paciente com CPF 529.982.247-25.") })
                .to_string(),
        }
        .into_bytes();
        self.in_flight[replica].fetch_add(1, Ordering::SeqCst);
        let started = Instant::now();
        let answer = post(
            agent,
            &self.bases[replica],
            &format!("/v1/plugins/{call}"),
            Some(&self.key),
            &input,
        );
        let ended = Instant::now();
        self.in_flight[replica].fetch_sub(1, Ordering::SeqCst);
        let answer = answer
            .map(|a| Answered {
                status: a.status,
                audit_record: a.audit_record,
                version: a.version,
                body: a.body,
            })
            .map_err(|e| format!("{e:#}"));
        let version = answer.as_ref().ok().and_then(|a| a.version.clone());
        self.sent.lock().unwrap().push(Sent {
            replica,
            probe,
            call,
            input,
            started,
            ended,
            answer,
        });
        version
    }

    fn count(&self) -> usize {
        self.sent.lock().unwrap().len()
    }

    /// Waits until `more` requests beyond `from` were logged (or 30 s passed).
    fn wait_for(&self, from: usize, more: usize) -> Result<usize> {
        let started = Instant::now();
        loop {
            let now = self.count();
            if now >= from + more {
                return Ok(now);
            }
            ensure!(
                started.elapsed() < Duration::from_secs(30),
                "the load stalled at {now} requests"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// The load: `THREADS` threads, round robin over the replicas, alternating the two plugins.
fn start_load(load: &Arc<Load>) -> Vec<std::thread::JoinHandle<()>> {
    (0..THREADS)
        .map(|_| {
            let load = Arc::clone(load);
            std::thread::spawn(move || {
                let agent = client();
                while !load.stop.load(Ordering::SeqCst) {
                    let n = load.next.fetch_add(1, Ordering::SeqCst);
                    if n >= MAX_REQUESTS {
                        break;
                    }
                    let replica = (n % REPLICAS as u64) as usize;
                    let call = if (n / REPLICAS as u64).is_multiple_of(2) {
                        "versioned/echo"
                    } else {
                        "lgpd-analyzer/analyze"
                    };
                    load.send(&agent, replica, n, call, false);
                }
            })
        })
        .collect()
}

/// The records `medplug audit export` wrote, one JSON object a line, by sequence.
fn parse_records(export: &str) -> Result<BTreeMap<u64, Value>> {
    let mut records = BTreeMap::new();
    for (i, line) in export.lines().enumerate() {
        let record: Value =
            serde_json::from_str(line).with_context(|| format!("line {}: {line}", i + 1))?;
        let sequence = record["sequence"]
            .as_u64()
            .with_context(|| format!("line {}: no sequence: {line}", i + 1))?;
        ensure!(
            records.insert(sequence, record).is_none(),
            "sequence {sequence} twice"
        );
    }
    Ok(records)
}

#[test]
fn three_replicas_share_one_trail_through_a_hot_reload_and_a_kill_9() -> Result<()> {
    let began = Instant::now();
    let server = TestPostgres::shared();
    let url = server.create_database("replicas");
    let password = server.password().to_owned();
    let dir = tempfile::tempdir()?;
    lay_out(dir.path(), &url)?;

    // Three replicas started at once on the empty database: they race to create its schema.
    let mut replicas = (0..REPLICAS)
        .map(|_| Replica::spawn(dir.path(), &password))
        .collect::<Result<Vec<_>>>()?;
    for replica in &mut replicas {
        replica.listening()?;
    }
    // The keys file is reread when it changes: a key made now works at once on every replica.
    let out = run(
        dir.path(),
        &password,
        &["tenant-key", "new", TENANT, "--label", LABEL],
    )?;
    let key = out
        .split_whitespace()
        .last()
        .context("no key printed")?
        .to_owned();
    let load = Arc::new(Load {
        bases: replicas.iter().map(|r| r.base.clone()).collect(),
        key,
        next: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        in_flight: (0..REPLICAS).map(|_| AtomicUsize::new(0)).collect(),
        sent: Mutex::new(Vec::new()),
    });
    let started_load = Instant::now();
    let setup_time = began.elapsed();
    let threads = start_load(&load);
    let result = drive(&load, &mut replicas, dir.path());
    load.stop.store(true, Ordering::SeqCst);
    for thread in threads {
        thread.join().expect("load thread");
    }
    let kill = result?;
    let load_time = started_load.elapsed();

    // The survivors stop on SIGTERM, each having counted exactly the calls it answered.
    let sent = std::mem::take(&mut *load.sent.lock().unwrap());
    for (index, replica) in replicas.iter_mut().enumerate() {
        if index == KILLED {
            continue;
        }
        let (code, rest) = replica.terminate()?;
        assert_eq!(code, Some(0), "replica {index}: {rest}");
        let answered = sent
            .iter()
            .filter(|s| s.replica == index && s.answer.is_ok())
            .count();
        assert!(
            rest.contains(&format!("medplug serve: stopped after {answered} calls")),
            "replica {index} answered {answered}: {rest}"
        );
    }

    check(dir.path(), &url, &password, &sent, &kill)?;
    eprintln!(
        "replicas: {} requests in {:.1} s of load (slowest answer {} ms), {:.1} s to set up, \
         {:.1} s in all",
        sent.len(),
        load_time.as_secs_f64(),
        sent.iter()
            .map(|s| s.ended - s.started)
            .max()
            .unwrap_or_default()
            .as_millis(),
        setup_time.as_secs_f64(),
        began.elapsed().as_secs_f64()
    );
    Ok(())
}

/// When the replica was killed.
struct Kill {
    /// Just before the signal.
    sent: Instant,
    /// Once the process was reaped: no request sent later can reach it.
    over: Instant,
    /// Requests under way to it just before the signal (client side).
    in_flight: usize,
}

/// The load's course: some calls, the module replaced (until every replica answers with the
/// new version), more calls, the kill of one replica while calls are in flight to it, more
/// calls.
fn drive(load: &Load, replicas: &mut [Replica], dir: &Path) -> Result<Kill> {
    let at = load.wait_for(0, 60)?;
    std::fs::write(
        dir.join("plugins/versioned.wasm"),
        std::fs::read(service::root().join("target/test-plugins/versioned-v2.wasm"))?,
    )?;
    // Until each replica answers with version 2 (the probes are requests like the others).
    let agent = client();
    for replica in 0..REPLICAS {
        let started = Instant::now();
        loop {
            let n = load.next.fetch_add(1, Ordering::SeqCst);
            ensure!(n < MAX_REQUESTS, "out of requests while probing");
            if load
                .send(&agent, replica, n, "versioned/echo", true)
                .as_deref()
                == Some("versioned@2.0.0")
            {
                break;
            }
            ensure!(
                started.elapsed() < Duration::from_secs(30),
                "replica {replica} never reloaded"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let at = load.wait_for(at, 60)?;
    // Kill while requests are under way to the replica.
    let started = Instant::now();
    while load.in_flight[KILLED].load(Ordering::SeqCst) == 0 {
        ensure!(
            started.elapsed() < Duration::from_secs(10),
            "no request ever in flight to replica {KILLED}"
        );
        std::hint::spin_loop();
    }
    let gauge = load.in_flight[KILLED].load(Ordering::SeqCst);
    let kill = Instant::now();
    replicas[KILLED].kill()?;
    let killed_at = Instant::now();
    load.wait_for(at, 90)?;
    Ok(Kill {
        sent: kill,
        over: killed_at,
        in_flight: gauge,
    })
}

/// Everything the trail and the answers must agree on.
fn check(dir: &Path, url: &str, password: &str, sent: &[Sent], kill: &Kill) -> Result<()> {
    let records = read_trail(dir, url, password)?;
    // The survivors answered every request sent to them, all 200; the killed replica answered
    // 200 until the kill, and nothing after it.
    let mut fates = request_fates(sent, kill);
    // Each 200 names its own record, which is that call.
    let named = answered_records(sent, &records)?;
    let ok = named.len();
    let failed_before = fates.lost.len();
    // The call records: the answered ones, and at most the requests lost in the kill.
    let (calls, unanswered) = call_records(&records, &named, &mut fates)?;
    // The three replicas counted every admitted call in one set of quota windows: each call
    // record was admitted once, and at most the requests lost in the kill besides.
    let database = url.rsplit('/').next().context("a database name")?;
    let counted: usize = TestPostgres::shared()
        .psql(
            database,
            &format!(
                "SELECT coalesce(sum(count), 0) FROM quota_slices \
                 WHERE tenant = '{TENANT}' AND what = ''"
            ),
        )
        .trim()
        .parse()?;
    assert!(
        counted >= calls && counted <= calls + failed_before,
        "{counted} admitted in the shared windows, {calls} call records, {failed_before} lost"
    );
    // Each replica recorded the policy at start and its own reload of the module; nothing
    // else happened to the plugins (no half-written module was tried).
    check_other_records(&records, calls);
    eprintln!(
        "replicas: {} requests ({} probes), {ok} answered 200, {} records ({calls} calls, \
         {unanswered} of them unanswered), {} in flight to the killed replica at the kill, \
         {failed_before} of its requests lost in it, {} refused after it",
        sent.len(),
        sent.iter().filter(|s| s.probe).count(),
        records.len(),
        kill.in_flight,
        fates.refused_after,
    );
    Ok(())
}

/// The shared trail, verified by `medplug audit verify` and read back by `export`: whole JSON,
/// one record per sequence from 1, no PHI. By sequence.
fn read_trail(dir: &Path, url: &str, password: &str) -> Result<BTreeMap<u64, Value>> {
    // The chain verifies.
    let verified = run(dir, password, &["audit", "verify", "--db", url])?;
    assert!(verified.contains("chain intact"), "{verified}");
    let count: usize = verified
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .with_context(|| verified.clone())?;
    // Every record is whole JSON, one per sequence, 1..=count.
    let export = run(dir, password, &["audit", "export", "--db", url])?;
    // No PHI: the analyzed texts' CPF, in any form, is nowhere in the trail.
    for cpf in ["529.982.247-25", "52998224725", "Pedido "] {
        assert!(!export.contains(cpf), "the trail holds {cpf:?}");
    }
    let records = parse_records(&export)?;
    assert_eq!(records.len(), count, "{verified}");
    assert_eq!(
        records.keys().copied().collect::<Vec<_>>(),
        (1..=count as u64).collect::<Vec<_>>()
    );
    Ok(records)
}

/// What became of the requests that got no answer.
struct Fates {
    /// The digests of the requests under way to the killed replica when it died: each may
    /// have been committed, never answered.
    lost: HashSet<String>,
    /// Requests to the killed replica refused after it died.
    refused_after: usize,
}

/// Checks that only the killed replica failed requests, and only from its kill on.
fn request_fates(sent: &[Sent], kill: &Kill) -> Fates {
    let mut refused_after = 0;
    let mut failed_after_other = Vec::new();
    let mut lost = HashSet::new();
    for request in sent {
        match &request.answer {
            Ok(answer) => {
                assert_eq!(
                    answer.status, 200,
                    "replica {}: {} {}",
                    request.replica, request.call, answer.body
                );
                assert!(
                    request.replica != KILLED || request.started < kill.over,
                    "an answer from the killed replica for a request sent after its death"
                );
            }
            Err(error) => {
                assert_eq!(
                    request.replica, KILLED,
                    "a survivor failed a request: {error}"
                );
                assert!(
                    request.ended >= kill.sent,
                    "a request to replica {KILLED} failed before the kill: {error}"
                );
                if error.contains("refused") {
                    // The connection was refused: the request never reached the replica.
                    refused_after += 1;
                } else if request.started < kill.over {
                    // Under way when it died: it may have been committed, never answered.
                    lost.insert(medplug_host::sha256_hex(&request.input));
                } else {
                    failed_after_other.push(error.clone());
                }
            }
        }
    }
    assert!(lost.len() <= THREADS, "{} lost", lost.len());
    assert!(
        failed_after_other.is_empty(),
        "requests after the kill failed otherwise than refused: {failed_after_other:?}"
    );
    assert!(refused_after > 0, "no request reached for the dead replica");
    Fates {
        lost,
        refused_after,
    }
}

/// Checks that every 200 names a distinct record holding exactly that call; returns their
/// sequences.
fn answered_records(sent: &[Sent], records: &BTreeMap<u64, Value>) -> Result<HashSet<u64>> {
    let mut named = HashSet::new();
    for request in sent {
        let Ok(answer) = &request.answer else {
            continue;
        };
        let sequence: u64 = answer
            .audit_record
            .as_deref()
            .context("a 200 without medplug-audit-record")?
            .parse()?;
        assert!(named.insert(sequence), "sequence {sequence} named twice");
        let record = records
            .get(&sequence)
            .with_context(|| format!("record {sequence} is missing"))?;
        let (plugin, function) = request.call.split_once('/').context("call")?;
        let version = answer.version.as_deref().context("no version header")?;
        let fields = (
            record["tenant"].as_str(),
            record["actor"].as_str(),
            record["plugin"].as_str(),
            record["function"].as_str(),
            record["input_sha256"].as_str(),
            record["outcome"].as_str(),
        );
        assert_eq!(
            fields,
            (
                Some(TENANT),
                Some(LABEL),
                Some(plugin),
                Some(function),
                Some(medplug_host::sha256_hex(&request.input).as_str()),
                Some("ok"),
            ),
            "record {sequence}"
        );
        assert_eq!(
            format!(
                "{plugin}@{}",
                record["plugin_version"].as_str().unwrap_or("")
            ),
            version
        );
        if request.call == "versioned/echo" {
            let body: Value = serde_json::from_str(&answer.body)?;
            let input: Value = serde_json::from_slice(&request.input)?;
            assert_eq!(body["input"], input, "another call's answer");
        }
    }
    Ok(named)
}

/// Checks the load tenant's call records against the answers: each not `named` by a 200 is a
/// request lost in the kill (taken out of `fates.lost`). Returns how many call records there
/// are, and how many of them no answer named.
fn call_records(
    records: &BTreeMap<u64, Value>,
    named: &HashSet<u64>,
    fates: &mut Fates,
) -> Result<(usize, usize)> {
    let (ok, failed_before) = (named.len(), fates.lost.len());
    let is_call = |r: &Value| r["lifecycle"].is_null() && r["host_action"].is_null();
    let calls: Vec<&Value> = records
        .values()
        .filter(|r| is_call(r) && r["tenant"] == TENANT)
        .collect();
    let unanswered: Vec<&Value> = calls
        .iter()
        .copied()
        .filter(|r| !named.contains(&r["sequence"].as_u64().unwrap_or(0)))
        .collect();
    assert!(
        calls.len() >= ok && calls.len() <= ok + failed_before,
        "{} call records, {ok} answered, {failed_before} lost",
        calls.len()
    );
    for record in &unanswered {
        let digest = record["input_sha256"].as_str().unwrap_or("");
        assert!(
            fates.lost.remove(digest),
            "a call record neither answered nor lost in the kill: {record}"
        );
    }
    Ok((calls.len(), unanswered.len()))
}

/// Checks the records that are not calls: one policy and one reload per replica, one key.
fn check_other_records(records: &BTreeMap<u64, Value>, calls: usize) {
    let lifecycle: Vec<&Value> = records
        .values()
        .filter(|r| !r["lifecycle"].is_null())
        .collect();
    let reloaded = lifecycle
        .iter()
        .filter(|r| {
            r["lifecycle"]["event"] == "reloaded"
                && r["plugin"] == "versioned"
                && r["plugin_version"] == "2.0.0"
        })
        .count();
    assert_eq!(reloaded, REPLICAS, "{lifecycle:#?}");
    assert_eq!(lifecycle.len(), REPLICAS, "{lifecycle:#?}");
    let actions: HashMap<&str, usize> = records
        .values()
        .filter_map(|r| r["host_action"]["action"].as_str())
        .fold(HashMap::new(), |mut counts, action| {
            *counts.entry(action).or_default() += 1;
            counts
        });
    assert_eq!(
        actions.get("policy_in_force"),
        Some(&REPLICAS),
        "{actions:?}"
    );
    assert_eq!(actions.get("api_key_created"), Some(&1), "{actions:?}");
    assert_eq!(records.len(), calls + lifecycle.len() + REPLICAS + 1);
}
