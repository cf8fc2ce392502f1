//! medplug plugins are standard Extism plugins: they run unchanged in a plain `extism` host and
//! in a second, independent implementation — the JavaScript SDK on Node.js, whose kernel is
//! JavaScript and whose wasm engine is V8 — and give the same output as through medplug.

use std::io::Write;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use conformance::{fixtures, index, plugin, plugins_dir, reference_host, root};

/// Runs `function` of the module at `wasm` in the JavaScript SDK; `Err` carries its stderr.
fn run_in_node(
    wasm: &std::path::Path,
    function: &str,
    input: &[u8],
) -> Result<std::result::Result<Vec<u8>, String>> {
    let dir = root().join("tests/extism-js");
    if !dir.join("node_modules/@extism/extism").exists() {
        bail!(
            "@extism/extism is not installed in tests/extism-js: `cargo xtask test` installs it (npm ci)"
        );
    }
    let mut child = Command::new("node")
        .arg("--no-warnings")
        .arg(dir.join("run.mjs"))
        .arg(wasm)
        .arg(function)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting node (is Node.js installed?)")?;
    child
        .stdin
        .take()
        .context("node's stdin")?
        .write_all(input)?;
    let out = child.wait_with_output()?;
    Ok(if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}

#[test]
fn plugins_give_the_same_output_in_the_javascript_extism_host() -> Result<()> {
    let host = reference_host()?;
    for entry in index()?.plugins {
        let wasm = plugins_dir().join(format!("{}.wasm", entry.name));
        for case in fixtures(&entry.name)? {
            let input = std::fs::read(&case.input)?;
            let ours = host.call_json(&entry.name, &case.function, &input)?;
            let theirs = run_in_node(&wasm, &case.function, &input)?.map_err(|e| {
                anyhow::anyhow!(
                    "{}/{}: the JavaScript host failed: {e}",
                    entry.name,
                    case.case
                )
            })?;
            assert_eq!(
                String::from_utf8(theirs)?,
                String::from_utf8(ours)?,
                "{}/{}/{}",
                entry.name,
                case.function,
                case.case
            );
        }
        let error =
            run_in_node(&wasm, &entry.functions[0], b"{")?.expect_err("broken json must fail");
        assert!(
            error.contains(r#"{"code":"invalid_input","message":"input of `"#),
            "{error}"
        );
    }
    Ok(())
}

#[test]
fn plugins_run_in_a_plain_extism_host() -> Result<()> {
    let manifest = extism::Manifest::new([extism::Wasm::data(plugin("lgpd-analyzer")?)]);
    let mut raw = extism::Plugin::new(manifest, [], false)?;
    let info: medplug_pdk::PluginInfo =
        serde_json::from_slice(raw.call::<&[u8], &[u8]>("describe", &[])?)?;
    assert_eq!(info.name, "lgpd-analyzer");
    let out = raw.call::<&str, &str>("analyze", r#"{"content":"CPF 52998224725"}"#)?;
    let report: medplug_pdk::lgpd::AnalyzeOutput = serde_json::from_str(out)?;
    assert_eq!(report.findings[0].masked, "*********25");
    Ok(())
}
