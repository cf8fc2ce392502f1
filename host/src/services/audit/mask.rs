//! Masking identifiers in the messages plugins log, so that no audit record holds PHI.
//!
//! This is a safety net, not an anonymiser: a plugin must not log personal data in the first
//! place. It catches the identifiers most likely to slip in by accident (CPF, CNPJ, CNS, phone
//! numbers, CEPs, dates of birth, e-mail addresses) and keeps short numbers readable.

/// A plugin event message after [`mask_event_message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedMessage {
    /// The masked, possibly shortened text.
    pub text: String,
    /// How many digit runs and e-mail addresses were replaced in the text kept.
    pub masked: usize,
    /// Whether the text was cut to fit the byte limit.
    pub truncated: bool,
}

/// What ends a cut message (3 bytes in UTF-8).
const ELLIPSIS: char = '…';

/// What replaces an e-mail address.
const EMAIL: &str = "[email]";

/// Characters allowed between the digits of one run: `529.982.247-25`, `12/03/1980`.
const SEPARATORS: [char; 4] = ['.', '-', '/', ' '];

/// How many digits a run needs to be masked: `3 findings` stays, `2024` does not.
const MIN_MASKED_DIGITS: usize = 4;

/// Masks identifiers in `message`, then cuts it to at most `max_bytes` bytes.
///
/// - A run of digits, with single separators (`.`, `-`, `/` or a space) between digits, that
///   holds at least 4 digits has every digit replaced by `#`, separators kept:
///   `529.982.247-25` becomes `###.###.###-##`, `12/03/1980` becomes `##/##/####`. Shorter runs
///   (`3 achados`, `(11)`) stay. Any Unicode numeric character counts as a digit.
/// - Anything shaped like an e-mail address (`local@domain.tld`, the top-level domain at least
///   two letters) becomes `[email]`.
/// - A result longer than `max_bytes` is cut on a character boundary and ends with `…`, within
///   the limit (with no `…` when the limit is under 3 bytes). Masking happens first, so a cut
///   never reveals part of an identifier.
///
/// Works on any UTF-8 and never panics. Time is linear in the message's length.
#[must_use]
pub fn mask_event_message(message: &str, max_bytes: usize) -> MaskedMessage {
    let emails = find_emails(message);
    let mut next_email = emails.iter().copied().peekable();
    let mut text = String::with_capacity(message.len().min(max_bytes.saturating_add(4)));
    // Where each replacement starts in `text`, to count those that survive the cut.
    let mut mask_starts = Vec::new();
    let mut i = 0;
    while i < message.len() && text.len() <= max_bytes {
        let limit = match next_email.peek() {
            Some(&(start, end)) if start == i => {
                mask_starts.push(text.len());
                text.push_str(EMAIL);
                next_email.next();
                i = end;
                continue;
            }
            Some(&(start, _)) => start,
            None => message.len(),
        };
        let Some(c) = message[i..].chars().next() else {
            break;
        };
        if !c.is_numeric() {
            text.push(c);
            i += c.len_utf8();
            continue;
        }
        let (end, digits) = digit_run(&message[i..limit]);
        let run = &message[i..i + end];
        if digits >= MIN_MASKED_DIGITS {
            mask_starts.push(text.len());
            text.extend(run.chars().map(|c| if c.is_numeric() { '#' } else { c }));
        } else {
            text.push_str(run);
        }
        i += end;
    }
    let truncated = text.len() > max_bytes;
    if truncated {
        let ellipsis = max_bytes >= ELLIPSIS.len_utf8();
        let mut cut = if ellipsis {
            max_bytes - ELLIPSIS.len_utf8()
        } else {
            max_bytes
        };
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        mask_starts.retain(|&start| start < cut);
        if ellipsis {
            text.push(ELLIPSIS);
        }
    }
    MaskedMessage {
        text,
        masked: mask_starts.len(),
        truncated,
    }
}

/// The length in bytes of the digit run at the start of `s` (which starts with a digit), and
/// how many digits it holds.
fn digit_run(s: &str) -> (usize, usize) {
    let mut chars = s.char_indices().peekable();
    let (mut end, mut digits) = (0, 0);
    while let Some((k, c)) = chars.next() {
        if c.is_numeric() {
            digits += 1;
            end = k + c.len_utf8();
        } else if !(SEPARATORS.contains(&c) && chars.peek().is_some_and(|&(_, n)| n.is_numeric())) {
            break;
        }
    }
    (end, digits)
}

/// The byte ranges of the e-mail addresses in `s`, in order, not overlapping.
fn find_emails(s: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    // No address starts before the end of the previous one.
    let mut floor = 0;
    for (at, _) in s.match_indices('@') {
        if at < floor {
            continue;
        }
        let mut start = at;
        for (k, c) in s[floor..at].char_indices().rev() {
            if !is_local_char(c) {
                break;
            }
            start = floor + k;
        }
        while s[start..at].starts_with('.') {
            start += 1;
        }
        let domain_start = at + 1;
        let mut end = domain_start;
        for (k, c) in s[domain_start..].char_indices() {
            if !is_domain_char(c) {
                break;
            }
            end = domain_start + k + c.len_utf8();
        }
        // A sentence may end right after an address: "write to maria@x.com.br."
        while end > domain_start && s[..end].ends_with(['.', '-']) {
            end -= 1;
        }
        if start < at && is_domain(&s[domain_start..end]) {
            spans.push((start, end));
            floor = end;
        }
    }
    spans
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-')
}

/// `x.com.br`: two labels or more, none empty, the last at least two letters.
fn is_domain(domain: &str) -> bool {
    let mut labels = domain.split('.');
    let tld = labels.next_back().unwrap_or_default();
    let mut count = 1;
    for label in labels {
        if label.is_empty() {
            return false;
        }
        count += 1;
    }
    count >= 2 && tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic)
}

pub use medplug_pdk::host_fns::is_valid_event_name;

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(message: &str) -> String {
        let out = mask_event_message(message, 10_000);
        assert!(!out.truncated);
        out.text
    }

    #[test]
    fn masks_the_example_exactly() {
        let out = mask_event_message(
            "paciente CPF 529.982.247-25, tel (11) 98765-4321, maria@x.com.br: 3 achados",
            1024,
        );
        assert_eq!(
            out,
            MaskedMessage {
                text: "paciente CPF ###.###.###-##, tel (11) #####-####, [email]: 3 achados"
                    .to_owned(),
                masked: 3,
                truncated: false,
            }
        );
    }

    #[test]
    fn masks_brazilian_identifiers_and_dates() {
        assert_eq!(mask("CNPJ 11.222.333/0001-81"), "CNPJ ##.###.###/####-##");
        assert_eq!(mask("CNS 898 0012 3456 7890"), "CNS ### #### #### ####");
        assert_eq!(mask("CEP 01310-100."), "CEP #####-###.");
        assert_eq!(mask("nascido em 12/03/1980"), "nascido em ##/##/####");
        assert_eq!(mask("id:12345678901"), "id:###########");
        assert_eq!(mask("ano 2024"), "ano ####");
        assert_eq!(mask("1-2-3-4"), "#-#-#-#");
        assert_eq!(
            mask("José, 12/03/1980, Ribeirão"),
            "José, ##/##/####, Ribeirão"
        );
        assert_eq!(mask("full-width １２３４"), "full-width ####");
    }

    #[test]
    fn keeps_short_numbers_readable() {
        assert_eq!(mask("3 findings in 12 pages"), "3 findings in 12 pages");
        assert_eq!(mask("versão 1.2.3"), "versão 1.2.3");
        assert_eq!(mask("12 -34"), "12 -34");
        assert_eq!(mask("12 -34 56"), "12 -## ##");
        assert_eq!(mask("(11) ok"), "(11) ok");
        assert_eq!(mask("123."), "123.");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn masks_email_addresses() {
        assert_eq!(
            mask("write to joão.silva+x@hospital.org.br."),
            "write to [email]."
        );
        assert_eq!(mask("a@x.com,b2@y-z.org"), "[email],[email]");
        assert_eq!(mask("ids 12345@x.io"), "ids [email]");
        assert_eq!(
            mask("user@localhost, @x.com, a@b, x@y.c1"),
            "user@localhost, @x.com, a@b, x@y.c1"
        );
        assert_eq!(mask("a@@b.com"), "a@@b.com");
        assert_eq!(mask("a@b..com"), "a@b..com");
        assert_eq!(mask("a@b.com@c.org"), "[email]@c.org");
        assert_eq!(mask_event_message("a@b.com 1234", 100).masked, 2);
    }

    #[test]
    fn cuts_long_messages_on_char_boundaries() {
        // 5,000 bytes of 2-byte characters: 997 is inside one, so the cut is at 996.
        let message = "é".repeat(2_500);
        let out = mask_event_message(&message, 1_000);
        assert!(out.truncated);
        assert_eq!(out.text, format!("{}…", "é".repeat(498)));
        assert_eq!(out.text.len(), 999);

        // 3-byte characters after "xy": 997 is inside the 332nd "€", so the cut is at 995.
        let message = format!("xy{}", "€".repeat(1_666));
        assert_eq!(message.len(), 5_000);
        let out = mask_event_message(&message, 1_000);
        assert_eq!(out.text, format!("xy{}…", "€".repeat(331)));
        assert_eq!(out.text.len(), 998);

        // A digit run across the cut is masked before cutting.
        let message = format!("{}123456789", "a".repeat(4_991));
        let out = mask_event_message(&message, 1_000);
        assert_eq!(out.text, format!("{}…", "a".repeat(997)));
        assert_eq!(out.masked, 0);
        let out = mask_event_message(&message[3_999..], 1_000);
        assert_eq!(out.text, format!("{}#####…", "a".repeat(992)));
        assert_eq!(out.masked, 1);

        // Exactly at the limit: no cut. Tiny limits: no room for the ellipsis.
        assert!(!mask_event_message("abcd", 4).truncated);
        assert_eq!(mask_event_message("abcd", 3).text, "…");
        assert_eq!(mask_event_message("abcd", 2).text, "ab");
        assert_eq!(mask_event_message("ébc", 1).text, "");
        assert_eq!(mask_event_message("abcd", 0).text, "");
    }

    #[test]
    fn never_exceeds_the_limit_and_agrees_with_the_uncut_text() {
        let message = "Dr. Ção 529.982.247-25 ✓ ana@x.com.br 🩺 (11) 98765-4321 fim";
        let full = mask(message);
        for max in 0..message.len() + 4 {
            let out = mask_event_message(message, max);
            assert!(out.text.len() <= max, "{max}: {}", out.text);
            if out.truncated {
                let kept = out.text.trim_end_matches(ELLIPSIS);
                assert!(full.starts_with(kept), "{max}: {kept}");
            } else {
                assert_eq!(out.text, full);
            }
        }
        for (start, _) in message.char_indices() {
            for end in (start..=message.len()).filter(|&e| message.is_char_boundary(e)) {
                let _ = mask_event_message(&message[start..end], 16);
            }
        }
    }

    #[test]
    fn validates_event_names() {
        for name in [
            "a",
            "finding",
            "phi_detected",
            "step2_done",
            &"a".repeat(64),
        ] {
            assert!(is_valid_event_name(name), "{name}");
        }
        for name in [
            "",
            "1a",
            "_a",
            "Finding",
            "a-b",
            "a b",
            "ação",
            &"a".repeat(65),
        ] {
            assert!(!is_valid_event_name(name), "{name}");
        }
    }
}
