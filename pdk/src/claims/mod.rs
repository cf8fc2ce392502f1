//! Wire types of the `claims-extractor` reference plugin (compliance: medical claims in health
//! content, flagged against CFM Resolution 2.336/2023 and ANVISA RDC 96/2008).
//!
//! One function, [`EXTRACT`]: a text in ([`ExtractInput`]), its claims out ([`ExtractOutput`]),
//! each with its sentence's character offsets, its type, how assertive it is, what it names,
//! whether it cites a source, and the rules it breaks.
//!
//! Two more, [`EXTRACT_MEDICAL_CLAIMS`] and [`VALIDATE_MEDICAL_CLAIMS`], answer design documents
//! D3's and D4's contracts with `extract`'s claims ([`ClaimsRequest`], [`ClaimsDocument`],
//! [`MedicalClaim`]).

mod extract;
mod medical_claims;
mod report;

pub use extract::{ExtractInput, LanguageChoice};
pub use medical_claims::{ClaimsDocument, ClaimsRequest, MedicalClaim};
pub use report::{
    Assertiveness, Claim, ClaimType, ComplianceStatus, Entity, EntityKind, Evidence, EvidenceKind,
    ExtractOutput, Flag, Language, Severity, Summary,
};

/// The plugin's registered name.
pub const PLUGIN_NAME: &str = "claims-extractor";

/// Its specialty.
pub const SPECIALTY: &str = "compliance";

/// The export that extracts claims.
pub const EXTRACT: &str = "extract";

/// Design document D3's export: `{content, medical_ontology}` in, `extract`'s claims as
/// [`MedicalClaim`]s out.
pub const EXTRACT_MEDICAL_CLAIMS: &str = "extract_medical_claims";

/// Design document D4's export: any JSON whose strings are the text in, `extract`'s claims as
/// [`MedicalClaim`]s out.
pub const VALIDATE_MEDICAL_CLAIMS: &str = "validate_medical_claims";
