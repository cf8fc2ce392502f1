//! The lesion risk scorer through the host: wasm gives exactly the native report, bad input is
//! `invalid_input` naming the field, and the thousand-lesion benchmark input scores in one call.

use anyhow::Result;
use conformance::{reference_host, validate};
use medplug_host::CallError;
use medplug_pdk::SchemaId;
use medplug_pdk::lesion::{self, ScoreInput, ScoreOutput};

#[test]
fn wasm_gives_the_native_report() -> Result<()> {
    let host = reference_host()?;
    for input in [
        lesion_risk::examples::visit(),
        lesion_risk::examples::thousand_lesions(),
    ] {
        let wasm: ScoreOutput = host.call(lesion::PLUGIN_NAME, lesion::SCORE, &input)?;
        let native = lesion_risk::score(input.clone())?;
        assert_eq!(wasm, native);
        validate(
            SchemaId::output(lesion::PLUGIN_NAME, lesion::SCORE).as_str(),
            &serde_json::to_value(&wasm)?,
        )?;
    }
    Ok(())
}

#[test]
fn contradictory_input_is_invalid_input_naming_the_field() -> Result<()> {
    let host = reference_host()?;
    let mut input: ScoreInput = lesion_risk::examples::visit();
    // L3's inventory lists no streaks; a checklist with irregular streaks contradicts it.
    input.lesions[2]
        .seven_point
        .as_mut()
        .expect("L3 has a checklist")
        .irregular_streaks = Some(true);
    match host.call::<_, ScoreOutput>(lesion::PLUGIN_NAME, lesion::SCORE, &input) {
        Err(CallError::InvalidInput { site, message }) => {
            assert_eq!(site.function, "score");
            assert_eq!(
                message,
                "`lesions[2].seven_point.irregular_streaks` is true, but \
                 `lesions[2].dermoscopy.structures` lists no `streaks`: correct one of the two \
                 (lesion `L3`)"
            );
        }
        other => panic!("expected invalid_input, got {other:?}"),
    }
    // The same instance serves the corrected visit.
    let report: ScoreOutput = host.call(
        lesion::PLUGIN_NAME,
        lesion::SCORE,
        &lesion_risk::examples::visit(),
    )?;
    assert_eq!(report.lesions.len(), 3);
    Ok(())
}

#[test]
fn an_out_of_range_value_from_raw_json_names_its_field() -> Result<()> {
    let host = reference_host()?;
    let input = br#"{"lesions": [{"id": "L1", "dermoscopy": {"asymmetry_axes": 1, "border_segments": 12}}]}"#;
    match host.call_json(lesion::PLUGIN_NAME, lesion::SCORE, input) {
        Err(CallError::InvalidInput { message, .. }) => assert_eq!(
            message,
            "`lesions[0].dermoscopy.border_segments` must be 0 to 8 (of eight border segments), \
             got 12 (lesion `L1`)"
        ),
        other => panic!("expected invalid_input, got {other:?}"),
    }
    let unknown_colour = br#"{"lesions": [{"id": "L1", "dermoscopy": {"colors": ["purple"]}}]}"#;
    // An unknown colour breaks the schema the module embeds: the host refuses it, naming where,
    // before the plugin runs.
    match host.call_json(lesion::PLUGIN_NAME, lesion::SCORE, unknown_colour) {
        Err(CallError::InputSchema { violation, .. }) => {
            let pointers: Vec<&str> = violation
                .errors
                .iter()
                .map(|e| e.pointer.as_str())
                .collect();
            assert_eq!(pointers, ["/lesions/0/dermoscopy"]);
            assert_eq!(violation.schema_id, "lesion-risk/score.input");
        }
        other => panic!("expected input_schema, got {other:?}"),
    }
    Ok(())
}
