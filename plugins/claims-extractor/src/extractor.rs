//! `extract`: splits the text into sentences, reads each one, and reports the claims with
//! their flags and a summary.

use std::sync::OnceLock;

use medplug_pdk::PluginError;
use medplug_pdk::claims::{
    Assertiveness, Claim, ClaimType, ComplianceStatus, Entity, ExtractInput, ExtractOutput,
    Language, LanguageChoice, Summary,
};

use crate::cue::Cue;
use crate::lexicon::{Lexicon, Match};
use crate::{cues_en, cues_pt, entities, language, reading, rules, sentences, words};

/// Largest text accepted, bytes: a long article is about 100 KB; the cap bounds the work.
pub(crate) const MAX_CONTENT_BYTES: usize = 4 << 20;

/// The phrase list of `language`, with the entity list, compiled once.
fn lexicon(language: Language) -> &'static Lexicon {
    static PT: OnceLock<Lexicon> = OnceLock::new();
    static EN: OnceLock<Lexicon> = OnceLock::new();
    match language {
        Language::Pt => PT.get_or_init(|| Lexicon::new(&[cues_pt::CUES, entities::ENTITIES])),
        Language::En => EN.get_or_init(|| Lexicon::new(&[cues_en::CUES, entities::ENTITIES])),
    }
}

/// How much of the text language detection reads: function words settle it long before.
const LANGUAGE_SAMPLE_BYTES: usize = 16 * 1024;

/// Extracts the claims of `input.content`.
///
/// Errors: `invalid_input` for a text over 4 MiB.
pub fn extract(input: ExtractInput) -> Result<ExtractOutput, PluginError> {
    let text = input.content.as_str();
    if text.len() > MAX_CONTENT_BYTES {
        return Err(PluginError::invalid_input(format!(
            "`content` is {} bytes, more than {MAX_CONTENT_BYTES}: split the text",
            text.len()
        )));
    }
    let language = match input.language {
        LanguageChoice::Pt => Language::Pt,
        LanguageChoice::En => Language::En,
        LanguageChoice::Auto => {
            let mut sample = text.len().min(LANGUAGE_SAMPLE_BYTES);
            while !text.is_char_boundary(sample) {
                sample -= 1;
            }
            language::detect(&words::words(text, 0, sample))
        }
    };
    let cues = lexicon(language);
    let sentences = sentences::split(text);
    let found: Vec<Vec<Match>> = sentences
        .iter()
        .map(|s| cues.find(&words::words(text, s.byte_start, s.byte_end)))
        .collect();
    // A text of the public health system (a city's vaccination day) offers free services
    // anywhere in it, not only in the sentence that names the system.
    let public = found.iter().flatten().any(|m| m.cue == Cue::PublicService);
    let mut claims = Vec::new();
    for ((index, sentence), matches) in sentences.iter().enumerate().zip(found) {
        let own = &text[sentence.byte_start..sentence.byte_end];
        let words = words::words(text, sentence.byte_start, sentence.byte_end);
        let span = (sentence.byte_start, sentence.byte_end);
        let mut reading = reading::read(text, span, &words, &matches);
        if public {
            reading.cues.push(Cue::PublicService);
        }
        let Some(claim_type) = reading.claim_type else {
            continue;
        };
        let char_at =
            |byte: usize| sentence.start + text[sentence.byte_start..byte].chars().count();
        let entities = reading
            .entities
            .iter()
            .map(|&(kind, first, end)| {
                let (from, to) = (words[first].start, words[end - 1].end);
                Entity {
                    kind,
                    text: text[from..to].to_owned(),
                    start: char_at(from),
                    end: char_at(to),
                }
            })
            .collect();
        let flags = rules::flags(&reading, claim_type);
        claims.push(Claim {
            text: own.to_owned(),
            start: sentence.start,
            end: sentence.end,
            sentence_index: index,
            claim_type,
            assertiveness: reading.assertiveness,
            entities,
            requires_evidence: requires_evidence(claim_type, reading.assertiveness)
                && reading.evidence.is_none(),
            evidence: reading.evidence,
            flags,
        });
    }
    let flagged_count = claims.iter().filter(|c| !c.flags.is_empty()).count();
    let unsupported_count = claims.iter().filter(|c| c.requires_evidence).count();
    let compliance_status = if flagged_count > 0 {
        ComplianceStatus::NonCompliant
    } else if unsupported_count > 0 {
        ComplianceStatus::NeedsReview
    } else {
        ComplianceStatus::Compliant
    };
    Ok(ExtractOutput {
        language,
        specialty: input.specialty,
        summary: Summary {
            sentence_count: sentences.len(),
            claim_count: claims.len(),
            flagged_count,
            unsupported_count,
            compliance_status,
        },
        claims,
    })
}

/// Whether an assertive claim of this type needs a source: claims about effects, risks,
/// numbers and diagnoses do; prices and testimonials do not.
fn requires_evidence(claim_type: ClaimType, assertiveness: Assertiveness) -> bool {
    assertiveness == Assertiveness::Assertive
        && !matches!(
            claim_type,
            ClaimType::PricePromotion | ClaimType::Testimonial
        )
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ErrorCode;
    use medplug_pdk::claims::{EntityKind, EvidenceKind, Severity};

    use super::*;

    fn claims(text: &str) -> Vec<Claim> {
        extract(ExtractInput::new(text)).expect("extracts").claims
    }

    #[test]
    fn a_promise_is_flagged_and_its_hedged_and_negated_forms_are_not() {
        let found = claims(
            "Nosso laser elimina o melasma em uma sessão. O laser pode reduzir o melasma. \
             O laser não cura o melasma.",
        );
        let summary: Vec<(ClaimType, Assertiveness, Vec<&str>)> = found
            .iter()
            .map(|c| {
                let rules = c.flags.iter().map(|f| f.rule.as_str()).collect();
                (c.claim_type, c.assertiveness, rules)
            })
            .collect();
        assert_eq!(
            summary,
            [
                // A cure in a set number of sessions is also a certain result.
                (
                    ClaimType::Guarantee,
                    Assertiveness::Assertive,
                    vec!["cfm_guarantee", "cfm_cure_promise"]
                ),
                (ClaimType::Efficacy, Assertiveness::Hedged, vec![]),
                (ClaimType::Cure, Assertiveness::Negated, vec![]),
            ]
        );
        assert_eq!(found[0].flags[1].severity, Severity::High);
        assert!(found[0].flags[1].reason.contains("CFM 2.336/2023, Art. 11"));
    }

    /// Each sentence alone: its claim type, assertiveness and rules.
    fn read_alone(text: &str) -> (Option<ClaimType>, Option<Assertiveness>, Vec<String>) {
        let found = claims(text);
        let claim = found.first();
        (
            claim.map(|c| c.claim_type),
            claim.map(|c| c.assertiveness),
            claim
                .map(|c| c.flags.iter().map(|f| f.rule.clone()).collect())
                .unwrap_or_default(),
        )
    }

    #[test]
    fn negations_and_modals_reach_only_what_follows_them_in_their_clause() {
        let rules = |text: &str| read_alone(text).2;
        assert_eq!(
            rules("Não perca: clareamento com 30% de desconto!"),
            ["cfm_price_lure"]
        );
        assert_eq!(
            rules("Agende já, as vagas podem acabar: 2ª sessão grátis!"),
            ["cfm_price_lure"]
        );
        assert_eq!(
            rules("Our patients walk out of the hospital with no after-effects, guaranteed."),
            ["cfm_guarantee"]
        );
        assert_eq!(
            read_alone("Não há evidências de que o soro, usado por atletas, melhore o desempenho."),
            (
                Some(ClaimType::Efficacy),
                Some(Assertiveness::Negated),
                vec![]
            )
        );
        assert_eq!(
            read_alone("Nossa clínica pode ajudar a reduzir a gordura localizada."),
            (
                Some(ClaimType::Efficacy),
                Some(Assertiveness::Hedged),
                vec![]
            )
        );
    }

    #[test]
    fn promises_made_by_several_phrases_are_flagged() {
        let rules = |text: &str| read_alone(text).2;
        assert_eq!(
            rules("Com o nosso protocolo, as manchas somem em 30 dias."),
            ["cfm_guarantee"]
        );
        assert_eq!(
            rules("Our method fixes back pain in just five sessions."),
            ["cfm_guarantee"]
        );
        assert_eq!(
            rules("Antes x depois com apenas 1 sessão 😍"),
            ["cfm_before_after"]
        );
        assert_eq!(
            rules("Swipe to see this patient's before/after, 3 months post-op."),
            Vec::<String>::new()
        );
        assert_eq!(
            rules("Aqui na clínica, 98% dos pacientes ficam satisfeitos com o resultado."),
            ["cfm_sensationalism"]
        );
        assert_eq!(
            rules("O Dr. Ricardo é o cirurgião mais procurado de Curitiba."),
            ["cfm_superlative"]
        );
        assert_eq!(
            rules("A ozonioterapia trata hérnia de disco sem cirurgia."),
            ["cfm_unrecognised_technique"]
        );
        assert_eq!(
            rules("Implante de gestrinona: mais disposição e libido, chama no direct."),
            ["anvisa_prescription_to_public"]
        );
    }

    #[test]
    fn promises_made_with_a_negation_a_certainty_or_an_absence_are_flagged() {
        let rules = |text: &str| read_alone(text).2;
        let none = Vec::<String>::new();
        // A relapse or a miss denied: a certain result.
        assert_eq!(
            rules("Com o peeling, a mancha some e não volta."),
            ["cfm_guarantee"]
        );
        assert_eq!(
            rules("With our screening, no tumour ever goes undetected."),
            ["cfm_guarantee"]
        );
        assert_eq!(
            rules("Nenhum tratamento faz o cabelo voltar a crescer em áreas calvas."),
            none
        );
        // Nothing can harm: safety promised; a harm that did not happen is reported.
        assert_eq!(
            rules("O chá é natural, nada nele pode fazer mal."),
            ["anvisa_safety_claim"]
        );
        assert_eq!(
            rules("Some screen-detected cancers would never have caused harm."),
            none
        );
        // Two absences of discomfort: a procedure without risk.
        assert_eq!(
            rules("Papada sem cortes e sem pós-operatório."),
            ["cfm_risk_free"]
        );
        // Rivals denied, a result told as certain, a lasting look.
        assert_eq!(
            rules("Ninguém em Recife faz rinomodelação como a nossa equipe."),
            ["cfm_superlative"]
        );
        assert_eq!(
            rules("You'll leave with the jawline you've always wanted."),
            ["cfm_guarantee"]
        );
        assert_eq!(
            rules("Pele de cinema pro resto da vida com o nosso protocolo."),
            ["cfm_guarantee"]
        );
        assert_eq!(
            rules("Pacientes com diabetes tipo 1 usam insulina para o resto da vida."),
            none
        );
        // A clinic's own ratio, a testimonial that promises, a technique offered for the body.
        assert_eq!(
            rules("9 em cada 10 pacientes nossas ficam satisfeitas com o resultado."),
            ["cfm_sensationalism"]
        );
        assert_eq!(
            rules("Emagreci 9 kg com a Dra. Rita e vocês vão conseguir também!"),
            ["cfm_guarantee", "cfm_testimonial"]
        );
        assert_eq!(
            rules("Soro de NAD+ na veia: mais energia e disposição."),
            ["cfm_unrecognised_technique"]
        );
        assert_eq!(
            rules("A soroterapia consiste na aplicação de vitaminas na veia."),
            none
        );
        // An attribution to a named body is a source: "segundo a SBEM".
        assert_eq!(
            read_alone("Segundo a SBEM, os implantes hormonais estéticos aumentaram.")
                .2
                .len(),
            0
        );
    }

    #[test]
    fn reports_public_services_and_qualified_prognoses_are_not_flagged() {
        let rules = |text: &str| read_alone(text).2;
        assert_eq!(
            rules("A Secretaria Municipal de Saúde vacina no sábado. A vacina é gratuita."),
            Vec::<String>::new()
        );
        assert_eq!(
            rules("Surgical removal cures the vast majority of these tumours."),
            Vec::<String>::new()
        );
        assert_eq!(
            rules(
                "A vasectomia é um método definitivo, segundo a Sociedade Brasileira de Urologia."
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            rules("A sensibilidade desaparece em poucos dias após o fim do tratamento."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn offsets_are_characters_and_entities_and_sources_are_reported() {
        let text = "Introdução. Segundo a OMS, a vacina previne o sarampo (doi:10.1000/x.1).";
        let found = claims(text);
        assert_eq!(found.len(), 1);
        let claim = &found[0];
        assert_eq!((claim.start, claim.end, claim.sentence_index), (12, 72, 1));
        let chars: Vec<char> = text.chars().collect();
        let quoted: String = chars[claim.start..claim.end].iter().collect();
        assert_eq!(quoted, claim.text);
        let evidence = claim.evidence.as_ref().expect("cites");
        assert_eq!(
            (evidence.kind, evidence.text.as_str()),
            (EvidenceKind::Doi, "doi:10.1000/x.1")
        );
        assert!(!claim.requires_evidence);
        let named: Vec<(EntityKind, &str, usize)> = claim
            .entities
            .iter()
            .map(|e| (e.kind, e.text.as_str(), e.start))
            .collect();
        assert_eq!(
            named,
            [
                (EntityKind::Intervention, "vacina", 29),
                (EntityKind::Condition, "sarampo", 46)
            ]
        );
    }

    #[test]
    fn the_summary_says_whether_the_text_may_be_published() {
        let verdict = |text: &str| extract(ExtractInput::new(text)).expect("extracts").summary;
        let clean = verdict("Agende sua consulta pelo telefone (11) 3333-4444.");
        assert_eq!(
            (clean.claim_count, clean.compliance_status),
            (0, ComplianceStatus::Compliant)
        );
        let unsourced = verdict("O protetor solar reduz o risco de melanoma.");
        assert_eq!(unsourced.compliance_status, ComplianceStatus::NeedsReview);
        let flagged = verdict("Somos a melhor clínica do Brasil! Resultado garantido.");
        assert_eq!(
            (
                flagged.claim_count,
                flagged.flagged_count,
                flagged.compliance_status
            ),
            (2, 2, ComplianceStatus::NonCompliant)
        );
    }

    #[test]
    fn english_is_detected_and_read_with_its_own_list() {
        let output = extract(ExtractInput::new(
            "Our clinic is the best in town. This cream may help fade dark spots.",
        ))
        .expect("extracts");
        assert_eq!(output.language, Language::En);
        let rules: Vec<usize> = output.claims.iter().map(|c| c.flags.len()).collect();
        assert_eq!(rules, [1, 0]);
    }

    #[test]
    fn a_text_over_the_cap_is_invalid_input() {
        let error =
            extract(ExtractInput::new("a".repeat(MAX_CONTENT_BYTES + 1))).expect_err("too large");
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(error.message.starts_with("`content` is 4194305 bytes"));
    }
}
