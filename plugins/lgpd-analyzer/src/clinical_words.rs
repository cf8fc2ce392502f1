//! Health data recognised by shape rather than by name, in one byte-level pass: a word with a
//! dose after it is a medication ("pregabalina 75 mg"), a number with a laboratory unit is an
//! exam result ("182 mg/dL"), a test or sign with a reading is a result ("VDRL reagente",
//! "Blumberg positivo"), and words with the endings medical Portuguese gives diseases and
//! procedures (-ite, -ose, -emia, -patia, -algia, -ectomia, -plastia, -stomia, -oma) name one,
//! as do the stems the Brazilian common names give medicine classes (-mabe, -azol, -cilina…).
//!
//! Kept out of the multi-pattern automaton on purpose: open-ended word classes multiply its
//! states until its cache thrashes; read by hand they cost one pass.

use std::ops::Range;
use std::sync::LazyLock;

use crate::text::is_function_word;

/// A list of units, and the bytes they start with: most numbers are followed by no unit, and
/// one table lookup says so.
struct Units {
    list: &'static [&'static str],
    starts: [bool; 256],
}

impl Units {
    const fn new(list: &'static [&'static str]) -> Self {
        let mut starts = [false; 256];
        let mut i = 0;
        while i < list.len() {
            starts[list[i].as_bytes()[0] as usize] = true;
            i += 1;
        }
        Self { list, starts }
    }
}

/// Besides function words, the words that stand before a dose without naming a medicine
/// ("cerca de 20 mg", "mais 5 mg").
const QUANTITY_WORDS: [&str; 4] = ["cerca", "mais", "menos", "dose"];
/// Units of a dose after a medication's name.
const DOSE_UNITS: Units = Units::new(&["mg", "mcg", "µg", "g", "UI", "mL", "ml"]);
/// Labels of vital signs, scores and laboratory tests: the label with its value is a result
/// ("FC 78 bpm", "PA 152x94 mmHg", "Hb 8,9 g/dL", "RASS -4").
const RESULT_LABELS: &[&str] = &[
    "PA",
    "PAM",
    "FC",
    "FR",
    "SpO2",
    "SatO2",
    "Sat",
    "Tax",
    "Temp",
    "Peso",
    "IMC",
    "FiO2",
    "PEEP",
    "HGT",
    "EVA",
    "RASS",
    "Apgar",
    "Glasgow",
    "Hb",
    "Ht",
    "Hemoglobina",
    "Plaquetas",
    "Leucócitos",
    "TSH",
    "PSA",
    "HbA1c",
    "RNI",
    "INR",
    "TGO",
    "TGP",
    "GGT",
    "BT",
    "CD4",
    "LDL",
    "HDL",
    "VDRL",
    "Creatinina",
    "creatinina",
    "Ureia",
    "ureia",
    "Glicemia",
    "glicemia",
    "Lactato",
    "Potássio",
    "Sódio",
    "PCR",
    "VHS",
    "QI",
    "FE",
    "ClCr",
    "CTX",
    "Ki-67",
    "Gleason",
    "BI-RADS",
    "Balanço",
    // Vital signs and anthropometry as nursing notes abbreviate them; the hemogram's indices
    // (SBPC/ML); obstetric ultrasound biometry and fetal heart rate (Hadlock 1984; Caderneta da
    // Gestante); ejection fraction and filtration rate.
    "T",
    "PAS",
    "PAD",
    "BCF",
    "Altura",
    "Estatura",
    "SC",
    "PC",
    "VCM",
    "HCM",
    "CHCM",
    "RDW",
    "Hemácias",
    "Neutrófilos",
    "Linfócitos",
    "Ferritina",
    "Troponina",
    "Albumina",
    "Bilirrubina",
    "DBP",
    "CC",
    "CA",
    "CF",
    "ILA",
    "FEVE",
    "TFG",
    "TFGe",
    "Dextro",
    // Obstetric record (Caderneta da Gestante): last menstrual period, gestational age, birth
    // weight; melanoma thickness (Breslow 1970).
    "DUM",
    "IG",
    "PN",
    "Breslow",
];

/// Units of laboratory results.
const LAB_UNITS: Units = Units::new(&[
    "mg/dL",
    "g/dL",
    "mUI/L",
    "mUI/mL",
    "µUI/mL",
    "UI/mL",
    "ng/mL",
    "ng/dL",
    "pg/mL",
    "U/L",
    "mmol/L",
    "mEq/L",
    "/mm³",
    "células/mm³",
    "celulas/mm³",
    "cópias/mL",
    "copias/mL",
    "fL",
    "pg",
    "ng/L",
    "U/mL",
    "mg/L",
    "g/L",
    "µg/dL",
    "mcg/dL",
    "mL/min/1,73m²",
    "mL/min/1,73 m²",
    "mL/min",
    "mil/mm³",
    "/µL",
]);
/// Units of vital signs and measurements, read only after a result label ("BCF 142 bpm",
/// "T 36,6 °C", "DBP 68 mm"): alone, a length or a temperature is about anything.
const MEASURE_UNITS: Units = Units::new(&[
    "mmHg", "bpm", "irpm", "ipm", "rpm", "°C", "ºC", "cm", "mm", "m²", "m", "kg", "g",
]);
/// Readings of a test or a sign.
const READINGS: [&str; 7] = [
    "não reagente",
    "reagente",
    "positivo",
    "positiva",
    "negativo",
    "negativa",
    "nao reagente",
];
/// Endings of disease and procedure names (ASCII, lower case), then the stems of medicine
/// classes in their Brazilian DCB spelling (Denominações Comuns Brasileiras, as RENAME 2022
/// lists them): -mabe (monoclonal antibodies), -tinibe (kinase inhibitors), -azol (azoles,
/// proton-pump inhibitors), -sartana, -pril, -olol, -dipino, -statina, -gliflozina, -gliptina,
/// -cilina, -micina, -ciclina, -floxacino, -penem, -bactam, -ovir/-avir/-ivir (antivirals),
/// -oxetina, -triptilina, -apina, -peridona, -zepam, -zolam, -parina, -xabana, -grel, -platina,
/// -taxel, -rubicina, -relina, -tidina, -setrona, -tiazida, -semida, -metasona, -nisona,
/// -nisolona, -gabalina. None ends a common Portuguese word; a medicine is a health fact only
/// about a person, which the anchoring in `sensitive.rs` still asks for.
const ENDINGS: [&str; 60] = [
    "ite",
    "ites",
    "ose",
    "oses",
    "emia",
    "emias",
    "patia",
    "patias",
    "algia",
    "algias",
    "ectomia",
    "ectomias",
    "otomia",
    "otomias",
    "plastia",
    "plastias",
    "stomia",
    "stomias",
    "oma",
    "omas",
    "mabe",
    "tinibe",
    "azol",
    "sartana",
    "pril",
    "olol",
    "dipino",
    "statina",
    "gliflozina",
    "gliptina",
    "cilina",
    "micina",
    "ciclina",
    "floxacino",
    "penem",
    "bactam",
    "ovir",
    "avir",
    "ivir",
    "oxetina",
    "triptilina",
    "apina",
    "peridona",
    "zepam",
    "zolam",
    "parina",
    "xabana",
    "grel",
    "platina",
    "taxel",
    "rubicina",
    "relina",
    "tidina",
    "setrona",
    "tiazida",
    "semida",
    "metasona",
    "nisona",
    "nisolona",
    "gabalina",
];

fn is_letter(b: u8) -> bool {
    b.is_ascii_alphabetic() || b >= 0x80
}

/// Byte ranges of health terms found by shape, in order.
pub fn find(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit() || bytes[i] == b',' || bytes[i] == b'.')
            {
                i += 1;
            }
            let glued = start > 0 && (is_letter(bytes[start - 1]) || bytes[start - 1] == b'/');
            // Most numbers have no unit: the unit test is cheap, the reference test is not.
            if !glued
                && let Some(end) = unit_after(text, i, &LAB_UNITS)
                && !is_reference_value(text, start)
            {
                out.push(start..end);
                i = end;
            }
            continue;
        }
        if !is_letter(b) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (is_letter(bytes[i])
                || (bytes[i] == b'-' && bytes.get(i + 1).is_some_and(|&n| is_letter(n))))
        {
            i += 1;
        }
        let end = i;
        let word = &text[start..end];
        // Part of a code or a number ("9PA7"), not a word.
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        // The value first: few words are followed by one, and the label lookup is dearer.
        if let Some(value_end) = value_after(text, end)
            && is_result_label(word)
        {
            out.push(start..value_end);
            i = value_end;
            continue;
        }
        if let Some(phrase_end) = dose_after(text, end).or_else(|| reading_after(text, end)) {
            if word.len() >= 3
                && !is_function_word(word)
                && !QUANTITY_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
            {
                out.push(start..phrase_end);
                i = phrase_end;
            }
            continue;
        }
        // Disease names are written in lower case (or in capitals in a heading); a capitalised
        // word with such an ending is a name (Benites) or starts a title.
        let lower_or_caps = || {
            word.starts_with(|c: char| c.is_lowercase())
                && word.chars().skip(1).all(char::is_lowercase)
                || word.chars().all(|c| !c.is_lowercase())
        };
        if word.len() >= 6 && has_clinical_ending(word) && lower_or_caps() {
            out.push(start..end);
        }
    }
    out
}

/// Whether `word` is one of [`RESULT_LABELS`]; most words are out after a length and a first-byte
/// test.
fn is_result_label(word: &str) -> bool {
    /// [`RESULT_LABELS`] sorted, for a binary search: names and headings are capitalised too, so
    /// many words get this far.
    static SORTED: LazyLock<Vec<&str>> = LazyLock::new(|| {
        let mut sorted = RESULT_LABELS.to_vec();
        sorted.sort_unstable();
        sorted
    });
    let first = word.as_bytes()[0];
    word.len() <= 13
        && (first.is_ascii_uppercase() || matches!(first, b'c' | b'g' | b'u'))
        && SORTED.binary_search(&word).is_ok()
}

/// Whether the number at `at` is a reference range, not a result: "VR: 70 a 99 mg/dL",
/// "até 60 U/L", "< 5,7%", "≥ 126 mg/dL".
fn is_reference_value(text: &str, at: usize) -> bool {
    let before = &text[text.floor_char_boundary(at.saturating_sub(14))..at];
    let trimmed = before.trim_end();
    trimmed.ends_with(['<', '>', '≥', '≤'])
        || [
            " até",
            " a",
            "VR",
            "VR:",
            "ref.:",
            "referência:",
            "referência",
        ]
        .iter()
        .any(|m| trimmed.ends_with(m))
}

/// The last three letters of a word (lower-cased ASCII), as one number to compare.
fn last_three(word: &[u8]) -> u32 {
    let n = word.len();
    u32::from_be_bytes([
        0,
        word[n - 3] | 0x20,
        word[n - 2] | 0x20,
        word[n - 1] | 0x20,
    ])
}

fn has_clinical_ending(word: &str) -> bool {
    /// [`ENDINGS`] sorted by their last three letters: a word is compared only with the endings
    /// that share its last three, and most words share them with none.
    static BY_LAST_THREE: LazyLock<Vec<(u32, &str)>> = LazyLock::new(|| {
        let mut keyed: Vec<_> = ENDINGS
            .iter()
            .map(|e| (last_three(e.as_bytes()), *e))
            .collect();
        keyed.sort_unstable();
        keyed
    });
    let lower = word.as_bytes();
    let key = last_three(lower);
    let first = BY_LAST_THREE.partition_point(|&(k, _)| k < key);
    BY_LAST_THREE[first..]
        .iter()
        .take_while(|&&(k, _)| k == key)
        .any(|(_, e)| {
            lower.len() > e.len() + 2
                && lower[lower.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes())
        })
}

/// ` 75 mg`, ` 2 g/dia`, ` 300/200 mg` (or a laboratory value) after a word: where it ends.
fn dose_after(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = at;
    if bytes.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let digits = i;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || b",./".contains(&bytes[i])) {
        i += 1;
    }
    if i == digits || !bytes[digits].is_ascii_digit() {
        return None;
    }
    // "glicemia 182 mg/dL" is an exam result: the laboratory unit wins over the dose's `mg`.
    if let Some(end) = unit_after(text, i, &LAB_UNITS) {
        return Some(end);
    }
    let mut end = unit_after(text, i, &DOSE_UNITS)?;
    for per in ["/dia", "/kg", "/h", "/min"] {
        if text[end..].starts_with(per) {
            end += per.len();
        }
    }
    Some(end)
}

/// A unit from `units` at `at` (after an optional space), followed by no letter.
fn unit_after(text: &str, at: usize, units: &Units) -> Option<usize> {
    let at = if text[at..].starts_with(' ') {
        at + 1
    } else {
        at
    };
    let rest = &text[at..];
    // Most numbers are followed by no unit at all: one byte rules them out.
    let first = *rest.as_bytes().first()?;
    if !units.starts[usize::from(first)] {
        return None;
    }
    units
        .list
        .iter()
        .filter(|u| u.as_bytes()[0] == first && rest.starts_with(*u))
        .map(|u| at + u.len())
        .filter(|&end| !text.as_bytes().get(end).is_some_and(|&b| is_letter(b)))
        .max()
}

/// `: 78 bpm`, ` 152x94 mmHg`, ` = 12`, ` -4`, ` 8/9` after a result label: where the value
/// (and its unit, if any) ends.
fn value_after(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = at;
    let mut gap = 0;
    while i < bytes.len() && gap < 4 && matches!(bytes[i], b' ' | b':' | b'=' | b'.') {
        i += 1;
        gap += 1;
    }
    if gap == 0 {
        return None;
    }
    if i < bytes.len() && (bytes[i] == b'-' || bytes[i] == b'+') {
        i += 1;
    }
    let digits = i;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || b",x/+".contains(&bytes[i])) {
        i += 1;
    }
    while i > digits && !bytes[i - 1].is_ascii_digit() {
        i -= 1;
    }
    if i == digits || bytes[digits..i].iter().all(|b| !b.is_ascii_digit()) {
        return None;
    }
    if bytes.get(i) == Some(&b'%') {
        return Some(i + 1);
    }
    Some(
        unit_after(text, i, &LAB_UNITS)
            .or_else(|| unit_after(text, i, &MEASURE_UNITS))
            .or_else(|| unit_after(text, i, &DOSE_UNITS))
            .unwrap_or(i),
    )
}

/// `: reagente`, ` positivo` after a word: where the reading ends.
fn reading_after(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let colon = usize::from(bytes.get(at) == Some(&b':'));
    // Exactly one space before the reading.
    if bytes.get(at + colon) != Some(&b' ') || bytes.get(at + colon + 1) == Some(&b' ') {
        return None;
    }
    let from = at + colon + 1;
    // Every reading begins with n, r or p: most words are out after one comparison.
    if !text
        .as_bytes()
        .get(from)
        .is_some_and(|&b| matches!(b | 0x20, b'n' | b'r' | b'p'))
    {
        return None;
    }
    READINGS
        .iter()
        .find(|r| {
            text.get(from..from + r.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(r))
                && !text
                    .as_bytes()
                    .get(from + r.len())
                    .is_some_and(|&b| is_letter(b))
        })
        .map(|r| from + r.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_word_before_a_dose_is_no_medicine() {
        let text = "Escitalopram: aumentou pra 20 mg; Para 5 mg, cerca 10 mg.";
        let found: Vec<&str> = find(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, Vec::<&str>::new());
    }

    #[test]
    fn shapes_of_health_terms() {
        let text = "Em uso de pregabalina 75 mg e ceftriaxona 2 g/dia; glicemia 182 mg/dL, VDRL reagente, \
                    HIV: não reagente; apendicite aguda e colecistectomia. Consulte o site.";
        let found: Vec<&str> = find(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            found,
            [
                "pregabalina 75 mg",
                "ceftriaxona 2 g/dia",
                "glicemia 182 mg/dL",
                "VDRL reagente",
                "HIV: não reagente",
                "apendicite",
                "colecistectomia",
            ]
        );
    }
}
