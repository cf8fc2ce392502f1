//! A lesion's risk level, and the rules that decided it.
//!
//! `HIGH` comes only from the published cut-offs that suggest melanoma: TDS above 5.45 (Stolz
//! 1994) or a 7-point score of 3 or more (Argenziano 1998), or from three or more ABCDE signs
//! one of which is evolution. `MEDIUM` comes from a suspicious TDS (4.75–5.45, Stolz 1994), a
//! 7-point score of 1–2 (the revisited checklist's sensitive threshold, Argenziano 2011), an
//! evolving lesion (Abbasi 2004), or two ABCDE signs. The ABCDE counts are medplug's triage
//! convention, not a published cut-off: the rule gives signs, not a score, and the basis says so.

use medplug_pdk::lesion::{Abcde, Priority, RiskLevel, SevenPointScore, Tds, TdsClass};

use crate::seven_point::{POSITIVE_FROM, REVISITED_FROM};

/// ABCDE signs that make a lesion `MEDIUM` (medplug's convention).
const ABCDE_MEDIUM_FROM: u32 = 2;

/// ABCDE signs, evolution among them, that make a lesion `HIGH` (medplug's convention).
const ABCDE_HIGH_FROM: u32 = 3;

/// A lesion's level and the rules behind it, in pt-BR.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Triage {
    pub level: RiskLevel,
    pub basis: Vec<String>,
}

/// Decides the level from the scores that could be computed.
pub(crate) fn decide(tds: Option<&Tds>, seven: Option<&SevenPointScore>, abcde: &Abcde) -> Triage {
    let mut rules: Vec<(RiskLevel, String)> = Vec::new();
    if let Some(tds) = tds {
        let value = decimal(tds.value);
        rules.push(match tds.class {
            TdsClass::HighlySuspicious => (
                RiskLevel::High,
                format!("TDS {value} > 5,45: altamente suspeito de melanoma (Stolz et al. 1994)"),
            ),
            TdsClass::Suspicious => (
                RiskLevel::Medium,
                format!("TDS {value} entre 4,75 e 5,45: lesão suspeita (Stolz et al. 1994)"),
            ),
            TdsClass::Benign => (
                RiskLevel::Low,
                format!("TDS {value} < 4,75: padrão benigno (Stolz et al. 1994)"),
            ),
        });
    }
    if let Some(seven) = seven {
        let score = seven.score;
        rules.push(if score >= POSITIVE_FROM {
            (
                RiskLevel::High,
                format!("7 pontos = {score} ≥ 3: sugere melanoma (Argenziano et al. 1998)"),
            )
        } else if score >= REVISITED_FROM {
            (
                RiskLevel::Medium,
                format!(
                    "7 pontos = {score}: abaixo de 3, mas ≥ 1, o limiar sensível do checklist \
                     revisitado (Argenziano et al. 2011)"
                ),
            )
        } else {
            (
                RiskLevel::Low,
                "7 pontos = 0: nenhum critério presente (Argenziano et al. 1998)".to_owned(),
            )
        });
    }
    if abcde.examined > 0 {
        let evolving = abcde.evolving == Some(true);
        let n = abcde.positive;
        rules.push(if n >= ABCDE_HIGH_FROM && evolving {
            (
                RiskLevel::High,
                format!(
                    "{n} sinais ABCDE, entre eles evolução (Abbasi et al. 2004); corte de \
                     triagem do medplug, não publicado"
                ),
            )
        } else if evolving {
            (
                RiskLevel::Medium,
                "E: lesão em evolução, sinal de alerta (Abbasi et al. 2004)".to_owned(),
            )
        } else if n >= ABCDE_MEDIUM_FROM {
            (
                RiskLevel::Medium,
                format!(
                    "{n} sinais ABCDE (Friedman et al. 1985); corte de triagem do medplug, \
                     não publicado"
                ),
            )
        } else {
            (
                RiskLevel::Low,
                format!(
                    "{n} sinais ABCDE presentes entre {} examinados (Friedman et al. 1985; Abbasi et al. 2004)",
                    abcde.examined
                ),
            )
        });
    }
    let level = rules
        .iter()
        .map(|(level, _)| *level)
        .max()
        .unwrap_or(RiskLevel::Low);
    // The rules that set the level first, then the ones that were weighed and did not.
    rules.sort_by_key(|(rule_level, _)| std::cmp::Reverse(*rule_level));
    let mut basis: Vec<String> = rules.into_iter().map(|(_, text)| text).collect();
    if tds.is_none() && seven.is_none() {
        basis.push(
            "sem escore dermatoscópico: o nível reflete apenas os sinais clínicos examinados"
                .to_owned(),
        );
    }
    Triage { level, basis }
}

/// Words of a location where the ABCD rule and the 7-point checklist do not apply: facial,
/// acral (palms, soles, nails) and mucosal skin have their own dermoscopic patterns (Stolz
/// 1994 and Argenziano 1998 studied melanocytic lesions of other sites).
const SITES_OUTSIDE_VALIDATION: [&str; 14] = [
    "face", "rosto", "facial", "nariz", "palma", "palmar", "planta", "plantar", "unha", "subungue",
    "mucosa", "labio", "lábio", "genital",
];

/// The caveat for a lesion at `location`, when the dermoscopic scores were not validated there.
pub(crate) fn site_caveat(location: Option<&str>) -> Option<String> {
    let lower = crate::latin::lower(location?);
    SITES_OUTSIDE_VALIDATION
        .iter()
        .any(|site| lower.contains(site))
        .then(|| {
            "localização facial, acral ou mucosa: a regra ABCD e a lista de 7 pontos não foram \
             validadas nesses sítios, que têm padrões dermatoscópicos próprios; o escore é \
             apenas indicativo"
                .to_owned()
        })
}

/// How soon a lesion of `level` needs a dermatologist.
pub(crate) fn priority(level: RiskLevel) -> Priority {
    match level {
        RiskLevel::High => Priority::Urgent,
        RiskLevel::Medium => Priority::Routine,
        RiskLevel::Low => Priority::Monitoring,
    }
}

/// `value` with a decimal comma and one decimal, as pt-BR writes it (5,8).
fn decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abcde(signs: [Option<bool>; 5]) -> Abcde {
        let [
            asymmetry,
            border_irregular,
            color_variegated,
            diameter_over_6mm,
            evolving,
        ] = signs;
        Abcde {
            asymmetry,
            border_irregular,
            color_variegated,
            diameter_over_6mm,
            evolving,
            positive: signs.iter().filter(|s| **s == Some(true)).count() as u32,
            examined: signs.iter().filter(|s| s.is_some()).count() as u32,
        }
    }

    fn tds(value: f64, class: TdsClass) -> Tds {
        Tds {
            value,
            class,
            asymmetry: 0,
            border: 0,
            colors: 1,
            structures: 1,
        }
    }

    const NOT_EXAMINED: [Option<bool>; 5] = [None; 5];

    #[test]
    fn the_most_severe_rule_sets_the_level_and_comes_first() {
        let seven = SevenPointScore {
            score: 3,
            positive: true,
            present: Vec::new(),
        };
        let triage = decide(
            Some(&tds(4.2, TdsClass::Benign)),
            Some(&seven),
            &abcde(NOT_EXAMINED),
        );
        assert_eq!(triage.level, RiskLevel::High);
        assert_eq!(
            triage.basis,
            [
                "7 pontos = 3 ≥ 3: sugere melanoma (Argenziano et al. 1998)",
                "TDS 4,2 < 4,75: padrão benigno (Stolz et al. 1994)",
            ]
        );
    }

    #[test]
    fn a_suspicious_tds_is_medium() {
        let triage = decide(
            Some(&tds(5.0, TdsClass::Suspicious)),
            None,
            &abcde(NOT_EXAMINED),
        );
        assert_eq!(triage.level, RiskLevel::Medium);
        assert_eq!(
            triage.basis,
            ["TDS 5,0 entre 4,75 e 5,45: lesão suspeita (Stolz et al. 1994)"]
        );
    }

    #[test]
    fn abcde_alone_follows_the_convention_and_says_no_dermoscopy_was_scored() {
        let t = Some(true);
        let f = Some(false);
        let evolving_only = decide(None, None, &abcde([f, f, f, f, t]));
        assert_eq!(evolving_only.level, RiskLevel::Medium);
        assert_eq!(
            evolving_only.basis[1],
            "sem escore dermatoscópico: o nível reflete apenas os sinais clínicos examinados"
        );
        assert_eq!(
            decide(None, None, &abcde([t, t, f, f, f])).level,
            RiskLevel::Medium
        );
        assert_eq!(
            decide(None, None, &abcde([t, t, t, t, f])).level,
            RiskLevel::Medium
        );
        assert_eq!(
            decide(None, None, &abcde([t, t, None, None, t])).level,
            RiskLevel::High
        );
        assert_eq!(
            decide(None, None, &abcde([t, f, f, f, f])).level,
            RiskLevel::Low
        );
    }

    #[test]
    fn facial_acral_and_mucosal_sites_get_a_caveat() {
        assert!(site_caveat(Some("Face, região malar")).is_some());
        assert!(site_caveat(Some("planta do pé esquerdo")).is_some());
        assert!(site_caveat(Some("dorso")).is_none());
        assert!(site_caveat(None).is_none());
    }

    #[test]
    fn levels_map_to_priorities() {
        assert_eq!(priority(RiskLevel::High), Priority::Urgent);
        assert_eq!(priority(RiskLevel::Medium), Priority::Routine);
        assert_eq!(priority(RiskLevel::Low), Priority::Monitoring);
    }
}
