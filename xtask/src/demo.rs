//! `cargo xtask demo`: build the plugins and run them through the host on realistic samples.

use std::time::Instant;

use anyhow::Result;
use medplug_host::Host;
use medplug_pdk::lgpd::{self, AnalyzeInput, AnalyzeOutput};

use crate::build_plugins::{self, Options};

/// A clinical note as a Brazilian clinic writes it: two CPFs that verify, one mistyped.
pub const CLINICAL_NOTE: &str = "\
EVOLUÇÃO CLÍNICA — Ambulatório de Cardiologia
Paciente: Maria Aparecida dos Santos, CPF 529.982.247-25, 58 anos.
Responsável financeiro: José Carlos Santos (CPF 11144477735).
Queixa: dispneia aos médios esforços há 3 semanas. PA 150/95 mmHg.
Conduta: solicitado ecocardiograma; retorno em 30 dias.
Obs.: no cadastro antigo consta o CPF 529.982.247-26 (dígito verificador não confere).
Contato: celular 11987654321.";

/// Runs the demo.
pub fn run() -> Result<()> {
    build_plugins::run(&Options::default())?;
    let started = Instant::now();
    let host = Host::builder()
        .plugins_dir(crate::project_root().join("target/plugins"))
        .build()?;
    let loaded = started.elapsed();
    println!();
    println!(
        "medplug demo — plugins loaded: {} (in {loaded:.0?})",
        host.plugins().count()
    );
    for plugin in host.plugins() {
        println!(
            "  {:<16} {:<14} sha256 {}…",
            plugin.info().id(),
            plugin.info().specialty,
            &plugin.sha256()[..16]
        );
    }
    println!();
    print!("{}", lgpd_report(&host)?);
    Ok(())
}

/// The LGPD analyzer's report on [`CLINICAL_NOTE`].
pub fn lgpd_report(host: &Host) -> Result<String> {
    use std::fmt::Write;
    let started = Instant::now();
    let input = AnalyzeInput {
        content: CLINICAL_NOTE.to_owned(),
    };
    let report: AnalyzeOutput = host.call(lgpd::PLUGIN_NAME, lgpd::ANALYZE, &input)?;
    let took = started.elapsed();
    let chars: Vec<char> = CLINICAL_NOTE.chars().collect();
    let mut out = String::new();
    writeln!(
        out,
        "── LGPD analyzer · {} `{}` on a clinical note ({} chars, {took:.1?}) ──",
        lgpd::PLUGIN_NAME,
        lgpd::ANALYZE,
        chars.len()
    )?;
    for line in CLINICAL_NOTE.lines() {
        writeln!(out, "  │ {line}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "  {:<5} {:<16} {:<11} {:<10} {:>10}  line",
        "kind", "masked", "chars", "checksum", "confidence"
    )?;
    for f in &report.findings {
        let line = chars[..f.start].iter().filter(|&&c| c == '\n').count() + 1;
        let checksum = match f.checksum_valid {
            Some(true) => "valid",
            Some(false) => "INVALID",
            None => "-",
        };
        writeln!(
            out,
            "  {:<5} {:<16} {:<11} {:<10} {:>10.2}  {line}",
            serde_json::to_value(f.kind)?.as_str().unwrap_or_default(),
            f.masked,
            format!("{}..{}", f.start, f.end),
            checksum,
            f.confidence,
        )?;
    }
    writeln!(out)?;
    let level = serde_json::to_value(report.risk_level)?;
    writeln!(
        out,
        "  risk: {}/100 → {}",
        report.risk_score,
        level.as_str().unwrap_or_default()
    )?;
    writeln!(
        out,
        "  checksum: the CPF's two mod-11 check digits; a number that fails them is never valid"
    )?;
    Ok(out)
}
