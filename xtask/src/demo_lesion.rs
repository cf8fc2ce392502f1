//! The lesion risk scorer's part of `cargo xtask demo`: a dermatology visit with three lesions
//! and the patient's history (`lesion_risk::examples::visit`), scored through the host.

use std::fmt::Write;
use std::time::Instant;

use anyhow::Result;
use medplug_host::Host;
use medplug_pdk::lesion::{self, LesionReport, ScoreOutput};
use medplug_pdk::wire_name as wire;

/// The scorer's report on the example visit.
pub fn lesion_report(host: &Host) -> Result<String> {
    let input = lesion_risk::examples::visit();
    let started = Instant::now();
    let report: ScoreOutput = host.call(lesion::PLUGIN_NAME, lesion::SCORE, &input)?;
    let took = started.elapsed();
    let mut out = String::new();
    writeln!(
        out,
        "── Lesion risk scorer · {} `{}` on a dermatology visit ({} lesions, {took:.1?}) ──",
        lesion::PLUGIN_NAME,
        lesion::SCORE,
        report.lesions.len()
    )?;
    writeln!(
        out,
        "  {:<4} {:<33} {:<24} {:<9} {:<6} {:<7} priority",
        "id", "site", "TDS (Stolz)", "7-point", "ABCDE", "risk"
    )?;
    for l in &report.lesions {
        writeln!(
            out,
            "  {:<4} {:<33} {:<24} {:<9} {:<6} {:<7} {}",
            l.id,
            l.location.as_deref().unwrap_or("-"),
            tds(l),
            seven_point(l),
            format!("{}/{}", l.abcde.positive, l.abcde.examined),
            wire(&l.risk_level),
            wire(&l.priority)
        )?;
    }
    for l in &report.lesions {
        writeln!(out, "  why {}:", l.id)?;
        for rule in &l.risk_basis {
            writeln!(out, "    · {rule}")?;
        }
    }
    if let Some(risk) = &report.patient_risk {
        writeln!(
            out,
            "  patient: relative risk {:.2} (product of the factors with a pooled estimate)",
            risk.relative_risk
        )?;
        for f in &risk.factors {
            let rr = f
                .relative_risk
                .map_or_else(|| "no estimate".to_owned(), |rr| format!("RR {rr:.2}"));
            writeln!(out, "    {:<22} {:<12} {rr}", wire(&f.factor), f.value)?;
        }
    }
    writeln!(out, "  recommendations:")?;
    for r in &report.recommendations {
        let ids = if r.lesion_ids.is_empty() {
            String::new()
        } else {
            format!(" [{}]", r.lesion_ids.join(", "))
        };
        writeln!(out, "    {}{ids}: {}", wire(&r.priority), r.text)?;
    }
    writeln!(
        out,
        "  compliance: {} ({} rules: no cure promise, no guarantee, sunscreen names its SPF)",
        if report.compliance.passed {
            "passed"
        } else {
            "FAILED"
        },
        report.compliance.rules.len()
    )?;
    Ok(out)
}

fn tds(lesion: &LesionReport) -> String {
    lesion.tds.map_or_else(
        || "not computed".to_owned(),
        |t| format!("{:.1} {}", t.value, wire(&t.class)),
    )
}

fn seven_point(lesion: &LesionReport) -> String {
    lesion.seven_point.as_ref().map_or_else(
        || "-".to_owned(),
        |s| format!("{}{}", s.score, if s.positive { " (≥3)" } else { "" }),
    )
}
