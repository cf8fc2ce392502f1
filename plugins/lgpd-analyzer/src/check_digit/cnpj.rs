//! CNPJ (Cadastro Nacional da Pessoa Jurídica) check digits, numeric and alphanumeric.
//!
//! Twelve base characters and two numeric check digits. From July 2026 the base may hold upper-case
//! letters (Instrução Normativa RFB nº 2.229/2024): each character counts as its ASCII code minus
//! 48, so digits keep their value and `A`…`Z` count 17…42. First digit: weights 5,4,3,2,9,8,7,6,
//! 5,4,3,2 over the base; second: 6,5,4,3,2,9,8,7,6,5,4,3,2 over the base and the first digit; a
//! remainder below 2 gives 0, otherwise 11 minus it — the rule of the numeric CNPJ (IN RFB
//! nº 1.863/2018), unchanged. One repeated character is never issued.

use super::{receita_digit, weighted_sum};

const FIRST: [u32; 12] = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const SECOND: [u32; 13] = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

/// The value of a base character: `0`–`9` and `A`–`Z` (ASCII − 48); `None` for anything else.
fn value(c: u8) -> Option<u32> {
    (c.is_ascii_digit() || c.is_ascii_uppercase()).then(|| u32::from(c) - 48)
}

/// The two check digits of twelve base characters (ASCII `0-9A-Z`); `None` for another character.
pub fn check_digits(base: &[u8; 12]) -> Option<[u8; 2]> {
    let mut values = [0u32; 13];
    for (slot, &c) in values.iter_mut().zip(base) {
        *slot = value(c)?;
    }
    values[12] = receita_digit(weighted_sum(&values[..12], &FIRST));
    let second = receita_digit(weighted_sum(&values, &SECOND));
    Some([values[12] as u8, second as u8])
}

/// Whether fourteen ASCII characters form a CNPJ the Receita Federal could issue.
pub fn is_valid(chars: &[u8; 14]) -> bool {
    let base: [u8; 12] = chars[..12].try_into().expect("twelve characters");
    let repeated = chars.iter().all(|&c| c == chars[0]);
    let digit = |c: u8| c.is_ascii_digit().then(|| c - b'0');
    match (check_digits(&base), digit(chars[12]), digit(chars[13])) {
        (Some(dv), Some(a), Some(b)) => !repeated && dv == [a, b],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> [u8; 14] {
        let v: Vec<u8> = s.bytes().filter(u8::is_ascii_alphanumeric).collect();
        v.try_into().unwrap()
    }

    #[test]
    fn known_numbers_verify() {
        assert!(is_valid(&chars("11.222.333/0001-81")));
        // The Receita Federal's example of the alphanumeric form.
        assert!(is_valid(&chars("12.ABC.345/01DE-35")));
        assert_eq!(check_digits(b"12ABC34501DE"), Some([3, 5]));
        assert!(!is_valid(&chars("12.ABC.345/01DE-36")));
        assert!(!is_valid(&chars("00.000.000/0000-00")));
        // Lower case is not a CNPJ character.
        assert_eq!(check_digits(b"12abc34501de"), None);
    }
}
