//! The rules a claim breaks, each with its source. Only assertive claims are judged: a hedged
//! ("pode ajudar") or negated ("não cura") claim promises nothing.
//!
//! - CFM Resolução 2.336/2023 (publicidade médica, in force since 11 March 2024), Art. 11:
//!   no guarantee of results and no promise of cure (medicine is an obligation of means), no
//!   sensationalism and no superlatives ("o melhor", "único", "100% eficaz"), no price used
//!   as a lure (discounts, gifts, raffles), testimonials without superiority or promised
//!   results, before-and-after pictures only as education.
//!   Advertising a technique or test without scientific recognition as established (ozone
//!   therapy, "quantum" therapy, bioresonance, "bioidentical" hormone pellets, DNA diet
//!   panels) is cited as Art. 11 too, as the corpus guideline labels it; that article number
//!   was not checked against the resolution's text for this prohibition.
//! - ANVISA RDC 96/2008 (propaganda de medicamentos): no "seguro", "sem efeitos colaterais"
//!   or "natural" as proof of safety, no medicine as the only alternative, no promise of cure
//!   by a medicine, no prescription-only medicine advertised to the public (Lei 6.360/1976,
//!   Art. 58, § 1º, restricts that advertising to publications for prescribers).
//!
//! CFM rules cite Art. 11, the resolution's list of prohibitions; the RDC's own article
//! numbers are not cited, because they were not verified against its text.

use medplug_pdk::claims::{Assertiveness, ClaimType, EntityKind, Flag, Severity};

use crate::cue::Cue;
use crate::reading::Reading;

/// A rule: id, severity and the pt-BR reason with its source.
struct Rule {
    id: &'static str,
    severity: Severity,
    reason: &'static str,
}

const GUARANTEE: Rule = Rule {
    id: "cfm_guarantee",
    severity: Severity::High,
    reason: "Garantia de resultado: vedada pela Resolução CFM 2.336/2023, Art. 11 (a medicina \
             é atividade-meio, não de resultado).",
};
const RISK_FREE_PROCEDURE: Rule = Rule {
    id: "cfm_risk_free",
    severity: Severity::High,
    reason: "Procedimento apresentado como isento de riscos: garantia de resultado vedada pela \
             Resolução CFM 2.336/2023, Art. 11.",
};
const CURE: Rule = Rule {
    id: "cfm_cure_promise",
    severity: Severity::High,
    reason: "Promessa de cura: vedada pela Resolução CFM 2.336/2023, Art. 11.",
};
const MEDICINE_CURE: Rule = Rule {
    id: "anvisa_cure_promise",
    severity: Severity::High,
    reason: "Promessa de cura atribuída a medicamento ou produto: vedada pela ANVISA RDC \
             96/2008 (propaganda de medicamentos).",
};
const SUPERLATIVE: Rule = Rule {
    id: "cfm_superlative",
    severity: Severity::High,
    reason: "Superlativo ou exclusividade (\"o melhor\", \"único\", \"nº 1\"): autopromoção \
             vedada pela Resolução CFM 2.336/2023, Art. 11.",
};
const ONLY_ALTERNATIVE: Rule = Rule {
    id: "anvisa_only_alternative",
    severity: Severity::High,
    reason: "Medicamento ou produto apresentado como única alternativa: vedado pela ANVISA RDC \
             96/2008.",
};
const SAFETY: Rule = Rule {
    id: "anvisa_safety_claim",
    severity: Severity::High,
    reason: "Produto apresentado como seguro, natural ou sem efeitos colaterais: vedado pela \
             ANVISA RDC 96/2008.",
};
const PRESCRIPTION: Rule = Rule {
    id: "anvisa_prescription_to_public",
    severity: Severity::High,
    reason: "Medicamento de venda sob prescrição anunciado ao público: sua propaganda fica \
             restrita a publicações para profissionais habilitados a prescrevê-lo (Lei \
             6.360/1976, Art. 58, § 1º; ANVISA RDC 96/2008).",
};
const LURE: Rule = Rule {
    id: "cfm_price_lure",
    severity: Severity::Medium,
    reason: "Preço usado como chamariz (desconto, brinde, gratuidade, sorteio): vedado pela \
             Resolução CFM 2.336/2023, Art. 11; o preço pode ser divulgado sem promoção.",
};
const BEFORE_AFTER: Rule = Rule {
    id: "cfm_before_after",
    severity: Severity::Medium,
    reason: "Antes e depois como promessa de resultado: a Resolução CFM 2.336/2023 só o admite \
             com caráter educativo, sem sensacionalismo.",
};
const SENSATIONAL: Rule = Rule {
    id: "cfm_sensationalism",
    severity: Severity::High,
    reason: "Sensacionalismo (\"milagroso\", \"100% de sucesso\", estatística própria como \
             propaganda): vedado pela Resolução CFM 2.336/2023, Art. 11.",
};
const UNRECOGNISED: Rule = Rule {
    id: "cfm_unrecognised_technique",
    severity: Severity::High,
    reason: "Técnica, terapia ou exame sem reconhecimento científico (ozonioterapia, terapia \
             quântica, biorressonância, hormônios \"bioidênticos\", painéis de DNA para dieta) \
             apresentado como estabelecido: vedado pela Resolução CFM 2.336/2023, Art. 11.",
};
const TESTIMONIAL: Rule = Rule {
    id: "cfm_testimonial",
    severity: Severity::High,
    reason: "Depoimento que sugere superioridade ou resultado garantido a outros pacientes: \
             vedado pela Resolução CFM 2.336/2023, Art. 11.",
};

/// The flags of a claim read as `reading`, of type `claim_type`.
pub(crate) fn flags(reading: &Reading, claim_type: ClaimType) -> Vec<Flag> {
    if reading.assertiveness != Assertiveness::Assertive {
        return Vec::new();
    }
    let has = |cue| reading.has(cue);
    let names = |kind| reading.entities.iter().any(|(k, _, _)| *k == kind);
    let medicine = has(Cue::PrescriptionDrug) || names(EntityKind::Substance) || has(Cue::Product);
    let mut broken: Vec<&Rule> = Vec::new();
    // A certainty reported from an identifiable source ("método contraceptivo definitivo,
    // segundo a SBU") informs; the rule is against promising it.
    if has(Cue::Claim(ClaimType::Guarantee)) && reading.evidence.is_none() {
        broken.push(&GUARANTEE);
    }
    // A cure qualified by how many it reaches ("cures the vast majority of these tumours") is a
    // prognosis, like "improves vision in most patients", not a promise.
    if has(Cue::Claim(ClaimType::Cure))
        && !has(Cue::CurableDisease)
        && !has(Cue::Qualifier)
        && reading.evidence.is_none()
    {
        broken.push(if medicine { &MEDICINE_CURE } else { &CURE });
    }
    if has(Cue::Superlative) {
        broken.push(&SUPERLATIVE);
    }
    if has(Cue::OnlyAlternative) {
        broken.push(if medicine {
            &ONLY_ALTERNATIVE
        } else {
            &SUPERLATIVE
        });
    }
    if has(Cue::SafetyPromise) {
        broken.push(if medicine {
            &SAFETY
        } else {
            &RISK_FREE_PROCEDURE
        });
    }
    if has(Cue::PrescriptionDrug)
        && (has(Cue::PurchaseUrge)
            || (has(Cue::Lure) && !has(Cue::PublicService))
            || has(Cue::Claim(ClaimType::PricePromotion))
            || has(Cue::BodyPromise)
            || has(Cue::Claim(ClaimType::Guarantee)))
    {
        broken.push(&PRESCRIPTION);
    }
    // A free service of the public health system (a vaccination day, a screening campaign) is
    // not a clinic's price used as a lure.
    if has(Cue::Lure) && !has(Cue::PublicService) {
        broken.push(&LURE);
    }
    // A technique reported from an identifiable source ("Segundo a SBEM, as complicações de
    // chips da beleza dobraram") is not presented as established by the text.
    if has(Cue::Unrecognised) && reading.evidence.is_none() {
        broken.push(&UNRECOGNISED);
    }
    if has(Cue::BeforeAfter) {
        broken.push(&BEFORE_AFTER);
    }
    if has(Cue::Sensational) {
        broken.push(&SENSATIONAL);
    }
    if claim_type == ClaimType::Testimonial
        && (has(Cue::Superlative)
            || has(Cue::TestimonialPromise)
            || has(Cue::Claim(ClaimType::Guarantee)))
    {
        broken.push(&TESTIMONIAL);
    }
    let mut out: Vec<Flag> = Vec::new();
    for rule in broken {
        if !out.iter().any(|f| f.rule == rule.id) {
            out.push(Flag {
                rule: rule.id.to_owned(),
                severity: rule.severity,
                reason: rule.reason.to_owned(),
            });
        }
    }
    out
}
