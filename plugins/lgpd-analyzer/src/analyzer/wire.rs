//! The wire form of resolved candidates: findings (character offsets, masks) and, once per kind
//! present, what LGPD says of that kind (`kinds`).
//!
//! The legal facts depend only on the category: personal data needs a legal basis and the
//! holder's consent (LGPD Art. 5 I, Art. 7, Art. 7 I), sensitive data too, specific and
//! highlighted (Art. 5 II, Art. 11, Art. 11 I); registrations the councils and the Receita
//! Federal publish need neither (Art. 7 §4).

use std::collections::BTreeMap;

use medplug_pdk::lgpd::{DataCategory, Finding, FindingKind, Kind, KindFacts, KindsPresent};

use crate::candidate::Candidate;
use crate::mask;
use crate::text::char_ranges;

/// Resolved candidates as findings: character offsets, masks, raw values on request.
pub(crate) fn findings(text: &str, candidates: &[Candidate], include_values: bool) -> Vec<Finding> {
    let ranges: Vec<_> = candidates.iter().map(|c| c.start..c.end).collect();
    candidates
        .iter()
        .zip(char_ranges(text, &ranges))
        .map(|(c, chars)| {
            let raw = &text[c.start..c.end];
            Finding {
                kind: c.kind.clone(),
                start: chars.start,
                end: chars.end,
                masked: mask::mask(&c.kind, raw),
                value: include_values.then(|| raw.to_owned()),
                confidence: c.confidence,
                checksum_valid: c.checksum_valid,
            }
        })
        .collect()
}

/// The facts of every kind among `candidates`, with how many candidates have it.
pub(crate) fn kinds(candidates: &[Candidate]) -> KindsPresent {
    let mut builtin = [0usize; FindingKind::ALL.len()];
    let mut custom: BTreeMap<&str, (DataCategory, usize)> = BTreeMap::new();
    for c in candidates {
        match &c.kind {
            Kind::Builtin(kind) => builtin[*kind as usize] += 1,
            Kind::Custom(name) => custom.entry(name).or_insert((c.category, 0)).1 += 1,
        }
    }
    let builtin = FindingKind::ALL
        .into_iter()
        .zip(builtin)
        .filter(|&(_, count)| count > 0)
        .map(|(kind, count)| (kind.name().to_owned(), facts(kind.category(), count)));
    let custom = custom
        .into_iter()
        .map(|(name, (category, count))| (name.to_owned(), facts(category, count)));
    builtin.chain(custom).collect()
}

/// What LGPD says of data of `category`.
fn facts(category: DataCategory, count: usize) -> KindFacts {
    let published = category == DataCategory::Professional;
    KindFacts {
        category,
        count,
        legal_basis_required: !published,
        consent_required: !published,
        lgpd_reference: reference(category).to_owned(),
    }
}

/// The provision that governs data of `category`.
fn reference(category: DataCategory) -> &'static str {
    match category {
        DataCategory::Personal => "LGPD Art. 5º, I (dado pessoal); Art. 7º",
        DataCategory::Sensitive => "LGPD Art. 5º, II (dado pessoal sensível); Art. 11",
        DataCategory::Professional => "LGPD Art. 7º, §4º (dado tornado público)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_present_has_its_facts_once_with_its_count() {
        let c = |kind, start| Candidate::builtin(kind, start, start + 1, 0.9, None);
        let mut prontuario = c(FindingKind::Cpf, 8);
        prontuario.kind = Kind::Custom("PRONTUARIO".to_owned());
        let got = kinds(&[
            c(FindingKind::HealthData, 0),
            c(FindingKind::Cpf, 2),
            c(FindingKind::HealthData, 4),
            c(FindingKind::Crm, 6),
            prontuario,
        ]);
        let summary: Vec<_> = got
            .iter()
            .map(|(k, f)| (k.as_str(), f.category, f.count, f.consent_required))
            .collect();
        assert_eq!(
            summary,
            [
                ("CPF", DataCategory::Personal, 1, true),
                ("CRM", DataCategory::Professional, 1, false),
                ("HEALTH_DATA", DataCategory::Sensitive, 2, true),
                ("PRONTUARIO", DataCategory::Personal, 1, true),
            ]
        );
        assert_eq!(
            got["HEALTH_DATA"],
            KindFacts {
                category: DataCategory::Sensitive,
                count: 2,
                legal_basis_required: true,
                consent_required: true,
                lgpd_reference: "LGPD Art. 5º, II (dado pessoal sensível); Art. 11".to_owned(),
            }
        );
        assert_eq!(
            got["CRM"].lgpd_reference,
            "LGPD Art. 7º, §4º (dado tornado público)"
        );
        assert!(!got["CRM"].legal_basis_required);
    }
}
