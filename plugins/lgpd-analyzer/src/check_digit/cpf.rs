//! CPF (Cadastro de Pessoas Físicas) check digits.
//!
//! Nine base digits and two check digits, each a weighted sum modulo 11: weights 10..=2 over the
//! nine base digits for the first, 11..=2 over the first ten digits for the second; a remainder
//! below 2 gives 0, otherwise 11 minus the remainder (Receita Federal, Instrução Normativa RFB
//! nº 2.172/2024, which keeps the algorithm of IN SRF nº 190/1987). Numbers made of one repeated
//! digit pass the arithmetic but are never issued, and the Receita's own validator rejects them.

use super::{receita_digit, weighted_sum};

/// The two check digits of a CPF's nine base digits (each 0–9).
pub fn check_digits(base: &[u8; 9]) -> [u8; 2] {
    let mut ten = [0u32; 10];
    for (slot, &d) in ten.iter_mut().zip(base) {
        *slot = u32::from(d);
    }
    ten[9] = receita_digit(weighted_sum(&ten[..9], &[10, 9, 8, 7, 6, 5, 4, 3, 2]));
    let second = receita_digit(weighted_sum(&ten, &[11, 10, 9, 8, 7, 6, 5, 4, 3, 2]));
    [ten[9] as u8, second as u8]
}

/// Whether eleven digits (each 0–9) form a CPF the Receita Federal could have issued.
pub fn is_valid(digits: &[u8; 11]) -> bool {
    let base: [u8; 9] = digits[..9].try_into().expect("nine digits");
    let repeated = digits.iter().all(|&d| d == digits[0]);
    !repeated && check_digits(&base) == [digits[9], digits[10]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_digit::tests::digits;

    #[test]
    fn known_numbers_verify() {
        // Published examples: 529.982.247-25 (the usual textbook one), 111.444.777-35.
        assert!(is_valid(&digits("529.982.247-25")));
        assert!(is_valid(&digits("111.444.777-35")));
        assert_eq!(check_digits(&[5, 2, 9, 9, 8, 2, 2, 4, 7]), [2, 5]);
        // A remainder below 2 gives 0: 123.456.789-09.
        assert_eq!(check_digits(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), [0, 9]);
    }

    #[test]
    fn any_single_digit_change_fails() {
        let good: [u8; 11] = digits("529.982.247-25");
        for i in 0..11 {
            for d in 0..10u8 {
                let mut bad = good;
                if bad[i] == d {
                    continue;
                }
                bad[i] = d;
                assert!(!is_valid(&bad), "{bad:?}");
            }
        }
    }

    #[test]
    fn repeated_digits_are_never_valid() {
        for d in 0..10u8 {
            assert!(!is_valid(&[d; 11]));
        }
    }
}
