//! Professional registrations: CRM, CRP, COREN and CRO numbers with their UF or region.
//!
//! Councils publish these registries (Lei 3.268/1957 for CRM; Lei 5.766/1971, CRP; Lei
//! 5.905/1973, COREN; Lei 4.324/1964, CRO), so they are reported as `professional`. A number
//! counts only with its UF (`CRM-SP 123456`, `CRM 123456/SP`) or, for psychologists, its region
//! (`CRP 06/123456`).

use std::ops::Range;

use medplug_pdk::lgpd::FindingKind;

use crate::candidate::Candidate;

/// The registration as the scanner matches it in case-folded text: council, UF or region,
/// number, UF. [`read`] then requires the council in capitals, as the councils print it.
pub const PATTERN: &str = concat!(
    r"(?:crm|crp|coren|cro)(?:[ ]?[-/:][ ]?|[ ])?",
    r"(?:(?:ac|al|ap|am|ba|ce|df|es|go|ma|mt|ms|mg|pa|pb|pr|pe|pi|rj|rn|rs|ro|rr|sc|sp|se|to)[ ]?[-:]?[ ]?)?",
    r"(?:n[º°o]\.?[ ]?|:[ ]?)?",
    r"(?:[0-9]{2}/)?",
    r"[0-9](?:[0-9.]{2,9}[0-9])?(?:-[0-9])?",
    r"(?:-(?:enf|te|ae|aux|ob))?",
    r"(?:[ ]?[-/][ ]?(?:ac|al|ap|am|ba|ce|df|es|go|ma|mt|ms|mg|pa|pb|pr|pe|pi|rj|rn|rs|ro|rr|sc|sp|se|to))?",
);

const UFS: [&str; 27] = [
    "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR",
    "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
];

/// Reads a registration match; `None` when it names neither a UF nor a CRP region.
pub fn read(text: &str, span: Range<usize>) -> Option<Candidate> {
    let raw = &text[span.clone()];
    let kind = [
        ("COREN", FindingKind::Coren),
        ("CRM", FindingKind::Crm),
        ("CRP", FindingKind::Crp),
        ("CRO", FindingKind::Cro),
    ]
    .into_iter()
    .find(|(prefix, _)| raw.starts_with(prefix))?
    .1;
    let rest = &raw[kind.name().len()..];
    let has_uf = rest
        .split(|c: char| !c.is_ascii_uppercase())
        .any(|word| UFS.contains(&word));
    let has_region = kind == FindingKind::Crp
        && rest
            .trim_start_matches([' ', '-', '/', ':'])
            .get(2..3)
            .is_some_and(|c| c == "/");
    let digits = rest.bytes().filter(u8::is_ascii_digit).count();
    (digits >= 4 && (has_uf || has_region))
        .then(|| Candidate::builtin(kind, span.start, span.end, 0.95, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::{Cue, scan};

    fn registrations(text: &str) -> Vec<(&str, &'static str)> {
        scan(&crate::fold::fold_case(text))
            .into_iter()
            .filter(|(cue, _)| *cue == Cue::Registration)
            .filter_map(|(_, r)| read(text, r))
            .map(|c| (&text[c.start..c.end], c.builtin_kind().unwrap().name()))
            .collect()
    }

    #[test]
    fn the_usual_ways_of_writing_them() {
        let text = "Dra. Ana, CRM-SP 123456; CRM/RJ 52.12345-6; CRM 98765/MG; CRP 06/123456; \
                    COREN-SP 123.456-ENF; CRO-MG 12345; CRM 12345 (sem UF).";
        assert_eq!(
            registrations(text),
            [
                ("CRM-SP 123456", "CRM"),
                ("CRM/RJ 52.12345-6", "CRM"),
                ("CRM 98765/MG", "CRM"),
                ("CRP 06/123456", "CRP"),
                ("COREN-SP 123.456-ENF", "COREN"),
                ("CRO-MG 12345", "CRO"),
            ]
        );
    }
}
