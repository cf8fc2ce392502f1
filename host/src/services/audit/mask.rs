//! Masking identifiers in the messages plugins log, so that no audit record holds PHI.
//!
//! This is a safety net, not an anonymiser: a plugin must not log personal data in the first
//! place. It catches the identifiers most likely to slip in by accident (CPF, CNPJ, CNS, phone
//! numbers, CEPs, dates of birth, e-mail addresses, people's names) and keeps short numbers,
//! codes and plugin names readable.
//!
//! Names are found by shape, not by vocabulary (the LGPD analyzer's cue-driven recogniser is
//! built for documents, with a name list and automata a log line does not need): an event
//! message is a short line in which masking a capitalised word that was not a name costs
//! little, while a name left in the trail cannot be taken back.

/// A plugin event message after [`mask_event_message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedMessage {
    /// The masked, possibly shortened text.
    pub text: String,
    /// How many digit runs, e-mail addresses and names were replaced in the text kept.
    pub masked: usize,
    /// Whether the text was cut to fit the byte limit.
    pub truncated: bool,
}

/// What ends a cut message (3 bytes in UTF-8).
const ELLIPSIS: char = '…';

/// What replaces an e-mail address.
const EMAIL: &str = "[email]";

/// What replaces a person's name.
const NAME: &str = "[name]";

/// Lowercase words after which a single capitalised word is taken for a name: `paciente Ana`,
/// `Sr. Souza`, `nome: Ana`.
const NAME_CUES: [&str; 34] = [
    "paciente",
    "pacientes",
    "sr",
    "sra",
    "srta",
    "dr",
    "dra",
    "nome",
    "mãe",
    "mae",
    "pai",
    "filho",
    "filha",
    "esposa",
    "esposo",
    "marido",
    "responsável",
    "responsavel",
    "acompanhante",
    "médico",
    "médica",
    "medico",
    "medica",
    "enfermeiro",
    "enfermeira",
    "patient",
    "mr",
    "mrs",
    "ms",
    "miss",
    "name",
    "mother",
    "father",
    "doctor",
];

/// Portuguese particles that join the parts of a name: `Maria da Silva`, `Ana e Souza`.
const NAME_PARTICLES: [&str; 6] = ["da", "de", "do", "das", "dos", "e"];

/// The longest run of `.`, `:`, `=` and blanks between a cue and the name after it.
const MAX_CUE_GAP_BYTES: usize = 4;

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
/// - A person's name becomes `[name]`: two or more capitalised words in a row (a capital,
///   Unicode or Latin-1, then at least one lowercase letter: `Maria`, `Ávila`, `D'Ávila`,
///   `Ana-Luísa`; or an initial, `J.`), separated by blanks, optionally joined by the particles
///   `da`, `de`, `do`, `das`, `dos`, `e` (`Maria da Silva`); and one capitalised word right
///   after a name cue (`paciente`, `sr.`, `sra.`, `dr.`, `dra.`, `nome:`, `mãe`, `pai`,
///   `patient`, … in any case), the cue itself kept: `Paciente Ana` becomes `Paciente [name]`.
///   Words in capitals only (`CPF`, `LGPD`), words with digits or `_` (`HEALTH_DATA`, `Step2`)
///   and lowercase words (`lgpd-analyzer`) are not names and stay readable; so does a lone
///   capitalised word without a cue (`Ribeirão`). A sentence's first word before a name goes
///   with it (`Found Ana Souza` becomes `[name]`): cheap over-masking in a log line.
/// - A result longer than `max_bytes` is cut on a character boundary and ends with `…`, within
///   the limit (with no `…` when the limit is under 3 bytes). Masking happens first, so a cut
///   never reveals part of an identifier.
///
/// Works on any UTF-8 and never panics. Time is linear in the message's length.
#[must_use]
pub fn mask_event_message(message: &str, max_bytes: usize) -> MaskedMessage {
    let emails = find_emails(message);
    let names = find_names(message, &emails);
    let mut spans: Vec<(usize, usize, &str)> = emails
        .iter()
        .map(|&(start, end)| (start, end, EMAIL))
        .chain(names.iter().map(|&(start, end)| (start, end, NAME)))
        .collect();
    spans.sort_unstable();
    let mut next_span = spans.iter().copied().peekable();
    let mut text = String::with_capacity(message.len().min(max_bytes.saturating_add(4)));
    // Where each replacement starts in `text`, to count those that survive the cut.
    let mut mask_starts = Vec::new();
    let mut i = 0;
    while i < message.len() && text.len() <= max_bytes {
        let limit = match next_span.peek() {
            Some(&(start, end, replacement)) if start == i => {
                mask_starts.push(text.len());
                text.push_str(replacement);
                next_span.next();
                i = end;
                continue;
            }
            Some(&(start, _, _)) => start,
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

/// What a word is, for finding names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// A capitalised word (`Maria`, `Ávila`, `D'Ávila`) or an initial with its dot (`J.`).
    Name,
    /// `da`, `de`, `do`, `das`, `dos`, `e`.
    Particle,
    /// A word after which one capitalised word is a name (`paciente`, `Dr`).
    Cue,
    /// Anything else: lowercase words, codes in capitals, words with digits or `_`, words
    /// inside an e-mail address.
    Other,
}

/// The words of `s`: maximal runs of letters, digits and `_`, with `-`, `'` or `’` inside
/// (between two letters or digits); an initial's dot belongs to it.
fn words(s: &str, emails: &[(usize, usize)]) -> Vec<(usize, usize, Word)> {
    let is_word_char = |c: char| c.is_alphanumeric() || c == '_';
    let mut words = Vec::new();
    let mut chars = s.char_indices().peekable();
    let mut email = emails.iter().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_word_char(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(k, c)) = chars.peek() {
            if is_word_char(c) {
                end = k + c.len_utf8();
                chars.next();
            } else if matches!(c, '-' | '\'' | '’')
                && s[k + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(is_word_char)
            {
                chars.next();
            } else {
                break;
            }
        }
        let word = &s[start..end];
        while email.next_if(|&&(_, e_end)| e_end <= start).is_some() {}
        let in_email = email.peek().is_some_and(|&&(e_start, _)| e_start <= start);
        let mut letters = word.chars();
        let first = letters.next().unwrap_or_default();
        let initial = letters.next().is_none() && first.is_uppercase() && s[end..].starts_with('.');
        let kind = if in_email {
            Word::Other
        } else if initial {
            end += 1;
            Word::Name
        } else if word.len() <= 16 && NAME_CUES.contains(&word.to_lowercase().as_str()) {
            Word::Cue
        } else if NAME_PARTICLES.contains(&word) {
            Word::Particle
        } else if first.is_uppercase()
            && word.chars().any(char::is_lowercase)
            && word
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
        {
            Word::Name
        } else {
            Word::Other
        };
        if kind == Word::Name && initial {
            chars.next(); // the dot
        }
        words.push((start, end, kind));
    }
    words
}

/// The byte ranges of the names in `s` (see [`mask_event_message`]), in order, outside the
/// e-mail addresses `emails`.
fn find_names(s: &str, emails: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let words = words(s, emails);
    // Blanks only between two words of one name.
    let blank = |a: usize, b: usize| {
        let gap = &s[words[a].1..words[b].0];
        !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '\t')
    };
    let mut names = Vec::new();
    let mut after_cue = false;
    let mut i = 0;
    while i < words.len() {
        let kind = words[i].2;
        if kind == Word::Cue {
            let gap = words.get(i + 1).map_or("", |next| &s[words[i].1..next.0]);
            after_cue = !gap.is_empty()
                && gap.len() <= MAX_CUE_GAP_BYTES
                && gap
                    .chars()
                    .all(|c| matches!(c, ' ' | '\t' | '.' | ':' | '='));
            i += 1;
            continue;
        }
        if kind != Word::Name {
            after_cue = false;
            i += 1;
            continue;
        }
        let (first, mut last, mut count) = (i, i, 1);
        loop {
            let next = |k: usize| words.get(k).map(|w| w.2);
            if next(last + 1) == Some(Word::Name) && blank(last, last + 1) {
                last += 1;
            } else if next(last + 1) == Some(Word::Particle)
                && next(last + 2) == Some(Word::Name)
                && blank(last, last + 1)
                && blank(last + 1, last + 2)
            {
                last += 2;
            } else {
                break;
            }
            count += 1;
        }
        if count >= 2 || after_cue {
            names.push((words[first].0, words[last].1));
        }
        after_cue = false;
        i = last + 1;
    }
    names
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
    fn masks_names() {
        assert_eq!(mask("Maria da Silva"), "[name]");
        assert_eq!(
            mask("laudo de Maria das Dores Souza pronto"),
            "laudo de [name] pronto"
        );
        assert_eq!(mask("Ana e João Ávila"), "[name]");
        assert_eq!(mask("Ana Luísa D'Ávila-Souza ok"), "[name] ok");
        assert_eq!(mask("Maria J. Silva, 3 achados"), "[name], 3 achados");
        assert_eq!(mask("ÉLODIE? Élodie Öztürk"), "ÉLODIE? [name]");
        assert_eq!(
            mask("paciente Ana tem 3 achados"),
            "paciente [name] tem 3 achados"
        );
        assert_eq!(mask("Paciente Ana Souza"), "Paciente [name]");
        assert_eq!(
            mask("Sr. Souza, Sra.Ávila, Dr Ção"),
            "Sr. [name], Sra.[name], Dr [name]"
        );
        assert_eq!(
            mask("nome: Ana; mãe Joana; pai: Rui"),
            "nome: [name]; mãe [name]; pai: [name]"
        );
        assert_eq!(
            mask("patient Smith; Dr. J. Watson"),
            "patient [name]; Dr. [name]"
        );
        assert_eq!(mask("Found Ana Souza"), "[name]");
        let out = mask_event_message("Ana Souza, CPF 529.982.247-25, ana@x.com.br", 100);
        assert_eq!(out.text, "[name], CPF ###.###.###-##, [email]");
        assert_eq!(out.masked, 3);
    }

    #[test]
    fn keeps_codes_plugin_names_and_lone_words_readable() {
        for kept in [
            "HEALTH_DATA em 3 trechos (LGPD Art. 11)",
            "lgpd-analyzer 0.1.0: CPF, CNS, EMAIL",
            "José, ##/##/####, Ribeirão",
            "Maria, 3 achados",
            "paciente maria",
            "nome: CPF",
            "paciente, depois Ana",
            "Maria\nSouza",
            "Maria, Souza",
            "Maria de souza",
            "Ana da",
            "Step2 Done",
            "x ana.Souza@x.com.br",
            "",
        ] {
            let expected = kept.replace("x ana.Souza@x.com.br", "x [email]");
            assert_eq!(mask(kept), expected, "{kept}");
        }
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
