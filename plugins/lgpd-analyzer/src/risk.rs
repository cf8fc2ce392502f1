//! The risk score: how much harm the personal data in a text could do if published.
//!
//! This is medplug's own additive model, not a formula from the law: each distinct value adds
//! its kind's weight and the sum is capped at 100. The weights follow LGPD's gradation —
//! sensitive data (Art. 5 II, Art. 11) and identifiers that point to one person weigh most; an
//! identifier that fails its check digit most likely points to no one; professional
//! registrations are public. Health or other sensitive data tied to an identified person in the
//! same paragraph is the case Art. 11 exists for, and lifts the score into `critico` whatever
//! the sum.

use std::collections::{BTreeMap, HashSet};

use medplug_pdk::lgpd::{FindingKind, Kind, RiskFactor, RiskLevel};

use crate::candidate::Candidate;
use crate::text::{Segments, value_key};

/// Weight of one distinct value of a kind.
fn weight(kind: &Kind, checksum_valid: Option<bool>) -> u32 {
    use FindingKind as K;
    match (kind, checksum_valid) {
        (_, Some(false)) => 5,
        (Kind::Builtin(K::Cpf | K::Cns | K::Rg | K::Pis | K::TituloEleitor), _) => 35,
        (Kind::Builtin(K::PatientName), _) => 25,
        (Kind::Builtin(k), _) if k.category() == medplug_pdk::lgpd::DataCategory::Sensitive => 25,
        (Kind::Builtin(K::BirthDate), _) => 20,
        (Kind::Builtin(K::Phone | K::Email), _) => 15,
        (Kind::Builtin(K::Cep), _) => 5,
        (Kind::Builtin(_), _) => 2,
        (Kind::Custom(_), _) => 10,
    }
}

/// A text's risk under the model.
pub struct Assessment {
    /// 0–100.
    pub score: u8,
    /// The band of `score`.
    pub level: RiskLevel,
    /// What made up the score, in the order applied.
    pub factors: Vec<RiskFactor>,
    /// Whether sensitive data shares a paragraph with a finding that identifies a person.
    pub sensitive_tied_to_person: bool,
}

/// The score, its band, the factors that made it, and whether the Art. 11 linkage applied.
pub fn assess(text: &str, candidates: &[Candidate], segments: &Segments) -> Assessment {
    // Distinct values per kind: a name mentioned five times is one person.
    let mut per_kind: BTreeMap<&str, (u32, usize, usize)> = BTreeMap::new();
    let mut seen = HashSet::new();
    for c in candidates {
        if !seen.insert((c.kind.name(), value_key(&text[c.start..c.end]))) {
            continue;
        }
        let entry = per_kind.entry(c.kind.name()).or_default();
        entry.0 += weight(&c.kind, c.checksum_valid);
        if c.checksum_valid == Some(false) {
            entry.2 += 1;
        } else {
            entry.1 += 1;
        }
    }
    let mut factors: Vec<RiskFactor> = per_kind
        .into_iter()
        .map(|(kind, (points, good, bad))| RiskFactor {
            code: kind.to_lowercase(),
            points: points.min(100) as u8,
            reason: match (good, bad) {
                (g, 0) => format!("{g} × {kind}"),
                (0, b) => format!("{b} × {kind} com dígito verificador inválido"),
                (g, b) => format!("{g} × {kind}, mais {b} com dígito verificador inválido"),
            },
            lgpd_reference: reference_of(kind).to_owned(),
        })
        .collect();
    let sum: u32 = factors.iter().map(|f| u32::from(f.points)).sum();
    let mut score = sum.min(100) as u8;
    let linked = sensitive_tied_to_person(candidates, segments);
    if linked {
        let floor = RiskLevel::Critico.floor();
        if score < floor {
            factors.push(RiskFactor {
                code: "art11_linkage".to_owned(),
                points: floor - score,
                reason: "dado sensível vinculado a pessoa identificada no mesmo parágrafo"
                    .to_owned(),
                lgpd_reference: "LGPD Art. 11".to_owned(),
            });
            score = floor;
        }
    }
    Assessment {
        score,
        level: RiskLevel::from_score(score),
        factors,
        sensitive_tied_to_person: linked,
    }
}

fn reference_of(kind: &str) -> &'static str {
    match FindingKind::from_name(kind).map(FindingKind::category) {
        Some(medplug_pdk::lgpd::DataCategory::Sensitive) => "LGPD Art. 5º, II; Art. 11",
        Some(medplug_pdk::lgpd::DataCategory::Professional) => "LGPD Art. 7º, §4º",
        _ => "LGPD Art. 5º, I",
    }
}

/// Whether a sensitive finding shares a paragraph with a finding that identifies a person.
fn sensitive_tied_to_person(candidates: &[Candidate], segments: &Segments) -> bool {
    let identifying: Vec<_> = candidates
        .iter()
        .filter(|c| c.identifies_a_person())
        .map(|c| c.start..c.end)
        .collect();
    candidates
        .iter()
        .filter(|c| c.category == medplug_pdk::lgpd::DataCategory::Sensitive)
        .any(|c| {
            let p = segments.paragraph(c.start);
            let first = identifying.partition_point(|r| r.end <= p.start);
            identifying.get(first).is_some_and(|r| r.start < p.end)
        })
}
