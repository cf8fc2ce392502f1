//! The service benchmark (`cargo bench -p medplug-cli --bench serve`, run by `cargo xtask
//! bench`): `medplug serve` (this build's binary, release) on loopback, driven by a small load
//! generator (blocking HTTP/1.1 keep-alive clients from `ureq`, one thread each), beside the
//! same call through the library, in one run.
//!
//! Every call is the 64-byte LGPD `analyze` of the host benchmarks. The service and the library
//! run the same policy, modules and schemas, with the audit trail in memory (no fsync: the
//! figures are the HTTP layer's and the workers', not the disk's). The clients share the
//! machine's cores with the service, as a co-located sidecar would.
//!
//! Goals (issue 18): HTTP adds ≤ 100 µs to a call at p50; two workers serve ≥ 1.8× the calls of
//! one; at 80 % of the peak rate, p99 ≤ 5× p50.
//!
//! Closed loop: each client calls as soon as its previous call returned. Open loop: each client
//! calls on a fixed schedule, and a call's latency counts from when it was due, so a late call
//! counts its wait (no coordinated omission).

#[path = "../tests/service/mod.rs"]
#[allow(dead_code)]
mod service;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use medplug_host::{CallContext, Host, Policy};

use service::{Service, Setup};

/// Exactly 64 bytes of `analyze` input, as in the host benchmarks.
const INPUT_64B: &[u8] = br#"{"content":"Paciente em consulta, CPF 529.982.247-25, retorno."}"#;
const PATH: &str = "/v1/plugins/lgpd-analyzer/analyze";
/// How long each measurement runs, after a warm-up of a tenth of it.
const RUN: Duration = Duration::from_secs(3);
/// Clients for the peak and the open loop: enough to keep two workers busy.
const CLIENTS: usize = 4;

const POLICY: &str = r#"
[quotas]
calls = 0
[pool]
max_instances = 4
min_idle = 1
[plugins.lgpd-analyzer]
[tenants.bench]
specialties = ["privacy"]
plugins = ["lgpd-analyzer"]
"#;

/// One call; `true` when it succeeded.
type Call = Arc<dyn Fn() -> bool + Send + Sync>;

/// The latencies of one measurement.
#[derive(Debug, Default)]
struct Run {
    latencies: Vec<Duration>,
    failed: usize,
}

impl Run {
    /// The `p` quantile; `latencies` are sorted when the run ends ([`drive`]).
    fn percentile(&self, p: f64) -> Duration {
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies.get(index).copied().unwrap_or_default()
    }

    /// Calls a second over the measured time.
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / RUN.as_secs_f64()
    }
}

/// `clients` threads calling `call` for [`RUN`] after a warm-up: closed loop, or open loop at
/// `rate` calls a second in all.
fn drive(clients: usize, rate: Option<f64>, call: &Call) -> Run {
    let started = Instant::now();
    let warm = RUN / 10;
    let handles: Vec<_> = (0..clients)
        .map(|i| {
            let call = Arc::clone(call);
            std::thread::spawn(move || {
                let interval = rate.map(|r| Duration::from_secs_f64(clients as f64 / r));
                // Open-loop clients are staggered across one interval.
                let mut due =
                    started + interval.map_or(Duration::ZERO, |d| d * i as u32 / clients as u32);
                let mut run = Run::default();
                loop {
                    match interval {
                        Some(_) => {
                            let now = Instant::now();
                            if due > now {
                                std::thread::sleep(due - now);
                            }
                        }
                        None => due = Instant::now(),
                    }
                    let ok = call();
                    let finished = Instant::now();
                    if finished - started >= warm + RUN {
                        break;
                    }
                    if due - started >= warm {
                        if ok {
                            run.latencies.push(finished - due);
                        } else {
                            run.failed += 1;
                        }
                    }
                    if let Some(interval) = interval {
                        due += interval;
                    }
                }
                run
            })
        })
        .collect();
    let mut all = Run::default();
    for handle in handles {
        let run = handle.join().expect("a client thread");
        all.latencies.extend(run.latencies);
        all.failed += run.failed;
    }
    all.latencies.sort_unstable();
    all
}

/// POSTs the 64-byte input with `key`, on one keep-alive connection per client thread.
fn http_call(base: &str, key: &str) -> Call {
    let url = format!("{base}{PATH}");
    let authorization = format!("Bearer {key}");
    Arc::new(move || {
        thread_local! {
            static AGENT: ureq::Agent = service::client();
        }
        AGENT.with(|agent| {
            agent
                .post(&url)
                .header("Authorization", &authorization)
                .header("Content-Type", "application/json")
                .send(INPUT_64B)
                .is_ok_and(|mut response| {
                    let ok = response.status() == 200;
                    ok && response.body_mut().read_to_vec().is_ok()
                })
        })
    })
}

/// GETs `path` (no key), on one keep-alive connection per client thread: HTTP's own round trip.
fn http_get(base: &str, path: &str) -> Call {
    let url = format!("{base}{path}");
    Arc::new(move || {
        thread_local! {
            static AGENT: ureq::Agent = service::client();
        }
        AGENT.with(|agent| {
            agent.get(&url).call().is_ok_and(|mut response| {
                let ok = response.status() == 200;
                ok && response.body_mut().read_to_vec().is_ok()
            })
        })
    })
}

/// Starts the service with `--workers workers` and a key for the tenant `bench`.
fn serve(workers: &str) -> Result<(Service, Call)> {
    let service = Service::start_with_storage(
        &Setup {
            modules: &[("lgpd-analyzer.wasm", "plugins/lgpd-analyzer.wasm")],
            policy: POLICY,
            args: &["--workers", workers],
        },
        "",
    )?;
    let key = service.tenant_key("bench", "bench")?;
    let call = http_call(&service.base, &key);
    Ok((service, call))
}

fn stop(mut service: Service) -> Result<()> {
    let (code, rest) = service.stop("TERM")?;
    if code != Some(0) {
        bail!("medplug serve exited with {code:?}: {rest}");
    }
    Ok(())
}

/// Every run of one benchmark, side by side.
struct Measurements {
    library_1: Run,
    library_2: Run,
    floor: Run,
    http_1: Run,
    peak_1: Run,
    peak_2: Run,
    target_rate: f64,
    loaded: Run,
}

/// The library: the same policy, modules and schemas as the service, laid out by a service
/// never started for calls; one thread, then two.
fn measure_library() -> Result<(Run, Run)> {
    let (service, _) = serve("1")?;
    let dir = service.dir.path();
    let host = Host::builder()
        .policy(Policy::load(dir.join("medplug.toml"))?)
        .plugins_dir(dir.join("plugins"))
        .schemas_dir(dir.join("plugins/schemas"))
        .build()?;
    stop(service)?;
    let library: Call = Arc::new(move || {
        let context = CallContext::new("bench", "bench");
        host.call_json_as(&context, "lgpd-analyzer", "analyze", INPUT_64B)
            .is_ok()
    });
    Ok((drive(1, None, &library), drive(2, None, &library)))
}

fn measure() -> Result<Measurements> {
    let (library_1, library_2) = measure_library()?;
    let (service, call) = serve("1")?;
    let floor = drive(1, None, &http_get(&service.base, "/healthz"));
    let http_1 = drive(1, None, &call);
    let peak_1 = drive(CLIENTS, None, &call);
    stop(service)?;
    let (service, call) = serve("2")?;
    let peak_2 = drive(CLIENTS, None, &call);
    // 80 % of the two-worker peak, open loop.
    let target_rate = 0.8 * peak_2.rate();
    let loaded = drive(CLIENTS, Some(target_rate), &call);
    stop(service)?;
    let failed: usize = [&floor, &http_1, &peak_1, &peak_2, &loaded]
        .iter()
        .map(|run| run.failed)
        .sum();
    if failed > 0 {
        bail!("{failed} calls to the service failed during the benchmark");
    }
    Ok(Measurements {
        library_1,
        library_2,
        floor,
        http_1,
        peak_1,
        peak_2,
        target_rate,
        loaded,
    })
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The table, then each goal with its verdict.
fn figures(m: &Measurements) -> Vec<String> {
    let row = |what: &str, run: &Run| {
        format!(
            "{what:<48} {:>9.0} {:>9.1} {:>9.1}",
            run.rate(),
            micros(run.percentile(0.5)),
            micros(run.percentile(0.99))
        )
    };
    let overhead = micros(m.http_1.percentile(0.5)) - micros(m.library_1.percentile(0.5));
    let speedup = m.peak_2.rate() / m.peak_1.rate();
    let ceiling = m.library_2.rate() / m.library_1.rate();
    let tail =
        micros(m.loaded.percentile(0.99)) / micros(m.loaded.percentile(0.5)).max(f64::MIN_POSITIVE);
    let verdict = |ok: bool| if ok { "✓" } else { "✗" };
    vec![
        format!(
            "{:<48} {:>9} {:>9} {:>9}",
            "service (64-byte lgpd analyze)", "calls/s", "p50 µs", "p99 µs"
        ),
        row("library, 1 thread", &m.library_1),
        row("library, 2 threads", &m.library_2),
        row("HTTP GET /healthz, 1 client (no plugin)", &m.floor),
        row("HTTP, 1 worker, 1 client", &m.http_1),
        row(
            &format!("HTTP, 1 worker, {CLIENTS} clients (peak)"),
            &m.peak_1,
        ),
        row(
            &format!("HTTP, 2 workers, {CLIENTS} clients (peak)"),
            &m.peak_2,
        ),
        row(
            &format!(
                "HTTP, 2 workers, open loop at {:.0}/s (80 %)",
                m.target_rate
            ),
            &m.loaded,
        ),
        format!(
            "HTTP's cost at p50 (1 client): {overhead:.1} µs (goal ≤ 100 {})",
            verdict(overhead <= 100.0)
        ),
        format!(
            "2 workers over 1 at peak: {speedup:.2}× (goal ≥ 1.8 {}; the library's 2 threads over 1: {ceiling:.2}×)",
            verdict(speedup >= 1.8)
        ),
        format!(
            "p99 / p50 at 80 % of peak: {tail:.2} (goal ≤ 5 {})",
            verdict(tail <= 5.0)
        ),
    ]
}

fn main() -> Result<()> {
    // `cargo test --benches` runs this without `--bench`: nothing to check there.
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let figures = figures(&measure()?);
    for line in &figures {
        println!("{line}");
    }
    let out = service::root().join("target/bench-serve");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("figures.txt"), figures.join("\n") + "\n")
        .context("target/bench-serve/figures.txt")?;
    Ok(())
}
