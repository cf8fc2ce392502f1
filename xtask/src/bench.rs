//! `cargo xtask bench`: run the criterion benchmarks and print one table of medians and ratios.
//!
//! Medians come from criterion's own `target/criterion/<group>/<bench>/new/estimates.json`;
//! ratios divide medians measured in the same run. Later plugins add their benchmarks to
//! [`BENCHES`], and their goals to [`THROUGHPUTS`], [`DURATIONS`], [`SPEEDUPS`] or [`RATIOS`].
//! The reload benchmark also writes `target/bench-extra/reload_calls.json` (latencies of calls
//! during swaps, which are no median), printed last.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;
use xshell::cmd;

use crate::build_plugins::{self, Options};

/// `(package, bench target)` pairs that `cargo xtask bench` runs.
const BENCHES: [(&str, &str); 9] = [
    ("medplug-host", "host"),
    ("medplug-host", "platform"),
    ("medplug-host", "audit"),
    // Prints its own table: durable appends/s with 1 and 3 replicas on one PostgreSQL (a server
    // of its own) beside SQLite.
    ("medplug-host", "replicas"),
    ("conformance", "lgpd"),
    ("conformance", "ecg"),
    ("conformance", "lesion"),
    ("conformance", "claims"),
    // Prints its own table (the next call after each attack, the noisy neighbour's p99).
    ("conformance", "attackers"),
];

/// Durations to report against a goal: `(what, bench, goal in ms)`.
const DURATIONS: [(&str, &str, Option<f64>); 12] = [
    (
        "reload lgpd-analyzer, every function compiled",
        "reload/lgpd_new_code",
        Some(1000.0),
    ),
    (
        "reload lgpd-analyzer, functions in the cache",
        "reload/lgpd_rebuilt",
        Some(1000.0),
    ),
    (
        "a tenant's first call, no pre-warming",
        "first_call/cold",
        None,
    ),
    (
        "a tenant's first call, cold, 2 KB note",
        "first_call/cold_2kb",
        Some(15.0),
    ),
    (
        "a tenant's first call, min_idle = 1",
        "first_call/prewarmed",
        None,
    ),
    (
        "ecg-analyzer native (record 100, 30 min)",
        "ecg_record_100/native",
        None,
    ),
    (
        "ecg-analyzer wasm end to end, samples_i16",
        "ecg_record_100/wasm_samples_i16",
        // Issue 20: record 100 through the host in 15 ms.
        Some(15.0),
    ),
    (
        "ecg-analyzer wasm end to end, samples_mv",
        "ecg_record_100/wasm_samples_mv",
        None,
    ),
    (
        "lesion-risk native (1,000 lesions)",
        "lesion_1000/native",
        None,
    ),
    (
        "lesion-risk wasm end to end (1,000 lesions)",
        "lesion_1000/wasm",
        None,
    ),
    (
        "claims-extractor native (100 KB article)",
        "claims_100kb/native",
        None,
    ),
    (
        "claims-extractor wasm end to end (100 KB)",
        "claims_100kb/wasm",
        Some(20.0),
    ),
];

/// Throughputs to report: `(what, bench, bytes per iteration, goal in MB/s)`.
const THROUGHPUTS: [(&str, &str, f64, Option<f64>); 7] = [
    (
        "lgpd-analyzer native, dense 1 MB",
        "lgpd_1mb/native",
        1e6,
        None,
    ),
    (
        "lgpd-analyzer wasm through the host, dense 1 MB",
        "lgpd_1mb/wasm",
        1e6,
        Some(15.0),
    ),
    (
        "  the same without fuel metering",
        "lgpd_1mb/wasm_no_fuel",
        1e6,
        None,
    ),
    (
        "lgpd-analyzer native, clinical 1 MB",
        "lgpd_clinical/native",
        1e6,
        None,
    ),
    (
        "lgpd-analyzer wasm through the host, clinical 1 MB",
        "lgpd_clinical/wasm",
        1e6,
        Some(25.0),
    ),
    (
        "lgpd-analyzer native, no personal data",
        "lgpd_clean/native",
        1e6,
        None,
    ),
    (
        "lgpd-analyzer wasm, no personal data",
        "lgpd_clean/wasm",
        1e6,
        None,
    ),
];

/// Speed-ups to report: `(what, slower, faster, goal ≥)`: the slower median over the faster.
const SPEEDUPS: [(&str, &str, &str, Option<f64>); 2] = [
    (
        "64-byte calls, 2 threads over 1 (per-call time)",
        "throughput_64b/1_thread",
        "throughput_64b/2_threads",
        Some(1.8),
    ),
    (
        "first call: pre-warmed over cold",
        "first_call/cold",
        "first_call/prewarmed",
        None,
    ),
];

/// The analysis alone in wasm against native (issue 20, decision 1): `(what, end to end,
/// boundary for the same bytes, native, goal ≤)`, reported as (end to end − boundary) / native.
const ANALYSES: [(&str, &str, &str, &str, f64); 3] = [
    (
        "lgpd-analyzer, dense 1 MB",
        "lgpd_1mb/wasm_json",
        "lgpd_1mb/boundary",
        "lgpd_1mb/native",
        2.0,
    ),
    (
        "lgpd-analyzer, clinical 1 MB",
        "lgpd_clinical/wasm_json",
        "lgpd_clinical/boundary",
        "lgpd_clinical/native",
        2.0,
    ),
    (
        "ecg-analyzer, record 100 (samples_i16)",
        "ecg_record_100/wasm_json",
        "ecg_record_100/boundary",
        "ecg_record_100/native",
        1.7,
    ),
];

/// A ratio to report: `(what, numerator, denominator, goal)`, benches named `group/id`.
const RATIOS: [(&str, &str, &str, Option<f64>); 9] = [
    (
        "host / bare extism, boundary, lgpd 1 MB bytes",
        "lgpd_1mb/boundary",
        "lgpd_1mb/boundary_bare_extism",
        Some(1.05),
    ),
    (
        "host / bare extism, boundary, ecg 100 bytes",
        "ecg_record_100/boundary",
        "ecg_record_100/boundary_bare_extism",
        Some(1.05),
    ),
    (
        "host overhead per call (host / raw extism)",
        "call_64b/medplug_host",
        "call_64b/raw_extism",
        Some(1.3),
    ),
    (
        "  the same with the trail in SQLite in memory",
        "call_64b/medplug_host_sqlite_memory",
        "call_64b/raw_extism",
        None,
    ),
    (
        "all guards on (schemas, audit on disk) / raw extism",
        "call_64b/medplug_host_guarded",
        "call_64b/raw_extism",
        None,
    ),
    (
        "lgpd-analyzer wasm / native (1 MB)",
        "lgpd_1mb/wasm",
        "lgpd_1mb/native",
        Some(2.0),
    ),
    (
        "ecg-analyzer wasm (samples_i16) / native",
        "ecg_record_100/wasm_samples_i16",
        "ecg_record_100/native",
        Some(1.5),
    ),
    (
        "lesion-risk wasm / native (1,000 lesions)",
        "lesion_1000/wasm",
        "lesion_1000/native",
        None,
    ),
    (
        "claims-extractor wasm / native (100 KB)",
        "claims_100kb/wasm",
        "claims_100kb/native",
        None,
    ),
];

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// Runs the benchmarks and prints the table (with `service_only`, only the service's part).
pub fn run(service_only: bool) -> Result<()> {
    build_plugins::run(&Options::default())?;
    let sh = crate::shell()?;
    if service_only {
        return bench_serve(&sh);
    }
    let criterion_dir = crate::project_root().join("target/criterion");
    let mut rows = Vec::new();
    let _ = std::fs::remove_dir_all(&criterion_dir); // only this run's figures
    let _ = std::fs::remove_dir_all(crate::project_root().join("target/bench-extra"));
    for (package, bench) in BENCHES {
        cmd!(sh, "cargo bench --quiet -p {package} --bench {bench}").run()?;
    }
    rows.extend(read_medians(&criterion_dir)?);
    println!();
    println!("{:<40} {:>14}", "benchmark", "median");
    for (name, ns) in &rows {
        println!("{name:<40} {:>14}", human(*ns));
    }
    println!();
    println!("{:<46} {:>8} {:>8}", "throughput", "MB/s", "goal");
    for (what, bench, bytes, goal) in THROUGHPUTS {
        if let Some((_, ns)) = rows.iter().find(|(n, _)| n == bench) {
            let mb_s = bytes / 1e6 / (ns / 1e9);
            let verdict = match goal {
                None => "-".to_owned(),
                Some(g) if mb_s >= g => format!("≥ {g} ✓"),
                Some(g) => format!("≥ {g} ✗"),
            };
            println!("{what:<46} {mb_s:>8.1} {verdict:>8}");
        }
    }
    println!();
    println!("{:<46} {:>8} {:>8}", "duration", "ms", "goal");
    for (what, bench, goal) in DURATIONS {
        if let Some((_, ns)) = rows.iter().find(|(n, _)| n == bench) {
            let ms = ns / 1e6;
            let verdict = match goal {
                None => "-".to_owned(),
                Some(g) if ms <= g => format!("≤ {g} ✓"),
                Some(g) => format!("≤ {g} ✗"),
            };
            println!("{what:<46} {ms:>8.2} {verdict:>8}");
        }
    }
    println!();
    println!("{:<46} {:>8} {:>8}", "ratio", "value", "goal");
    for (what, num, den, goal) in RATIOS {
        let find = |name: &str| rows.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
        if let (Some(a), Some(b)) = (find(num), find(den)) {
            let verdict = match goal {
                Some(g) if a / b <= g => format!("≤ {g} ✓"),
                Some(g) => format!("≤ {g} ✗"),
                None => "-".to_owned(),
            };
            println!("{what:<46} {:>8.2} {verdict:>8}", a / b);
        }
    }
    println!();
    println!(
        "{:<40} {:>9} {:>9} {:>9} {:>6} {:>7}",
        "analysis in wasm / native", "e2e ms", "boundary", "native", "ratio", "goal"
    );
    for (what, end_to_end, boundary, native, goal) in ANALYSES {
        let find = |name: &str| rows.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
        if let (Some(e), Some(b), Some(n)) = (find(end_to_end), find(boundary), find(native)) {
            let ratio = (e - b) / n;
            let verdict = if ratio <= goal { "✓" } else { "✗" };
            println!(
                "{what:<40} {:>9.2} {:>9.2} {:>9.2} {ratio:>6.2} ≤ {goal} {verdict}",
                e / 1e6,
                b / 1e6,
                n / 1e6
            );
        }
    }
    println!();
    println!("{:<46} {:>8} {:>8}", "speed-up", "value", "goal");
    for (what, slower, faster, goal) in SPEEDUPS {
        let find = |name: &str| rows.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
        if let (Some(a), Some(b)) = (find(slower), find(faster)) {
            let verdict = match goal {
                Some(g) if a / b >= g => format!("≥ {g} ✓"),
                Some(g) => format!("≥ {g} ✗"),
                None => "-".to_owned(),
            };
            println!("{what:<46} {:>8.2} {verdict:>8}", a / b);
        }
    }
    print_reload_calls(&crate::project_root().join("target/bench-extra/reload_calls.json"))?;
    print_audit(&crate::project_root().join("target/bench-extra/audit_group_commit.json"))?;
    println!();
    bench_serve(&sh)
}

/// The service benchmark (host/cli/benches/serve.rs): `medplug serve` under load beside the
/// library; it prints its own table and writes it to target/bench-serve/figures.txt.
fn bench_serve(sh: &xshell::Shell) -> Result<()> {
    cmd!(sh, "cargo bench --quiet -p medplug-cli --bench serve").run()?;
    Ok(())
}

/// The reload benchmark's other figure: the calls a second thread made while modules were
/// swapped, against the median of all its calls (goal: none slower than twice the median).
fn print_reload_calls(path: &Path) -> Result<()> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(());
    };
    let report: serde_json::Value =
        serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", path.display()))?;
    let number = |key: &str| report[key].as_f64().unwrap_or_default();
    let median = number("median_us");
    let slower = number("slower_than_2x_median");
    println!();
    println!(
        "calls while reloading (64-byte lgpd analyze, one caller thread), median of {} calls \
         before any reload: {median:.1} µs",
        number("control_calls")
    );
    println!(
        "{:<22} {:>8} {:>10} {:>10} {:>16}",
        "", "calls", "p99 µs", "max µs", "> 2× median"
    );
    for (what, calls, p99, max, over) in [
        (
            "before any reload",
            "control_calls",
            "control_p99_us",
            "control_max_us",
            "control_slower_than_2x_median",
        ),
        (
            "during swaps",
            "calls_during_swaps",
            "p99_during_swaps_us",
            "max_during_swaps_us",
            "slower_than_2x_median",
        ),
    ] {
        println!(
            "{what:<22} {:>8} {:>10.1} {:>10.1} {:>16}",
            number(calls),
            number(p99),
            number(max),
            number(over)
        );
    }
    println!(
        "goal: no call during a swap slower than 2× the median {}",
        if slower == 0.0 { "✓" } else { "✗" }
    );
    Ok(())
}

/// The audit trail's group commit (host/benches/audit.rs): durable appends per second with 1, 2
/// and 8 callers, one commit per append against group commit (goal: ≥ 5× at 8 callers).
fn print_audit(path: &Path) -> Result<()> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(());
    };
    let report: serde_json::Value =
        serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", path.display()))?;
    println!();
    println!(
        "audit appends/s, synchronous=FULL (median of {} rounds of {} s)",
        report["rounds"], report["seconds"]
    );
    println!(
        "{:>8} {:>16} {:>14} {:>8} {:>10}",
        "callers", "commit per call", "group commit", "ratio", "goal"
    );
    for row in report["rows"].as_array().into_iter().flatten() {
        let number = |key: &str| row[key].as_f64().unwrap_or_default();
        let (callers, ratio) = (number("callers"), number("ratio"));
        let verdict = if callers < 8.0 {
            "-"
        } else if ratio >= 5.0 {
            "≥ 5 ✓"
        } else {
            "≥ 5 ✗"
        };
        println!(
            "{callers:>8} {:>16.0} {:>14.0} {ratio:>8.2} {verdict:>10}",
            number("per_call_appends_per_s"),
            number("group_appends_per_s")
        );
    }
    Ok(())
}

/// `(group/bench, median ns)` for every benchmark criterion wrote under `dir`.
fn read_medians(dir: &Path) -> Result<Vec<(String, f64)>> {
    let mut rows = Vec::new();
    for group in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let group = group?.path();
        if !group.is_dir() || group.ends_with("report") {
            continue;
        }
        for bench in std::fs::read_dir(&group)? {
            let file = bench?.path().join("new/estimates.json");
            if let Ok(bytes) = std::fs::read(&file) {
                let estimates: Estimates = serde_json::from_slice(&bytes)
                    .with_context(|| format!("parsing {}", file.display()))?;
                let rel = file
                    .parent()
                    .and_then(Path::parent)
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .context("bench path")?;
                rows.push((rel.display().to_string(), estimates.median.point_estimate));
            }
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(rows)
}

/// Nanoseconds for a person: `14.2 µs`.
fn human(ns: f64) -> String {
    match ns {
        n if n >= 1e9 => format!("{:.2} s", n / 1e9),
        n if n >= 1e6 => format!("{:.2} ms", n / 1e6),
        n if n >= 1e3 => format!("{:.1} µs", n / 1e3),
        n => format!("{n:.0} ns"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_well() {
        assert_eq!(super::human(14_213.0), "14.2 µs");
        assert_eq!(super::human(2_500_000.0), "2.50 ms");
        assert_eq!(super::human(850.0), "850 ns");
        assert_eq!(super::human(3.2e9), "3.20 s");
    }
}
