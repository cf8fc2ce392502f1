//! The starter algorithm: an adult's body mass index, BMI = weight / height² (Quetelet's index,
//! named by Keys et al., J Chronic Dis 1972;25:329), in the WHO's classes for adults (WHO
//! Technical Report Series 894, 2000, Table 2.1: 18.5, 25, 30, 35 and 40 kg/m²).{{audit_doc}}

use std::ops::RangeInclusive;

use medplug_pdk::PluginError;

use crate::wire::{BmiClass, EvaluateInput, EvaluateOutput};

/// Plausible weights, in kilograms: bounds that catch a unit mistake (grams, pounds × 1000), not
/// clinical limits. Adjust them to the population the plugin serves.
const WEIGHT_KG: RangeInclusive<f64> = 1.0..=650.0;

/// Plausible heights, in metres: a height given in centimetres is out of range.
const HEIGHT_M: RangeInclusive<f64> = 0.4..=2.75;

/// The body mass index of `input` and its WHO class; a weight or height out of the plausible
/// range is `invalid_input` naming the field.
pub fn evaluate(input: EvaluateInput) -> Result<EvaluateOutput, PluginError> {
    check("weight_kg", input.weight_kg, &WEIGHT_KG)?;
    check("height_m", input.height_m, &HEIGHT_M)?;
    let bmi = (input.weight_kg / (input.height_m * input.height_m) * 10.0).round() / 10.0;
    let output = EvaluateOutput {
        bmi,
        class: class_of(bmi),
    };{{audit_call}}
    Ok(output)
}

fn check(field: &str, value: f64, range: &RangeInclusive<f64>) -> Result<(), PluginError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(PluginError::invalid_input(format!(
        "`{field}` must be between {} and {}, got {value}",
        range.start(),
        range.end()
    )))
}

/// The WHO class of a BMI rounded to one decimal (WHO TRS 894, Table 2.1).
fn class_of(bmi: f64) -> BmiClass {
    match bmi {
        b if b < 18.5 => BmiClass::Underweight,
        b if b < 25.0 => BmiClass::Normal,
        b if b < 30.0 => BmiClass::PreObese,
        b if b < 35.0 => BmiClass::ObeseClassI,
        b if b < 40.0 => BmiClass::ObeseClassIi,
        _ => BmiClass::ObeseClassIii,
    }
}

#[cfg(test)]
mod tests {
    use super::*;{{test_imports}}

    fn bmi(weight_kg: f64, height_m: f64) -> Result<EvaluateOutput, PluginError> {{{test_session}}
        evaluate(EvaluateInput {
            weight_kg,
            height_m,
        })
    }

    #[test]
    fn bmi_is_rounded_to_one_decimal_and_classed_by_the_who_cut_offs() {
        let ok = |w, h| bmi(w, h).map(|o| (o.bmi, o.class));
        assert_eq!(ok(70.0, 1.75), Ok((22.9, BmiClass::Normal)));
        // 18.5 exactly is normal; 18.4 is underweight.
        assert_eq!(ok(53.465, 1.70), Ok((18.5, BmiClass::Normal)));
        assert_eq!(ok(53.2, 1.70), Ok((18.4, BmiClass::Underweight)));
        assert_eq!(ok(76.6, 1.60), Ok((29.9, BmiClass::PreObese)));
        assert_eq!(ok(102.4, 1.60), Ok((40.0, BmiClass::ObeseClassIii)));
    }

    #[test]
    fn a_height_in_centimetres_is_invalid_input_naming_the_field() {
        let error = bmi(70.0, 175.0).unwrap_err();
        assert_eq!(error.code, medplug_pdk::ErrorCode::InvalidInput);
        assert_eq!(
            error.message,
            "`height_m` must be between 0.4 and 2.75, got 175"
        );
    }{{audit_tests}}
}
