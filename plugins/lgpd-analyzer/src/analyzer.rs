//! `analyze`: run every recognizer, resolve overlaps, score the risk, advise.

mod wire;

pub(crate) use wire::{findings, kinds};

use medplug_pdk::PluginError;
use medplug_pdk::lgpd::{AnalyzeInput, AnalyzeOutput, FindingKind};

use crate::candidate::Candidate;
use crate::fold::fold_case;
use crate::scanner::{Cue, scan};
use crate::text::Segments;
use crate::{
    advice, birth_date, clinical_words, custom, email, names, numbers, registration, resolve, risk,
    sensitive, term_extent, vocabulary,
};

/// Finds personal data in `input.content`, scores the risk and says what to do. Fails only on
/// a bad custom pattern.
pub fn analyze(input: AnalyzeInput) -> Result<AnalyzeOutput, PluginError> {
    let custom = custom::compile(&input.custom_patterns)?;
    let text = input.content.as_str();
    let segments = Segments::new(text);
    let candidates = detect(text, &custom, &segments);
    let risk = risk::assess(text, &candidates, &segments);
    Ok(AnalyzeOutput {
        findings: findings(text, &candidates, input.include_values),
        kinds: kinds(&candidates),
        risk_score: risk.score,
        risk_level: risk.level,
        recommendations: advice::recommendations(&candidates, risk.sensitive_tied_to_person),
        risk_factors: risk.factors,
        validation_forms: advice::validation_forms(&candidates),
    })
}

/// Every recognizer over `text`, overlaps resolved, in order of position (byte offsets).
pub(crate) fn detect(
    text: &str,
    custom: &[custom::Compiled],
    segments: &Segments,
) -> Vec<Candidate> {
    let mut found = Vec::new();
    numbers::find(text, &mut found);
    numbers::find_alphanumeric_cnpj(text, &mut found);
    email::find(text, &mut found);
    let mut sensitive_terms: Vec<(FindingKind, std::ops::Range<usize>)> =
        clinical_words::find(text)
            .into_iter()
            .map(|r| (FindingKind::HealthData, r))
            .collect();
    let folded = fold_case(text);
    for (cue, range) in scan(&folded) {
        match cue {
            Cue::BirthDate => found.extend(birth_date::read(text, range)),
            Cue::Name => found.extend(names::read(text, range)),
            Cue::Registration => found.extend(registration::read(text, range)),
            Cue::Cid if sensitive::is_cid_code(text, &range) => {
                sensitive_terms.push((FindingKind::HealthData, range));
            }
            Cue::Cid => {}
            Cue::Sensitive(kind) => sensitive_terms.push((kind, range)),
        }
    }
    sensitive_terms.extend(vocabulary::find(&folded).into_iter().filter_map(|term| {
        let range = match term.list {
            vocabulary::List::Exam => term_extent::with_result(&folded, term.range)?,
            vocabulary::List::Scale => term_extent::with_score(&folded, term.range)?,
            vocabulary::List::Head => term_extent::with_complement(&folded, term.range),
            _ => term.range,
        };
        Some((term.list.kind(), range))
    }));
    let named: Vec<Candidate> = found
        .iter()
        .filter(|c| c.builtin_kind() == Some(FindingKind::PatientName))
        .cloned()
        .collect();
    found.extend(names::mentions(text, &named));
    custom::find(text, custom, &mut found);
    let mut identified: Vec<_> = found
        .iter()
        .filter(|c| c.identifies_a_person())
        .map(|c| c.start..c.end)
        .collect();
    identified.sort_by_key(|r| (r.start, r.end));
    sensitive_terms.sort_by_key(|(_, r)| r.start);
    let mut anchors = sensitive::Anchors::new(&folded, segments, &identified);
    found.extend(
        sensitive_terms
            .into_iter()
            .filter_map(|(kind, range)| anchors.read(text, kind, range)),
    );
    resolve::resolve(found)
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ErrorCode;
    use medplug_pdk::lgpd::{CustomPattern, DataCategory, Kind, RiskLevel};

    use super::*;

    fn run(text: &str) -> AnalyzeOutput {
        analyze(AnalyzeInput::new(text)).unwrap()
    }

    fn spans(text: &str) -> Vec<(String, String)> {
        let chars: Vec<char> = text.chars().collect();
        run(text)
            .findings
            .iter()
            .map(|f| {
                (
                    f.kind.name().to_owned(),
                    chars[f.start..f.end].iter().collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_clinical_note_with_every_family_of_data() {
        let text = "Paciente Maria das Graças Souza, DN: 12/03/1985, CPF 529.982.247-25, \
                    CNS 123 4567 8901 0000, tel. (11) 98765-4321, maria.souza@gmail.com.\n\
                    Refere depressão (CID F32.1) em uso de fluoxetina 20 mg. \
                    Dra. Ana Lima, CRM-SP 123456.";
        let got = spans(text);
        let want = [
            ("PATIENT_NAME", "Maria das Graças Souza"),
            ("BIRTH_DATE", "12/03/1985"),
            ("CPF", "529.982.247-25"),
            ("CNS", "123 4567 8901 0000"),
            ("PHONE", "(11) 98765-4321"),
            ("EMAIL", "maria.souza@gmail.com"),
            ("HEALTH_DATA", "depressão"),
            ("HEALTH_DATA", "F32.1"),
            ("HEALTH_DATA", "fluoxetina 20 mg"),
            ("CRM", "CRM-SP 123456"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        assert_eq!(got, want);
        let out = run(text);
        assert_eq!((out.risk_score, out.risk_level), (100, RiskLevel::Critico));
        let forms: Vec<_> = out.validation_forms.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            forms,
            ["consentimento_titular", "consentimento_dados_sensiveis"]
        );
        assert!(
            out.recommendations
                .iter()
                .all(|r| r.lgpd_reference.starts_with("LGPD Art."))
        );
    }

    #[test]
    fn health_data_about_no_one_is_not_personal_data() {
        let text = "A depressão (CID-10 F32) afeta 5% da população. Pacientes com diabetes \
                    devem usar metformina conforme orientação médica.";
        assert_eq!(spans(text), []);
        let out = run(text);
        assert_eq!((out.risk_score, out.risk_level), (0, RiskLevel::BaixoRisco));
        assert_eq!(out.recommendations[0].code, "nenhum_dado_pessoal");
    }

    #[test]
    fn health_data_tied_to_a_person_is_critico() {
        let linked = run("Sra. Joana Prado tem HIV reagente.");
        assert_eq!(linked.risk_level, RiskLevel::Critico);
        assert!(
            linked
                .risk_factors
                .iter()
                .any(|f| f.code == "art11_linkage")
        );
        // The same health data about an unnamed patient is sensitive but not linked.
        let unlinked = run("Paciente de 45 anos refere HIV reagente.");
        assert_eq!(unlinked.findings.len(), 1);
        assert_eq!(unlinked.risk_level, RiskLevel::MedioRisco);
    }

    #[test]
    fn a_failed_check_digit_is_reported_low_never_valid() {
        let out = run("CPF: 529.982.247-26");
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.findings[0].checksum_valid, Some(false));
        assert_eq!(out.findings[0].confidence, 0.3);
        assert_eq!(out.risk_score, 5);
    }

    #[test]
    fn values_only_on_request() {
        let text = "CPF 529.982.247-25";
        assert_eq!(run(text).findings[0].value, None);
        let mut input = AnalyzeInput::new(text);
        input.include_values = true;
        let out = analyze(input).unwrap();
        assert_eq!(out.findings[0].value.as_deref(), Some("529.982.247-25"));
        assert_eq!(out.findings[0].masked, "***.***.***-25");
    }

    #[test]
    fn custom_patterns_add_kinds_and_bad_ones_are_named() {
        let mut input = AnalyzeInput::new("Prontuário PR-2024/0042, CPF 529.982.247-25");
        input.custom_patterns = vec![CustomPattern {
            kind: "PRONTUARIO".into(),
            category: DataCategory::Personal,
            pattern: r"PR-[0-9]{4}/[0-9]{4}".into(),
            confidence: None,
        }];
        let out = analyze(input.clone()).unwrap();
        assert_eq!(out.findings[0].kind, Kind::Custom("PRONTUARIO".into()));
        assert_eq!((out.findings[0].start, out.findings[0].end), (11, 23));
        assert_eq!(out.findings[0].confidence, 0.9);
        input.custom_patterns[0].pattern = "PR-(".into();
        let err = analyze(input.clone()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(
            err.message.starts_with(
                "custom_patterns[0] (kind `PRONTUARIO`, pattern `PR-(`): invalid regex"
            ),
            "{}",
            err.message
        );
        // Case-insensitive matching is ASCII only, and says so.
        input.custom_patterns[0].pattern = "(?i-u:pr)-[0-9]{4}/[0-9]{4}".into();
        assert_eq!(
            analyze(input.clone()).unwrap().findings[0].kind,
            Kind::Custom("PRONTUARIO".into())
        );
        input.custom_patterns[0].pattern = "x".into();
        input.custom_patterns[0].kind = "CPF".into();
        assert!(
            analyze(input)
                .unwrap_err()
                .message
                .contains("built-in kind")
        );
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text = "Ação: ç ã é — CPF 529.982.247-25 e João CPF 111.444.777-35";
        let got: Vec<_> = spans(text).into_iter().map(|(_, v)| v).collect();
        assert_eq!(got, ["529.982.247-25", "111.444.777-35"]);
    }
}
