//! CPF (Cadastro de Pessoas Físicas) check digits.
//!
//! Nine base digits and two check digits, each a weighted sum modulo 11: weights 10..=2 over the
//! nine base digits for the first, 11..=2 over the first ten digits for the second; a remainder
//! below 2 gives 0, otherwise 11 minus the remainder (Receita Federal, Instrução Normativa RFB
//! nº 2.172/2024, which keeps the algorithm of IN SRF nº 190/1987). Numbers made of one repeated
//! digit pass the arithmetic but are never issued, and the Receita's own validator rejects them.

/// The two check digits of a CPF's nine base digits (each 0–9).
pub fn cpf_check_digits(base: &[u8; 9]) -> [u8; 2] {
    let digit = |digits: &[u8]| {
        let top = digits.len() as u32 + 1;
        let sum: u32 = digits
            .iter()
            .zip((2..=top).rev())
            .map(|(&d, w)| u32::from(d) * w)
            .sum();
        let rest = sum % 11;
        if rest < 2 { 0 } else { (11 - rest) as u8 }
    };
    let first = digit(base);
    let mut ten = [0u8; 10];
    ten[..9].copy_from_slice(base);
    ten[9] = first;
    [first, digit(&ten)]
}

/// Whether eleven digits (each 0–9) form a CPF the Receita Federal could have issued.
pub fn is_valid_cpf(digits: &[u8; 11]) -> bool {
    let base: [u8; 9] = digits[..9].try_into().expect("nine digits");
    let repeated = digits.iter().all(|&d| d == digits[0]);
    !repeated && cpf_check_digits(&base) == [digits[9], digits[10]]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> [u8; 11] {
        let v: Vec<u8> = s
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        v.try_into().unwrap()
    }

    #[test]
    fn known_numbers_verify() {
        // Published examples: 529.982.247-25 (the usual textbook one), 111.444.777-35.
        assert!(is_valid_cpf(&digits("529.982.247-25")));
        assert!(is_valid_cpf(&digits("111.444.777-35")));
        assert_eq!(cpf_check_digits(&[5, 2, 9, 9, 8, 2, 2, 4, 7]), [2, 5]);
        // A remainder below 2 gives 0: 123.456.789-09.
        assert_eq!(cpf_check_digits(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), [0, 9]);
    }

    #[test]
    fn any_single_digit_change_fails() {
        let good = digits("529.982.247-25");
        for i in 0..11 {
            for d in 0..10u8 {
                let mut bad = good;
                if bad[i] == d {
                    continue;
                }
                bad[i] = d;
                assert!(!is_valid_cpf(&bad), "{bad:?}");
            }
        }
    }

    #[test]
    fn repeated_digits_are_never_valid() {
        for d in 0..10u8 {
            assert!(!is_valid_cpf(&[d; 11]));
        }
    }
}
