//! `score`: checks the input, scores each lesion, assesses the patient, recommends, and proves
//! the texts compliant.

use medplug_pdk::PluginError;
use medplug_pdk::lesion::{Lesion, LesionReport, NotComputed, ScoreInput, ScoreName, ScoreOutput};

use crate::{
    abcde, compliance, patient_risk, recommendations, seven_point, stolz, triage, validate,
};

/// Scores every lesion of `input` and the patient's history.
///
/// Errors: `invalid_input` naming the field for an out-of-range or contradictory value, or for
/// a lesion with nothing examined; `internal` if a text this plugin wrote fails its own
/// compliance check (a bug, never the caller's fault).
pub fn score(input: ScoreInput) -> Result<ScoreOutput, PluginError> {
    validate::check(&input)?;
    let lesions = input
        .lesions
        .into_iter()
        .enumerate()
        .map(|(i, lesion)| score_lesion(i, lesion))
        .collect::<Result<Vec<_>, _>>()?;
    let patient_risk = input.patient.as_ref().and_then(patient_risk::assess);
    let recommendations = recommendations::recommend(&lesions, patient_risk.as_ref());
    let disclaimers: Vec<String> = recommendations::DISCLAIMERS
        .iter()
        .map(|d| (*d).to_owned())
        .collect();
    // Each distinct text once: a thousand lesions share a few dozen basis sentences.
    let mut texts: Vec<&str> = recommendations
        .iter()
        .map(|r| r.text.as_str())
        .chain(disclaimers.iter().map(String::as_str))
        .chain(
            lesions
                .iter()
                .flat_map(|l| l.risk_basis.iter().map(String::as_str)),
        )
        .chain(patient_risk.iter().map(|p| p.model.as_str()))
        .collect();
    texts.sort_unstable();
    texts.dedup();
    let compliance = compliance::check(texts);
    if !compliance.passed {
        return Err(PluginError::internal(format!(
            "a recommendation text broke a compliance rule: {:?}",
            compliance.violations
        )));
    }
    Ok(ScoreOutput {
        lesions,
        patient_risk,
        recommendations,
        compliance,
        disclaimers,
    })
}

fn score_lesion(i: usize, lesion: Lesion) -> Result<LesionReport, PluginError> {
    let mut not_computed = Vec::new();
    let tds = computed(
        lesion.dermoscopy.as_ref().map(stolz::score),
        ScoreName::Tds,
        "dermoscopy",
        &mut not_computed,
    );
    let seven = computed(
        lesion.seven_point.as_ref().map(seven_point::score),
        ScoreName::SevenPoint,
        "seven_point",
        &mut not_computed,
    );
    let abcde = abcde::signs(&lesion);
    let abcde_missing = abcde::missing(&abcde);
    if !abcde_missing.is_empty() {
        not_computed.push(NotComputed {
            score: ScoreName::Abcde,
            missing: abcde_missing,
        });
    }
    if tds.is_none() && seven.is_none() && abcde.examined == 0 {
        return Err(PluginError::invalid_input(format!(
            "`lesions[{i}]` (lesion `{}`) has nothing to score: give complete `dermoscopy` \
             (asymmetry_axes, border_segments, colors, structures), all seven `seven_point` \
             criteria, or a clinical sign (`clinical`, `diameter_mm`, `evolving`)",
            lesion.id
        )));
    }
    let mut triage = triage::decide(tds.as_ref(), seven.as_ref(), &abcde);
    triage
        .basis
        .extend(triage::site_caveat(lesion.location.as_deref()));
    Ok(LesionReport {
        id: lesion.id,
        location: lesion.location,
        tds,
        seven_point: seven,
        abcde,
        not_computed,
        priority: triage::priority(triage.level),
        risk_level: triage.level,
        risk_basis: triage.basis,
    })
}

/// The score when it could be computed; otherwise `None`, and what it lacked goes to
/// `not_computed` (the whole `field` when it was not given at all).
fn computed<T>(
    result: Option<Result<T, Vec<String>>>,
    score: ScoreName,
    field: &str,
    not_computed: &mut Vec<NotComputed>,
) -> Option<T> {
    let missing = match result {
        Some(Ok(value)) => return Some(value),
        Some(Err(missing)) => missing,
        None => vec![field.to_owned()],
    };
    not_computed.push(NotComputed { score, missing });
    None
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ErrorCode;
    use medplug_pdk::lesion::{DermoscopicColor, Dermoscopy, Priority, RiskLevel, SevenPoint};

    use super::*;

    #[test]
    fn partial_examinations_say_what_was_not_computed() -> Result<(), PluginError> {
        let report = score(ScoreInput {
            lesions: vec![Lesion {
                id: "L1".into(),
                dermoscopy: Some(Dermoscopy {
                    asymmetry_axes: Some(1),
                    colors: Some(vec![DermoscopicColor::DarkBrown]),
                    ..Dermoscopy::default()
                }),
                seven_point: Some(SevenPoint {
                    atypical_network: Some(false),
                    ..SevenPoint::default()
                }),
                diameter_mm: Some(8.0),
                evolving: Some(true),
                ..Lesion::default()
            }],
            patient: None,
        })?;
        let lesion = &report.lesions[0];
        assert_eq!((lesion.tds, &lesion.seven_point), (None, &None));
        let not: Vec<(ScoreName, usize)> = lesion
            .not_computed
            .iter()
            .map(|n| (n.score, n.missing.len()))
            .collect();
        assert_eq!(
            not,
            [
                (ScoreName::Tds, 2),
                (ScoreName::SevenPoint, 6),
                (ScoreName::Abcde, 3)
            ]
        );
        // Evolving: MEDIUM, dermatology in 6–8 weeks, and prevention.
        assert_eq!(
            (lesion.risk_level, lesion.priority),
            (RiskLevel::Medium, Priority::Routine)
        );
        let priorities: Vec<Priority> = report.recommendations.iter().map(|r| r.priority).collect();
        assert_eq!(priorities, [Priority::Routine, Priority::Prevention]);
        assert!(report.compliance.passed);
        assert_eq!(report.patient_risk, None);
        Ok(())
    }

    #[test]
    fn a_lesion_with_nothing_examined_is_invalid_input() {
        let error = score(ScoreInput {
            lesions: vec![Lesion {
                id: "L9".into(),
                dermoscopy: Some(Dermoscopy::default()),
                location: Some("dorso".into()),
                ..Lesion::default()
            }],
            patient: None,
        })
        .expect_err("nothing to score");
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(
            error
                .message
                .starts_with("`lesions[0]` (lesion `L9`) has nothing to score"),
            "{}",
            error.message
        );
    }
}
