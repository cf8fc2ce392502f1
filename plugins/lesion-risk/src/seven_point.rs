//! Argenziano's 7-point checklist: Argenziano G, Fabbrocini G, Carli P, et al. Epiluminescence
//! microscopy for the diagnosis of doubtful melanocytic skin lesions: comparison of the ABCD
//! rule of dermatoscopy and a new 7-point checklist based on pattern analysis. Arch Dermatol
//! 1998;134:1563–1570.
//!
//! Major criteria (2 points each): atypical pigment network, blue-whitish veil, atypical
//! vascular pattern. Minor criteria (1 point each): irregular streaks, irregular dots/globules,
//! irregular blotches, regression structures. A score of 3 or more suggests melanoma.

use medplug_pdk::lesion::{SevenPoint, SevenPointCriterion, SevenPointScore};

/// From this score the checklist suggests melanoma (Argenziano 1998).
pub(crate) const POSITIVE_FROM: u32 = 3;

/// From this score the revisited checklist refers a lesion when sensitivity matters most:
/// Argenziano G, Catricalà C, Ardigo M, et al. Seven-point checklist of dermoscopy revisited.
/// Br J Dermatol 2011;164:785–790 (threshold 1).
pub(crate) const REVISITED_FROM: u32 = 1;

/// The points `criterion` is worth: 2 for a major criterion, 1 for a minor one.
pub(crate) fn points(criterion: SevenPointCriterion) -> u32 {
    use SevenPointCriterion::*;
    match criterion {
        AtypicalNetwork | BlueWhiteVeil | AtypicalVascularPattern => 2,
        IrregularStreaks | IrregularDotsGlobules | IrregularBlotches | RegressionStructures => 1,
    }
}

/// The checklist's score, or the criteria that were not examined (`seven_point.…`). The score
/// needs all seven: a criterion not examined is never counted as absent.
pub(crate) fn score(checklist: &SevenPoint) -> Result<SevenPointScore, Vec<String>> {
    let missing: Vec<String> = SevenPointCriterion::ALL
        .into_iter()
        .filter(|&c| checklist.get(c).is_none())
        .map(|c| format!("seven_point.{}", c.field()))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let present: Vec<SevenPointCriterion> = SevenPointCriterion::ALL
        .into_iter()
        .filter(|&c| checklist.get(c) == Some(true))
        .collect();
    let score = present.iter().map(|&c| points(c)).sum();
    Ok(SevenPointScore {
        score,
        positive: score >= POSITIVE_FROM,
        present,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(present: &[SevenPointCriterion]) -> SevenPoint {
        let mut checklist = SevenPoint::default();
        for c in SevenPointCriterion::ALL {
            checklist.set(c, present.contains(&c));
        }
        checklist
    }

    #[test]
    fn one_major_criterion_is_not_enough_one_major_and_one_minor_is() {
        use SevenPointCriterion::*;
        let one_major = score(&all(&[BlueWhiteVeil])).expect("complete");
        assert_eq!((one_major.score, one_major.positive), (2, false));
        let major_and_minor =
            score(&all(&[BlueWhiteVeil, RegressionStructures])).expect("complete");
        assert_eq!((major_and_minor.score, major_and_minor.positive), (3, true));
        assert_eq!(
            major_and_minor.present,
            [BlueWhiteVeil, RegressionStructures]
        );
        let three_minor = score(&all(&[
            IrregularStreaks,
            IrregularDotsGlobules,
            IrregularBlotches,
        ]))
        .expect("complete");
        assert_eq!((three_minor.score, three_minor.positive), (3, true));
        let everything = score(&all(&SevenPointCriterion::ALL)).expect("complete");
        assert_eq!(everything.score, 10);
    }

    #[test]
    fn a_criterion_not_examined_leaves_the_score_uncomputed() {
        let mut checklist = all(&[SevenPointCriterion::AtypicalNetwork]);
        checklist.irregular_blotches = None;
        checklist.regression_structures = None;
        assert_eq!(
            score(&checklist),
            Err(vec![
                "seven_point.irregular_blotches".to_owned(),
                "seven_point.regression_structures".to_owned()
            ])
        );
    }
}
