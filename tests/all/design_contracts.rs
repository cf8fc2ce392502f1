//! The design documents' own plugin contracts, answered: each adapter export is called through
//! the host with the example payloads of `../shared/design-contracts.md`, read from that file at
//! run time (never copied into the repository), and answers with the real function's values in
//! the documents' shape (`docs/design-contracts.md` maps every field).
//!
//! The file is found at `$MEDPLUG_DESIGN_CONTRACTS`, else `../shared/design-contracts.md`;
//! without it these tests say so in one line and pass, except under `CI=true`, as the MIT-BIH
//! tests do.

use std::path::PathBuf;

use anyhow::{Context, Result, bail, ensure};
use conformance::{reference_host, root, validate};
use ecg_analyzer::synthetic::{Rhythm, Synthetic};
use medplug_host::{CallError, Host};
use medplug_pdk::{SchemaId, claims, ecg, lesion, lgpd, wire_name};
use serde_json::{Value, json};

/// Where the design contracts are, when not at `../shared/design-contracts.md`.
const CONTRACTS_ENV: &str = "MEDPLUG_DESIGN_CONTRACTS";

/// The text of the design contracts, or `None` (with one line saying so) when absent.
fn contracts() -> Result<Option<String>> {
    let path = match std::env::var_os(CONTRACTS_ENV).filter(|p| !p.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => root().join("../shared/design-contracts.md"),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(_) if std::env::var_os("CI").is_some_and(|v| v == "true") => {
            bail!(
                "{} not found (set {CONTRACTS_ENV}; CI=true: missing data is a failure)",
                path.display()
            )
        }
        Err(_) => {
            println!(
                "design contracts not found at {}: skipped (set {CONTRACTS_ENV})",
                path.display()
            );
            Ok(None)
        }
    }
}

/// The `### ` section whose heading contains `marker`.
fn section<'a>(text: &'a str, marker: &str) -> Result<&'a str> {
    text.split("\n### ")
        .find(|s| s.lines().next().is_some_and(|h| h.contains(marker)))
        .with_context(|| format!("no section headed `{marker}` in the design contracts"))
}

/// The section's fenced ```json examples, in order.
fn examples(section: &str) -> Result<Vec<Value>> {
    section
        .split("```json\n")
        .skip(1)
        .map(|rest| {
            let block = rest.split("\n```").next().unwrap_or_default();
            serde_json::from_str(block).context("a ```json block of the design contracts")
        })
        .collect()
}

/// The inline example (`` `[…]` ``) that follows the section's "Implied output".
fn implied_output(section: &str) -> Result<Value> {
    let after = section
        .split_once("Implied output")
        .context("no \"Implied output\" in the section")?
        .1;
    let start = after.find("`[").context("no inline `[…]` example")? + 1;
    let end = start
        + after[start..]
            .find("]`")
            .context("unclosed inline example")?
        + 1;
    serde_json::from_str(&after[start..end]).context("the inline implied output")
}

/// Whether a client written from `document`'s example can read `answer`: every key of the
/// example is in the answer with the same JSON type, recursively (`null` only at the paths of
/// `nullable`, the fields the answer documents as unknown to a plugin). An empty object or array
/// in the example stands for a shape the document leaves undefined.
fn readable_as(document: &Value, answer: &Value, nullable: &[&str]) -> Result<()> {
    let mut wrong = Vec::new();
    shape(document, answer, "", nullable, &mut wrong);
    ensure!(
        wrong.is_empty(),
        "the answer does not read as the document's example: {}",
        wrong.join("; ")
    );
    Ok(())
}

fn shape(document: &Value, answer: &Value, at: &str, nullable: &[&str], wrong: &mut Vec<String>) {
    match (document, answer) {
        (_, Value::Null) if nullable.contains(&at) => {}
        (Value::Object(keys), Value::Object(got)) => {
            for (key, value) in keys {
                let path = format!("{at}/{key}");
                match got.get(key) {
                    Some(found) => shape(value, found, &path, nullable, wrong),
                    None => wrong.push(format!("`{path}` is missing")),
                }
            }
        }
        (Value::Array(items), Value::Array(got)) => {
            if let Some(first) = items.first() {
                for found in got {
                    shape(first, found, &format!("{at}/*"), nullable, wrong);
                }
            }
        }
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Null, _) => {}
        (expected, found) => wrong.push(format!("`{at}` is {found}, the document has {expected}")),
    }
}

/// Calls `function` of `plugin` with `input`, checking both sides against the published schemas.
fn call(host: &Host, plugin: &str, function: &str, input: &Value) -> Result<Value> {
    validate(SchemaId::input(plugin, function).as_str(), input)?;
    let output: Value = host.call(plugin, function, input)?;
    validate(SchemaId::output(plugin, function).as_str(), &output)?;
    Ok(output)
}

/// The plugin's own error for `input`, as `(code, message)`.
fn refusal(host: &Host, plugin: &str, function: &str, input: &Value) -> Result<(String, String)> {
    match host.call::<_, Value>(plugin, function, input) {
        Err(CallError::InvalidInput { message, .. }) => Ok(("invalid_input".into(), message)),
        Err(CallError::Plugin { code, message, .. }) => Ok((code.as_str().into(), message)),
        Err(other) => bail!("`{function}` failed otherwise: {other}"),
        Ok(output) => bail!("`{function}` answered {output}"),
    }
}

#[test]
fn analyze_lgpd_compliance_answers_d3_s_example_with_analyze_s_findings() -> Result<()> {
    let Some(text) = contracts()? else {
        return Ok(());
    };
    let [input, d3_answer] =
        <[Value; 2]>::try_from(examples(section(&text, "`analyze_lgpd_compliance`")?)?).map_err(
            |v| anyhow::anyhow!("expected an input and an output, got {} examples", v.len()),
        )?;
    let host = reference_host()?;
    let out = call(
        &host,
        lgpd::PLUGIN_NAME,
        lgpd::ANALYZE_LGPD_COMPLIANCE,
        &input,
    )?;
    readable_as(&d3_answer, &out, &[])?;

    // The values are `analyze`'s on the same text.
    let content = input["content"].as_str().context("content")?;
    let analyzed: lgpd::AnalyzeOutput = host.call(
        lgpd::PLUGIN_NAME,
        lgpd::ANALYZE,
        &lgpd::AnalyzeInput::new(content),
    )?;
    assert_eq!(out["risk_score"], json!(analyzed.risk_score));
    assert_eq!(
        out["compliance_status"],
        json!(wire_name(&analyzed.risk_level))
    );
    // CPF 35 + the patient's name 25 + her health data 25 + the doctor's CRM 2: `critico`,
    // where D3's own weights said 75, `alto_risco`.
    assert_eq!(
        (&out["risk_score"], &d3_answer["risk_score"]),
        (&json!(87), &json!(75))
    );
    assert_eq!(out["compliance_status"], "critico");

    // The same two kinds of personal data as D3 found, masked instead of echoed.
    let kinds = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["data_type"].as_str().map(str::to_owned))
            .collect();
        k.sort();
        k
    };
    assert_eq!(kinds(&out["detected_pii"]), ["CPF", "Patient Reference"]);
    assert_eq!(
        kinds(&d3_answer["detected_pii"]),
        kinds(&out["detected_pii"])
    );
    assert_eq!(
        out["detected_pii"],
        json!([
            {"data_type": "Patient Reference", "content": "******", "confidence": 0.9,
             "legal_basis_required": true, "consent_required": true},
            {"data_type": "CPF", "content": "***.***.***-06", "confidence": 0.99,
             "legal_basis_required": true, "consent_required": true}
        ])
    );
    // D3 reports the doctor's CRM as health data; it is her public registration.
    assert_eq!(d3_answer["detected_phi"][0]["content"], "CRM-PE 27415");
    assert_eq!(
        out["professional_data"],
        json!([{"data_type": "CRM", "value": "CRM-PE 27415", "validation_status": "unverified"}])
    );
    // The patient's symptom is the health data: "dor torácica atípica" (a term of the
    // vocabulary's symptoms list), masked.
    assert_eq!(
        out["detected_phi"],
        json!([{"data_type": "HEALTH_DATA", "content": "*** ******** *******", "confidence": 0.9,
                "requires_professional_validation": true}])
    );
    let recommendations: Vec<String> = analyzed
        .recommendations
        .iter()
        .map(|r| format!("{} ({})", r.text, r.lgpd_reference))
        .collect();
    assert_eq!(out["recommendations"], json!(recommendations));
    let consents: Vec<&Value> = out["validation_forms"]
        .as_array()
        .context("validation_forms")?
        .iter()
        .map(|f| &f["required_consents"])
        .collect();
    assert_eq!(
        consents,
        [
            &json!(["ciencia_revogacao"]),
            &json!([
                "consentimento_destacado",
                "ciencia_riscos",
                "ciencia_revogacao"
            ])
        ]
    );
    Ok(())
}

#[test]
fn the_ecg_analyzer_s_process_medical_content_answers_d1_s_example() -> Result<()> {
    let Some(text) = contracts()? else {
        return Ok(());
    };
    let [input, d1_answer] = <[Value; 2]>::try_from(examples(section(
        &text,
        "`process_medical_content` — ECG",
    )?)?)
    .map_err(|v| anyhow::anyhow!("expected an input and an output, got {} examples", v.len()))?;
    let host = reference_host()?;
    let function = ecg::PROCESS_MEDICAL_CONTENT;

    // The example's twelve samples, as printed, are too short for any analysis.
    assert_eq!(
        refusal(&host, ecg::PLUGIN_NAME, function, &input)?,
        (
            "invalid_input".to_owned(),
            "`ecg_data` holds 12 samples, 0.033 s at 360 Hz: at least 2 s of signal is needed"
                .to_owned()
        )
    );

    // The same request with the ten seconds the document says a real call carries: a signal
    // at the example's rate and D1's answer's 88 bpm, with 0.25 mV of ST elevation.
    let rate = input["sampling_rate"].as_u64().context("sampling_rate")?;
    let mut spec = Synthetic::new(rate as f64, 10.0, Rhythm::Sinus { bpm: 88.0 });
    spec.st_shift_mv = 0.25;
    let signal = spec.generate();
    let mut full = input.clone();
    full["ecg_data"] = json!(signal.samples_mv);
    let out = call(&host, ecg::PLUGIN_NAME, function, &full)?;
    readable_as(
        &d1_answer,
        &out,
        &[
            "/processing_audit/processed_at",
            "/processing_audit/processing_time_ms",
            "/processing_audit/lgpd_compliant",
            "/processing_audit/audit_trail_complete",
        ],
    )?;

    // The values are `analyze`'s on the same signal, for the same man of 64.
    let mut request = ecg::AnalyzeInput::from_mv(rate as f64, signal.samples_mv.clone());
    request.patient = Some(ecg::Patient {
        age: Some(64),
        sex: Some(ecg::Sex::Male),
    });
    let analyzed: ecg::AnalyzeOutput = host.call(ecg::PLUGIN_NAME, ecg::ANALYZE, &request)?;
    let hr = analyzed.heart_rate.context("ten seconds of beats")?;
    let hrv = analyzed.hrv.context("ten seconds of beats")?;
    assert_eq!(
        out["heart_rate"],
        json!({
            "avg_heart_rate": hr.mean_bpm,
            "heart_rate_variability": hrv.sdnn_ms,
            "resting_heart_rate": hr.resting_bpm,
            "max_heart_rate": hr.max_bpm,
            "clinical_assessment": analyzed.rhythm.criterion,
        })
    );
    assert!((87.0..=89.0).contains(&hr.mean_bpm), "{}", hr.mean_bpm);
    assert_eq!(out["rhythm_analysis"], json!(analyzed.rhythm));
    // D1's answer to its own example: ST elevation, high, and an urgent recommendation.
    for field in ["abnormality_type", "severity"] {
        assert_eq!(
            out["abnormality_detection"][0][field], d1_answer["abnormality_detection"][0][field],
            "{field}"
        );
    }
    assert_eq!(
        out["abnormality_detection"][0]["abnormality_type"],
        "ST Elevation"
    );
    let st = &analyzed.abnormalities[0];
    assert_eq!(st.kind, "st_elevation");
    assert_eq!(
        out["abnormality_detection"][0]["clinical_significance"],
        json!(st.clinical_significance)
    );
    assert_eq!(
        out["medical_recommendations"][0],
        json!({"severity": "urgent", "action": st.recommended_action, "disclaimer": st.disclaimer})
    );
    assert_eq!(
        out["medical_recommendations"][0]["severity"],
        d1_answer["medical_recommendations"][0]["severity"]
    );
    assert_eq!(
        out["medical_recommendations"]
            .as_array()
            .context("medical_recommendations")?
            .len(),
        analyzed.abnormalities.len() + analyzed.recommendations.len()
    );
    // What D1 always claims and a plugin cannot: verified by an authority.
    assert_eq!(
        out["compliance_status"],
        json!({"crm_compliant": true, "compliance_issues": [],
               "medical_authority_verified": false, "disclaimer_complete": true})
    );
    assert_eq!(
        d1_answer["compliance_status"]["medical_authority_verified"],
        true
    );
    // The id is the signal's: the same request, the same id.
    let again = call(&host, ecg::PLUGIN_NAME, function, &full)?;
    assert_eq!(again["analysis_id"], out["analysis_id"]);
    assert!(
        out["analysis_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("ecg-") && id.len() == 20)
    );
    Ok(())
}

#[test]
fn the_claims_adapters_answer_d3_s_and_d4_s_examples_with_extract_s_claims() -> Result<()> {
    let Some(text) = contracts()? else {
        return Ok(());
    };
    let extract_section = section(&text, "`extract_medical_claims`")?;
    let [input] = <[Value; 1]>::try_from(examples(extract_section)?)
        .map_err(|v| anyhow::anyhow!("expected one input, got {} examples", v.len()))?;
    let implied = implied_output(extract_section)?;
    let host = reference_host()?;

    let out = call(
        &host,
        claims::PLUGIN_NAME,
        claims::EXTRACT_MEDICAL_CLAIMS,
        &input,
    )?;
    readable_as(&implied, &out, &["/*/evidence_score"])?;
    let content = input["content"].as_str().context("content")?;
    assert_eq!(
        out,
        json!([{
            "claim": content,
            "evidence_score": null,
            "source_reference": "",
            "authority_verified": 0,
            "claim_type": "statistical",
            "assertiveness": "assertive",
            "requires_evidence": true,
            "flags": []
        }])
    );
    let extracted: claims::ExtractOutput = host.call(
        claims::PLUGIN_NAME,
        claims::EXTRACT,
        &claims::ExtractInput::new(content),
    )?;
    assert_eq!(extracted.claims.len(), 1);
    assert_eq!(out[0]["claim"], json!(extracted.claims[0].text));
    assert_eq!(out[0]["claim_type"], json!(extracted.claims[0].claim_type));

    // D4's pipeline hands `validate_medical_claims` the personal-data analyzer's output: a
    // phone number and a condition, no claim.
    let stage_one = implied_output(section(&text, "`analyze_personal_data`")?)?;
    let validate_section = section(&text, "`validate_medical_claims`")?;
    let d4_implied = implied_output(validate_section)?;
    let validated = call(
        &host,
        claims::PLUGIN_NAME,
        claims::VALIDATE_MEDICAL_CLAIMS,
        &stage_one,
    )?;
    assert_eq!(validated, json!([]));
    // The claims sample: the same claim as `extract_medical_claims` finds (the ontology's terms,
    // strings of the document too, are no claims).
    let validated = call(
        &host,
        claims::PLUGIN_NAME,
        claims::VALIDATE_MEDICAL_CLAIMS,
        &input,
    )?;
    assert_eq!(validated, out);
    readable_as(&d4_implied, &validated, &["/*/evidence_score"])?;
    // A bare value holds no document: the input schema the module embeds refuses it before the
    // plugin runs (`medplug_pdk::claims`'s tests cover the plugin's own refusal).
    let error = host
        .call::<_, Value>(
            claims::PLUGIN_NAME,
            claims::VALIDATE_MEDICAL_CLAIMS,
            &json!("HAS controlada reduz risco de AVC"),
        )
        .unwrap_err();
    assert_eq!(error.kind(), "input_schema");
    assert!(
        error.to_string().contains(
            r#"at (root): "HAS controlada reduz risco de AVC" is not of types "array", "object""#
        ),
        "{error}"
    );
    Ok(())
}

#[test]
fn the_lesion_scorer_s_process_medical_content_answers_d1_s_example() -> Result<()> {
    let Some(text) = contracts()? else {
        return Ok(());
    };
    let [input, d1_answer] = <[Value; 2]>::try_from(examples(section(
        &text,
        "`process_medical_content` — skin-lesion",
    )?)?)
    .map_err(|v| anyhow::anyhow!("expected an input and an output, got {} examples", v.len()))?;
    let host = reference_host()?;
    let function = lesion::PROCESS_MEDICAL_CONTENT;

    // An image cannot be scored: the call says so, naming the field.
    let (code, message) = refusal(&host, lesion::PLUGIN_NAME, function, &input)?;
    assert_eq!(code, "unsupported");
    assert_eq!(
        message,
        "`lesion_images` cannot be analysed: lesion-risk scores skin lesions as a dermatologist \
         examined them (dermoscopy, 7-point checklist, ABCDE signs), not images; send the \
         examined findings in `lesions` (the lesions of the `score` function)"
    );

    // The same request with the lesion as examined: D1's 7.2 mm lesion, highly suspicious.
    let examined = json!({
        "id": "L1",
        "dermoscopy": {"asymmetry_axes": 2, "border_segments": 6,
                       "colors": ["light_brown", "dark_brown", "black", "blue_gray"],
                       "structures": ["network", "structureless", "dots", "streaks"]},
        "seven_point": {"atypical_network": true, "blue_white_veil": true,
                        "atypical_vascular_pattern": false, "irregular_streaks": true,
                        "irregular_dots_globules": true, "irregular_blotches": false,
                        "regression_structures": false},
        "diameter_mm": 7.2,
        "evolving": true
    });
    let mut full = input.clone();
    full["lesions"] = json!([examined]);
    let out = call(&host, lesion::PLUGIN_NAME, function, &full)?;
    readable_as(
        &d1_answer,
        &out,
        &[
            "/lesion_characteristics/lesion_1/abcde_score/asymmetry_score",
            "/lesion_characteristics/lesion_1/abcde_score/border_irregularity",
            "/lesion_characteristics/lesion_1/abcde_score/color_variation",
            "/malignancy_risk_assessment/risk_score",
            "/anvisa_compliance/medical_device_compliance",
            "/anvisa_compliance/cosmetic_regulation_adherence",
            "/audit_trail/processed_at",
            "/audit_trail/processing_time_ms",
            "/audit_trail/lgpd_compliant",
        ],
    )?;

    // The values are `score`'s for the lesion at the request's site and the history it gives.
    let mut scored_lesion = examined.clone();
    scored_lesion["location"] = input["lesion_location"].clone();
    let scored: lesion::ScoreOutput = host.call(
        lesion::PLUGIN_NAME,
        lesion::SCORE,
        &json!({"lesions": [scored_lesion],
                "patient": {"family_history": true, "skin_type": "II"}}),
    )?;
    let report = &scored.lesions[0];
    let entry = &out["lesion_characteristics"]["lesion_1"];
    assert_eq!(entry["dermoscopy_patterns"]["tds"], json!(report.tds));
    assert_eq!(
        entry["dermoscopy_patterns"]["seven_point"],
        json!(report.seven_point)
    );
    assert_eq!(entry["clinical_features"]["abcde"], json!(report.abcde));
    assert_eq!(
        entry["clinical_features"]["location"],
        input["lesion_location"]
    );
    assert_eq!(
        entry["abcde_score"],
        json!({"asymmetry_score": null, "border_irregularity": null,
               "color_variation": null, "diameter_mm": 7.2})
    );
    assert_eq!(report.tds.map(|t| t.value), Some(7.2));
    // D1's answer to its own example: HIGH, urgent first, prevention last.
    let risk = &out["malignancy_risk_assessment"];
    assert_eq!(
        risk["risk_level"],
        d1_answer["malignancy_risk_assessment"]["risk_level"]
    );
    assert_eq!(risk["risk_level"], json!(report.risk_level));
    let priorities: Vec<&Value> = out["medical_recommendations"]
        .as_array()
        .context("medical_recommendations")?
        .iter()
        .map(|r| &r["priority"])
        .collect();
    assert_eq!(
        priorities,
        [&json!("URGENT"), &json!("MONITORING"), &json!("PREVENTION")]
    );
    let d1_priorities = &d1_answer["medical_recommendations"];
    assert_eq!(priorities[0], &d1_priorities[0]["priority"]);
    assert_eq!(priorities[2], &d1_priorities[1]["priority"]);
    let texts: Vec<Value> = scored
        .recommendations
        .iter()
        .map(|r| json!(r.text))
        .collect();
    let answered: Vec<Value> = out["medical_recommendations"]
        .as_array()
        .context("medical_recommendations")?
        .iter()
        .map(|r| r["recommendation"].clone())
        .collect();
    assert_eq!(answered, texts);
    // Family history counts (Gandini 2005, RR 1.74); "high sun exposure" does not, and says so.
    let factors = risk["risk_factors"].as_array().context("risk_factors")?;
    assert!(
        factors.iter().any(|f| f
            .as_str()
            .is_some_and(|f| f.starts_with("RR 1,74: Gandini et al. 2005"))),
        "{factors:?}"
    );
    assert_eq!(scored.patient_risk.map(|p| p.relative_risk), Some(1.74));
    assert!(
        risk["medical_disclaimer"]
            .as_str()
            .is_some_and(|d| d.contains("`sun_exposure_high` não entra na estimativa")),
        "{}",
        risk["medical_disclaimer"]
    );
    assert_eq!(
        out["anvisa_compliance"],
        json!({"compliant": true, "compliance_issues": [], "anvisa_verified": false,
               "medical_device_compliance": null, "cosmetic_regulation_adherence": null})
    );
    Ok(())
}
