//! `analyze`: find CPF numbers in a text, verify them, weigh the context, score the risk.

use std::sync::LazyLock;

use medplug_pdk::PluginError;
use medplug_pdk::lgpd::{AnalyzeInput, AnalyzeOutput, DataCategory, Finding, FindingKind};
use regex::Regex;

use crate::{cpf, risk};

/// A CPF's shapes: `ddd.ddd.ddd-dd`, bare eleven digits, and the partial forms in between.
static CPF_SHAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}").expect("valid regex"));

/// Characters before a number searched for context words.
const CONTEXT_CHARS: usize = 40;
/// Words that name a CPF just before the number.
const CPF_WORDS: [&str; 3] = ["cpf", "c.p.f", "cadastro de pessoa"];
/// Words that make an eleven-digit number more likely a phone (a mobile with area code has 11
/// digits too: Anatel's numbering plan, Resolução nº 709/2019).
const PHONE_WORDS: [&str; 6] = ["tel", "fone", "celular", "whatsapp", "contato", "ligar"];
/// The LGPD provision that makes a CPF personal data.
const CPF_REFERENCE: &str = "LGPD Art. 5, I (dado pessoal)";

/// How a candidate is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `ddd.ddd.ddd-dd`, as the Receita prints it.
    Canonical,
    /// Some of the punctuation (`ddddddddd-dd`).
    Partial,
    /// Eleven bare digits: also the shape of a mobile number with area code.
    Bare,
}

/// What the words before a number say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Cpf,
    Phone,
    None,
}

/// Finds personal data in `input.content` and scores the risk. Never fails on any text.
pub fn analyze(input: AnalyzeInput) -> Result<AnalyzeOutput, PluginError> {
    let findings = find_cpfs(&input.content);
    let (risk_score, risk_level) = risk::score(&findings);
    Ok(AnalyzeOutput {
        findings,
        risk_score,
        risk_level,
    })
}

fn find_cpfs(text: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    // Char offsets are counted incrementally: matches come in order.
    let (mut byte_cursor, mut char_cursor) = (0usize, 0usize);
    for m in CPF_SHAPE.find_iter(text) {
        if !stands_alone(text, m.start(), m.end()) {
            continue;
        }
        let raw = m.as_str();
        let digits = cpf_digits(raw);
        let valid = cpf::is_valid_cpf(&digits);
        let shape = shape_of(raw);
        let context = context_before(text, m.start());
        let Some(confidence) = confidence(shape, valid, context) else {
            continue;
        };
        char_cursor += text[byte_cursor..m.start()].chars().count();
        byte_cursor = m.start();
        let start = char_cursor;
        let end = start + raw.chars().count();
        findings.push(Finding {
            kind: FindingKind::Cpf,
            category: DataCategory::Personal,
            start,
            end,
            masked: mask(raw),
            confidence,
            checksum_valid: Some(valid),
            lgpd_reference: CPF_REFERENCE.to_owned(),
        });
    }
    findings
}

/// A CPF is not part of a longer number or word (`12.345.678/0001-95`, `A12345678901`).
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().rev().take(2).collect::<Vec<_>>();
    let after = text[end..].chars().take(2).collect::<Vec<_>>();
    let glued = |c: char| c.is_alphanumeric() || c == '_';
    let joins_number =
        |pair: &[char]| matches!(pair, [p, d, ..] if ".-/".contains(*p) && d.is_ascii_digit());
    !(before.first().is_some_and(|&c| glued(c))
        || after.first().is_some_and(|&c| glued(c))
        || joins_number(&before)
        || joins_number(&after))
}

fn cpf_digits(raw: &str) -> [u8; 11] {
    let mut digits = [0u8; 11];
    for (slot, b) in digits
        .iter_mut()
        .zip(raw.bytes().filter(u8::is_ascii_digit))
    {
        *slot = b - b'0';
    }
    digits
}

fn shape_of(raw: &str) -> Shape {
    match raw.len() {
        14 => Shape::Canonical,
        11 => Shape::Bare,
        _ => Shape::Partial,
    }
}

fn context_before(text: &str, start: usize) -> Context {
    let window: String = text[..start]
        .chars()
        .rev()
        .take(CONTEXT_CHARS)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let window = window.to_lowercase();
    let last = |words: &[&str]| words.iter().filter_map(|w| window.rfind(w)).max();
    match (last(&CPF_WORDS), last(&PHONE_WORDS)) {
        (Some(c), Some(p)) if p > c => Context::Phone,
        (Some(_), _) => Context::Cpf,
        (None, Some(_)) => Context::Phone,
        (None, None) => Context::None,
    }
}

/// How sure a candidate is a CPF; `None` when it is not worth reporting.
///
/// A number that verifies is reported whatever its context, with less confidence when bare (one
/// random eleven-digit number in a hundred verifies) or near phone words. One that fails its check
/// digits is reported, with low confidence and `checksum_valid: false`, only when its shape or its
/// context says CPF.
fn confidence(shape: Shape, valid: bool, context: Context) -> Option<f64> {
    use Context as C;
    use Shape as S;
    match (valid, shape, context) {
        (true, S::Canonical, C::Cpf) => Some(0.99),
        (true, S::Canonical, C::None) => Some(0.9),
        (true, S::Canonical, C::Phone) => Some(0.7),
        (true, S::Partial, C::Cpf) | (true, S::Bare, C::Cpf) => Some(0.95),
        (true, S::Partial, C::None) => Some(0.8),
        (true, S::Bare, C::None) => Some(0.6),
        (true, S::Partial | S::Bare, C::Phone) => Some(0.3),
        (false, S::Canonical | S::Partial, C::Cpf) => Some(0.3),
        (false, S::Canonical | S::Partial, C::None) => Some(0.2),
        (false, S::Bare, C::Cpf) => Some(0.15),
        (false, _, C::Phone) | (false, S::Bare, C::None) => None,
    }
}

/// Hides every digit but the two check digits, keeping the punctuation: `***.***.***-25`.
fn mask(raw: &str) -> String {
    let digits = raw.bytes().filter(u8::is_ascii_digit).count();
    let mut seen = 0;
    raw.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen <= digits - 2 { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use medplug_pdk::lgpd::RiskLevel;

    use super::*;

    fn run(text: &str) -> AnalyzeOutput {
        analyze(AnalyzeInput {
            content: text.to_owned(),
        })
        .unwrap()
    }

    #[test]
    fn finds_a_formatted_cpf_with_char_offsets() {
        let text = "Paciente João, CPF 529.982.247-25, atendida hoje.";
        let out = run(text);
        assert_eq!(out.findings.len(), 1);
        let f = &out.findings[0];
        assert_eq!((f.start, f.end), (19, 33));
        assert_eq!(
            text.chars()
                .skip(f.start)
                .take(f.end - f.start)
                .collect::<String>(),
            "529.982.247-25"
        );
        assert_eq!(f.masked, "***.***.***-25");
        assert_eq!(f.checksum_valid, Some(true));
        assert_eq!(f.confidence, 0.99);
        assert_eq!(
            (out.risk_score, out.risk_level),
            (35, RiskLevel::MedioRisco)
        );
    }

    #[test]
    fn finds_bare_and_partial_forms() {
        let one = |text: &str| {
            let out = run(text);
            assert_eq!(out.findings.len(), 1, "{text}");
            let f = &out.findings[0];
            (f.start, f.end, f.masked.clone(), f.confidence)
        };
        assert_eq!(
            one("cpf 52998224725"),
            (4, 15, "*********25".to_owned(), 0.95)
        );
        assert_eq!(
            one("documento 111444777-35"),
            (10, 22, "*********-35".to_owned(), 0.8)
        );
        assert_eq!(
            one("número 11144477735"),
            (7, 18, "*********35".to_owned(), 0.6)
        );
        let three = run("CPF 52998224725, 111444777-35 e 11144477735");
        assert_eq!(
            (three.risk_score, three.risk_level),
            (100, RiskLevel::Critico)
        );
    }

    #[test]
    fn a_failed_check_digit_is_never_valid() {
        let out = run("CPF: 529.982.247-26");
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.findings[0].checksum_valid, Some(false));
        assert_eq!(out.findings[0].confidence, 0.3);
        assert_eq!((out.risk_score, out.risk_level), (5, RiskLevel::BaixoRisco));
        // Repeated digits pass the arithmetic but are not issued.
        assert_eq!(
            run("CPF 111.111.111-11").findings[0].checksum_valid,
            Some(false)
        );
        // A bare number that fails and has no CPF context is just a number.
        assert!(run("protocolo 12345678901").findings.is_empty());
    }

    #[test]
    fn phone_context_lowers_confidence_or_drops() {
        // 11987654321 fails the CPF check: a phone, not reported.
        assert!(run("celular 11987654321").findings.is_empty());
        // 52998224725 verifies, but next to "telefone" it is likely a phone.
        assert_eq!(run("telefone 52998224725").findings[0].confidence, 0.3);
        // The nearest word wins: CPF after the phone word.
        assert_eq!(
            run("tel. 3333-4444, CPF 52998224725").findings[0].confidence,
            0.95
        );
    }

    #[test]
    fn parts_of_longer_numbers_are_not_cpfs() {
        for text in [
            "CNPJ 11.222.333/0001-81",
            "12529982247250",
            "A52998224725",
            "529.982.247-25.7",
            "1.529.982.247-25",
        ] {
            assert!(run(text).findings.is_empty(), "{text}");
        }
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text = "Ação: ç ã é — CPF 529.982.247-25 e João CPF 111.444.777-35";
        let out = run(text);
        let chars: Vec<char> = text.chars().collect();
        let spans: Vec<String> = out
            .findings
            .iter()
            .map(|f| chars[f.start..f.end].iter().collect())
            .collect();
        assert_eq!(spans, ["529.982.247-25", "111.444.777-35"]);
    }

    #[test]
    fn empty_text_is_baixo_risco() {
        let out = run("");
        assert!(out.findings.is_empty());
        assert_eq!((out.risk_score, out.risk_level), (0, RiskLevel::BaixoRisco));
    }
}
