//! The extractor on the development set (`tests/corpus/claims-extractor/development.jsonl`,
//! issue 20): social-media captions, clinic web pages, messages to patients and press
//! releases, in Portuguese and English, about half lawful and half prohibited, each prohibited
//! sentence labelled with the rule it breaks. Unlike the blind set, this one is tuned against:
//! it is where the rules were generalised to wording the tuning set lacks.
//!
//! `cargo test -p claims-extractor --test development -- --nocapture` prints the figures;
//! `MEDPLUG_CORPUS_ERRORS=1` also prints every sentence whose flag or rule is wrong.

use anyhow::Result;

mod common;
mod rule_eval;
use rule_eval::{check_well_formed, load, measure, report, rows, tuple};

#[test]
fn development_set_is_well_formed() -> Result<()> {
    check_well_formed(&load("development.jsonl")?, "dv", 150)
}

#[test]
fn development_figures_are_unchanged() -> Result<()> {
    let errors = std::env::var_os("MEDPLUG_CORPUS_ERRORS").is_some();
    let f = measure(&load("development.jsonl")?, errors)?;
    report("development", &f);
    // These are training figures: the rules were generalised against this set. Before that, on
    // its first 202 sentences, flag precision was 0.877 and recall 0.505. Round 8's 166
    // sentences, written before the rules changed for them, were flagged 38 of 83 prohibited and
    // 1 of 83 lawful by the rules of that moment; round 9's 45, written after round 8's changes,
    // 13 of 23 and 0 of 22 (DEVELOPMENT.md).
    assert_eq!(tuple(f.claims), (460, 7, 100), "claim (tp, fp, fn)");
    // Flag precision 297/298 = 0.997, recall 297/302 = 0.983.
    assert_eq!(tuple(f.flags), (297, 1, 5), "flag (tp, fp, fn)");
    assert_eq!(
        rows(&f.by_language),
        [("en", (115, 1, 4)), ("pt", (182, 0, 1))]
    );
    assert_eq!(
        rows(&f.by_genre),
        [
            ("message", (45, 0, 0)),
            ("press_release", (36, 1, 1)),
            ("social", (141, 0, 3)),
            ("website", (75, 0, 1))
        ]
    );
    // (rule, labelled, tp, wrong rule, fn, fp)
    assert_eq!(
        f.per_rule(),
        vec![
            ("anvisa_cure_promise", 5, 4, 1, 0, 0),
            ("anvisa_only_alternative", 6, 6, 0, 0, 0),
            ("anvisa_prescription_to_public", 15, 15, 0, 0, 0),
            ("anvisa_safety_claim", 14, 14, 0, 0, 0),
            ("cfm_before_after", 11, 11, 0, 0, 0),
            ("cfm_cure_promise", 14, 11, 2, 1, 0),
            ("cfm_guarantee", 81, 79, 0, 2, 0),
            ("cfm_price_lure", 51, 51, 0, 0, 0),
            ("cfm_risk_free", 15, 15, 0, 0, 0),
            ("cfm_sensationalism", 16, 15, 0, 1, 0),
            ("cfm_superlative", 37, 36, 0, 1, 1),
            ("cfm_testimonial", 14, 14, 0, 0, 0),
            ("cfm_unrecognised_technique", 23, 22, 1, 0, 0),
        ]
    );
    assert_eq!(
        f.confusion(),
        vec![
            ("anvisa_cure_promise", "anvisa_cure_promise", 1),
            (
                "anvisa_cure_promise",
                "anvisa_cure_promise+anvisa_safety_claim",
                1
            ),
            (
                "anvisa_cure_promise",
                "anvisa_cure_promise+cfm_guarantee",
                2
            ),
            ("anvisa_cure_promise", "cfm_cure_promise", 1),
            (
                "anvisa_only_alternative",
                "anvisa_cure_promise+anvisa_only_alternative+cfm_superlative",
                1
            ),
            ("anvisa_only_alternative", "anvisa_only_alternative", 1),
            (
                "anvisa_only_alternative",
                "anvisa_only_alternative+cfm_guarantee+cfm_superlative",
                2
            ),
            (
                "anvisa_only_alternative",
                "anvisa_only_alternative+cfm_superlative",
                2
            ),
            (
                "anvisa_prescription_to_public",
                "anvisa_prescription_to_public",
                12
            ),
            (
                "anvisa_prescription_to_public",
                "anvisa_prescription_to_public+cfm_guarantee",
                1
            ),
            (
                "anvisa_prescription_to_public",
                "anvisa_prescription_to_public+cfm_superlative+cfm_testimonial",
                1
            ),
            (
                "anvisa_prescription_to_public",
                "anvisa_prescription_to_public+cfm_unrecognised_technique",
                1
            ),
            ("anvisa_safety_claim", "anvisa_safety_claim", 13),
            (
                "anvisa_safety_claim",
                "anvisa_safety_claim+cfm_unrecognised_technique",
                1
            ),
            ("cfm_before_after", "cfm_before_after", 7),
            ("cfm_before_after", "cfm_before_after+cfm_guarantee", 1),
            (
                "cfm_before_after",
                "cfm_before_after+cfm_guarantee+cfm_sensationalism",
                1
            ),
            ("cfm_before_after", "cfm_before_after+cfm_sensationalism", 2),
            ("cfm_cure_promise", "cfm_cure_promise", 5),
            ("cfm_cure_promise", "cfm_cure_promise+cfm_guarantee", 3),
            (
                "cfm_cure_promise",
                "cfm_cure_promise+cfm_guarantee+cfm_risk_free",
                1
            ),
            (
                "cfm_cure_promise",
                "cfm_cure_promise+cfm_guarantee+cfm_testimonial",
                1
            ),
            ("cfm_cure_promise", "cfm_cure_promise+cfm_superlative", 1),
            ("cfm_cure_promise", "cfm_guarantee", 1),
            (
                "cfm_cure_promise",
                "cfm_guarantee+cfm_unrecognised_technique",
                1
            ),
            ("cfm_cure_promise", "none", 1),
            ("cfm_guarantee", "anvisa_cure_promise+cfm_guarantee", 1),
            (
                "cfm_guarantee",
                "anvisa_prescription_to_public+cfm_guarantee",
                1
            ),
            ("cfm_guarantee", "cfm_cure_promise+cfm_guarantee", 6),
            (
                "cfm_guarantee",
                "cfm_cure_promise+cfm_guarantee+cfm_sensationalism",
                1
            ),
            ("cfm_guarantee", "cfm_guarantee", 59),
            ("cfm_guarantee", "cfm_guarantee+cfm_price_lure", 4),
            ("cfm_guarantee", "cfm_guarantee+cfm_risk_free", 2),
            ("cfm_guarantee", "cfm_guarantee+cfm_sensationalism", 2),
            ("cfm_guarantee", "cfm_guarantee+cfm_superlative", 2),
            ("cfm_guarantee", "cfm_guarantee+cfm_testimonial", 1),
            ("cfm_guarantee", "none", 2),
            ("cfm_price_lure", "cfm_cure_promise+cfm_price_lure", 1),
            ("cfm_price_lure", "cfm_price_lure", 50),
            ("cfm_risk_free", "cfm_guarantee+cfm_risk_free", 3),
            ("cfm_risk_free", "cfm_risk_free", 11),
            ("cfm_risk_free", "cfm_risk_free+cfm_superlative", 1),
            ("cfm_sensationalism", "cfm_guarantee+cfm_sensationalism", 1),
            ("cfm_sensationalism", "cfm_sensationalism", 13),
            (
                "cfm_sensationalism",
                "cfm_sensationalism+cfm_superlative",
                1
            ),
            ("cfm_sensationalism", "none", 1),
            ("cfm_superlative", "cfm_guarantee+cfm_superlative", 2),
            ("cfm_superlative", "cfm_superlative", 34),
            ("cfm_superlative", "none", 1),
            (
                "cfm_testimonial",
                "anvisa_only_alternative+cfm_superlative+cfm_testimonial",
                1
            ),
            (
                "cfm_testimonial",
                "cfm_guarantee+cfm_superlative+cfm_testimonial",
                1
            ),
            ("cfm_testimonial", "cfm_guarantee+cfm_testimonial", 6),
            (
                "cfm_testimonial",
                "cfm_sensationalism+cfm_superlative+cfm_testimonial",
                2
            ),
            ("cfm_testimonial", "cfm_superlative+cfm_testimonial", 3),
            ("cfm_testimonial", "cfm_testimonial", 1),
            (
                "cfm_unrecognised_technique",
                "cfm_cure_promise+cfm_guarantee+cfm_unrecognised_technique",
                1
            ),
            (
                "cfm_unrecognised_technique",
                "cfm_guarantee+cfm_unrecognised_technique",
                2
            ),
            ("cfm_unrecognised_technique", "cfm_sensationalism", 1),
            (
                "cfm_unrecognised_technique",
                "cfm_unrecognised_technique",
                19
            ),
            ("lawful", "cfm_superlative", 1),
        ]
    );
    Ok(())
}
