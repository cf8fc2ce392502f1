//! Custom patterns supplied at call time.

use medplug_pdk::PluginError;
use medplug_pdk::lgpd::{CustomPattern, FindingKind, Kind};
use regex_automata::meta::Regex;

use crate::candidate::Candidate;

/// Confidence of a custom finding when the pattern gives none.
const DEFAULT_CONFIDENCE: f64 = 0.9;
/// Compiled size a custom pattern may reach; bounds the work a caller can ask for.
const SIZE_LIMIT: usize = 1 << 20;

/// A custom pattern, checked and compiled.
pub struct Compiled {
    kind: Kind,
    category: medplug_pdk::lgpd::DataCategory,
    regex: Regex,
    confidence: f64,
}

/// Checks and compiles the patterns; the first bad one is an `invalid_input` error naming it.
pub fn compile(patterns: &[CustomPattern]) -> Result<Vec<Compiled>, PluginError> {
    patterns
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = |what: String| {
                PluginError::invalid_input(format!(
                    "custom_patterns[{i}] (kind `{}`, pattern `{}`): {what}",
                    p.kind, p.pattern
                ))
            };
            let upper_snake = p.kind.starts_with(|c: char| c.is_ascii_uppercase())
                && p.kind
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if !upper_snake {
                return Err(name(
                    "kind must be UPPER_SNAKE ([A-Z][A-Z0-9_]*)".to_owned(),
                ));
            }
            if FindingKind::from_name(&p.kind).is_some() {
                return Err(name(
                    "kind is a built-in kind's name; choose another".to_owned(),
                ));
            }
            let confidence = p.confidence.unwrap_or(DEFAULT_CONFIDENCE);
            if !(0.0..=1.0).contains(&confidence) {
                return Err(name(format!(
                    "confidence {confidence} is not between 0 and 1"
                )));
            }
            let regex = Regex::builder()
                .configure(Regex::config().nfa_size_limit(Some(SIZE_LIMIT)))
                .build(&p.pattern)
                .map_err(|e| name(format!("invalid regex: {e}")))?;
            Ok(Compiled {
                kind: Kind::Custom(p.kind.clone()),
                category: p.category,
                regex,
                confidence,
            })
        })
        .collect()
}

/// Every non-empty match of every custom pattern.
pub fn find(text: &str, patterns: &[Compiled], out: &mut Vec<Candidate>) {
    for p in patterns {
        for m in p.regex.find_iter(text).filter(|m| !m.is_empty()) {
            out.push(Candidate {
                kind: p.kind.clone(),
                category: p.category,
                start: m.start(),
                end: m.end(),
                confidence: p.confidence,
                checksum_valid: None,
            });
        }
    }
}
