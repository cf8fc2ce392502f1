//! `redact`: the text with every finding replaced, and nothing else changed.

use std::collections::HashMap;

use medplug_pdk::PluginError;
use medplug_pdk::lgpd::{FindingKind, Kind, RedactInput, RedactMode, RedactOutput};

use crate::analyzer::{detect, findings, kinds};
use crate::text::{Segments, value_key};
use crate::{custom, mask};

/// Replaces each finding in `input.content` as `input.mode` says; the text between findings is
/// copied byte for byte.
pub fn redact(input: RedactInput) -> Result<RedactOutput, PluginError> {
    let custom = custom::compile(&input.custom_patterns)?;
    let text = input.content.as_str();
    let candidates = detect(text, &custom, &Segments::new(text));
    let mut out = String::with_capacity(text.len());
    let mut pseudonyms = Pseudonyms::default();
    let mut copied = 0;
    for c in &candidates {
        out.push_str(&text[copied..c.start]);
        let raw = &text[c.start..c.end];
        match input.mode {
            RedactMode::Mask => out.push_str(&mask::mask(&c.kind, raw)),
            RedactMode::Tag => {
                out.push('[');
                out.push_str(c.kind.name());
                out.push(']');
            }
            RedactMode::Pseudonym => out.push_str(&pseudonyms.of(&c.kind, raw)),
        }
        copied = c.end;
    }
    out.push_str(&text[copied..]);
    Ok(RedactOutput {
        content: out,
        findings: findings(text, &candidates, false),
        kinds: kinds(&candidates),
    })
}

/// Stable names per distinct value: the n-th distinct patient is `PACIENTE_n`, the n-th
/// distinct CPF `CPF_n`.
#[derive(Default)]
struct Pseudonyms {
    assigned: HashMap<(String, String), String>,
    counts: HashMap<String, usize>,
}

impl Pseudonyms {
    fn of(&mut self, kind: &Kind, raw: &str) -> String {
        let label = match kind {
            Kind::Builtin(FindingKind::PatientName) => "PACIENTE",
            other => other.name(),
        };
        let value = value_key(raw);
        let counts = &mut self.counts;
        self.assigned
            .entry((label.to_owned(), value))
            .or_insert_with(|| {
                let n = counts.entry(label.to_owned()).or_insert(0);
                *n += 1;
                format!("{label}_{n}")
            })
            .clone()
    }
}
