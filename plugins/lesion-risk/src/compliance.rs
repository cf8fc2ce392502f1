//! The check that a report's texts make no prohibited claim.
//!
//! Rules, each with its source:
//! - `no_cure_promise`: no promise of cure (CFM Resolução 2.336/2023 on medical advertising,
//!   in force since March 2024);
//! - `no_result_guarantee`: no guarantee of results or of safety ("garantido", "100 %",
//!   "sem risco", "milagroso"; CFM Resolução 2.336/2023);
//! - `sunscreen_names_spf`: a text that advises sunscreen names an SPF of 30 or more (Consenso
//!   Brasileiro de Fotoproteção, SBD 2014).
//!
//! Words are matched whole and case-insensitively, so "procurar" is not "curar".

use medplug_pdk::lesion::{ComplianceCheck, ComplianceViolation};

/// Words that promise a cure.
const CURE_WORDS: [&str; 8] = [
    "cura", "curas", "curar", "curado", "curada", "curável", "curavel", "cure",
];

/// Word beginnings and phrases that guarantee a result.
const GUARANTEE_PREFIXES: [&str; 4] = ["garant", "milagr", "infalív", "infaliv"];
const GUARANTEE_PHRASES: [&str; 5] = [
    "100%",
    "100 %",
    "sem risco",
    "risco zero",
    "sem efeitos colaterais",
];

/// Words that advise sunscreen.
const SUNSCREEN_PHRASES: [&str; 3] = ["protetor solar", "filtro solar", "fotoprotetor"];

/// The lowest SPF a sunscreen recommendation may name (Consenso Brasileiro de Fotoproteção).
const MIN_SPF: u32 = 30;

/// Checks `texts` against every rule.
pub(crate) fn check<'a>(texts: impl IntoIterator<Item = &'a str>) -> ComplianceCheck {
    let mut violations = Vec::new();
    for text in texts {
        let lower = crate::latin::lower(text);
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        for word in &words {
            if CURE_WORDS.contains(word) {
                violations.push(violation("no_cure_promise", word));
            }
            if GUARANTEE_PREFIXES.iter().any(|p| word.starts_with(p)) {
                violations.push(violation("no_result_guarantee", word));
            }
        }
        for phrase in GUARANTEE_PHRASES {
            if lower.contains(phrase) {
                violations.push(violation("no_result_guarantee", phrase));
            }
        }
        if SUNSCREEN_PHRASES.iter().any(|p| lower.contains(p)) && !names_spf(&words) {
            violations.push(violation("sunscreen_names_spf", text));
        }
    }
    ComplianceCheck {
        passed: violations.is_empty(),
        rules: RULES.iter().map(|r| (*r).to_owned()).collect(),
        violations,
    }
}

/// The rules, as the report lists them.
const RULES: [&str; 3] = [
    "no_cure_promise: sem promessa de cura (CFM Resolução 2.336/2023)",
    "no_result_guarantee: sem garantia de resultado ou de segurança (CFM Resolução 2.336/2023)",
    "sunscreen_names_spf: orientação de protetor solar informa FPS 30 ou mais (Consenso \
     Brasileiro de Fotoproteção, SBD 2014)",
];

/// Whether `words` hold "fps" followed by a number of at least [`MIN_SPF`].
fn names_spf(words: &[&str]) -> bool {
    words
        .windows(2)
        .any(|pair| pair[0] == "fps" && pair[1].parse::<u32>().is_ok_and(|spf| spf >= MIN_SPF))
}

fn violation(rule: &str, evidence: &str) -> ComplianceViolation {
    ComplianceViolation {
        rule: rule.to_owned(),
        evidence: evidence.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_broken(text: &str) -> Vec<String> {
        check([text])
            .violations
            .into_iter()
            .map(|v| v.rule)
            .collect()
    }

    #[test]
    fn promises_and_guarantees_are_caught() {
        assert_eq!(
            rules_broken("Tratamento que CURA o melanoma."),
            ["no_cure_promise"]
        );
        assert_eq!(
            rules_broken("Resultado garantido."),
            ["no_result_guarantee"]
        );
        assert_eq!(
            rules_broken("Eficaz em 100% dos casos."),
            ["no_result_guarantee"]
        );
        assert_eq!(
            rules_broken("Procedimento sem risco."),
            ["no_result_guarantee"]
        );
    }

    #[test]
    fn sunscreen_advice_must_name_an_spf_of_30_or_more() {
        assert_eq!(
            rules_broken("Use protetor solar diariamente."),
            ["sunscreen_names_spf"]
        );
        assert_eq!(
            rules_broken("Use protetor solar com FPS 15."),
            ["sunscreen_names_spf"]
        );
        assert_eq!(
            rules_broken("Use protetor solar com FPS 50."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn words_that_merely_contain_a_rule_word_pass() {
        // "procurar" holds "curar"; "assegurar" nothing forbidden; "curativo" is a dressing.
        let check = check(["Procurar o dermatologista; trocar o curativo."]);
        assert!(check.passed, "{:?}", check.violations);
        assert_eq!(check.rules.len(), 3);
    }
}
