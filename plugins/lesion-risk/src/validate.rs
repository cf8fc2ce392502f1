//! Checks `score`'s input before anything is computed: every out-of-range or contradictory
//! value is an `invalid_input` error that names the field (`lesions[2].dermoscopy.colors`) and
//! the lesion's id.
//!
//! Contradictions are between the 7-point checklist and the ABCD rule's inventory of the same
//! lesion: a criterion of the checklist is a kind of structure or colour, so the inventory
//! must list it (definitions of Argenziano G, Soyer HP, Chimenti S, et al. Dermoscopy of
//! pigmented skin lesions: results of a consensus meeting via the Internet. J Am Acad Dermatol
//! 2003;48:679–693).

use std::collections::HashSet;

use medplug_pdk::PluginError;
use medplug_pdk::lesion::{
    DermoscopicColor, DermoscopicStructure, Dermoscopy, Lesion, PatientHistory, ScoreInput,
    SevenPoint,
};

/// Most lesions in one call: a total-body examination has far fewer; the cap bounds the work.
pub(crate) const MAX_LESIONS: usize = 10_000;

/// Longest lesion id, characters.
const MAX_ID_CHARS: usize = 64;

/// Longest location, characters.
const MAX_LOCATION_CHARS: usize = 100;

/// Largest diameter accepted, mm: giant congenital nevi reach tens of centimetres.
const MAX_DIAMETER_MM: f64 = 1000.0;

/// Highest nevus count accepted.
const MAX_NEVI: u32 = 10_000;

/// Checks `input`.
pub(crate) fn check(input: &ScoreInput) -> Result<(), PluginError> {
    if input.lesions.is_empty() {
        return Err(PluginError::invalid_input(
            "`lesions` is empty: give at least one lesion",
        ));
    }
    if input.lesions.len() > MAX_LESIONS {
        return Err(PluginError::invalid_input(format!(
            "`lesions` holds {} lesions, more than {MAX_LESIONS}: split the call",
            input.lesions.len()
        )));
    }
    let mut ids = HashSet::with_capacity(input.lesions.len());
    for (i, lesion) in input.lesions.iter().enumerate() {
        lesion_fields(i, lesion)?;
        if !ids.insert(lesion.id.as_str()) {
            return Err(PluginError::invalid_input(format!(
                "`lesions[{i}].id` repeats `{}`: each lesion needs its own id",
                lesion.id
            )));
        }
    }
    if let Some(patient) = &input.patient {
        patient_fields(patient)?;
    }
    Ok(())
}

fn lesion_fields(i: usize, lesion: &Lesion) -> Result<(), PluginError> {
    let at = |field: &str| format!("`lesions[{i}].{field}`");
    let id_chars = lesion.id.chars().count();
    if id_chars == 0 || id_chars > MAX_ID_CHARS {
        return Err(PluginError::invalid_input(format!(
            "{} must be 1 to {MAX_ID_CHARS} characters, got {id_chars}",
            at("id")
        )));
    }
    let of = format!("(lesion `{}`)", lesion.id);
    let bad = |field: &str, what: String| {
        Err(PluginError::invalid_input(format!(
            "{} {what} {of}",
            at(field)
        )))
    };
    if let Some(location) = &lesion.location
        && location.chars().count() > MAX_LOCATION_CHARS
    {
        return bad(
            "location",
            format!("must be at most {MAX_LOCATION_CHARS} characters"),
        );
    }
    if let Some(d) = lesion.diameter_mm
        && !(d > 0.0 && d <= MAX_DIAMETER_MM)
    {
        return bad(
            "diameter_mm",
            format!("must be above 0 and at most {MAX_DIAMETER_MM} mm, got {d}"),
        );
    }
    if let Some(dermoscopy) = &lesion.dermoscopy {
        if let Some(a) = dermoscopy.asymmetry_axes
            && a > 2
        {
            return bad(
                "dermoscopy.asymmetry_axes",
                format!("must be 0 to 2 (axes of asymmetry), got {a}"),
            );
        }
        if let Some(b) = dermoscopy.border_segments
            && b > 8
        {
            return bad(
                "dermoscopy.border_segments",
                format!("must be 0 to 8 (of eight border segments), got {b}"),
            );
        }
        if let Some(colors) = &dermoscopy.colors {
            distinct_and_not_empty(colors, "a lesion has at least one colour")
                .or_else(|what| bad("dermoscopy.colors", what))?;
        }
        if let Some(structures) = &dermoscopy.structures {
            distinct_and_not_empty(
                structures,
                "the ABCD rule counts at least one structure (D is 1 to 5)",
            )
            .or_else(|what| bad("dermoscopy.structures", what))?;
        }
        if let Some(checklist) = &lesion.seven_point
            && let Some((criterion, inventory, needs)) = contradiction(checklist, dermoscopy)
        {
            return bad(
                &format!("seven_point.{criterion}"),
                format!(
                    "is true, but {} lists no {needs}: correct one of the two",
                    at(&format!("dermoscopy.{inventory}"))
                ),
            );
        }
    }
    Ok(())
}

/// `Err(what is wrong)` when `items` is empty or repeats one.
fn distinct_and_not_empty<T: Ord + Copy + serde::Serialize>(
    items: &[T],
    why_not_empty: &str,
) -> Result<(), String> {
    if items.is_empty() {
        return Err(format!("is empty: {why_not_empty}"));
    }
    let mut sorted = items.to_vec();
    sorted.sort_unstable();
    if let Some(pair) = sorted.windows(2).find(|p| p[0] == p[1]) {
        return Err(format!(
            "lists `{}` twice",
            medplug_pdk::wire_name(&pair[0])
        ));
    }
    Ok(())
}

/// The first 7-point criterion marked present that the ABCD inventory contradicts:
/// `(criterion, inventory field, what the inventory should list)`.
fn contradiction(
    checklist: &SevenPoint,
    dermoscopy: &Dermoscopy,
) -> Option<(&'static str, &'static str, &'static str)> {
    use DermoscopicColor::*;
    use DermoscopicStructure::*;
    let has_structure = |any: &[DermoscopicStructure]| {
        dermoscopy
            .structures
            .as_ref()
            .is_none_or(|s| any.iter().any(|a| s.contains(a)))
    };
    let has_color = |any: &[DermoscopicColor]| {
        dermoscopy
            .colors
            .as_ref()
            .is_none_or(|c| any.iter().any(|a| c.contains(a)))
    };
    let rules: [(Option<bool>, bool, &str, &str, &str); 5] = [
        (
            checklist.atypical_network,
            has_structure(&[Network]),
            "atypical_network",
            "structures",
            "`network`",
        ),
        (
            checklist.irregular_streaks,
            has_structure(&[Streaks]),
            "irregular_streaks",
            "structures",
            "`streaks`",
        ),
        (
            checklist.irregular_dots_globules,
            has_structure(&[Dots, Globules]),
            "irregular_dots_globules",
            "structures",
            "`dots` or `globules`",
        ),
        (
            checklist.blue_white_veil,
            has_color(&[BlueGray]),
            "blue_white_veil",
            "colors",
            "`blue_gray`",
        ),
        (
            checklist.regression_structures,
            has_color(&[White, BlueGray]),
            "regression_structures",
            "colors",
            "`white` or `blue_gray`",
        ),
    ];
    rules
        .into_iter()
        .find(|(present, consistent, ..)| *present == Some(true) && !consistent)
        .map(|(_, _, criterion, inventory, needs)| (criterion, inventory, needs))
}

fn patient_fields(patient: &PatientHistory) -> Result<(), PluginError> {
    for (count, field) in [
        (patient.common_nevi, "common_nevi"),
        (patient.atypical_nevi, "atypical_nevi"),
    ] {
        if let Some(n) = count
            && n > MAX_NEVI
        {
            return Err(PluginError::invalid_input(format!(
                "`patient.{field}` must be 0 to {MAX_NEVI}, got {n}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ErrorCode;

    use super::*;

    fn lesion(id: &str) -> Lesion {
        Lesion {
            id: id.to_owned(),
            diameter_mm: Some(4.0),
            ..Lesion::default()
        }
    }

    fn message(input: &ScoreInput) -> String {
        let error = check(input).expect_err("invalid");
        assert_eq!(error.code, ErrorCode::InvalidInput);
        error.message
    }

    fn one(lesion: Lesion) -> ScoreInput {
        ScoreInput {
            lesions: vec![lesion],
            patient: None,
        }
    }

    #[test]
    fn out_of_range_values_name_their_field_and_lesion() {
        let mut l = lesion("L1");
        l.dermoscopy = Some(Dermoscopy {
            asymmetry_axes: Some(3),
            ..Dermoscopy::default()
        });
        assert_eq!(
            message(&one(l)),
            "`lesions[0].dermoscopy.asymmetry_axes` must be 0 to 2 (axes of asymmetry), got 3 (lesion `L1`)"
        );
        let mut l = lesion("L1");
        l.dermoscopy = Some(Dermoscopy {
            border_segments: Some(9),
            ..Dermoscopy::default()
        });
        assert!(
            message(&one(l)).starts_with("`lesions[0].dermoscopy.border_segments` must be 0 to 8")
        );
        let mut l = lesion("L1");
        l.diameter_mm = Some(-2.0);
        assert_eq!(
            message(&one(l)),
            "`lesions[0].diameter_mm` must be above 0 and at most 1000 mm, got -2 (lesion `L1`)"
        );
    }

    #[test]
    fn empty_or_repeated_lists_and_ids_are_refused() {
        let mut l = lesion("L1");
        l.dermoscopy = Some(Dermoscopy {
            colors: Some(vec![DermoscopicColor::Black, DermoscopicColor::Black]),
            ..Dermoscopy::default()
        });
        assert_eq!(
            message(&one(l)),
            "`lesions[0].dermoscopy.colors` lists `black` twice (lesion `L1`)"
        );
        let mut l = lesion("L1");
        l.dermoscopy = Some(Dermoscopy {
            structures: Some(Vec::new()),
            ..Dermoscopy::default()
        });
        assert!(message(&one(l)).starts_with("`lesions[0].dermoscopy.structures` is empty"));
        let twice = ScoreInput {
            lesions: vec![lesion("L1"), lesion("L1")],
            patient: None,
        };
        assert_eq!(
            message(&twice),
            "`lesions[1].id` repeats `L1`: each lesion needs its own id"
        );
        assert_eq!(
            message(&ScoreInput {
                lesions: Vec::new(),
                patient: None
            }),
            "`lesions` is empty: give at least one lesion"
        );
        assert_eq!(
            message(&one(lesion(""))),
            "`lesions[0].id` must be 1 to 64 characters, got 0"
        );
    }

    #[test]
    fn a_checklist_criterion_the_inventory_contradicts_is_refused() {
        let mut l = lesion("dorso-3");
        l.dermoscopy = Some(Dermoscopy {
            colors: Some(vec![DermoscopicColor::LightBrown]),
            structures: Some(vec![DermoscopicStructure::Globules]),
            ..Dermoscopy::default()
        });
        l.seven_point = Some(SevenPoint {
            blue_white_veil: Some(true),
            ..SevenPoint::default()
        });
        assert_eq!(
            message(&one(l.clone())),
            "`lesions[0].seven_point.blue_white_veil` is true, but `lesions[0].dermoscopy.colors` lists no `blue_gray`: correct one of the two (lesion `dorso-3`)"
        );
        // Irregular dots/globules agree with globules; an inventory not taken contradicts nothing.
        l.seven_point = Some(SevenPoint {
            irregular_dots_globules: Some(true),
            ..SevenPoint::default()
        });
        assert_eq!(check(&one(l.clone())), Ok(()));
        l.dermoscopy = Some(Dermoscopy::default());
        l.seven_point = Some(SevenPoint {
            atypical_network: Some(true),
            ..SevenPoint::default()
        });
        assert_eq!(check(&one(l)), Ok(()));
    }

    #[test]
    fn nevus_counts_are_bounded() {
        let input = ScoreInput {
            lesions: vec![lesion("L1")],
            patient: Some(PatientHistory {
                atypical_nevi: Some(20_000),
                ..PatientHistory::default()
            }),
        };
        assert_eq!(
            message(&input),
            "`patient.atypical_nevi` must be 0 to 10000, got 20000"
        );
    }
}
