//! The risk score: how much harm the personal data in a text could do if published.
//!
//! This is medplug's own additive model, not a formula from the law: each finding adds its
//! weight and the sum is capped at 100. The weights follow LGPD's gradation — an identifier that
//! verifies points to a real person (Art. 5 I), one that fails its check digit most likely does
//! not. Bands are [`RiskLevel::from_score`].

use medplug_pdk::lgpd::{Finding, FindingKind, RiskLevel};

/// Weight of a CPF whose check digits verify: one is enough to reach `medio_risco`, two
/// `alto_risco`.
const VALID_CPF: u32 = 35;
/// Weight of a number with a CPF's shape that fails its check digits.
const INVALID_CPF: u32 = 5;

/// The score (0–100) and band of a set of findings.
pub fn score(findings: &[Finding]) -> (u8, RiskLevel) {
    let total: u32 = findings
        .iter()
        .map(|f| match (f.kind, f.checksum_valid) {
            (FindingKind::Cpf, Some(true)) => VALID_CPF,
            (FindingKind::Cpf, _) => INVALID_CPF,
        })
        .sum();
    let score = total.min(100) as u8;
    (score, RiskLevel::from_score(score))
}
