//! What LGPD says of one kind of data: given once per kind present in a report, not repeated on
//! each of its findings (a dense 1 MB note has over 10,000 findings and a few kinds).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::DataCategory;

/// The legal facts of one kind of data found, and how many findings have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct KindFacts {
    /// Its LGPD category (a custom pattern names its own).
    pub category: DataCategory,
    /// How many of the report's findings are of this kind.
    pub count: usize,
    /// Whether processing it needs a legal basis (LGPD Art. 7 for personal data, Art. 11 for
    /// sensitive data); `false` for professional registrations the councils publish
    /// (Art. 7 §4).
    pub legal_basis_required: bool,
    /// Whether publishing it needs the holder's consent (Art. 7 I; specific and highlighted
    /// consent for sensitive data, Art. 11 I).
    pub consent_required: bool,
    /// The LGPD provision that governs this data.
    pub lgpd_reference: String,
}

/// The facts of every kind present in a report, keyed by the kind's UPPER_SNAKE name (a
/// finding's `kind`).
pub type KindsPresent = BTreeMap<String, KindFacts>;
