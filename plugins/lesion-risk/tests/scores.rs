//! Every combination of the published scores against their formulas, through the public
//! `score` function: all 810 of the Stolz ABCD rule (A 0–2 × B 0–8 × C 1–6 × D 1–5) and all 128
//! of the 7-point checklist. The expected values come from the papers' formulas, written here
//! in floating point, independently of the plugin's integer arithmetic.

use anyhow::{Context, Result};
use lesion_risk::score;
use medplug_pdk::lesion::{
    DermoscopicColor, DermoscopicStructure, Dermoscopy, Lesion, RiskLevel, ScoreInput, SevenPoint,
    SevenPointCriterion, TdsClass,
};

const COLORS: [DermoscopicColor; 6] = [
    DermoscopicColor::White,
    DermoscopicColor::Red,
    DermoscopicColor::LightBrown,
    DermoscopicColor::DarkBrown,
    DermoscopicColor::BlueGray,
    DermoscopicColor::Black,
];

const STRUCTURES: [DermoscopicStructure; 5] = [
    DermoscopicStructure::Network,
    DermoscopicStructure::Structureless,
    DermoscopicStructure::Dots,
    DermoscopicStructure::Globules,
    DermoscopicStructure::Streaks,
];

/// Stolz 1994: TDS = 1.3·A + 0.1·B + 0.5·C + 0.5·D, reported to two decimals.
fn tds_formula(a: u32, b: u32, c: u32, d: u32) -> f64 {
    let tds = 1.3 * f64::from(a) + 0.1 * f64::from(b) + 0.5 * f64::from(c) + 0.5 * f64::from(d);
    (tds * 100.0).round() / 100.0
}

/// Stolz 1994 / Nachbar 1994: < 4.75 benign, 4.75–5.45 suspicious, > 5.45 highly suspicious.
fn tds_class(tds: f64) -> TdsClass {
    if tds < 4.75 {
        TdsClass::Benign
    } else if tds <= 5.45 {
        TdsClass::Suspicious
    } else {
        TdsClass::HighlySuspicious
    }
}

#[test]
fn all_810_abcd_combinations_follow_the_formula_and_thresholds() -> Result<()> {
    let mut lesions = Vec::new();
    let mut expected = Vec::new();
    for a in 0..=2 {
        for b in 0..=8 {
            for c in 1..=6 {
                for d in 1..=5 {
                    lesions.push(Lesion {
                        id: format!("A{a}B{b}C{c}D{d}"),
                        dermoscopy: Some(Dermoscopy {
                            asymmetry_axes: Some(a),
                            border_segments: Some(b),
                            colors: Some(COLORS[..c as usize].to_vec()),
                            structures: Some(STRUCTURES[..d as usize].to_vec()),
                        }),
                        ..Lesion::default()
                    });
                    expected.push(tds_formula(a, b, c, d));
                }
            }
        }
    }
    assert_eq!(lesions.len(), 810);
    // All 810 in one call: the report keeps the input order.
    let report = score(ScoreInput {
        lesions,
        patient: None,
    })?;
    let mut classes = [0; 3];
    for (lesion, want) in report.lesions.iter().zip(expected) {
        let tds = lesion
            .tds
            .with_context(|| format!("{} has a TDS", lesion.id))?;
        assert_eq!(tds.value, want, "{}", lesion.id);
        assert_eq!(tds.class, tds_class(want), "{}", lesion.id);
        let level = match tds.class {
            TdsClass::Benign => RiskLevel::Low,
            TdsClass::Suspicious => RiskLevel::Medium,
            TdsClass::HighlySuspicious => RiskLevel::High,
        };
        assert_eq!(lesion.risk_level, level, "{}", lesion.id);
        classes[tds.class as usize] += 1;
    }
    // The split of the 810 combinations into benign, suspicious and highly suspicious, as
    // exact rational arithmetic on the formula gives it.
    assert_eq!(classes, [365, 136, 309]);
    Ok(())
}

#[test]
fn all_128_seven_point_combinations_follow_the_checklist() -> Result<()> {
    let mut positives = 0;
    for mask in 0u32..128 {
        let mut checklist = SevenPoint::default();
        let mut want = 0;
        for (bit, criterion) in SevenPointCriterion::ALL.into_iter().enumerate() {
            let present = mask & (1 << bit) != 0;
            checklist.set(criterion, present);
            // Argenziano 1998: the first three (majors) score 2, the other four 1.
            if present {
                want += if bit < 3 { 2 } else { 1 };
            }
        }
        let report = score(ScoreInput {
            lesions: vec![Lesion {
                id: format!("mask-{mask}"),
                seven_point: Some(checklist),
                ..Lesion::default()
            }],
            patient: None,
        })?;
        let lesion = &report.lesions[0];
        let seven = lesion.seven_point.as_ref().context("complete checklist")?;
        assert_eq!(seven.score, want, "mask {mask:07b}");
        assert_eq!(seven.positive, want >= 3, "mask {mask:07b}");
        assert_eq!(seven.present.len() as u32, mask.count_ones());
        let level = match want {
            0 => RiskLevel::Low,
            1 | 2 => RiskLevel::Medium,
            _ => RiskLevel::High,
        };
        assert_eq!(lesion.risk_level, level, "mask {mask:07b}");
        positives += u32::from(seven.positive);
    }
    // Below 3: no criterion (1), one or two minors (4 + 6), one major alone (3).
    assert_eq!(positives, 128 - 14);
    Ok(())
}
