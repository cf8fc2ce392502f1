//! `cargo xtask demo`: build the plugins and run them through the host on realistic samples,
//! under the default policy (`medplug.toml`), then show what the host refuses and the audit trail.

use std::time::Instant;

use anyhow::Result;
use medplug_cli::demo_patients::seed_demo;
use medplug_host::Host;
use medplug_host::patients::SqlitePatientStore;
use medplug_pdk::lgpd::{self, AnalyzeInput, AnalyzeOutput, RedactInput, RedactMode, RedactOutput};

use crate::build_plugins::{self, Options};

/// A clinical note as a Brazilian clinic writes it: identifiers (one mistyped), contacts, a
/// birth date, health data tied to the patient, and the doctor's public registration.
pub const CLINICAL_NOTE: &str = "\
EVOLUÇÃO CLÍNICA — Ambulatório de Psiquiatria
Paciente: Maria Aparecida dos Santos, DN: 12/03/1966, CPF 529.982.247-25, CNS 123 4567 8901 0000.
Tel. (11) 98765-4321 · maria.santos@gmail.com · CEP 01310-100.
Responsável: José Carlos Santos (CPF 11144477735). No cadastro antigo: CPF 529.982.247-26.
HD: depressão recorrente (CID F33.1). Em uso de sertralina 100 mg. Religião: Testemunha de Jeová.
Dra. Ana Lima, CRM-SP 123456.";

/// Runs the demo.
pub fn run() -> Result<()> {
    build_plugins::run(&Options::default())?;
    let root = crate::project_root();
    // A fresh audit trail and patient store for each demo, under the default policy.
    let dir = root.join("target/medplug/demo");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let patients = SqlitePatientStore::open(dir.join("patients.db"))?;
    seed_demo(&patients)?;
    drop(patients);
    let started = Instant::now();
    let host = Host::builder()
        .policy(crate::demo_security::policy(&root, &dir))
        .plugins_dir(root.join("target/plugins"))
        .schemas_dir(root.join("target/plugins/schemas"))
        .build()?;
    let loaded = started.elapsed();
    println!();
    println!(
        "medplug demo — plugins loaded: {} (in {loaded:.0?})",
        host.plugins().len()
    );
    for plugin in host.plugins() {
        println!(
            "  {:<24} {:<12} sha256 {}…",
            plugin.info().id(),
            plugin.info().specialty,
            &plugin.sha256()[..16]
        );
    }
    println!();
    print!("{}", lgpd_report(&host)?);
    println!();
    print!("{}", crate::demo_claims::claims_report(&host)?);
    println!();
    print!("{}", crate::demo_ecg::ecg_report(&host)?);
    println!();
    print!("{}", crate::demo_lesion::lesion_report(&host)?);
    println!();
    print!(
        "{}",
        crate::demo_security::security_report(&host, &root, &dir)?
    );
    println!();
    print!("{}", crate::demo_platform::platform_report(&root, &dir)?);
    println!();
    print!("{}", crate::demo_service::service_report(&root, &dir)?);
    Ok(())
}

/// The LGPD analyzer's report on [`CLINICAL_NOTE`].
pub fn lgpd_report(host: &Host) -> Result<String> {
    use std::fmt::Write;
    let started = Instant::now();
    let input = AnalyzeInput::new(CLINICAL_NOTE);
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
        "  {:<15} {:<26} {:<9} {:>5}  line",
        "kind", "masked", "checksum", "conf."
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
            "  {:<15} {:<26} {:<9} {:>5.2}  {line}",
            f.kind.name(),
            f.masked,
            checksum,
            f.confidence,
        )?;
    }
    writeln!(out)?;
    // What LGPD says of each kind, given once per kind rather than on every finding.
    writeln!(out, "  per kind (LGPD facts given once per kind):")?;
    for (kind, facts) in &report.kinds {
        let category = serde_json::to_value(facts.category)?;
        let needs = match (facts.legal_basis_required, facts.consent_required) {
            (true, true) => "legal basis + consent",
            (true, false) => "legal basis",
            (false, true) => "consent",
            (false, false) => "neither",
        };
        writeln!(
            out,
            "    {kind:<15} {:>2}× {:<12} {needs:<22} {}",
            facts.count,
            category.as_str().unwrap_or_default(),
            facts.lgpd_reference
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
    for factor in &report.risk_factors {
        writeln!(
            out,
            "    +{:<3} {} ({})",
            factor.points, factor.reason, factor.lgpd_reference
        )?;
    }
    writeln!(out, "  recommendations:")?;
    for r in &report.recommendations {
        writeln!(out, "    · {} [{}]", r.code, r.lgpd_reference)?;
    }
    let forms: Vec<_> = report
        .validation_forms
        .iter()
        .map(|f| format!("{} ({} fields)", f.id, f.fields.len()))
        .collect();
    writeln!(out, "  consent forms to collect: {}", forms.join(", "))?;
    writeln!(out)?;
    let redacted: RedactOutput = host.call(
        lgpd::PLUGIN_NAME,
        lgpd::REDACT,
        &RedactInput {
            content: CLINICAL_NOTE.to_owned(),
            mode: RedactMode::Pseudonym,
            custom_patterns: Vec::new(),
        },
    )?;
    writeln!(out, "  `{}` (pseudonym):", lgpd::REDACT)?;
    for line in redacted.content.lines() {
        writeln!(out, "  │ {line}")?;
    }
    Ok(out)
}
