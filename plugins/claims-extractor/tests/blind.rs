//! The extractor on the blind set (`tests/corpus/claims-extractor/blind.jsonl`, issue 20):
//! social-media captions, clinic web pages, messages to patients and press releases, in
//! Portuguese and English, half lawful and half prohibited, each prohibited sentence labelled
//! with the rule it breaks. The set was written without reading the extractor's phrase lists
//! and is never tuned against (see the corpus README).
//!
//! `cargo test -p claims-extractor --test blind -- --nocapture` prints flag precision and
//! recall (overall, per language, per style), the outcome per rule (true positives, wrong
//! rule, false negatives, false positives) and the confusion between labelled and emitted
//! rules (`rule_eval/`). It prints no sentences, so that nobody tunes against them.

use anyhow::Result;

mod common;
mod rule_eval;
use rule_eval::{check_well_formed, load, measure, report, rows, tuple};

#[test]
fn blind_set_is_well_formed() -> Result<()> {
    check_well_formed(&load("blind.jsonl")?, "bl", 80)
}

/// The blind figures. The baseline, measured on 2026-12-04 before any change made for issue 20,
/// was flag precision 38/39 = 0.974 and recall 38/74 = 0.514 (claims (92, 1, 53)). The first
/// round of issue 20 (commit e15c1f5: negation and modal scope, promises inferred from several
/// phrases, the unrecognised-technique rule, wider phrase families) moved it to 52/53 = 0.981
/// and 52/74 = 0.703 (claims (97, 1, 48)). The counts below moved again because of the second
/// round's general rules, written against rounds 8 and 9 of `development.jsonl` (a negation
/// before a relapse, a harm or a rival, absences of discomfort, a lasting result, a result told
/// as certain, a first-person account, sourced attributions, unrecognised techniques by family),
/// measured once on this set at the end of that work; no label was changed, and the sentences
/// the extractor misses here were not read. Issue 20's goals are flag precision ≥ 0.95 and
/// recall ≥ 0.90 on this set; they are printed, not asserted, because the set must never be
/// tuned against. Every count is asserted exactly, so that any change to the extractor shows up
/// here: a change that moves them updates these numbers in the same commit and says why, and
/// never edits `blind.jsonl`.
#[test]
fn blind_figures_are_unchanged() -> Result<()> {
    // Counts only: the blind set's sentences are never printed.
    let f = measure(&load("blind.jsonl")?, false)?;
    report("blind", &f);
    assert_eq!(tuple(f.claims), (102, 1, 43), "claim (tp, fp, fn)");
    // Moved by the second round's general rules, not by relabelling. Flag precision 57/58 =
    // 0.983 (goal ≥ 0.95, met), recall 57/74 = 0.770 (goal ≥ 0.90, not met).
    assert_eq!(tuple(f.flags), (57, 1, 17), "flag (tp, fp, fn)");
    assert_eq!(
        rows(&f.by_language),
        [("en", (19, 0, 8)), ("pt", (38, 1, 9))]
    );
    assert_eq!(
        rows(&f.by_genre),
        [
            ("message", (15, 1, 2)),
            ("press_release", (12, 0, 4)),
            ("social", (13, 0, 8)),
            ("website", (17, 0, 3))
        ]
    );
    // (rule, labelled, tp, wrong rule, fn, fp)
    assert_eq!(
        f.per_rule(),
        vec![
            ("anvisa_cure_promise", 2, 1, 0, 1, 0),
            ("anvisa_only_alternative", 3, 0, 2, 1, 0),
            ("anvisa_prescription_to_public", 2, 2, 0, 0, 0),
            ("anvisa_safety_claim", 5, 4, 1, 0, 0),
            ("cfm_before_after", 3, 2, 0, 1, 0),
            ("cfm_cure_promise", 5, 3, 0, 2, 0),
            ("cfm_guarantee", 15, 11, 0, 4, 0),
            ("cfm_price_lure", 14, 14, 0, 0, 0),
            ("cfm_risk_free", 5, 3, 1, 1, 0),
            ("cfm_sensationalism", 3, 1, 0, 2, 0),
            ("cfm_superlative", 11, 8, 0, 3, 1),
            ("cfm_testimonial", 3, 1, 2, 0, 0),
            ("cfm_unrecognised_technique", 3, 0, 1, 2, 0),
        ]
    );
    assert_eq!(
        f.confusion(),
        vec![
            (
                "anvisa_cure_promise",
                "anvisa_cure_promise+cfm_guarantee",
                1
            ),
            ("anvisa_cure_promise", "none", 1),
            (
                "anvisa_only_alternative",
                "anvisa_prescription_to_public",
                1
            ),
            (
                "anvisa_only_alternative",
                "cfm_guarantee+cfm_superlative",
                1
            ),
            ("anvisa_only_alternative", "none", 1),
            (
                "anvisa_prescription_to_public",
                "anvisa_prescription_to_public",
                1
            ),
            (
                "anvisa_prescription_to_public",
                "anvisa_prescription_to_public+cfm_guarantee",
                1
            ),
            ("anvisa_safety_claim", "anvisa_safety_claim", 4),
            ("anvisa_safety_claim", "cfm_risk_free", 1),
            ("cfm_before_after", "cfm_before_after", 1),
            ("cfm_before_after", "cfm_before_after+cfm_sensationalism", 1),
            ("cfm_before_after", "none", 1),
            ("cfm_cure_promise", "cfm_cure_promise", 1),
            ("cfm_cure_promise", "cfm_cure_promise+cfm_guarantee", 1),
            (
                "cfm_cure_promise",
                "cfm_cure_promise+cfm_unrecognised_technique",
                1
            ),
            ("cfm_cure_promise", "none", 2),
            (
                "cfm_guarantee",
                "anvisa_prescription_to_public+cfm_guarantee",
                1
            ),
            (
                "cfm_guarantee",
                "anvisa_prescription_to_public+cfm_guarantee+cfm_price_lure",
                1
            ),
            ("cfm_guarantee", "cfm_cure_promise+cfm_guarantee", 1),
            (
                "cfm_guarantee",
                "cfm_cure_promise+cfm_guarantee+cfm_risk_free",
                1
            ),
            ("cfm_guarantee", "cfm_guarantee", 4),
            ("cfm_guarantee", "cfm_guarantee+cfm_price_lure", 2),
            (
                "cfm_guarantee",
                "cfm_guarantee+cfm_testimonial+cfm_unrecognised_technique",
                1
            ),
            ("cfm_guarantee", "none", 4),
            ("cfm_price_lure", "cfm_cure_promise+cfm_price_lure", 1),
            ("cfm_price_lure", "cfm_price_lure", 13),
            ("cfm_risk_free", "cfm_guarantee", 1),
            ("cfm_risk_free", "cfm_guarantee+cfm_risk_free", 1),
            ("cfm_risk_free", "cfm_risk_free", 2),
            ("cfm_risk_free", "none", 1),
            ("cfm_sensationalism", "cfm_guarantee+cfm_sensationalism", 1),
            ("cfm_sensationalism", "none", 2),
            ("cfm_superlative", "cfm_superlative", 8),
            ("cfm_superlative", "none", 3),
            ("cfm_testimonial", "cfm_guarantee", 1),
            (
                "cfm_testimonial",
                "cfm_guarantee+cfm_testimonial+cfm_unrecognised_technique",
                1
            ),
            ("cfm_testimonial", "cfm_superlative", 1),
            ("cfm_unrecognised_technique", "cfm_guarantee", 1),
            ("cfm_unrecognised_technique", "none", 2),
            ("lawful", "cfm_superlative", 1),
        ]
    );
    Ok(())
}
