//! `analyze_lgpd_compliance`: design document D3's contract, answered by [`analyze`].
//!
//! A thin adapter: it runs `analyze` on `content` and regroups the findings into D3's shape
//! (`docs/design-contracts.md` has the table, field by field). Nothing is detected here; what
//! D3's own code does differently (CRM as health data, the CPF echoed unmasked, a score without a
//! cap) follows `analyze`'s rules instead.

use medplug_pdk::PluginError;
use medplug_pdk::lgpd::{
    AnalyzeInput, ComplianceForm, ComplianceFormField, ComplianceInput, ComplianceOutput,
    DataCategory, DetectedPhi, DetectedPii, FindingKind, FormField, Kind, ProfessionalData,
};

use crate::analyze;

/// What `validation_status` says of every registration: the plugin has no network (ABI v1) and
/// cannot look it up in the council's register.
const UNVERIFIED: &str = "unverified";

/// Answers D3's `analyze_lgpd_compliance` with `analyze`'s findings. `metadata` and
/// `compliance_rules` are accepted and not read: the analysis is of the text, and every
/// built-in kind is always looked for.
pub fn analyze_lgpd_compliance(input: ComplianceInput) -> Result<ComplianceOutput, PluginError> {
    let mut request = AnalyzeInput::new(input.content);
    // Raw values only for registrations, which the councils publish (LGPD Art. 7 §4); every
    // other value leaves masked.
    request.include_values = true;
    let report = analyze(request)?;
    let mut out = ComplianceOutput {
        risk_score: report.risk_score,
        detected_pii: Vec::new(),
        detected_phi: Vec::new(),
        professional_data: Vec::new(),
        compliance_status: report.risk_level,
        recommendations: report
            .recommendations
            .iter()
            .map(|r| format!("{} ({})", r.text, r.lgpd_reference))
            .collect(),
        validation_forms: report
            .validation_forms
            .iter()
            .map(|form| ComplianceForm {
                form_type: form.title.clone(),
                required_consents: form
                    .fields
                    .iter()
                    .filter(|f| f.required && field_type(&f.name) == "checkbox")
                    .map(|f| f.name.clone())
                    .collect(),
                fields: form.fields.iter().map(form_field).collect(),
            })
            .collect(),
    };
    for finding in &report.findings {
        let Some(facts) = report.facts(finding) else {
            continue;
        };
        match facts.category {
            DataCategory::Personal => out.detected_pii.push(DetectedPii {
                data_type: d3_name(&finding.kind).to_owned(),
                content: finding.masked.clone(),
                confidence: finding.confidence,
                legal_basis_required: facts.legal_basis_required,
                consent_required: facts.consent_required,
            }),
            DataCategory::Sensitive => out.detected_phi.push(DetectedPhi {
                data_type: finding.kind.name().to_owned(),
                content: finding.masked.clone(),
                confidence: finding.confidence,
                requires_professional_validation: true,
            }),
            DataCategory::Professional => out.professional_data.push(ProfessionalData {
                data_type: finding.kind.name().to_owned(),
                value: finding
                    .value
                    .clone()
                    .unwrap_or_else(|| finding.masked.clone()),
                validation_status: UNVERIFIED.to_owned(),
            }),
        }
    }
    Ok(out)
}

/// D3's name for the kinds it detects; `analyze`'s for the rest.
fn d3_name(kind: &Kind) -> &str {
    match kind {
        Kind::Builtin(FindingKind::PatientName) => "Patient Reference",
        other => other.name(),
    }
}

/// The input a form field needs: an acknowledgement or agreement is ticked, the date and the
/// signature have their own inputs, the rest is written.
fn field_type(name: &str) -> &'static str {
    match name {
        "data" => "date",
        "assinatura" => "signature",
        n if n.starts_with("ciencia_") || n.starts_with("consentimento_") => "checkbox",
        _ => "text",
    }
}

fn form_field(field: &FormField) -> ComplianceFormField {
    ComplianceFormField {
        field_type: field_type(&field.name).to_owned(),
        name: field.name.clone(),
        label: field.label.clone(),
        required: field.required,
    }
}

#[cfg(test)]
mod tests {
    use medplug_pdk::UnreadValue;
    use medplug_pdk::lgpd::RiskLevel;

    use super::*;

    fn input(content: &str) -> ComplianceInput {
        ComplianceInput {
            content: content.to_owned(),
            metadata: UnreadValue,
            compliance_rules: UnreadValue,
        }
    }

    #[test]
    fn findings_are_regrouped_by_category_with_analyze_s_values() -> Result<(), PluginError> {
        let text = "Paciente Maria das Graças Souza, CPF 529.982.247-25, refere depressão. \
                    Dra. Ana Lima, CRM-SP 123456.";
        let out = analyze_lgpd_compliance(input(text))?;
        let native = analyze(AnalyzeInput::new(text))?;
        assert_eq!(out.risk_score, native.risk_score);
        assert_eq!(out.compliance_status, RiskLevel::Critico);
        let pii: Vec<(&str, &str)> = out
            .detected_pii
            .iter()
            .map(|p| (p.data_type.as_str(), p.content.as_str()))
            .collect();
        assert_eq!(
            pii,
            [
                ("Patient Reference", "***** *** ****** *****"),
                ("CPF", "***.***.***-25")
            ]
        );
        let phi: Vec<&str> = out
            .detected_phi
            .iter()
            .map(|p| p.content.as_str())
            .collect();
        assert_eq!(phi, ["*********"]);
        assert_eq!(
            out.professional_data,
            [ProfessionalData {
                data_type: "CRM".to_owned(),
                value: "CRM-SP 123456".to_owned(),
                validation_status: "unverified".to_owned(),
            }]
        );
        assert_eq!(out.recommendations.len(), native.recommendations.len());
        assert!(
            out.recommendations[0]
                .ends_with(&format!("({})", native.recommendations[0].lgpd_reference))
        );
        let forms: Vec<(&str, Vec<&str>)> = out
            .validation_forms
            .iter()
            .map(|f| {
                (
                    f.form_type.as_str(),
                    f.required_consents.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            forms,
            [
                (
                    "Termo de consentimento para divulgação de dados pessoais",
                    vec!["ciencia_revogacao"]
                ),
                (
                    "Consentimento específico e destacado para dados sensíveis",
                    vec![
                        "consentimento_destacado",
                        "ciencia_riscos",
                        "ciencia_revogacao"
                    ]
                ),
            ]
        );
        Ok(())
    }

    #[test]
    fn a_text_without_personal_data_is_baixo_risco_and_empty() -> Result<(), PluginError> {
        let out = analyze_lgpd_compliance(input("A hipertensão afeta 30% dos adultos."))?;
        assert_eq!(
            (out.risk_score, out.compliance_status),
            (0, RiskLevel::BaixoRisco)
        );
        assert!(out.detected_pii.is_empty() && out.detected_phi.is_empty());
        assert!(out.validation_forms.is_empty());
        assert_eq!(out.recommendations.len(), 1);
        Ok(())
    }
}
