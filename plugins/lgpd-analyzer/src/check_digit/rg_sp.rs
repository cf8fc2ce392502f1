//! RG (Registro Geral) of São Paulo: the check digit of the `dd.ddd.ddd-D` form.
//!
//! Eight digits and one check character: s = Σ d[i]·(i + 2) (weights 2..9), v = 11 − s mod 11,
//! 10 is written `X` and 11 is `0` (Instituto de Identificação Ricardo Gumbleton Daunt, SSP-SP).
//! Other states issue RGs without a published check digit; those are reported with
//! `checksum_valid: null`.

use super::weighted_sum;

/// The check character (`0`–`9` or `X`) of eight digits.
pub fn check_char(base: &[u8; 8]) -> u8 {
    match 11 - weighted_sum(&base.map(u32::from), &[2, 3, 4, 5, 6, 7, 8, 9]) % 11 {
        10 => b'X',
        11 => b'0',
        v => b'0' + v as u8,
    }
}

/// Whether eight digits and a check character (`0`–`9`, `X` or `x`) form a valid SP RG.
pub fn is_valid(base: &[u8; 8], check: u8) -> bool {
    let repeated = base.iter().all(|&d| d == base[0]);
    !repeated && check_char(base) == check.to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_digit::tests::digits;

    #[test]
    fn known_numbers_verify() {
        // 3·2+1·3+2·4+0·5+3·6+1·7+3·8+1·9 = 75; 75 mod 11 = 9; 11 − 9 = 2.
        assert!(is_valid(&digits("31.203.131"), b'2'));
        assert!(!is_valid(&digits("31.203.131"), b'3'));
        // 00000010 → 1·8 = 8, 11 − 8 = 3.
        assert_eq!(check_char(&digits("00000010")), b'3');
        // Remainder 1 → X: 00000005 → 5·9 = 45 = 44 + 1.
        assert_eq!(check_char(&digits("00000005")), b'X');
        assert!(is_valid(&digits("00000005"), b'x'));
    }
}
