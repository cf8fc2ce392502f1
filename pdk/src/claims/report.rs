//! `extract`'s output: the claims, each with what it is, how it is said, what backs it and the
//! rules it breaks; and a summary.
//!
//! Offsets are in characters (Unicode scalar values) of `content`, end exclusive, as the LGPD
//! analyzer's are. Rule texts are in pt-BR and name the article they come from.

use serde::{Deserialize, Serialize};

/// Output of `extract`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ExtractOutput {
    /// The language the text was read in.
    pub language: Language,
    /// The specialty given in the input, if any.
    pub specialty: Option<String>,
    /// Every sentence that makes a claim, in text order.
    pub claims: Vec<Claim>,
    /// Counts and the overall verdict.
    pub summary: Summary,
}

/// A language the extractor reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Brazilian Portuguese.
    Pt,
    /// English.
    En,
}

/// One sentence that makes a medical claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Claim {
    /// The sentence.
    pub text: String,
    /// Its first character in `content`.
    pub start: usize,
    /// One past its last character.
    pub end: usize,
    /// Its index among all the text's sentences (claims or not), from 0.
    pub sentence_index: usize,
    /// What kind of claim.
    pub claim_type: ClaimType,
    /// How it is said.
    pub assertiveness: Assertiveness,
    /// Conditions, interventions and substances the sentence names.
    pub entities: Vec<Entity>,
    /// The source the sentence cites, if it cites one.
    pub evidence: Option<Evidence>,
    /// An assertive claim of effect, cure, safety, prevention, comparison, numbers or
    /// diagnosis with no source in the sentence.
    pub requires_evidence: bool,
    /// The rules the sentence breaks; empty when it breaks none.
    pub flags: Vec<Flag>,
}

/// The kinds of claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClaimType {
    /// An intervention works, improves, reduces, treats.
    Efficacy,
    /// An intervention cures or eliminates a disease.
    Cure,
    /// A result is guaranteed or certain.
    Guarantee,
    /// Something is safe, risk-free, without side effects (or carries a risk).
    Safety,
    /// Something prevents or protects against a disease.
    Prevention,
    /// Better, best, only, first: a comparison with others.
    Comparative,
    /// Numbers about outcomes or prevalence used as an argument.
    Statistical,
    /// A test or sign detects or diagnoses something.
    Diagnostic,
    /// A patient's account of their own result.
    Testimonial,
    /// Prices, discounts, promotions, gifts.
    PricePromotion,
}

/// How a claim is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Assertiveness {
    /// Stated as fact.
    Assertive,
    /// Softened: "pode ajudar", "may reduce", "estudos sugerem".
    Hedged,
    /// Denied: "não cura", "there is no guarantee".
    Negated,
}

/// Something a claim names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Entity {
    /// What it is.
    pub kind: EntityKind,
    /// The words as written.
    pub text: String,
    /// First character in `content`.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// Kinds of entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A disease, condition or symptom (melasma, hipertensão, acne).
    Condition,
    /// A procedure, treatment or test (laser, preenchimento, mamografia).
    Intervention,
    /// A medicine, active ingredient or supplement (hidroquinona, vitamina D).
    Substance,
}

/// The source a claim cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Evidence {
    /// How it cites.
    pub kind: EvidenceKind,
    /// The citing words as written ("segundo a OMS", "PMID: 31234567").
    pub text: String,
}

/// Ways of citing a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A health authority or medical society (OMS, ANVISA, SBD, CDC, FDA).
    Authority,
    /// A named journal or a published study.
    Publication,
    /// A DOI.
    Doi,
    /// A PubMed id.
    Pmid,
    /// An author and year ("Smith et al., 2020").
    AuthorYear,
}

/// A rule a claim breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Flag {
    /// The rule's stable id (`cfm_guarantee`, `anvisa_no_side_effects`).
    pub rule: String,
    /// How serious.
    pub severity: Severity,
    /// Why, in pt-BR, naming the resolution and its article.
    pub reason: String,
}

/// How serious a broken rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Must be rewritten before publication.
    High,
    /// Should be reviewed.
    Medium,
}

/// Counts and the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Summary {
    /// Sentences read.
    pub sentence_count: usize,
    /// Sentences that make a claim.
    pub claim_count: usize,
    /// Claims that break a rule.
    pub flagged_count: usize,
    /// Claims that need a source and cite none.
    pub unsupported_count: usize,
    /// The verdict.
    pub compliance_status: ComplianceStatus,
}

/// Whether the text may be published as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplianceStatus {
    /// No flag, and every claim that needs a source has one.
    Compliant,
    /// No flag, but claims lack a source: a reviewer should look.
    NeedsReview,
    /// At least one claim breaks a rule.
    NonCompliant,
}
