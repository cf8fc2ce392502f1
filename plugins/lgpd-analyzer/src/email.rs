//! E-mail addresses (RFC 5322's common form: local part, `@`, a dotted domain).
//!
//! Found from each `@` outwards rather than with a regex, so a text without `@` costs one
//! `memchr` pass.

use medplug_pdk::lgpd::FindingKind;

use crate::candidate::Candidate;

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._%+-".contains(&b)
}

fn is_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

/// Finds every e-mail address in `text`.
pub fn find(text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    for at in memchr::memchr_iter(b'@', bytes) {
        let start = (0..at)
            .rev()
            .take_while(|&i| is_local(bytes[i]))
            .last()
            .unwrap_or(at);
        let mut end = (at + 1..bytes.len())
            .take_while(|&i| is_domain(bytes[i]))
            .last()
            .map_or(at + 1, |i| i + 1);
        // A sentence's final period is not part of the domain.
        while end > at + 1 && bytes[end - 1] == b'.' {
            end -= 1;
        }
        let start = (start..at).find(|&i| bytes[i] != b'.').unwrap_or(at);
        let domain = &text[at + 1..end];
        let tld_ok = domain.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
        });
        if start < at && tld_ok {
            out.push(Candidate::builtin(
                FindingKind::Email,
                start,
                end,
                0.95,
                None,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_without_trailing_punctuation() {
        let text = "Escreva para maria.souza+exames@gmail.com. Ou @fulano, ou a@b.";
        let mut out = Vec::new();
        find(text, &mut out);
        let found: Vec<&str> = out.iter().map(|c| &text[c.start..c.end]).collect();
        assert_eq!(found, ["maria.souza+exames@gmail.com"]);
    }
}
