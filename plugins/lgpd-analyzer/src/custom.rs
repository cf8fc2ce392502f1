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
/// Patterns may share a kind, not give it two categories.
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
            // A kind's legal facts are reported once per kind (`kinds`): one category each.
            if let Some(j) = patterns[..i]
                .iter()
                .position(|q| q.kind == p.kind && q.category != p.category)
            {
                return Err(name(format!(
                    "kind is given another category by custom_patterns[{j}]; one kind, one \
                     category"
                )));
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

#[cfg(test)]
mod tests {
    use medplug_pdk::ErrorCode;
    use medplug_pdk::lgpd::DataCategory;

    use super::*;

    fn pattern(kind: &str, category: DataCategory) -> CustomPattern {
        CustomPattern {
            kind: kind.to_owned(),
            category,
            pattern: "PR-[0-9]+".to_owned(),
            confidence: None,
        }
    }

    #[test]
    fn a_kind_keeps_one_category() {
        let same = [
            pattern("PRONTUARIO", DataCategory::Personal),
            pattern("PRONTUARIO", DataCategory::Personal),
        ];
        assert_eq!(compile(&same).map(|c| c.len()).ok(), Some(2));
        let two = [
            pattern("PRONTUARIO", DataCategory::Personal),
            pattern("PRONTUARIO", DataCategory::Sensitive),
        ];
        let err = compile(&two).err().expect("refused");
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert_eq!(
            err.message,
            "custom_patterns[1] (kind `PRONTUARIO`, pattern `PR-[0-9]+`): kind is given another \
             category by custom_patterns[0]; one kind, one category"
        );
    }
}
