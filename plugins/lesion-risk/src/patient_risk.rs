//! The patient's relative risk of melanoma from the pooled estimates of Gandini et al.'s
//! meta-analyses:
//!
//! - I: Gandini S, Sera F, Cattaruzza MS, et al. Meta-analysis of risk factors for cutaneous
//!   melanoma: I. Common and atypical naevi. Eur J Cancer 2005;41:28–44.
//! - II: — II. Sun exposure. Eur J Cancer 2005;41:45–60.
//! - III: — III. Family history, actinic damage and phenotypic factors. Eur J Cancer
//!   2005;41:2040–2059.
//!
//! Each factor's estimate is against the paper's reference category; a value the papers give
//! no pooled estimate for is reported with `relative_risk: null` and left out of the product.
//! The factors are combined by multiplication, which assumes them independent: phenotype,
//! nevi and sun exposure correlate, so the product overstates the risk, and the report says so.

use medplug_pdk::lesion::{
    EyeColor, Freckling, HairColor, PatientFactor, PatientHistory, PatientRisk, RiskFactor,
    SkinType,
};
use medplug_pdk::wire_name;

const PART_I: &str = "Gandini et al. 2005, Eur J Cancer 41:28–44 (I. nevos comuns e atípicos)";
const PART_II: &str = "Gandini et al. 2005, Eur J Cancer 41:45–60 (II. exposição solar)";
const PART_III: &str = "Gandini et al. 2005, Eur J Cancer 41:2040–2059 (III. história \
                        familiar, dano actínico e fenótipo)";

/// Common nevi, whole body: 101–120 against 0–15, RR 6.89 (95 % CI 4.63–10.25), Part I.
const COMMON_NEVI_TOP_RR: f64 = 6.89;

/// Common nevi: `(highest count of the band, the band, RR)`. Part I's dose-response model is
/// log-linear; these are its values at each band's midpoint, exp(ln 6.89 · (m − 7.5) / 103),
/// as a unit test checks. Above 120 the paper has no higher band: 101–120's estimate is kept.
const COMMON_NEVI_BANDS: [(u32, &str, f64); 6] = [
    (15, "0–15", 1.0),
    (40, "16–40", 1.47),
    (60, "41–60", 2.24),
    (80, "61–80", 3.26),
    (100, "81–100", 4.74),
    (u32::MAX, "101–120", COMMON_NEVI_TOP_RR),
];

/// Atypical nevi: 5 against 0, RR 6.36 (95 % CI 3.80–10.33), Part I.
const ATYPICAL_NEVI_FIVE_RR: f64 = 6.36;

/// Atypical nevi 0 to 5: the log-linear model's values, 6.36^(n/5); above 5 the paper's
/// highest estimate is kept.
const ATYPICAL_NEVI_RR: [f64; 6] = [1.0, 1.45, 2.10, 3.03, 4.39, ATYPICAL_NEVI_FIVE_RR];

/// A yes/no factor: its RR when present, and its source with the comparison and the 95 % CI.
struct Binary {
    factor: PatientFactor,
    rr: f64,
    source: &'static str,
}

const FAMILY_HISTORY: Binary = Binary {
    factor: PatientFactor::FamilyHistory,
    rr: 1.74,
    source: "melanoma em parente de 1º grau vs. nenhum: RR 1,74 (IC 95 % 1,41–2,14)",
};
const SUNBURN: Binary = Binary {
    factor: PatientFactor::SunburnHistory,
    rr: 2.03,
    source: "história de queimadura solar vs. nenhuma: RR 2,03 (IC 95 % 1,73–2,37)",
};
const PREVIOUS_SKIN_CANCER: Binary = Binary {
    factor: PatientFactor::PreviousSkinCancer,
    rr: 4.28,
    source: "lesões pré-malignas e câncer de pele prévios vs. nenhum: RR 4,28 (IC 95 % 2,80–6,55)",
};
const ACTINIC_DAMAGE: Binary = Binary {
    factor: PatientFactor::ActinicDamage,
    rr: 2.02,
    source: "indicadores de dano actínico vs. nenhum: RR 2,02 (IC 95 % 1,24–3,29)",
};

/// The patient's relative risk; `None` when `history` gives no factor at all.
pub(crate) fn assess(history: &PatientHistory) -> Option<PatientRisk> {
    let mut factors = Vec::new();
    if let Some(n) = history.common_nevi {
        let (_, band, rr) = COMMON_NEVI_BANDS
            .into_iter()
            .find(|(top, _, _)| n <= *top)
            .expect("the last band has no top");
        let source = if rr == 1.0 {
            format!("{PART_I}: 0–15 nevos é a categoria de referência")
        } else {
            format!(
                "{PART_I}: {band} vs. 0–15 nevos, modelo dose-resposta log-linear ancorado em \
                 101–120 vs. 0–15, RR 6,89 (IC 95 % 4,63–10,25)"
            )
        };
        factors.push(factor(
            PatientFactor::CommonNevi,
            n.to_string(),
            Some(rr),
            source,
        ));
    }
    if let Some(n) = history.atypical_nevi {
        let rr = ATYPICAL_NEVI_RR[(n as usize).min(5)];
        let source = match n {
            0 => format!("{PART_I}: nenhum nevo atípico é a categoria de referência"),
            _ => format!(
                "{PART_I}: {} vs. 0 nevos atípicos, modelo dose-resposta log-linear ancorado em \
                 5 vs. 0, RR 6,36 (IC 95 % 3,80–10,33)",
                n.min(5)
            ),
        };
        factors.push(factor(
            PatientFactor::AtypicalNevi,
            n.to_string(),
            Some(rr),
            source,
        ));
    }
    for (present, binary, part) in [
        (history.family_history, &FAMILY_HISTORY, PART_III),
        (history.sunburn_history, &SUNBURN, PART_II),
        (
            history.previous_skin_cancer,
            &PREVIOUS_SKIN_CANCER,
            PART_III,
        ),
        (history.actinic_damage, &ACTINIC_DAMAGE, PART_III),
    ] {
        if let Some(present) = present {
            let rr = if present { binary.rr } else { 1.0 };
            let source = format!("{part}: {}", binary.source);
            factors.push(factor(binary.factor, present.to_string(), Some(rr), source));
        }
    }
    let categories = [
        history
            .skin_type
            .map(|v| (PatientFactor::SkinType, wire_name(&v), skin_type(v))),
        history
            .hair_color
            .map(|v| (PatientFactor::HairColor, wire_name(&v), hair_color(v))),
        history
            .eye_color
            .map(|v| (PatientFactor::EyeColor, wire_name(&v), eye_color(v))),
        history
            .freckling
            .map(|v| (PatientFactor::Freckling, wire_name(&v), freckling(v))),
    ];
    for (which, value, (rr, what)) in categories.into_iter().flatten() {
        factors.push(factor(which, value, rr, format!("{PART_III}: {what}")));
    }
    if factors.is_empty() {
        return None;
    }
    let product: f64 = factors.iter().filter_map(|f| f.relative_risk).product();
    Some(PatientRisk {
        relative_risk: (product * 100.0).round() / 100.0,
        model: "Produto dos riscos relativos combinados de Gandini et al. 2005, cada um frente à \
                categoria de referência do estudo. Supõe fatores independentes: como fenótipo, \
                nevos e exposição solar se correlacionam, o produto tende a superestimar o \
                risco. Categorias sem estimativa publicada não entram no produto."
            .to_owned(),
        factors,
    })
}

/// A phenotype category's estimate against the reference, and the comparison it makes (Part III).
type Estimate = (Option<f64>, &'static str);

fn skin_type(skin: SkinType) -> Estimate {
    match skin {
        SkinType::I => (Some(2.09), "tipo I vs. IV: RR 2,09 (IC 95 % 1,67–2,58)"),
        SkinType::IV => (Some(1.0), "tipo IV é a categoria de referência"),
        _ => (
            None,
            "sem estimativa combinada para este fototipo (só I vs. IV)",
        ),
    }
}

fn hair_color(hair: HairColor) -> Estimate {
    match hair {
        HairColor::Red => (Some(3.64), "ruivo vs. escuro: RR 3,64 (IC 95 % 2,56–5,37)"),
        HairColor::DarkBrown | HairColor::Black => {
            (Some(1.0), "cabelo escuro é a categoria de referência")
        }
        HairColor::Blond | HairColor::LightBrown => (
            None,
            "sem estimativa combinada para esta cor (só ruivo vs. escuro)",
        ),
    }
}

fn eye_color(eyes: EyeColor) -> Estimate {
    match eyes {
        EyeColor::Blue => (Some(1.47), "azuis vs. escuros: RR 1,47 (IC 95 % 1,28–1,69)"),
        EyeColor::Brown => (Some(1.0), "olhos escuros são a categoria de referência"),
        EyeColor::Green | EyeColor::Hazel => (
            None,
            "sem estimativa combinada para esta cor (só azuis vs. escuros)",
        ),
    }
}

fn freckling(freckles: Freckling) -> Estimate {
    match freckles {
        Freckling::Many => (
            Some(2.10),
            "alta densidade de efélides vs. baixa: RR 2,10 (IC 95 % 1,80–2,45)",
        ),
        Freckling::None => (Some(1.0), "sem efélides é a categoria de referência"),
        Freckling::Some => (
            None,
            "sem estimativa combinada para poucas efélides (só alta vs. baixa densidade)",
        ),
    }
}

fn factor(
    factor: PatientFactor,
    value: String,
    relative_risk: Option<f64>,
    source: String,
) -> RiskFactor {
    RiskFactor {
        factor,
        value,
        relative_risk,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nevus_bands_are_the_papers_log_linear_model_at_their_midpoints() {
        // Midpoints of 0–15, 16–40, 41–60, 61–80, 81–100, 101–120.
        let midpoints = [7.5, 28.0, 50.5, 70.5, 90.5, 110.5];
        for ((_, band, rr), m) in COMMON_NEVI_BANDS.into_iter().zip(midpoints) {
            let model = (COMMON_NEVI_TOP_RR.ln() * (m - 7.5) / 103.0).exp();
            assert_eq!(rr, (model * 100.0).round() / 100.0, "band {band}");
        }
        for (n, rr) in ATYPICAL_NEVI_RR.into_iter().enumerate() {
            let model = ATYPICAL_NEVI_FIVE_RR.powf(n as f64 / 5.0);
            assert_eq!(rr, (model * 100.0).round() / 100.0, "{n} atypical nevi");
        }
    }

    #[test]
    fn factors_multiply_and_unestimated_categories_are_left_out() {
        let history = PatientHistory {
            common_nevi: Some(45),
            atypical_nevi: Some(2),
            family_history: Some(true),
            hair_color: Some(HairColor::Blond),
            sunburn_history: Some(false),
            ..PatientHistory::default()
        };
        let risk = assess(&history).expect("factors given");
        // 2.24 × 2.10 × 1.74 × 1.0 = 8.18496; blond has no estimate.
        assert_eq!(risk.relative_risk, 8.18);
        let rrs: Vec<_> = risk
            .factors
            .iter()
            .map(|f| (f.factor, f.value.as_str(), f.relative_risk))
            .collect();
        assert_eq!(
            rrs,
            [
                (PatientFactor::CommonNevi, "45", Some(2.24)),
                (PatientFactor::AtypicalNevi, "2", Some(2.10)),
                (PatientFactor::FamilyHistory, "true", Some(1.74)),
                (PatientFactor::SunburnHistory, "false", Some(1.0)),
                (PatientFactor::HairColor, "blond", None),
            ]
        );
        assert!(risk.factors[0].source.contains("41–60 vs. 0–15"));
    }

    #[test]
    fn counts_beyond_the_papers_bands_keep_the_highest_estimate() {
        let risk = assess(&PatientHistory {
            common_nevi: Some(400),
            atypical_nevi: Some(12),
            ..PatientHistory::default()
        })
        .expect("factors given");
        assert_eq!(risk.relative_risk, 43.82); // 6.89 × 6.36 = 43.8204
    }

    #[test]
    fn no_factor_no_patient_risk() {
        assert_eq!(assess(&PatientHistory::default()), None);
    }
}
