//! Generated identifiers: thousands of valid CPF, CNPJ (numeric and alphanumeric), CNS (both
//! families), PIS and títulos are found with `checksum_valid: true`; each altered in one random
//! position is judged exactly as the issuer's algorithm judges the altered number — a changed
//! character does not always break a mod-11 check digit, so the oracle is the algorithm.

use lgpd_analyzer::analyze;
use lgpd_analyzer::check_digit::{cnpj, cns, cpf, pis, titulo};
use medplug_pdk::lgpd::{AnalyzeInput, Finding};

/// How many of each kind.
const COUNT: usize = 2_000;

/// xorshift64*: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn digit(&mut self) -> u8 {
        self.below(10) as u8
    }
    fn digits<const N: usize>(&mut self) -> [u8; N] {
        std::array::from_fn(|_| self.digit())
    }
}

fn text(digits: &[u8]) -> String {
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// Formats digits (or characters) into `shape`, where `#` takes the next one.
fn shape(chars: &str, pattern: &str) -> String {
    let mut it = chars.chars();
    pattern
        .chars()
        .map(|p| {
            if p == '#' {
                it.next().expect("enough characters")
            } else {
                p
            }
        })
        .collect()
}

fn gen_cpf(rng: &mut Rng) -> String {
    loop {
        let base: [u8; 9] = rng.digits();
        let dv = cpf::check_digits(&base);
        let all: Vec<u8> = base.iter().chain(&dv).copied().collect();
        if cpf::is_valid(&all.clone().try_into().unwrap()) {
            return shape(&text(&all), "###.###.###-##");
        }
    }
}

fn gen_cnpj(rng: &mut Rng, alphanumeric: bool) -> String {
    const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let base: [u8; 12] = std::array::from_fn(|i| {
        if alphanumeric && i < 12 {
            ALNUM[rng.below(36) as usize]
        } else {
            b'0' + rng.digit()
        }
    });
    let dv = cnpj::check_digits(&base).expect("valid characters");
    let chars: String = base
        .iter()
        .map(|&b| char::from(b))
        .chain(dv.iter().map(|d| char::from(b'0' + d)))
        .collect();
    shape(&chars, "##.###.###/####-##")
}

fn gen_cns(rng: &mut Rng, definitive: bool) -> String {
    if definitive {
        let mut prefix: [u8; 11] = rng.digits();
        prefix[0] = 1 + rng.below(2) as u8;
        let suffix = cns::definitive_suffix(&prefix);
        let all: Vec<u8> = prefix.iter().chain(&suffix).copied().collect();
        return shape(&text(&all), "### #### #### ####");
    }
    loop {
        let mut all: [u8; 15] = rng.digits();
        all[0] = 7 + rng.below(3) as u8;
        let partial: u32 = all[..14]
            .iter()
            .zip((2..=15).rev())
            .map(|(&d, w)| u32::from(d) * w)
            .sum();
        let last = (11 - partial % 11) % 11;
        if last < 10 {
            all[14] = last as u8;
            return shape(&text(&all), "### #### #### ####");
        }
    }
}

fn gen_pis(rng: &mut Rng) -> String {
    let base: [u8; 10] = rng.digits();
    let all: Vec<u8> = base
        .iter()
        .copied()
        .chain([pis::check_digit(&base)])
        .collect();
    shape(&text(&all), "###.#####.##-#")
}

fn gen_titulo(rng: &mut Rng) -> String {
    let sequence: [u8; 8] = rng.digits();
    let uf = 1 + rng.below(28) as u8;
    let uf = [uf / 10, uf % 10];
    let dv = titulo::check_digits(&sequence, uf).expect("uf 01–28");
    let all: Vec<u8> = sequence.iter().chain(&uf).chain(&dv).copied().collect();
    shape(&text(&all), "#### #### ####")
}

/// The issuer's verdict on a formatted number, from its characters.
fn oracle(label: &str, value: &str) -> bool {
    let chars: Vec<u8> = value.bytes().filter(u8::is_ascii_alphanumeric).collect();
    let digits: Vec<u8> = chars.iter().map(|b| b - b'0').collect();
    match label {
        "CPF" => cpf::is_valid(&digits.try_into().unwrap()),
        "CNPJ" => cnpj::is_valid(&chars.try_into().unwrap()),
        "CNS" => cns::is_valid(&digits.try_into().unwrap()),
        "PIS" => pis::is_valid(&digits.try_into().unwrap()),
        "Título de eleitor" => titulo::is_valid(&digits.try_into().unwrap()),
        other => unreachable!("{other}"),
    }
}

/// Changes one digit (or, in an alphanumeric CNPJ base, one character) to a different one.
fn alter(rng: &mut Rng, value: &str) -> String {
    let positions: Vec<usize> = value
        .char_indices()
        .filter(|(_, c)| c.is_ascii_alphanumeric())
        .map(|(i, _)| i)
        .collect();
    let at = positions[rng.below(positions.len() as u64) as usize];
    let old = value.as_bytes()[at];
    let new = loop {
        let d = b'0' + rng.digit();
        if d != old {
            break d;
        }
    };
    let mut bytes = value.as_bytes().to_vec();
    bytes[at] = new;
    String::from_utf8(bytes).unwrap()
}

/// One finding per line of `lines`, with the verdict the analyzer gave.
fn verdicts(lines: &[(String, String)]) -> Vec<Finding> {
    let doc: String = lines
        .iter()
        .map(|(label, value)| format!("{label}: {value}.\n"))
        .collect();
    analyze(AnalyzeInput::new(doc)).unwrap().findings
}

fn check(label: &str, generate: impl Fn(&mut Rng) -> String) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ label.len() as u64);
    let valid: Vec<(String, String)> = (0..COUNT)
        .map(|_| (label.to_owned(), generate(&mut rng)))
        .collect();
    let found = verdicts(&valid);
    assert_eq!(found.len(), COUNT, "{label}: every valid number is found");
    assert!(
        found.iter().all(|f| f.checksum_valid == Some(true)),
        "{label}"
    );
    let altered: Vec<(String, String)> = valid
        .iter()
        .map(|(l, v)| (l.clone(), alter(&mut rng, v)))
        .collect();
    let found = verdicts(&altered);
    assert_eq!(
        found.len(),
        COUNT,
        "{label}: every altered number with context is reported"
    );
    let mut still_valid = 0;
    for ((_, value), f) in altered.iter().zip(&found) {
        let expected = oracle(label, value);
        still_valid += usize::from(expected);
        assert_eq!(f.checksum_valid, Some(expected), "{label} {value}");
    }
    // A single change keeps a mod-11 check only by coincidence of the weights; never half.
    assert!(
        still_valid < COUNT / 10,
        "{label}: {still_valid} altered numbers still verify"
    );
}

#[test]
fn cpf_valid_and_altered() {
    check("CPF", gen_cpf);
}

#[test]
fn cnpj_numeric_and_alphanumeric() {
    check("CNPJ", |rng| gen_cnpj(rng, false));
    check("CNPJ", |rng| gen_cnpj(rng, true));
}

#[test]
fn cns_both_families() {
    check("CNS", |rng| gen_cns(rng, true));
    check("CNS", |rng| gen_cns(rng, false));
}

#[test]
fn pis_valid_and_altered() {
    check("PIS", gen_pis);
}

#[test]
fn titulo_valid_and_altered() {
    check("Título de eleitor", gen_titulo);
}
