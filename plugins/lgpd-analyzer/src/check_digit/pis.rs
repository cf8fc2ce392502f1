//! PIS/PASEP/NIT check digit.
//!
//! Ten base digits and one check digit: weights 3,2,9,8,7,6,5,4,3,2, dv = 11 − sum mod 11, and 10
//! or 11 give 0 (Caixa Econômica Federal's rule for the NIS family: PIS, PASEP, NIT). One repeated
//! digit is never issued.

use super::weighted_sum;

/// The check digit of ten base digits.
pub fn check_digit(base: &[u8; 10]) -> u8 {
    let dv = 11 - weighted_sum(&base.map(u32::from), &[3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    if dv >= 10 { 0 } else { dv as u8 }
}

/// Whether eleven digits form a valid PIS/PASEP/NIT.
pub fn is_valid(digits: &[u8; 11]) -> bool {
    let base: [u8; 10] = digits[..10].try_into().expect("ten digits");
    let repeated = digits.iter().all(|&d| d == digits[0]);
    !repeated && check_digit(&base) == digits[10]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_digit::tests::digits;

    #[test]
    fn known_numbers_verify() {
        // 4·3+6·2+9·9+5·8+2·7+2·6+8·5+0·4+6·3+3·2 = 235; 235 mod 11 = 4; 11 − 4 = 7.
        assert!(is_valid(&digits("469.52280.63-7")));
        assert!(!is_valid(&digits("469.52280.63-8")));
        assert!(!is_valid(&[0; 11]));
    }
}
