//! Wire types of the `claims-extractor` reference plugin (compliance: medical claims in health
//! content, flagged against CFM Resolution 2.336/2023 and ANVISA RDC 96/2008).
//!
//! One function, [`EXTRACT`]: a text in ([`ExtractInput`]), its claims out ([`ExtractOutput`]),
//! each with its sentence's character offsets, its type, how assertive it is, what it names,
//! whether it cites a source, and the rules it breaks.

mod extract;
mod report;

pub use extract::{ExtractInput, LanguageChoice};
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
