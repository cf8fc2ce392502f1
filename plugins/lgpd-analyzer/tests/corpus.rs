//! Precision and recall per kind on the labelled corpus in `tests/corpus/lgpd-analyzer/`, and
//! zero findings on its paragraphs without personal data.
//!
//! A document marks each entity inline as `[[KIND:text]]`, or `[[KIND!:text]]` for an identifier
//! whose check digit is wrong. A finding matches an entity of the same kind whose span it
//! overlaps; for kinds with a check digit, `checksum_valid` must agree too. Run with
//! `--nocapture` to see the table. What is labelled, and what span, follows the guideline in
//! `tests/corpus/lgpd-analyzer/README.md`.
//!
//! `blind/` is scored without listing its errors: the vocabulary must not be built by reading
//! them (issue #20), so `blind_set_baseline` prints the table only.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result, bail, ensure};
use lgpd_analyzer::analyze;
use medplug_pdk::lgpd::{AnalyzeInput, FindingKind};

/// One labelled entity, in character offsets of the stripped text.
#[derive(Debug)]
struct Entity {
    kind: String,
    start: usize,
    end: usize,
    checksum_ok: bool,
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/lgpd-analyzer")
}

/// Strips the markup; returns the text and its entities.
fn parse(marked: &str) -> Result<(String, Vec<Entity>)> {
    let mut text = String::with_capacity(marked.len());
    let mut entities = Vec::new();
    let mut chars = 0;
    let mut rest = marked;
    while let Some(open) = rest.find("[[") {
        text.push_str(&rest[..open]);
        chars += rest[..open].chars().count();
        let close = rest[open..].find("]]").context("unclosed [[")? + open;
        let (label, value) = rest[open + 2..close]
            .split_once(':')
            .context("entity without `:`")?;
        let (kind, checksum_ok) = match label.strip_suffix('!') {
            Some(kind) => (kind, false),
            None => (label, true),
        };
        if FindingKind::from_name(kind).is_none() {
            bail!("unknown kind {kind}");
        }
        let len = value.chars().count();
        entities.push(Entity {
            kind: kind.to_owned(),
            start: chars,
            end: chars + len,
            checksum_ok,
        });
        text.push_str(value);
        chars += len;
        rest = &rest[close + 2..];
    }
    text.push_str(rest);
    Ok((text, entities))
}

#[derive(Default, Debug)]
struct Tally {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Tally {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

/// The (precision, recall) a kind must reach.
///
/// Issue #3 asks ≥ 0.99 for identifiers with check digits (met) and ≥ 0.90 for names, dates and
/// sensitive categories; issue #20 ≥ 0.92 for HEALTH_DATA. HEALTH_DATA does not reach them: with
/// the broad vocabulary (issue #20) it measures 0.867 / 0.913 (0.894 / 0.872 with the hand
/// lexicon alone); its floor sits a little under the measured figures, so a regression fails
/// here while the gap stays visible in the printed table.
fn bar(kind: FindingKind) -> (f64, f64) {
    use FindingKind as K;
    match kind {
        k if k.has_check_digit() => (0.99, 0.99),
        // ---- below the 0.90 bar: regression floor ----
        K::HealthData => (0.85, 0.90),
        _ => (0.90, 0.90),
    }
}

/// The `*.txt` documents in `dir`, sorted.
fn documents(dir: &str) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<_> = std::fs::read_dir(corpus_dir().join(dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Whether `score` lists each false or missed finding after the table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Errors {
    List,
    /// For the blind set: only the per-kind counts are shown, never which entities.
    Hide,
}

/// Scores every `*.txt` document in `dir` against its labels: prints the per-kind table (and,
/// with `Errors::List`, each false or missed finding), and returns the tallies and the number
/// of documents.
fn score(dir: &str, errors: Errors) -> Result<(BTreeMap<String, Tally>, usize)> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let paths = documents(dir)?;
    let mut misses = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let (text, gold) = parse(&std::fs::read_to_string(path)?).with_context(|| name.clone())?;
        let chars: Vec<char> = text.chars().collect();
        let found = analyze(AnalyzeInput::new(text.clone()))
            .map_err(|e| anyhow::anyhow!("{name}: {}", e.message))?
            .findings;
        let mut matched = vec![false; gold.len()];
        for f in &found {
            let kind = f.kind.name().to_owned();
            let hit = gold.iter().enumerate().position(|(i, g)| {
                !matched[i]
                    && g.kind == kind
                    && g.start < f.end
                    && f.start < g.end
                    && f.checksum_valid.is_none_or(|v| v == g.checksum_ok)
            });
            let tally = tallies.entry(kind.clone()).or_default();
            match hit {
                Some(i) => {
                    matched[i] = true;
                    tally.tp += 1;
                }
                None => {
                    tally.fp += 1;
                    if errors == Errors::List {
                        misses.push(format!(
                            "{name}: false {kind} «{}»",
                            chars[f.start..f.end].iter().collect::<String>()
                        ));
                    }
                }
            }
        }
        for (g, _) in gold.iter().zip(&matched).filter(|(_, m)| !**m) {
            tallies.entry(g.kind.clone()).or_default().fn_ += 1;
            if errors == Errors::List {
                misses.push(format!(
                    "{name}: missed {} «{}»",
                    g.kind,
                    chars[g.start..g.end].iter().collect::<String>()
                ));
            }
        }
    }
    println!(
        "{:<18} {:>5} {:>4} {:>4} {:>9} {:>7}",
        "kind", "TP", "FP", "FN", "precision", "recall"
    );
    for (kind, t) in &tallies {
        println!(
            "{kind:<18} {:>5} {:>4} {:>4} {:>9.3} {:>7.3}",
            t.tp,
            t.fp,
            t.fn_,
            t.precision(),
            t.recall()
        );
    }
    for m in &misses {
        println!("  {m}");
    }
    Ok((tallies, paths.len()))
}

/// Fails, naming each kind and its figures, when a kind's precision or recall falls under
/// `bar`'s floors.
fn meets(tallies: &BTreeMap<String, Tally>, bar: impl Fn(FindingKind) -> (f64, f64)) -> Result<()> {
    let mut failures = Vec::new();
    for (kind, t) in tallies {
        let (p, r) = bar(FindingKind::from_name(kind).context("kind")?);
        if t.precision() < p || t.recall() < r {
            failures.push(format!(
                "{kind}: precision {:.3} (floor {p}), recall {:.3} (floor {r})",
                t.precision(),
                t.recall()
            ));
        }
    }
    ensure!(
        failures.is_empty(),
        "under the floor:\n{}",
        failures.join("\n")
    );
    Ok(())
}

#[test]
fn precision_and_recall_per_kind_reach_their_bars() -> Result<()> {
    let (tallies, documents) = score("documents", Errors::List)?;
    ensure!(documents >= 40, "the corpus has {documents} documents");
    let entities: usize = tallies.values().map(|t| t.tp + t.fn_).sum();
    ensure!(entities >= 300, "the corpus labels {entities} entities");
    meets(&tallies, bar)
}

/// Regression floors for the held-out documents: each is the (precision, recall) measured
/// minus 0.05, rounded down to a multiple of 0.05. These are not targets: HEALTH_DATA recall
/// (0.772 with issue #20's vocabulary, 0.573 before) and SEXUAL_LIFE (0.333 / 0.200) are under
/// issue #3's 0.90.
fn held_out_bar(kind: FindingKind) -> (f64, f64) {
    use FindingKind as K;
    match kind {
        K::HealthData => (0.85, 0.70),
        K::SexualLife => (0.25, 0.15),
        K::BirthDate => (0.95, 0.80),
        K::PatientName => (0.95, 0.90),
        K::Religion => (0.95, 0.70),
        _ => (0.95, 0.95),
    }
}

/// Precision and recall per kind on `tests/corpus/lgpd-analyzer/held-out/`.
///
/// These documents were written and labelled blind to the detector's vocabulary (its word lists
/// were not read, and its output was not looked at, before the labels were committed), after
/// that vocabulary had been tuned on `documents/`. Their figures, not those of `documents/`, are
/// the honest estimate of how the detector generalises to unseen text. The floors sit a little
/// under the measured figures, so a regression fails here.
#[test]
fn held_out_figures() -> Result<()> {
    let (tallies, documents) = score("held-out", Errors::List)?;
    ensure!(documents >= 8, "the held-out set has {documents} documents");
    meets(&tallies, held_out_bar)
}

/// Precision and recall per kind on `tests/corpus/lgpd-analyzer/development/`: 18 documents in
/// the blind set's six styles, written and labelled for issue #20 without reading the
/// vocabulary, then used to tune it (its errors are listed). Floors as for the held-out set.
#[test]
fn development_figures() -> Result<()> {
    let (tallies, documents) = score("development", Errors::List)?;
    ensure!(
        documents >= 18,
        "the development set has {documents} documents"
    );
    meets(&tallies, development_bar)
}

/// Regression floors for the development documents: the (precision, recall) measured minus
/// 0.05, rounded down to a multiple of 0.05.
fn development_bar(kind: FindingKind) -> (f64, f64) {
    use FindingKind as K;
    match kind {
        // Measured 0.867 / 0.772.
        K::HealthData => (0.80, 0.70),
        K::PatientName => (0.85, 0.75),
        K::Religion => (0.70, 0.95),
        K::Ethnicity => (0.95, 0.60),
        K::Rg | K::SexualLife => (0.45, 0.45),
        _ => (0.95, 0.95),
    }
}

/// The six styles issue #20 asks the blind set to cover; a document's style is the part of its
/// name after `bNN-` that starts with one of these.
const BLIND_STYLES: [&str; 6] = [
    "sumario-alta",
    "encaminhamento",
    "receita",
    "laudo",
    "enfermagem",
    "mensagem",
];

/// The blind counts: (kind, TP, FP, FN) on `tests/corpus/lgpd-analyzer/blind/`. First measured
/// on 2026-12-04 with the hand lexicon (HEALTH_DATA 400 / 37 / 307: precision 0.915, recall
/// 0.566); these are the counts with issue #20's vocabulary (`plugins/lgpd-analyzer/vocabulary/`),
/// built without reading this set's errors.
///
/// These are not targets. Issue #20's goals are HEALTH_DATA recall ≥ 0.85 and precision ≥ 0.90
/// on this set; precision is met (0.906), recall is not (0.789). The counts are asserted exactly so that any change to the
/// analyzer shows up on the blind set; when a change moves them, update this table in the same
/// commit and say why — never by relabelling the set or by reading which entities it misses.
const BLIND_BASELINE: &[(&str, usize, usize, usize)] = &[
    ("BIOMETRIC", 1, 0, 0),
    ("BIRTH_DATE", 18, 0, 0),
    ("CEP", 15, 0, 0),
    ("CNPJ", 3, 0, 0),
    ("CNS", 13, 0, 0),
    ("COREN", 12, 0, 0),
    ("CPF", 14, 0, 0),
    ("CRM", 31, 0, 0),
    ("CRP", 1, 0, 0),
    ("EMAIL", 8, 0, 0),
    ("ETHNICITY", 6, 1, 1),
    ("GENETIC", 0, 0, 3),
    // Precision 0.906, recall 0.789: issue #20 asks ≥ 0.90 and ≥ 0.85.
    ("HEALTH_DATA", 558, 58, 149),
    ("PATIENT_NAME", 63, 1, 14),
    ("PHONE", 33, 0, 0),
    ("POLITICAL_OPINION", 0, 0, 1),
    ("RELIGION", 3, 0, 0),
    ("RG", 5, 0, 0),
    ("SEXUAL_LIFE", 1, 0, 0),
];

/// Per-kind counts on the blind set, asserted exactly against `BLIND_BASELINE`, and the set's
/// invariants (issue #20): ≥ 30 documents, ≥ 150 HEALTH_DATA labels, ≥ 4 documents of each of
/// the six styles.
///
/// The documents were written and labelled on 2026-12-04 by the README's guideline, without
/// reading the analyzer's word lists and before its output on them was seen. Only aggregate
/// counts are printed: listing the misses would turn the set into a tuning set.
#[test]
fn blind_set_baseline() -> Result<()> {
    let mut styles: BTreeMap<&str, usize> = BLIND_STYLES.iter().map(|s| (*s, 0)).collect();
    for path in documents("blind")? {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let rest = match name.as_bytes() {
            [b'b', d1, d2, b'-', ..] if d1.is_ascii_digit() && d2.is_ascii_digit() => &name[4..],
            _ => bail!("{name}: a blind document is named bNN-<style>-…"),
        };
        let style = BLIND_STYLES
            .iter()
            .find(|s| rest.starts_with(&format!("{s}-")))
            .with_context(|| format!("{name}: no style of {BLIND_STYLES:?}"))?;
        *styles.entry(style).or_default() += 1;
    }
    println!("documents per style: {styles:?}");

    let (tallies, documents) = score("blind", Errors::Hide)?;
    ensure!(documents >= 30, "the blind set has {documents} documents");
    let health = tallies.get("HEALTH_DATA").map_or(0, |t| t.tp + t.fn_);
    ensure!(
        health >= 150,
        "the blind set labels {health} HEALTH_DATA entities"
    );
    let thin: Vec<_> = styles.iter().filter(|(_, n)| **n < 4).collect();
    ensure!(
        thin.is_empty(),
        "styles with fewer than 4 documents: {thin:?}"
    );

    let measured: Vec<(&str, usize, usize, usize)> = tallies
        .iter()
        .map(|(k, t)| (k.as_str(), t.tp, t.fp, t.fn_))
        .collect();
    let rows = |rows: &[(&str, usize, usize, usize)]| {
        rows.iter()
            .map(|(k, tp, fp, fn_)| format!("  {k} {tp} {fp} {fn_}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    ensure!(
        measured == BLIND_BASELINE,
        "the blind counts moved; kind TP FP FN measured:\n{}\nbaseline:\n{}",
        rows(&measured),
        rows(BLIND_BASELINE)
    );
    Ok(())
}

#[test]
fn paragraphs_without_personal_data_give_no_finding() -> Result<()> {
    let text = std::fs::read_to_string(corpus_dir().join("no-personal-data.txt"))?;
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect();
    ensure!(
        paragraphs.len() >= 30,
        "only {} paragraphs",
        paragraphs.len()
    );
    let mut found = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        let chars: Vec<char> = p.chars().collect();
        for f in analyze(AnalyzeInput::new(*p))
            .map_err(|e| anyhow::anyhow!(e.message))?
            .findings
        {
            found.push(format!(
                "paragraph {}: {} «{}»",
                i + 1,
                f.kind.name(),
                chars[f.start..f.end].iter().collect::<String>()
            ));
        }
    }
    ensure!(
        found.is_empty(),
        "{} findings:\n{}",
        found.len(),
        found.join("\n")
    );
    Ok(())
}
