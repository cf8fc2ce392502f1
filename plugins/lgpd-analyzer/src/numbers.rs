//! Identifiers written with digits: CPF, CNPJ, CNS, PIS, título de eleitor, RG, CEP, telephone.
//!
//! One pass over the text cuts it into numeric tokens (digits joined by `.` `-` `/` `(` `)` and
//! single spaces). Each token, or each run of its space-separated groups, is read by its
//! *skeleton* — digits written `d`, punctuation kept — against the formats the issuers print
//! (`ddd.ddd.ddd-dd` is a CPF, `ddd dddd dddd dddd` a CNS). Bare digit runs have several readings
//! (eleven digits: CPF, PIS or mobile); the check digits and the words just before the number
//! decide, as in Presidio's pattern + checksum + context design.

use std::ops::Range;

use medplug_pdk::lgpd::FindingKind;

use crate::candidate::Candidate;
use crate::check_digit::{cnpj, cns, cpf, pis, rg_sp, titulo};
use crate::phone;
use crate::text::{char_at, char_before, is_word_char, window_before};

/// Characters before a number searched for words that name it.
const CONTEXT_CHARS: usize = 40;
/// Space-separated groups one token may join; longer runs are read as separate tokens.
const MAX_GROUPS: usize = 8;

/// Words that name an identifier just before it (lower case, whole words). Multi-word names
/// are reached through their telling word: "cartão SUS" by `sus`, "título de eleitor" by
/// `eleitor`.
fn context_word(word: &str) -> Option<FindingKind> {
    use FindingKind as K;
    Some(match word {
        "cpf" => K::Cpf,
        "cnpj" => K::Cnpj,
        "cns" | "sus" => K::Cns,
        "pis" | "pasep" | "nit" | "nis" => K::Pis,
        "eleitor" | "eleitoral" | "título" | "titulo" => K::TituloEleitor,
        "rg" | "identidade" => K::Rg,
        "cep" => K::Cep,
        "tel" | "telefone" | "fone" | "celular" | "cel" | "whatsapp" | "whats" | "zap"
        | "contato" | "ligar" | "recado" => K::Phone,
        _ => return None,
    })
}

/// How a number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    /// Bare digits.
    Bare,
    /// Some of the issuer's punctuation.
    Partial,
    /// As the issuer prints it.
    Formatted,
}

/// One way to read a number.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Reading {
    kind: FindingKind,
    form: Form,
    /// `Some` for kinds with a check digit.
    valid: Option<bool>,
    /// For a phone: it carries an area code.
    area_code: bool,
}

/// Finds every numeric identifier in `text`.
pub fn find(text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let token = scan_token(bytes, i);
        read_token(text, &token, out);
        i = token.last().map_or(i + 1, |g| g.end.max(i + 1));
    }
}

/// Finds CNPJs in the alphanumeric form (`12.ABC.345/01DE-35`, IN RFB nº 2.229/2024), which the
/// digit tokenizer cannot see: each `/` is checked for the printed shape around it.
pub fn find_alphanumeric_cnpj(text: &str, out: &mut Vec<Candidate>) {
    const SHAPE: &[u8; 18] = b"xx.xxx.xxx/xxxx-dd";
    let bytes = text.as_bytes();
    for slash in memchr::memchr_iter(b'/', bytes) {
        let Some(start) = slash.checked_sub(10) else {
            continue;
        };
        let Some(raw) = bytes.get(start..start + SHAPE.len()) else {
            continue;
        };
        let fits = raw.iter().zip(SHAPE).all(|(&b, &s)| match s {
            b'x' => b.is_ascii_digit() || b.is_ascii_uppercase(),
            b'd' => b.is_ascii_digit(),
            _ => b == s,
        });
        // All-digit ones are the tokenizer's.
        if !fits || raw.iter().all(|b| !b.is_ascii_uppercase()) {
            continue;
        }
        let end = start + SHAPE.len();
        if char_before(text, start).is_some_and(is_word_char)
            || char_at(text, end).is_some_and(is_word_char)
        {
            continue;
        }
        let chars: Vec<u8> = raw
            .iter()
            .copied()
            .filter(u8::is_ascii_alphanumeric)
            .collect();
        let valid = cnpj::is_valid(&chars.try_into().expect("fourteen characters"));
        let context = context_before(text, start);
        let confidence = match (valid, context == Some(FindingKind::Cnpj)) {
            (true, true) => 0.99,
            (true, false) => 0.9,
            (false, true) => 0.3,
            (false, false) => 0.2,
        };
        out.push(Candidate::builtin(
            FindingKind::Cnpj,
            start,
            end,
            confidence,
            Some(valid),
        ));
    }
}

/// The space-separated groups of the numeric token that begins at `first_digit`.
fn scan_token(bytes: &[u8], first_digit: usize) -> Vec<Range<usize>> {
    let mut groups = Vec::new();
    let mut group_start = match first_digit.checked_sub(1).map(|p| bytes[p]) {
        Some(b'(' | b'+') => first_digit - 1,
        _ => first_digit,
    };
    let mut pos = first_digit;
    loop {
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        // The `X` check character of a São Paulo RG closes a token.
        if bytes.get(pos) == Some(&b'-')
            && matches!(bytes.get(pos + 1), Some(b'X' | b'x'))
            && !bytes.get(pos + 2).is_some_and(u8::is_ascii_alphanumeric)
        {
            groups.push(group_start..pos + 2);
            return groups;
        }
        let mut sep = pos;
        while sep < bytes.len() && sep - pos < 2 && b".-/ ()".contains(&bytes[sep]) {
            sep += 1;
        }
        if sep == pos || !bytes.get(sep).is_some_and(u8::is_ascii_digit) {
            break;
        }
        if bytes[pos..sep].contains(&b' ') {
            groups.push(group_start..pos);
            if groups.len() == MAX_GROUPS {
                return groups;
            }
            group_start = if bytes[sep - 1] == b'(' { sep - 1 } else { sep };
        }
        pos = sep;
    }
    groups.push(group_start..pos);
    groups
}

/// Reads the longest runs of groups that form an identifier, left to right.
fn read_token(text: &str, groups: &[Range<usize>], out: &mut Vec<Candidate>) {
    let glued_before = char_before(text, groups[0].start).is_some_and(is_word_char);
    let last = groups.len();
    let glued_after = char_at(text, groups[last - 1].end).is_some_and(is_word_char);
    let mut i = usize::from(glued_before);
    while i < last {
        let found = (i + 1..=last)
            .rev()
            .filter(|&j| !(glued_after && j == last))
            .find_map(|j| {
                let span = groups[i].start..groups[j - 1].end;
                // A `(` or `+` joins a phone number; for anything else it is punctuation.
                let bare = if text[span.clone()].starts_with(['(', '+']) {
                    Some(span.start + 1..span.end)
                } else {
                    None
                };
                read_span(text, span)
                    .or_else(|| bare.and_then(|span| read_span(text, span)))
                    .map(|c| (j, c))
            });
        match found {
            Some((j, candidate)) => {
                out.push(candidate);
                i = j;
            }
            None => i += 1,
        }
    }
}

fn read_span(text: &str, span: Range<usize>) -> Option<Candidate> {
    let raw = &text[span.clone()];
    let readings = readings(raw);
    if readings.is_empty() {
        return None;
    }
    let context = context_before(text, span.start);
    let (reading, confidence) = decide(&readings, context)?;
    Some(Candidate::builtin(
        reading.kind,
        span.start,
        span.end,
        confidence,
        reading.valid,
    ))
}

/// The identifier kind named by the nearest context word before byte `at`.
fn context_before(text: &str, at: usize) -> Option<FindingKind> {
    let window = window_before(text, at, CONTEXT_CHARS);
    window
        .rsplit(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .find_map(context_word)
}

/// Every plausible reading of a number by its skeleton and digits.
fn readings(raw: &str) -> Vec<Reading> {
    use FindingKind as K;
    use Form::{Bare, Formatted as F, Partial};
    let skeleton: String = raw
        .chars()
        .map(|c| if c.is_ascii_digit() { 'd' } else { c })
        .collect();
    let digits: Vec<u8> = raw
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    let reading = |kind: K, form| Reading {
        kind,
        form,
        valid: valid(kind, &digits, raw),
        area_code: false,
    };
    let mut out = Vec::new();
    match skeleton.as_str() {
        "ddd.ddd.ddd-dd" => out.push(reading(K::Cpf, F)),
        "ddddddddd-dd" => out.push(reading(K::Cpf, Partial)),
        "dd.ddd.ddd/dddd-dd" => out.push(reading(K::Cnpj, F)),
        "dddddddd/dddd-dd" => out.push(reading(K::Cnpj, Partial)),
        "ddd dddd dddd dddd" | "ddd.dddd.dddd.dddd" => out.push(reading(K::Cns, F)),
        "ddd.ddddd.dd-d" => out.push(reading(K::Pis, F)),
        "dddddddddd-d" => out.push(reading(K::Pis, Partial)),
        "dddd dddd dddd" | "dddd.dddd.dddd" => out.push(reading(K::TituloEleitor, F)),
        "dd.ddd.ddd-d" | "dd.ddd.ddd-X" | "dd.ddd.ddd-x" | "d.ddd.ddd-d" | "d.ddd.ddd-X"
        | "d.ddd.ddd-x" => out.push(reading(K::Rg, F)),
        "dd.ddd.ddd" | "d.ddd.ddd" => out.push(Reading {
            kind: K::Rg,
            form: Partial,
            valid: None,
            area_code: false,
        }),
        "ddddd-ddd" | "dd.ddd-ddd" => out.push(reading(K::Cep, F)),
        _ if skeleton.bytes().all(|b| b == b'd') => match digits.len() {
            7 => out.push(reading(K::Rg, Bare)),
            8 => out.push(reading(K::Cep, Bare)),
            9 | 10 => out.push(reading(K::Rg, Bare)),
            11 => {
                out.push(reading(K::Cpf, Bare));
                out.push(reading(K::Pis, Bare));
            }
            12 => out.push(reading(K::TituloEleitor, Bare)),
            14 => out.push(reading(K::Cnpj, Bare)),
            15 => out.push(reading(K::Cns, Bare)),
            _ => {}
        },
        _ => {}
    }
    if skeleton.bytes().all(|b| b"d -()+".contains(&b))
        && let Some(shape) = phone::parse(&digits, raw.starts_with('+'))
    {
        let form = if raw.contains(['(', '+']) {
            F
        } else if raw.contains('-') {
            Partial
        } else {
            Bare
        };
        out.push(Reading {
            kind: K::Phone,
            form: if form == Partial && !shape.has_area_code && digits.len() == 8 {
                Bare
            } else {
                form
            },
            valid: None,
            area_code: shape.has_area_code,
        });
    }
    out
}

/// Whether the digits verify as `kind`; `None` when the kind's rule does not apply.
fn valid(kind: FindingKind, digits: &[u8], raw: &str) -> Option<bool> {
    use FindingKind as K;
    let array = |n: usize| (digits.len() == n).then_some(digits);
    Some(match kind {
        K::Cpf => cpf::is_valid(array(11)?.try_into().ok()?),
        K::Cnpj => cnpj::is_valid(&digits_to_ascii::<14>(array(14)?)?),
        K::Cns => cns::is_valid(array(15)?.try_into().ok()?),
        K::Pis => pis::is_valid(array(11)?.try_into().ok()?),
        K::TituloEleitor => titulo::is_valid(array(12)?.try_into().ok()?),
        K::Rg => {
            // Eight (or seven, zero-padded) digits and a check character.
            let check = *raw.as_bytes().last()?;
            let base_digits = if check.is_ascii_digit() {
                &digits[..digits.len() - 1]
            } else {
                digits
            };
            if !(7..=8).contains(&base_digits.len()) {
                return None;
            }
            let mut base = [0u8; 8];
            base[8 - base_digits.len()..].copy_from_slice(base_digits);
            rg_sp::is_valid(&base, check)
        }
        _ => return None,
    })
}

fn digits_to_ascii<const N: usize>(digits: &[u8]) -> Option<[u8; N]> {
    let ascii: Vec<u8> = digits.iter().map(|d| d + b'0').collect();
    ascii.try_into().ok()
}

/// Which reading to report, and how sure: the context word first, then check digits and form.
fn decide(readings: &[Reading], context: Option<FindingKind>) -> Option<(Reading, f64)> {
    use FindingKind as K;
    use Form::{Bare, Formatted, Partial};
    if let Some(r) = readings.iter().find(|r| Some(r.kind) == context) {
        let confidence = match (r.valid, r.form) {
            (Some(true), Formatted) => 0.99,
            (Some(true), Partial) => 0.97,
            (Some(true), Bare) => 0.95,
            (None, Formatted) => 0.95,
            (None, Partial) => 0.93,
            (None, Bare) => 0.9,
            (Some(false), Formatted | Partial) => 0.3,
            (Some(false), Bare) => 0.15,
        };
        return Some((*r, confidence));
    }
    // No word names it: a verified identifier still stands, less sure when it is also a likely
    // phone (an eleven-digit mobile) or a bare run of digits.
    let phone_context = context == Some(K::Phone);
    // A word naming another identifier just before (a row of documents) makes a number of a
    // length only one identifier has worth reporting even when its check digits fail.
    let identifier_row = context.is_some_and(|k| k != K::Phone);
    readings
        .iter()
        .filter_map(|r| {
            let confidence: f64 = match (r.kind, r.valid, r.form) {
                (_, Some(true), _) if phone_context => 0.3,
                (_, Some(false), _) if phone_context => return None,
                (K::Rg, Some(true), Formatted) => 0.8,
                (K::Rg, _, _) => return None,
                (_, Some(true), Formatted) => 0.9,
                (_, Some(true), Partial) => 0.8,
                (K::Cns, Some(true), Bare) => 0.7,
                (K::Cpf | K::Cnpj, Some(true), Bare) => 0.6,
                (K::Pis, Some(true), Bare) => 0.5,
                (K::Cpf | K::Cnpj | K::Pis | K::Cns, Some(false), Formatted | Partial) => 0.2,
                (K::Phone, _, Formatted) => 0.85,
                (K::Phone, _, Partial) => 0.6,
                (K::Cnpj, Some(false), Bare) if identifier_row => 0.15,
                // Fifteen digits are a CNS's length alone.
                (K::Cns, Some(false), Bare) => 0.15,
                (K::Phone, _, Bare) if context.is_none() && r.area_code => 0.5,
                (K::Cep, _, Formatted) => 0.8,
                _ => return None,
            };
            Some((*r, confidence))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, &'static str, f64, Option<bool>)> {
        let mut out = Vec::new();
        find(text, &mut out);
        out.into_iter()
            .map(|c| {
                (
                    text[c.start..c.end].to_owned(),
                    c.builtin_kind().unwrap().name(),
                    c.confidence,
                    c.checksum_valid,
                )
            })
            .collect()
    }

    #[test]
    fn formats_decide_the_kind() {
        let text = "CPF 529.982.247-25; CNPJ 11.222.333/0001-81; CNS 123 4567 8901 0000; \
                    PIS 469.52280.63-7; RG 31.203.131-2; CEP 01310-100; tel (11) 98765-4321";
        let kinds: Vec<_> = found(text).into_iter().map(|f| (f.0, f.1)).collect();
        assert_eq!(
            kinds,
            [
                ("529.982.247-25".into(), "CPF"),
                ("11.222.333/0001-81".into(), "CNPJ"),
                ("123 4567 8901 0000".into(), "CNS"),
                ("469.52280.63-7".into(), "PIS"),
                ("31.203.131-2".into(), "RG"),
                ("01310-100".into(), "CEP"),
                ("(11) 98765-4321".into(), "PHONE"),
            ]
        );
    }

    #[test]
    fn context_reads_bare_digits() {
        assert_eq!(found("PIS 46952280637")[0].1, "PIS");
        assert_eq!(
            found("cpf 52998224725")[0],
            ("52998224725".into(), "CPF", 0.95, Some(true))
        );
        assert_eq!(found("celular 11987654321")[0].1, "PHONE");
        assert_eq!(found("telefone 52998224725")[0].2, 0.3);
        assert_eq!(found("título de eleitor 000000000116")[0].3, Some(true));
        assert!(found("protocolo 000000000116").is_empty());
    }

    #[test]
    fn a_space_joined_token_splits_at_the_identifier() {
        let f = found("CPF 529.982.247-25 12 comprimidos, CPF: 529.982.247-25. 3 dias");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].0, "529.982.247-25");
        assert_eq!(f[1].0, "529.982.247-25");
    }

    #[test]
    fn rg_check_character_x() {
        assert_eq!(
            found("RG 00.000.005-X"),
            [("00.000.005-X".into(), "RG", 0.99, Some(true))]
        );
    }
}
