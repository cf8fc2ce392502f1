//! An attacker's plugins (issue 21): `tests/guests/attacker` and the `describe-*` modules try to
//! hurt the host or reach past the sandbox, with real wasm. Each attack ends with a typed error
//! naming the plugin and the limit, exactly one audit record for the call, the instance
//! discarded when it may be damaged, and a host whose next call succeeds with the right output.
//! (How fast that next call is served goes in `tests/benches/attackers.rs`, never in a timed
//! assertion.)

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Result;
use conformance::{policy, test_plugin};
use medplug_cli::demo_patients::seed_demo;
use medplug_host::audit::{AuditRecord, HostCallRecord, MemoryAuditSink, Outcome};
use medplug_host::patients::SqlitePatientStore;
use medplug_host::{CallContext, CallError, Host, Limits, LoadError, ModuleProblem};
use serde_json::{Value, json};

/// Both clinics may call the attacker; `cardio-sul` is the noisy neighbour's tenant.
const POLICY: &str = r#"
allow_unlisted_plugins = false

[plugins.attacker]
grants = ["audit_log", "read_patient"]
pool = { max_instances = 2, queue_timeout_ms = 1000 }

[tenants.clinica-horizonte]
specialties = ["testing"]
plugins = ["attacker"]

[tenants.cardio-sul]
specialties = ["testing"]
plugins = ["attacker"]

[tenants.t-stack]
specialties = ["testing"]
plugins = ["attacker"]

[tenants.t-output]
specialties = ["testing"]
plugins = ["attacker"]

[tenants.t-not-json]
specialties = ["testing"]
plugins = ["attacker"]

[tenants.t-requests]
specialties = ["testing"]
plugins = ["attacker"]

[tenants.t-patients]
specialties = ["testing"]
plugins = ["attacker"]

[tenants.t-kernel]
specialties = ["testing"]
plugins = ["attacker"]

[tenants.t-vars]
specialties = ["testing"]
plugins = ["attacker"]

[tenants.t-config]
specialties = ["testing"]
plugins = ["attacker"]
"#;

/// The attacking tenant of tests with a host of their own; those that share one host each
/// attack as a tenant of their own (`t-*`), so that instances and records stay apart.
const TENANT: &str = "clinica-horizonte";

/// Exactly 64 bytes of `echo` input: the next call after each attack, and the neighbour's.
const INPUT_64B: &[u8] = br#"{"note":"paciente em consulta, retorno em trinta dias, sem dor"}"#;
const _: () = assert!(INPUT_64B.len() == 64);

/// A short timeout: the suite runs on two cores.
const TIMEOUT: Duration = Duration::from_millis(200);

struct Arena {
    host: Host,
    audit: Arc<MemoryAuditSink>,
    tenant: &'static str,
}

/// The attacker under `limits` (unless `limits` is `None`: the policy's), with the demo
/// patients (`HZ-*` of clinica-horizonte, `CS-*` of cardio-sul) and a memory audit sink.
fn arena_with(policy_text: &str, limits: Option<Limits>) -> Result<Arena> {
    let audit = Arc::new(MemoryAuditSink::new());
    let patients = SqlitePatientStore::in_memory()?;
    seed_demo(&patients)?;
    let mut builder = Host::builder()
        .policy(policy(policy_text)?)
        .audit_sink(Arc::clone(&audit) as _)
        .patient_store(Arc::new(patients))
        .plugin_bytes("attacker.wasm", test_plugin("attacker")?);
    if let Some(limits) = limits {
        builder = builder.plugin_limits("attacker", limits);
    }
    Ok(Arena {
        host: builder.build()?,
        audit,
        tenant: TENANT,
    })
}

fn arena(limits: Limits) -> Result<Arena> {
    arena_with(POLICY, Some(limits))
}

/// One host under the default limits for the tests whose attacks no clock ends, each attacking
/// as `tenant` (compiling the unoptimised attacker is most of a test's time on two cores; the
/// 5 s timeout leaves a busy machine room to copy a 10 MB request).
fn shared(tenant: &'static str) -> Result<Arena> {
    static SHARED: OnceLock<(Host, Arc<MemoryAuditSink>)> = OnceLock::new();
    let (host, audit) = SHARED.get_or_init(|| {
        let arena = arena(Limits::default()).expect("the shared host builds");
        (arena.host, arena.audit)
    });
    Ok(Arena {
        host: host.clone(),
        audit: Arc::clone(audit),
        tenant,
    })
}

/// The defaults, with a short timeout.
fn short() -> Limits {
    Limits {
        timeout: TIMEOUT,
        ..Limits::default()
    }
}

fn context(tenant: &str) -> CallContext {
    CallContext::new(tenant, "atacante")
}

/// What the attack should leave behind: the call's record, and the instance.
struct Expect {
    outcome: Outcome,
    error_kind: Option<&'static str>,
    /// Whether the instance that ran the attack is discarded (it trapped or hit a limit) or
    /// kept (it returned normally).
    discarded: bool,
}

impl Expect {
    fn limit(kind: &'static str) -> Self {
        Self {
            outcome: Outcome::LimitExceeded,
            error_kind: Some(kind),
            discarded: true,
        }
    }

    fn trap() -> Self {
        Self {
            outcome: Outcome::Trap,
            error_kind: Some("trap"),
            discarded: true,
        }
    }

    fn invalid_output() -> Self {
        Self {
            outcome: Outcome::InvalidOutput,
            error_kind: Some("invalid_output"),
            discarded: false,
        }
    }

    fn ok() -> Self {
        Self {
            outcome: Outcome::Ok,
            error_kind: None,
            discarded: false,
        }
    }
}

impl Arena {
    fn call(&self, function: &str, input: &[u8]) -> Result<Vec<u8>, CallError> {
        self.host
            .call_json_as(&context(self.tenant), "attacker", function, input)
    }

    fn idle(&self) -> Result<usize> {
        Ok(self.host.plugin("attacker")?.idle_instances_of(self.tenant))
    }

    /// This tenant's records.
    fn records(&self) -> Vec<AuditRecord> {
        let mut records = self.audit.records();
        records.retain(|r| r.tenant == self.tenant);
        records
    }

    /// The next call is served, right.
    fn serves(&self) -> Result<()> {
        assert_eq!(self.call("echo", INPUT_64B)?, INPUT_64B);
        Ok(())
    }

    /// Runs `function` on the tenant's one warm instance and checks what it leaves: exactly
    /// one record, with `expect`'s outcome; the instance discarded or kept; the next call
    /// served. Returns the call's result and its record.
    fn attack(
        &self,
        function: &str,
        input: &[u8],
        expect: Expect,
    ) -> Result<(Result<Vec<u8>, CallError>, AuditRecord)> {
        self.serves()?;
        assert_eq!(self.idle()?, 1, "one warm instance before the attack");
        let before = self.records().len();
        let result = self.call(function, input);
        let mut records = self.records();
        assert_eq!(
            records.len(),
            before + 1,
            "exactly one record for `{function}`"
        );
        let record = records.pop().expect("a record");
        assert_eq!(
            (record.plugin.as_str(), record.function.as_str()),
            ("attacker", function)
        );
        assert_eq!(record.outcome, expect.outcome, "{result:?}");
        assert_eq!(record.error_kind.as_deref(), expect.error_kind);
        assert_eq!(
            self.idle()?,
            usize::from(!expect.discarded),
            "`{function}`'s instance should be {}",
            if expect.discarded {
                "discarded"
            } else {
                "kept"
            }
        );
        self.serves()?;
        Ok((result, record))
    }
}

fn message(result: &Result<Vec<u8>, CallError>) -> String {
    match result {
        Ok(output) => panic!("expected an error, got {}", String::from_utf8_lossy(output)),
        Err(error) => error.to_string(),
    }
}

fn output(result: Result<Vec<u8>, CallError>) -> Result<Value> {
    Ok(serde_json::from_slice(&result?)?)
}

#[test]
fn a_tight_loop_times_out() -> Result<()> {
    let arena = arena(Limits {
        fuel: None,
        ..short()
    })?;
    let (result, _) = arena.attack("spin", b"{}", Expect::limit("timeout"))?;
    assert!(
        matches!(result, Err(CallError::Timeout { limit, .. }) if limit == TIMEOUT),
        "{result:?}"
    );
    assert_eq!(
        message(&result),
        "attacker@0.1.0 `spin`: timed out after 200ms"
    );
    Ok(())
}

#[test]
fn memory_grown_to_the_limit_is_stopped() -> Result<()> {
    let arena = arena(Limits {
        max_memory_pages: 64,
        ..short()
    })?;
    let (result, _) = arena.attack("grow", b"{}", Expect::limit("memory_limit"))?;
    assert!(
        matches!(result, Err(CallError::MemoryLimit { max_pages: 64, .. })),
        "{result:?}"
    );
    assert_eq!(
        message(&result),
        "attacker@0.1.0 `grow`: exceeded its memory limit of 64 pages (4 MiB)"
    );
    Ok(())
}

#[test]
fn unbounded_recursion_exhausts_the_stack() -> Result<()> {
    let arena = shared("t-stack")?;
    let (result, _) = arena.attack("recurse", b"{}", Expect::limit("stack_exhausted"))?;
    assert!(
        matches!(
            result,
            Err(CallError::StackExhausted {
                limit_bytes: 524_288,
                ..
            })
        ),
        "{result:?}"
    );
    assert_eq!(
        message(&result),
        "attacker@0.1.0 `recurse`: exhausted its call stack (the wasm stack limit of 512 KiB)"
    );
    Ok(())
}

#[test]
fn a_100_mb_output_is_refused_on_its_length() -> Result<()> {
    let arena = shared("t-output")?;
    let (result, _) = arena.attack("big_output", b"{}", Expect::limit("output_too_large"))?;
    assert!(
        matches!(
            result,
            Err(CallError::OutputTooLarge {
                size: 100_000_000,
                limit: 16_777_216,
                ..
            })
        ),
        "{result:?}"
    );
    assert_eq!(
        message(&result),
        "attacker@0.1.0 `big_output`: output of 100000000 bytes exceeds the limit of 16777216 \
         bytes (max_output_bytes)"
    );
    Ok(())
}

#[test]
fn max_output_bytes_comes_from_the_policy() -> Result<()> {
    let text = POLICY.replace(
        "pool = { max_instances = 2",
        "limits = { max_output_bytes = 64, timeout_ms = 200 }\npool = { max_instances = 2",
    );
    let arena = arena_with(&text, None)?;
    assert_eq!(arena.host.plugin("attacker")?.limits().max_output_bytes, 64);
    // 64 bytes pass (every `serves` checks it); 65 do not.
    let input = br#"{"note":"paciente em consulta, retorno em trinta dias, sem dor."}"#;
    let (result, _) = arena.attack("echo", input, Expect::limit("output_too_large"))?;
    assert_eq!(
        message(&result),
        "attacker@0.1.0 `echo`: output of 65 bytes exceeds the limit of 64 bytes (max_output_bytes)"
    );
    Ok(())
}

#[test]
fn output_that_is_not_utf8_or_not_json_is_invalid_output() -> Result<()> {
    let arena = shared("t-not-json")?;
    // The instance returned normally and its memory is consistent: like a clean plugin error,
    // it is kept; the output is refused before any caller sees it.
    let (result, _) = arena.attack("not_utf8", b"{}", Expect::invalid_output())?;
    assert!(
        matches!(result, Err(CallError::InvalidOutput { .. })),
        "{result:?}"
    );
    assert_eq!(
        message(&result),
        "attacker@0.1.0 `not_utf8`: invalid output: not json: expected value at line 1 column 1"
    );
    let (result, _) = arena.attack("not_json", b"{}", Expect::invalid_output())?;
    assert_eq!(
        message(&result),
        "attacker@0.1.0 `not_json`: invalid output: not json: EOF while parsing a value at line 1 \
         column 19"
    );
    // A typed call refuses them the same way.
    let typed = arena
        .host
        .call_as::<_, Value>(&context(arena.tenant), "attacker", "not_utf8", &json!({}))
        .unwrap_err();
    assert_eq!(typed.kind(), "invalid_output");
    Ok(())
}

#[test]
fn a_million_host_calls_stop_at_max_host_calls() -> Result<()> {
    // Room for the 1,000 calls a debug build makes on a busy machine: the limit, not the
    // clock, must end this call.
    let arena = arena(Limits {
        timeout: Duration::from_secs(10),
        ..Limits::default()
    })?;
    let (result, record) =
        arena.attack("host_flood", b"{}", Expect::limit("too_many_host_calls"))?;
    assert!(
        matches!(result, Err(CallError::TooManyHostCalls { limit: 1000, .. })),
        "{result:?}"
    );
    assert_eq!(
        message(&result),
        "attacker@0.1.0 `host_flood`: made more than 1000 host-function calls (max_host_calls)"
    );
    // The record lists the 1,000 calls made (32 events kept, the rest refused), not a million.
    assert_eq!(record.host_calls.len(), 1000);
    assert_eq!(record.events.len(), 32);
    assert!(
        record.host_calls[32..]
            .iter()
            .all(|c| c.function == "audit_log" && c.outcome == "invalid_request")
    );
    Ok(())
}

#[test]
fn max_host_calls_comes_from_the_policy() -> Result<()> {
    let text = POLICY.replace(
        "pool = { max_instances = 2",
        "limits = { max_host_calls = 5, timeout_ms = 200 }\npool = { max_instances = 2",
    );
    let arena = arena_with(&text, None)?;
    let (result, record) =
        arena.attack("host_flood", b"{}", Expect::limit("too_many_host_calls"))?;
    assert!(
        matches!(result, Err(CallError::TooManyHostCalls { limit: 5, .. })),
        "{result:?}"
    );
    assert_eq!(record.host_calls.len(), 5);
    Ok(())
}

#[test]
fn malformed_and_huge_host_requests_are_refused_replies() -> Result<()> {
    let arena = shared("t-requests")?;
    // A refusal is a reply, not a trap: the plugin sees it, the instance is healthy and kept.
    let (result, record) =
        arena.attack("raw_host", br#"{"request": "{not json"}"#, Expect::ok())?;
    assert_eq!(
        output(result)?,
        json!({"error": {
            "code": "invalid_request",
            "message": "`get_patient` request: key must be a string at line 1 column 2"
        }})
    );
    assert_eq!(
        record.host_calls,
        [HostCallRecord {
            function: "get_patient".into(),
            outcome: "invalid_request".into()
        }]
    );
    // 10 MB: refused on its length, never copied nor parsed (nor echoed in a 10 MB message).
    let (result, record) = arena.attack("raw_host", br#"{"fill": 10000000}"#, Expect::ok())?;
    assert_eq!(
        output(result)?,
        json!({"error": {
            "code": "invalid_request",
            "message": "`get_patient` request of 10000017 bytes exceeds the limit of 1048576 bytes"
        }})
    );
    assert_eq!(record.host_calls[0].outcome, "invalid_request");
    assert_eq!(medplug_host::MAX_HOST_REQUEST_BYTES, 1_048_576);
    // An offset the plugin does not own is no request at all: the call traps.
    let (result, record) = arena.attack("host_bad_offset", b"{}", Expect::trap())?;
    assert!(matches!(result, Err(CallError::Trap { .. })), "{result:?}");
    let text = message(&result);
    assert!(
        text.starts_with("attacker@0.1.0 `host_bad_offset`: trapped: ")
            && text.ends_with("invalid memory offset: I64(3735928559)"),
        "{text}"
    );
    assert!(record.host_calls.is_empty());
    Ok(())
}

#[test]
fn another_tenants_patient_is_answered_as_a_missing_one_and_audited_apart() -> Result<()> {
    let arena = shared("t-patients")?;
    // CS-0001 is cardio-sul's; ZZ-9999 is nobody's.
    let (theirs, theirs_record) =
        arena.attack("patient", br#"{"patient_id":"CS-0001"}"#, Expect::ok())?;
    let (missing, missing_record) =
        arena.attack("patient", br#"{"patient_id":"ZZ-9999"}"#, Expect::ok())?;
    let theirs = String::from_utf8(theirs?)?;
    let missing = String::from_utf8(missing?)?;
    assert_eq!(
        theirs,
        r#"{"error":{"code":"not_found","message":"no patient `CS-0001`"}}"#
    );
    assert_eq!(theirs.replace("CS-0001", "ZZ-9999"), missing);
    // The trail keeps the difference the plugin must not see.
    assert_eq!(theirs_record.host_calls[0].outcome, "other_tenant");
    assert_eq!(missing_record.host_calls[0].outcome, "not_found");
    // And cardio-sul itself is answered (no consent for `testing`: denied, not not_found).
    let own = arena.host.call_json_as(
        &context("cardio-sul"),
        "attacker",
        "patient",
        br#"{"patient_id":"CS-0001"}"#,
    )?;
    assert_eq!(
        serde_json::from_slice::<Value>(&own)?["error"]["code"],
        "denied"
    );
    Ok(())
}

#[test]
fn extism_kernel_imports_with_foreign_offsets_read_nothing_and_hurt_nothing() -> Result<()> {
    let arena = shared("t-kernel")?;
    // Loads past any memory read zeros.
    let (result, _) = arena.attack("kernel_load", b"{}", Expect::ok())?;
    assert_eq!(output(result)?, json!([0, 0, 0, 0]));
    // Input past its end reads zeros; the last offset wraps around to the kernel's header of
    // this call's own input block (this instance's, this tenant's: nothing of anyone else's).
    let (result, _) = arena.attack("kernel_input_load", b"{}", Expect::ok())?;
    let seen = output(result)?;
    assert_eq!(seen.as_array().map(Vec::len), Some(5));
    assert_eq!(
        seen.as_array().map(|a| a[..4].to_vec()),
        Some(vec![json!(0); 4])
    );
    // Stores over the kernel's bookkeeping and past any memory are ignored: the instance
    // answers this call and the next one (the same instance) right.
    let (result, _) = arena.attack("kernel_store", b"{}", Expect::ok())?;
    assert_eq!(output(result)?, json!("stored"));
    // `free` and `length` of offsets nobody allocated fault inside the kernel: a trap.
    for function in ["kernel_free", "kernel_length"] {
        let (result, _) = arena.attack(function, b"{}", Expect::trap())?;
        let text = message(&result);
        assert!(
            text.starts_with(&format!("attacker@0.1.0 `{function}`: trapped: "))
                && text.ends_with("out of bounds memory access"),
            "{text}"
        );
    }
    // Allocations no memory can hold hit the memory limit.
    let (result, _) = arena.attack("kernel_alloc", b"{}", Expect::limit("memory_limit"))?;
    assert_eq!(
        message(&result),
        "attacker@0.1.0 `kernel_alloc`: exceeded its memory limit of 2048 pages (128 MiB)"
    );
    // An output set past the plugin's allocations is refused by the kernel: empty, not JSON.
    for function in ["output_foreign", "output_overrun"] {
        let (result, _) = arena.attack(function, b"{}", Expect::invalid_output())?;
        assert_eq!(
            message(&result),
            format!(
                "attacker@0.1.0 `{function}`: invalid output: not json: EOF while parsing a \
                 value at line 1 column 0"
            )
        );
    }
    Ok(())
}

#[test]
fn var_set_until_full_stops_at_max_var_bytes() -> Result<()> {
    let arena = shared("t-vars")?;
    assert_eq!(
        arena.host.plugin("attacker")?.limits().max_var_bytes,
        65_536
    );
    let (result, _) = arena.attack("var_fill", b"{}", Expect::limit("var_store_full"))?;
    assert!(
        matches!(result, Err(CallError::VarStoreFull { limit: 65_536, .. })),
        "{result:?}"
    );
    assert_eq!(
        message(&result),
        "attacker@0.1.0 `var_fill`: its variables would exceed the limit of 65536 bytes \
         (max_var_bytes)"
    );
    Ok(())
}

#[test]
fn config_get_finds_nothing() -> Result<()> {
    let arena = shared("t-config")?;
    let (result, _) = arena.attack("config_probe", b"{}", Expect::ok())?;
    assert_eq!(output(result)?, json!({}));
    Ok(())
}

/// Installs `target/test-plugins/<name>.wasm`, copied to a scratch directory so that its limits
/// (a 200 ms timeout) are the ones `describe` runs under, into a host serving the attacker.
fn install_refused(name: &str) -> Result<LoadError> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(format!("{name}.wasm"));
    std::fs::write(&path, test_plugin(name)?)?;
    let audit = Arc::new(MemoryAuditSink::new());
    let host = Host::builder()
        .policy(policy(POLICY)?)
        .audit_sink(Arc::clone(&audit) as _)
        .plugin_bytes("attacker.wasm", test_plugin("attacker")?)
        .plugin_limits("attacker", short())
        .plugin_limits(name, short())
        .build()?;
    let before = audit.appended();
    let error = host.install_file(&path, "admin").unwrap_err();
    assert_eq!(audit.appended(), before + 1, "one record for the refusal");
    let record = audit.records().pop().expect("a record");
    assert_eq!(
        record.lifecycle.as_ref().map(|l| l.event.as_str()),
        Some("load_failed")
    );
    assert_eq!(record.error_kind.as_deref(), Some("invalid_module"));
    // Nothing joined the host, and it serves the next call.
    assert!(host.plugin(name).is_err());
    let echoed = host.call_json_as(&context(TENANT), "attacker", "echo", INPUT_64B)?;
    assert_eq!(echoed, INPUT_64B);
    Ok(error)
}

fn refused_origin(error: &LoadError) -> &str {
    match error {
        LoadError::InvalidModule { origin, .. } => origin,
        other => panic!("expected an invalid module, got {other:?}"),
    }
}

#[test]
fn a_describe_that_traps_is_refused_at_load() -> Result<()> {
    let error = install_refused("describe-trap")?;
    assert!(
        matches!(
            &error,
            LoadError::InvalidModule {
                problem: ModuleProblem::DescribeFailed(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(Path::new(refused_origin(&error)).ends_with("describe-trap.wasm"));
    let text = error.to_string();
    assert!(
        text.contains("describe-trap.wasm: `describe` failed: ")
            && text.ends_with("wasm trap: wasm `unreachable` instruction executed"),
        "{text}"
    );
    Ok(())
}

#[test]
fn a_describe_that_loops_is_stopped_by_the_timeout_and_refused() -> Result<()> {
    let error = install_refused("describe-loop")?;
    assert!(
        matches!(
            &error,
            LoadError::InvalidModule {
                problem: ModuleProblem::DescribeTimedOut(limit),
                ..
            } if *limit == TIMEOUT
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().ends_with(
            "describe-loop.wasm: `describe` did not return within its time limit of 200ms"
        ),
        "{error}"
    );
    Ok(())
}

#[test]
fn a_describe_that_answers_differently_each_time_is_refused() -> Result<()> {
    let error = install_refused("describe-varies")?;
    assert!(
        matches!(
            &error,
            LoadError::InvalidModule {
                problem: ModuleProblem::DescribeNotDeterministic,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .ends_with("describe-varies.wasm: `describe` answered differently when asked twice"),
        "{error}"
    );
    Ok(())
}

#[test]
fn a_noisy_neighbour_spinning_on_every_instance_does_not_starve_another_tenant() -> Result<()> {
    let arena = arena(Limits {
        fuel: None,
        ..short()
    })?;
    let stop = AtomicBool::new(false);
    let spins = AtomicUsize::new(0);
    let neighbour = context("cardio-sul");
    let max_instances = arena.host.plugin("attacker")?.pool_limits().max_instances;
    std::thread::scope(|threads| -> Result<()> {
        // cardio-sul spins to its timeout on every instance its pool may run.
        for _ in 0..max_instances {
            threads.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let error = arena
                        .host
                        .call_json_as(&neighbour, "attacker", "spin", b"{}")
                        .unwrap_err();
                    assert!(matches!(error, CallError::Timeout { .. }), "{error:?}");
                    spins.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        // Wait until both spinners run, then clinica-horizonte calls, 200 times.
        while arena.host.plugin("attacker")?.running_instances() < max_instances {
            std::thread::yield_now();
        }
        let mut failures = Vec::new();
        for _ in 0..200 {
            match arena.call("echo", INPUT_64B) {
                Ok(output) => assert_eq!(output, INPUT_64B),
                Err(error) => failures.push(error),
            }
        }
        stop.store(true, Ordering::Relaxed);
        assert!(failures.is_empty(), "{failures:?}");
        Ok(())
    })?;
    assert!(spins.load(Ordering::Relaxed) >= max_instances);
    // Every call has its record: none of clinica-horizonte's is `busy` or failed.
    let records = arena.audit.records();
    let ours: Vec<&AuditRecord> = records.iter().filter(|r| r.tenant == TENANT).collect();
    assert_eq!(ours.len(), 200);
    assert!(ours.iter().all(|r| r.outcome == Outcome::Ok));
    assert!(
        records
            .iter()
            .filter(|r| r.tenant == "cardio-sul")
            .all(|r| r.error_kind.as_deref() == Some("timeout"))
    );
    Ok(())
}
