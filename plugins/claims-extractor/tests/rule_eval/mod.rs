//! What the rule-labelled sets share (`blind.jsonl` and `development.jsonl`, issue 20): their
//! format, its invariants, and the flag evaluation — flag precision and recall overall, per
//! language and per style, the outcome per rule and the confusion between labelled and emitted
//! rules. Only the development set may list the sentences the extractor gets wrong; the blind
//! set's report is counts only, so that nobody tunes against it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{Context, Result, ensure};
use claims_extractor::extract;
use medplug_pdk::claims::{Claim, ExtractInput, ExtractOutput};
use serde::Deserialize;

use crate::common::Counts;

/// Every rule a label may name, by the extractor's rule id.
pub const RULES: [&str; 13] = [
    "anvisa_cure_promise",
    "anvisa_only_alternative",
    "anvisa_prescription_to_public",
    "anvisa_safety_claim",
    "cfm_before_after",
    "cfm_cure_promise",
    "cfm_guarantee",
    "cfm_price_lure",
    "cfm_risk_free",
    "cfm_sensationalism",
    "cfm_superlative",
    "cfm_testimonial",
    "cfm_unrecognised_technique",
];

/// The claim types of the corpus guideline.
const TYPES: [&str; 10] = [
    "efficacy",
    "cure",
    "guarantee",
    "safety",
    "prevention",
    "comparative",
    "statistical",
    "diagnostic",
    "testimonial",
    "price_promotion",
];

/// The four styles issue 20 names, as `genre` values.
const GENRES: [&str; 4] = ["message", "press_release", "social", "website"];

/// One document of a rule-labelled set.
#[derive(Deserialize)]
pub struct Document {
    id: String,
    language: String,
    genre: String,
    sentences: Vec<Labelled>,
}

#[derive(Deserialize)]
struct Labelled {
    text: String,
    sep: String,
    claim: bool,
    #[serde(rename = "type")]
    claim_type: Option<String>,
    assertiveness: Option<String>,
    evidence: Option<bool>,
    prohibited: bool,
    rule: Option<String>,
    rule_id: Option<String>,
    article: Option<String>,
}

/// The documents of `tests/corpus/claims-extractor/<file>`.
pub fn load(file: &str) -> Result<Vec<Document>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/claims-extractor")
        .join(file);
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).with_context(|| format!("a line of {file}")))
        .collect()
}

/// `(tp, fp, fn)`, as the baselines state them.
pub fn tuple(c: Counts) -> (u32, u32, u32) {
    (c.tp, c.fp, c.fn_)
}

/// The rows of a per-language or per-genre tally, as the baselines state them.
pub fn rows(tally: &BTreeMap<String, Counts>) -> Vec<(&str, (u32, u32, u32))> {
    tally.iter().map(|(k, c)| (k.as_str(), tuple(*c))).collect()
}

/// The outcome for one rule. A sentence labelled with the rule is a true positive when the
/// extractor emits that rule, a wrong-rule case when it flags the sentence under other rules
/// only, and a false negative when it flags nothing; a false positive is the rule emitted on
/// a lawful sentence.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleCounts {
    /// Sentences labelled with the rule.
    pub labelled: u32,
    /// Of those, flagged with it.
    pub tp: u32,
    /// Of those, flagged under other rules only.
    pub wrong_rule: u32,
    /// Of those, not flagged.
    pub fn_: u32,
    /// Lawful sentences flagged with it.
    pub fp: u32,
}

/// Every figure of a rule-labelled set.
#[derive(Default)]
pub struct Figures {
    /// Sentences.
    pub sentences: u32,
    /// Prohibited sentences.
    pub prohibited: u32,
    /// The claim decision.
    pub claims: Counts,
    /// The flag decision: a sentence is flagged when its claim carries any flag.
    pub flags: Counts,
    /// The flag decision per language.
    pub by_language: BTreeMap<String, Counts>,
    /// The flag decision per style.
    pub by_genre: BTreeMap<String, Counts>,
    /// The outcome per rule.
    pub rules: BTreeMap<String, RuleCounts>,
    /// (labelled rule, or `lawful`) → (emitted rules joined by `+`, or `none`) → sentences.
    pub confusion: BTreeMap<(String, String), u32>,
    /// The sentences whose flag decision is wrong, with what was emitted; kept only when
    /// [`measure`] is asked to (never for the blind set).
    pub errors: Vec<String>,
}

impl Figures {
    /// The outcome per rule: (rule, labelled, tp, wrong rule, fn, fp).
    pub fn per_rule(&self) -> Vec<(&str, u32, u32, u32, u32, u32)> {
        self.rules
            .iter()
            .map(|(rule, c)| (rule.as_str(), c.labelled, c.tp, c.wrong_rule, c.fn_, c.fp))
            .collect()
    }

    /// The confusion: (labelled rule or `lawful`, emitted rules or `none`, sentences).
    pub fn confusion(&self) -> Vec<(&str, &str, u32)> {
        self.confusion
            .iter()
            .map(|((labelled, emitted), n)| (labelled.as_str(), emitted.as_str(), *n))
            .collect()
    }
}

/// Runs the extractor on every document and scores its flags; `keep_errors` keeps the wrong
/// sentences in [`Figures::errors`].
pub fn measure(docs: &[Document], keep_errors: bool) -> Result<Figures> {
    let mut f = Figures::default();
    for rule in RULES {
        f.rules.insert(rule.to_owned(), RuleCounts::default());
    }
    for doc in docs {
        let mut content = String::new();
        let mut spans = Vec::new();
        for s in &doc.sentences {
            content.push_str(&s.sep);
            let start = content.chars().count();
            content.push_str(&s.text);
            spans.push((start, content.chars().count()));
        }
        let output: ExtractOutput = extract(ExtractInput::new(content))?;
        for (s, &(start, end)) in doc.sentences.iter().zip(&spans) {
            score(&mut f, doc, s, (start, end), &output, keep_errors);
        }
    }
    Ok(f)
}

fn score(
    f: &mut Figures,
    doc: &Document,
    s: &Labelled,
    (start, end): (usize, usize),
    output: &ExtractOutput,
    keep_errors: bool,
) {
    f.sentences += 1;
    f.prohibited += u32::from(s.prohibited);
    let claim: Option<&Claim> = output
        .claims
        .iter()
        .filter(|c| c.start < end && start < c.end)
        .max_by_key(|c| c.end.min(end) - c.start.max(start));
    let emitted: BTreeSet<&str> = claim
        .map(|c| c.flags.iter().map(|flag| flag.rule.as_str()).collect())
        .unwrap_or_default();
    let flagged = !emitted.is_empty();
    f.claims.add(s.claim, claim.is_some());
    f.flags.add(s.prohibited, flagged);
    f.by_language
        .entry(doc.language.clone())
        .or_default()
        .add(s.prohibited, flagged);
    f.by_genre
        .entry(doc.genre.clone())
        .or_default()
        .add(s.prohibited, flagged);
    let column = if flagged {
        emitted.iter().copied().collect::<Vec<_>>().join("+")
    } else {
        "none".to_owned()
    };
    if keep_errors
        && (s.prohibited != flagged
            || s.rule_id
                .as_deref()
                .is_some_and(|r| flagged && !emitted.contains(r)))
    {
        let read = claim.map_or_else(
            || "no claim".to_owned(),
            |c| {
                format!(
                    "{} {}",
                    medplug_pdk::wire_name(&c.claim_type),
                    medplug_pdk::wire_name(&c.assertiveness)
                )
            },
        );
        f.errors.push(format!(
            "{}: {} — {read}, emitted {column} (labelled {})",
            doc.id,
            s.text,
            s.rule_id.as_deref().unwrap_or("lawful")
        ));
    }
    match s.rule_id.as_deref() {
        Some(rule) => {
            let counts = f.rules.entry(rule.to_owned()).or_default();
            counts.labelled += 1;
            if emitted.contains(rule) {
                counts.tp += 1;
            } else if flagged {
                counts.wrong_rule += 1;
            } else {
                counts.fn_ += 1;
            }
            *f.confusion.entry((rule.to_owned(), column)).or_default() += 1;
        }
        None => {
            for rule in &emitted {
                f.rules.entry((*rule).to_owned()).or_default().fp += 1;
            }
            if flagged {
                *f.confusion
                    .entry(("lawful".to_owned(), column))
                    .or_default() += 1;
            }
        }
    }
}

/// Prints the figures: counts only, plus [`Figures::errors`] when kept.
pub fn report(name: &str, f: &Figures) {
    println!(
        "\n{name}: {} sentences, {} prohibited, {} lawful",
        f.sentences,
        f.prohibited,
        f.sentences - f.prohibited
    );
    crate::common::print_header(24);
    let row = |what: &str, c: Counts| crate::common::print_row(24, what, c);
    row("claim", f.claims);
    row("flag (prohibited)", f.flags);
    for (language, c) in &f.by_language {
        row(&format!("  flag, {language}"), *c);
    }
    for (genre, c) in &f.by_genre {
        row(&format!("  flag, {genre}"), *c);
    }
    let met = |ok: bool| if ok { "met" } else { "not met" };
    println!(
        "issue 20's goals: flag precision ≥ 0.95 {}, recall ≥ 0.90 {}",
        met(f.flags.precision() >= 0.95),
        met(f.flags.recall() >= 0.90)
    );
    println!(
        "\n{:<30} {:>8} {:>4} {:>10} {:>4} {:>4}",
        "rule", "labelled", "TP", "wrong rule", "FN", "FP"
    );
    for (rule, c) in &f.rules {
        println!(
            "{rule:<30} {:>8} {:>4} {:>10} {:>4} {:>4}",
            c.labelled, c.tp, c.wrong_rule, c.fn_, c.fp
        );
    }
    println!("\nconfusion: labelled rule → emitted rules (sentences)");
    for ((labelled, emitted), n) in &f.confusion {
        println!("  {labelled:<30} → {emitted:<45} {n:>3}");
    }
    for e in &f.errors {
        println!("  ✗ {e}");
    }
}

/// Checks a set's invariants: ids `<prefix>-<language>-NN-…`, the four styles, labels that go
/// together, at least `min_sentences`, lawful = half ± 2, both languages with at least a
/// quarter in English, every prohibited label an assertive claim with a known rule and its
/// article.
pub fn check_well_formed(docs: &[Document], prefix: &str, min_sentences: usize) -> Result<()> {
    let mut ids = BTreeSet::new();
    let (mut total, mut lawful, mut english) = (0usize, 0usize, 0usize);
    let mut languages = BTreeSet::new();
    let mut genres = BTreeSet::new();
    for doc in docs {
        ensure!(ids.insert(doc.id.as_str()), "{}: duplicate id", doc.id);
        ensure!(
            doc.id.starts_with(&format!("{prefix}-{}-", doc.language)),
            "{}: ids are {prefix}-<language>-NN-…",
            doc.id
        );
        ensure!(
            GENRES.contains(&doc.genre.as_str()),
            "{}: genre {}",
            doc.id,
            doc.genre
        );
        languages.insert(doc.language.as_str());
        genres.insert(doc.genre.as_str());
        for (i, s) in doc.sentences.iter().enumerate() {
            let at = format!("{}: {}", doc.id, s.text);
            ensure!(
                s.text == s.text.trim() && !s.text.is_empty(),
                "{at}: spaces"
            );
            ensure!((i == 0) == s.sep.is_empty(), "{at}: sep");
            ensure!(
                s.claim == s.claim_type.is_some()
                    && s.claim == s.assertiveness.is_some()
                    && s.claim == s.evidence.is_some(),
                "{at}: type, assertiveness and evidence go with claim"
            );
            ensure!(
                s.claim_type.as_deref().is_none_or(|t| TYPES.contains(&t))
                    && s.assertiveness.as_deref().is_none_or(|a| [
                        "assertive",
                        "hedged",
                        "negated"
                    ]
                    .contains(&a)),
                "{at}: type {:?}, assertiveness {:?}",
                s.claim_type,
                s.assertiveness
            );
            total += 1;
            english += usize::from(doc.language == "en");
            if s.prohibited {
                ensure!(
                    s.claim && s.assertiveness.as_deref() == Some("assertive"),
                    "{at}: only assertive claims are prohibited"
                );
                let id = s.rule_id.as_deref().unwrap_or_default();
                ensure!(RULES.contains(&id), "{at}: unknown rule {id:?}");
                let (rule, article) = (
                    s.rule.as_deref().unwrap_or_default(),
                    s.article.as_deref().unwrap_or_default(),
                );
                let cfm = id.starts_with("cfm_");
                ensure!(
                    if cfm {
                        rule.starts_with("CFM 2.336/2023: ") && article == "CFM 2.336/2023, Art. 11"
                    } else {
                        rule.starts_with("ANVISA RDC 96/2008: ") && article.ends_with("RDC 96/2008")
                    },
                    "{at}: rule {rule:?} and article {article:?} do not match {id}"
                );
            } else {
                lawful += 1;
                ensure!(
                    s.rule.is_none() && s.rule_id.is_none() && s.article.is_none(),
                    "{at}: a lawful sentence has no rule"
                );
            }
        }
    }
    ensure!(
        total >= min_sentences,
        "{total} sentences, at least {min_sentences} expected"
    );
    ensure!(
        (2 * lawful).abs_diff(total) <= 4,
        "{lawful} of {total} sentences lawful: half ± 2 expected"
    );
    ensure!(
        languages == BTreeSet::from(["en", "pt"]),
        "languages {languages:?}"
    );
    ensure!(
        4 * english >= total,
        "{english} of {total} sentences in English"
    );
    ensure!(genres == BTreeSet::from(GENRES), "genres {genres:?}");
    Ok(())
}
