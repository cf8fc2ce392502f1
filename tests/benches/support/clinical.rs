//! The "clinical" 1 MB document of the LGPD benchmark (issue 20, decision 2): realistic notes at
//! their own density of findings.
//!
//! Every document of the labelled corpus (`tests/corpus/lgpd-analyzer/documents/*.txt`), its
//! `[[KIND:text]]` labels stripped to their text, repeated until 1,000,000 bytes — and in each
//! repetition every identifier with a check digit (CPF, CNPJ numeric and alphanumeric, CNS of
//! both families, PIS, título de eleitor, SP RG) is replaced by a fresh one in the same format,
//! valid by its issuer's rule (`lgpd_analyzer::check_digit`), or invalid where the label says
//! `!`. Other identifiers (phones, CEPs, other states' RGs) get fresh digits. The numbers come
//! from a fixed-seed generator: every run reads the same document.

use std::path::Path;

use lgpd_analyzer::check_digit::{cnpj, cns, cpf, pis, rg_sp, titulo};

/// One labelled document: text and labels in order.
enum Piece {
    Text(String),
    Label {
        kind: String,
        invalid: bool,
        text: String,
    },
}

/// SplitMix64: a small deterministic generator, enough for fresh digits.
struct Digits(u64);

impl Digits {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn digit(&mut self) -> u8 {
        (self.next() % 10) as u8
    }

    fn letter(&mut self) -> u8 {
        b'A' + (self.next() % 26) as u8
    }

    fn digits<const N: usize>(&mut self) -> [u8; N] {
        std::array::from_fn(|_| self.digit())
    }
}

/// The labelled documents, in file-name order.
fn labelled(root: &Path) -> Vec<Vec<Piece>> {
    let dir = root.join("tests/corpus/lgpd-analyzer/documents");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus is readable")
        .map(|e| e.expect("a corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let marked = std::fs::read_to_string(path).expect("a corpus document");
            let mut pieces = Vec::new();
            let mut rest = marked.as_str();
            while let Some(open) = rest.find("[[") {
                pieces.push(Piece::Text(rest[..open].to_owned()));
                let close = open + rest[open..].find("]]").expect("a closed label");
                let (kind, text) = rest[open + 2..close]
                    .split_once(':')
                    .expect("a label with `:`");
                pieces.push(Piece::Label {
                    kind: kind.trim_end_matches('!').to_owned(),
                    invalid: kind.ends_with('!'),
                    text: text.to_owned(),
                });
                rest = &rest[close + 2..];
            }
            pieces.push(Piece::Text(rest.to_owned()));
            pieces
        })
        .collect()
}

/// `surface` with its digits (and, for `letters`, its upper-case letters) replaced in order by
/// `chars`, its format kept.
fn refill(surface: &str, chars: &[u8], letters: bool) -> String {
    let mut chars = chars.iter();
    surface
        .bytes()
        .map(|b| {
            if b.is_ascii_digit() || (letters && b.is_ascii_uppercase()) {
                *chars.next().expect("as many characters as the surface")
            } else {
                b
            }
        })
        .map(char::from)
        .collect()
}

/// The value characters of `surface`: its digits, and its upper-case letters for `letters`.
fn values(surface: &str, letters: bool) -> Vec<u8> {
    surface
        .bytes()
        .filter(|b| b.is_ascii_digit() || (letters && b.is_ascii_uppercase()))
        .collect()
}

/// The São Paulo form of an RG, `dd.ddd.ddd-D`, whose last character is a check digit or `X`.
fn is_sp_rg(surface: &str) -> bool {
    let b = surface.as_bytes();
    b.len() == 12 && b[2] == b'.' && b[6] == b'.' && b[10] == b'-'
}

/// Digit values as ASCII.
fn ascii(digits: &[u8]) -> Vec<u8> {
    digits.iter().map(|d| b'0' + d).collect()
}

/// The last character of a valid number made wrong: its check digit no longer verifies.
fn spoil(mut chars: Vec<u8>) -> Vec<u8> {
    let last = chars.last_mut().expect("a digit");
    *last = match *last {
        b'X' => b'0',
        b'9' => b'0',
        d => d + 1,
    };
    chars
}

/// A fresh value for a label of `kind` written as `surface`; `None` to keep the surface.
fn fresh(kind: &str, surface: &str, invalid: bool, rng: &mut Digits) -> Option<String> {
    let old = values(surface, kind == "CNPJ");
    let new: Vec<u8> = match (kind, old.len()) {
        ("CPF", 11) => {
            let base: [u8; 9] = rng.digits();
            let mut all = base.to_vec();
            all.extend(cpf::check_digits(&base));
            ascii(&all)
        }
        ("PIS", 11) => {
            let base: [u8; 10] = rng.digits();
            let mut all = base.to_vec();
            all.push(pis::check_digit(&base));
            ascii(&all)
        }
        ("CNPJ", 14) => {
            // Letters stay letters and digits digits; the branch (0001, 0002) is kept.
            let mut base = [0u8; 12];
            for (slot, &c) in base.iter_mut().zip(&old) {
                *slot = if c.is_ascii_uppercase() {
                    rng.letter()
                } else {
                    b'0' + rng.digit()
                };
            }
            base[8..].copy_from_slice(&old[8..12]);
            let mut all = base.to_vec();
            all.extend(ascii(&cnpj::check_digits(&base).expect("0-9A-Z")));
            all
        }
        ("CNS", 15) => {
            let family = old[0] - b'0';
            let mut digits = [0u8; 15];
            digits[0] = family;
            if family <= 2 {
                let mut prefix: [u8; 11] = rng.digits();
                prefix[0] = family;
                digits[..11].copy_from_slice(&prefix);
                digits[11..].copy_from_slice(&cns::definitive_suffix(&prefix));
            } else {
                // Provisional: Σ d·(15 − i) ≡ 0 (mod 11); the last digit weighs 1.
                loop {
                    let body: [u8; 14] = rng.digits();
                    digits[1..14].copy_from_slice(&body[1..]);
                    let sum: u32 = digits[..14]
                        .iter()
                        .zip((2..=15).rev())
                        .map(|(&d, w)| u32::from(d) * w)
                        .sum();
                    let last = (11 - sum % 11) % 11;
                    if last < 10 {
                        digits[14] = last as u8;
                        break;
                    }
                }
            }
            assert!(cns::is_valid(&digits));
            ascii(&digits)
        }
        ("TITULO_ELEITOR", 12) => {
            let uf = [old[8] - b'0', old[9] - b'0'];
            let sequence: [u8; 8] = rng.digits();
            let mut all = sequence.to_vec();
            all.extend(uf);
            all.extend(titulo::check_digits(&sequence, uf).expect("a UF code"));
            ascii(&all)
        }
        ("RG", 8 | 9) if is_sp_rg(surface) => {
            let base: [u8; 8] = rng.digits();
            let mut all = ascii(&base);
            all.push(rg_sp::check_char(&base));
            let all = if invalid { spoil(all) } else { all };
            let d = |i: usize| char::from(all[i]);
            return Some(format!(
                "{}{}.{}{}{}.{}{}{}-{}",
                d(0),
                d(1),
                d(2),
                d(3),
                d(4),
                d(5),
                d(6),
                d(7),
                d(8)
            ));
        }
        ("RG" | "PHONE" | "CEP", n) if n > 4 => {
            // No check digit: fresh digits, keeping a phone's area code and prefix, a CEP's
            // region and another state's RG's first digits.
            let keep = match kind {
                "PHONE" => n - 4,
                "CEP" => n - 3,
                _ => 2,
            };
            let mut all = old.clone();
            for c in all.iter_mut().skip(keep) {
                *c = b'0' + rng.digit();
            }
            all
        }
        _ => return None,
    };
    let new = if invalid { spoil(new) } else { new };
    Some(refill(surface, &new, kind == "CNPJ"))
}

/// The corpus repeated with fresh identifiers, each document whole, separated by blank lines and
/// padded with spaces to exactly `size` bytes.
pub fn document(root: &Path, size: usize) -> String {
    let docs = labelled(root);
    let mut rng = Digits(20);
    let mut out = String::with_capacity(size);
    'fill: loop {
        for doc in &docs {
            let mut text = String::new();
            for piece in doc {
                match piece {
                    Piece::Text(t) => text.push_str(t),
                    Piece::Label {
                        kind,
                        invalid,
                        text: surface,
                    } => match fresh(kind, surface, *invalid, &mut rng) {
                        Some(value) => text.push_str(&value),
                        None => text.push_str(surface),
                    },
                }
            }
            if out.len() + text.len() + 2 > size {
                break 'fill;
            }
            out.push_str(&text);
            out.push_str("\n\n");
        }
    }
    out.extend(std::iter::repeat_n(' ', size - out.len()));
    out
}
