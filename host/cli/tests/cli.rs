//! The `medplug` binary: call, list, inspect, and errors on stderr with a non-zero exit.
//! Needs `cargo xtask build-plugins` first (`cargo xtask test` does it).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use anyhow::{Context, Result};
use serde_json::Value;

mod common;

use common::{command, plugins_dir};

/// Runs `medplug` under the default policy copied into `dir`, with `stdin` as its input.
fn medplug_in(dir: &Path, args: &[&str], stdin: &str) -> Result<Output> {
    let mut child = command(dir, args)?.spawn()?;
    child
        .stdin
        .take()
        .context("stdin")?
        .write_all(stdin.as_bytes())?;
    Ok(child.wait_with_output()?)
}

/// Runs `medplug` in a fresh directory of its own.
fn medplug(args: &[&str], stdin: &str) -> Result<Output> {
    let dir = tempfile::tempdir()?;
    medplug_in(dir.path(), args, stdin)
}

#[test]
fn call_finds_a_valid_cpf_and_never_calls_an_invalid_one_valid() -> Result<()> {
    let out = medplug(
        &["call", "lgpd-analyzer", "analyze"],
        r#"{"content":"CPF 529.982.247-25; antigo CPF 529.982.247-26"}"#,
    )?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout)?;
    let verdicts: Vec<(&str, bool)> = report["findings"]
        .as_array()
        .context("findings")?
        .iter()
        .map(|f| {
            (
                f["masked"].as_str().unwrap_or_default(),
                f["checksum_valid"].as_bool().unwrap_or(true),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [("***.***.***-25", true), ("***.***.***-26", false)]
    );
    Ok(())
}

#[test]
fn call_reads_input_from_a_file() -> Result<()> {
    let file = std::env::temp_dir().join(format!("medplug-cli-{}.json", std::process::id()));
    std::fs::write(&file, r#"{"content":"sem dados pessoais"}"#)?;
    let out = medplug(
        &[
            "call",
            "lgpd-analyzer",
            "analyze",
            "--input",
            file.to_str().context("path")?,
        ],
        "",
    )?;
    std::fs::remove_file(&file)?;
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout)?;
    assert!(
        stdout.starts_with(
            "{\"findings\":[],\"kinds\":{},\"risk_score\":0,\"risk_level\":\"baixo_risco\",\"risk_factors\":[],\
             \"recommendations\":[{\"code\":\"nenhum_dado_pessoal\","
        ) && stdout.ends_with("\"validation_forms\":[]}\n"),
        "{stdout}"
    );
    Ok(())
}

#[test]
fn a_failed_call_exits_non_zero_with_the_error_on_stderr() -> Result<()> {
    let out = medplug(&["call", "lgpd-analyzer", "analyze"], r#"{"content": 5}"#)?;
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr)?,
        "medplug: lgpd-analyzer@0.1.0 `analyze`: invalid input: does not match schema \
         lgpd-analyzer/analyze.input: at /content: 5 is not of type \"string\"\n"
    );
    let out = medplug(&["--plugins", "/nonexistent", "list"], "")?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stderr)?
            .starts_with("medplug: loading plugins from /nonexistent: cannot read /nonexistent")
    );
    Ok(())
}

#[test]
fn list_and_inspect_describe_the_plugins() -> Result<()> {
    let out = medplug(&["list"], "")?;
    assert!(out.status.success());
    let listing = String::from_utf8(out.stdout)?;
    assert_eq!(
        listing,
        "claims-extractor     0.1.0    compliance   enabled  used by: clinica-horizonte  \
         functions: extract, extract_medical_claims, validate_medical_claims  \
         capabilities: none\n\
         ecg-analyzer         0.1.0    cardiology   enabled  used by: cardio-sul  \
         functions: analyze, process_medical_content  capabilities: none\n\
         lesion-risk          0.1.0    dermatology  enabled  used by: clinica-horizonte  \
         functions: score, process_medical_content  capabilities: none\n\
         lgpd-analyzer        0.1.0    privacy      enabled  used by: cardio-sul, clinica-horizonte  \
         functions: analyze, redact, analyze_lgpd_compliance  capabilities: none\n\
         tenant cardio-sul         specialties: cardiology, privacy  plugins: ecg-analyzer, lgpd-analyzer\n\
         tenant clinica-horizonte  specialties: compliance, dermatology, privacy  \
         plugins: claims-extractor, lesion-risk, lgpd-analyzer\n"
    );

    let wasm = plugins_dir().join("lgpd-analyzer.wasm");
    let out = medplug(&["inspect", wasm.to_str().context("path")?], "")?;
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["describe"]["name"], "lgpd-analyzer");
    assert_eq!(report["size"], std::fs::metadata(&wasm)?.len());
    assert_eq!(
        report["sha256"],
        medplug_host::sha256_hex(&std::fs::read(&wasm)?)
    );
    assert_eq!(
        report["exports"],
        serde_json::json!([
            "analyze",
            "analyze_lgpd_compliance",
            "describe",
            "redact",
            "warm_up"
        ])
    );
    assert!(
        report["imports"]
            .as_array()
            .context("imports")?
            .iter()
            .all(|i| i
                .as_str()
                .is_some_and(|s| s.starts_with("extism:host/env::")))
    );
    // Its schemas travel in it; a test plugin has none, and inspect says so.
    assert_eq!(
        report["embedded_schemas"],
        serde_json::json!(["analyze", "analyze_lgpd_compliance", "redact"])
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bare = plugins_dir().join("../test-plugins/state-leak.wasm");
    let out = medplug(&["inspect", bare.to_str().context("path")?], "")?;
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["embedded_schemas"], Value::Null);
    assert_eq!(
        String::from_utf8(out.stderr)?,
        format!(
            "warning: {} embeds no schemas (no `medplug.schemas` section): a host validates its \
             calls only against a schemas directory, and refuses it if its policy requires schemas\n",
            bare.display()
        )
    );
    Ok(())
}

#[test]
fn ecg_scores_record_100_against_its_annotations() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let Some(dir) = medplug_wfdb::mitdb_dir(&root)? else {
        println!(
            "MIT-BIH record 100 not found: skipped ({})",
            medplug_wfdb::MITDB_HOWTO
        );
        return Ok(());
    };
    let record = dir.join("100");
    let record_path = record.to_str().context("path")?;
    // The default tenant is a dermatology clinic: the ECG analyzer is not enabled for it.
    let out = medplug(&["ecg", record_path], "")?;
    assert_eq!(
        String::from_utf8(out.stderr)?,
        "medplug: tenant `clinica-horizonte` has not enabled plugin `ecg-analyzer`\n"
    );
    let out = medplug(&["ecg", record_path, "--tenant", "cardio-sul"], "")?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout)?;
    assert!(text.contains("lead 0 (MLII), 1805.6 s at 360 Hz"), "{text}");
    assert!(text.contains("  beats        2273\n"), "{text}");
    assert!(
        text.contains(
            "(2273 reference beats, 150 ms window): Se 100.00% +P 100.00% (TP 2273, FN 0, FP 0)"
        ),
        "{text}"
    );
    let out = medplug(
        &["ecg", record_path, "--tenant", "cardio-sul", "--lead", "2"],
        "",
    )?;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)?.ends_with("has 2 signal(s); there is no lead 2\n"),);
    Ok(())
}

#[test]
fn conformance_passes_a_plugin_written_in_assemblyscript_and_exits_zero() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("tests/other-language/cns-check");
    let module = root.join("target/test-plugins/cns-check.wasm");
    anyhow::ensure!(
        module.exists(),
        "{} is missing: `cargo xtask test` builds it from {} (needs node and npm)",
        module.display(),
        dir.display()
    );
    let path = |p: PathBuf| p.to_str().map(str::to_owned).context("path");
    let (fixtures, schemas) = (path(dir.join("fixtures"))?, path(dir.join("schemas"))?);
    let module = path(module)?;
    let args = [
        "conformance",
        &module,
        "--fixtures",
        &fixtures,
        "--schemas",
        &schemas,
    ];
    let out = medplug(&args, "")?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout)?;
    assert_eq!(
        table.lines().filter(|l| l.starts_with("  pass  ")).count(),
        11,
        "{table}"
    );
    assert!(table.ends_with("conformant to ABI v1\n"), "{table}");
    // The same module without its fixtures' directory fails `fixtures` and exits 1.
    let out = medplug(
        &[
            "conformance",
            &module,
            "--fixtures",
            "no-such-dir",
            "--schemas",
            &schemas,
        ],
        "",
    )?;
    assert_eq!(out.status.code(), Some(1));
    Ok(())
}
