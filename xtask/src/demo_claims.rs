//! The claims extractor's part of `cargo xtask demo`: a clinic's Instagram post, read as a
//! reviewer would before publication — each claim with its type and how it is said, and the
//! rule it breaks.

use std::fmt::Write;
use std::time::Instant;

use anyhow::Result;
use medplug_host::Host;
use medplug_pdk::claims::{self, ExtractInput, ExtractOutput};
use medplug_pdk::wire_name as wire;

/// A post as an aesthetic clinic writes it: promises, a superlative, a lure and a testimonial
/// beside a hedged and a sourced claim, and contact details.
pub const CLINIC_POST: &str = "\
Harmonização facial com a Dra. Luana Reis ✨
Resultado garantido já na primeira sessão! Somos a clínica mais procurada de Campinas.
O ácido hialurônico pode suavizar sulcos e rugas por 6 a 12 meses.
Segundo a Sociedade Brasileira de Dermatologia (SBD), o protetor solar diário previne o envelhecimento precoce.
Só esta semana: R$ 1.500,00 por R$ 990,00 🔥
\"Fiz com a Dra. Luana e nunca mais tive rugas, vocês também vão amar!\" – Paula, paciente
Não existe procedimento que elimine as rugas de forma definitiva.
📲 Agende pelo WhatsApp (19) 99876-5432";

/// The extractor's report on [`CLINIC_POST`].
pub fn claims_report(host: &Host) -> Result<String> {
    let started = Instant::now();
    let report: ExtractOutput = host.call(
        claims::PLUGIN_NAME,
        claims::EXTRACT,
        &ExtractInput::new(CLINIC_POST),
    )?;
    let took = started.elapsed();
    let mut out = String::new();
    writeln!(
        out,
        "── Claims extractor · {} `{}` on a clinic's post ({} sentences, {took:.1?}) ──",
        claims::PLUGIN_NAME,
        claims::EXTRACT,
        report.summary.sentence_count
    )?;
    for claim in &report.claims {
        let verdict = if claim.flags.is_empty() {
            if claim.requires_evidence {
                "needs a source"
            } else {
                "ok"
            }
        } else {
            "PROHIBITED"
        };
        writeln!(
            out,
            "  {:<10} {:<15} {:<10} {}",
            verdict,
            wire(&claim.claim_type),
            wire(&claim.assertiveness),
            claim.text
        )?;
        if let Some(evidence) = &claim.evidence {
            writeln!(out, "  {:<37} source: {}", "", evidence.text)?;
        }
        for flag in &claim.flags {
            writeln!(out, "  {:<37} ✗ {}", "", flag.reason)?;
        }
    }
    let s = &report.summary;
    writeln!(
        out,
        "  {} claims in {} sentences, {} prohibited, {} without a source → {}",
        s.claim_count,
        s.sentence_count,
        s.flagged_count,
        s.unsupported_count,
        wire(&s.compliance_status)
    )?;
    Ok(out)
}
