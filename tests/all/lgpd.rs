//! The LGPD analyzer through the host: the wasm module answers exactly as the native crate on
//! every corpus document, and `redact` keeps the text outside its findings byte for byte while
//! leaving none of the raw values behind.

use anyhow::{Result, ensure};
use conformance::reference_host;
use medplug_pdk::lgpd::{self, AnalyzeInput, AnalyzeOutput, RedactInput, RedactMode, RedactOutput};

fn corpus() -> Result<Vec<(String, String)>> {
    let docs = conformance::lgpd_corpus()?;
    ensure!(docs.len() >= 40, "{} corpus documents", docs.len());
    Ok(docs)
}

#[test]
fn wasm_answers_exactly_as_native_on_the_corpus() -> Result<()> {
    let host = reference_host()?;
    for (name, text) in corpus()? {
        let input = AnalyzeInput::new(text);
        let wasm: AnalyzeOutput = host.call(lgpd::PLUGIN_NAME, lgpd::ANALYZE, &input)?;
        let native = lgpd_analyzer::analyze(input).map_err(|e| anyhow::anyhow!(e.message))?;
        ensure!(wasm == native, "{name}: wasm and native differ");
    }
    Ok(())
}

#[test]
fn redact_changes_only_the_findings_and_leaves_no_raw_value() -> Result<()> {
    let host = reference_host()?;
    for (name, text) in corpus()? {
        let chars: Vec<char> = text.chars().collect();
        for mode in [RedactMode::Mask, RedactMode::Tag, RedactMode::Pseudonym] {
            let input = RedactInput {
                content: text.clone(),
                mode,
                custom_patterns: Vec::new(),
            };
            let out: RedactOutput = host.call(lgpd::PLUGIN_NAME, lgpd::REDACT, &input)?;
            ensure!(!out.findings.is_empty(), "{name}: nothing redacted");
            // Output = the text between findings, unchanged, and each finding's replacement.
            let mut rebuilt = String::with_capacity(out.content.len());
            let mut from = 0;
            for f in &out.findings {
                rebuilt.extend(&chars[from..f.start]);
                let replacement = match mode {
                    RedactMode::Mask => f.masked.clone(),
                    RedactMode::Tag => format!("[{}]", f.kind.name()),
                    RedactMode::Pseudonym => {
                        // `PACIENTE_n` or `<KIND>_n`, n counted per label from 1.
                        let rest = &out.content[rebuilt.len()..];
                        let len = rest
                            .find(|c: char| {
                                !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                            })
                            .unwrap_or(rest.len());
                        let label = match f.kind.name() {
                            "PATIENT_NAME" => "PACIENTE",
                            other => other,
                        };
                        let pseudonym = &rest[..len];
                        ensure!(
                            pseudonym
                                .strip_prefix(label)
                                .and_then(|n| n.strip_prefix('_'))
                                .is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n >= 1)),
                            "{name}: «{pseudonym}» is not a pseudonym of {label}"
                        );
                        pseudonym.to_owned()
                    }
                };
                rebuilt.push_str(&replacement);
                from = f.end;
            }
            rebuilt.extend(&chars[from..]);
            ensure!(
                rebuilt == out.content,
                "{name} {mode:?}: text outside the findings changed"
            );
            // Identifiers and contacts: a sensitive word like «câncer» may also stand, unflagged,
            // in a sentence about no one.
            let identifier = |f: &lgpd::Finding| match &f.kind {
                lgpd::Kind::Builtin(k) => {
                    k.has_check_digit()
                        || matches!(
                            k,
                            lgpd::FindingKind::Phone
                                | lgpd::FindingKind::Email
                                | lgpd::FindingKind::Cep
                                | lgpd::FindingKind::BirthDate
                        )
                }
                lgpd::Kind::Custom(_) => false,
            };
            for f in out.findings.iter().filter(|f| identifier(f)) {
                let raw: String = chars[f.start..f.end].iter().collect();
                {
                    ensure!(
                        !out.content.contains(&raw),
                        "{name} {mode:?}: «{raw}» ({}) is still in the redacted text",
                        f.kind.name()
                    );
                }
            }
        }
    }
    Ok(())
}
