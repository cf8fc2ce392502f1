//! CNS (Cartão Nacional de Saúde) validation, both families.
//!
//! The Ministério da Saúde's routine (Portaria MS nº 940/2011 instituted the Sistema Cartão; the
//! routine is published with e-SUS APS's integration layout, "algoritmo_CNS"):
//! - numbers beginning with 1 or 2 are derived from an 11-digit PIS: s = Σ pis[i]·(15 − i),
//!   dv = 11 − s mod 11, 11 → 0; when dv is 10, s += 2, dv = 11 − s mod 11 and the infix is `001`,
//!   otherwise `000`. The number is `pis + infix + dv`;
//! - numbers beginning with 7, 8 or 9 (provisional) are valid when Σ d[i]·(15 − i) over all
//!   fifteen digits is a multiple of 11.
//!
//! No other first digit is issued.

use super::weighted_sum;

const WEIGHTS: [u32; 15] = [15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];

/// The last four digits (infix and check digit) of a definitive CNS built on an 11-digit prefix.
pub fn definitive_suffix(prefix: &[u8; 11]) -> [u8; 4] {
    let values = prefix.map(u32::from);
    let mut sum = weighted_sum(&values, &WEIGHTS);
    let mut dv = 11 - sum % 11;
    if dv == 11 {
        dv = 0;
    }
    if dv == 10 {
        sum += 2;
        dv = 11 - sum % 11;
        [0, 0, 1, dv as u8]
    } else {
        [0, 0, 0, dv as u8]
    }
}

/// Whether fifteen digits form a valid CNS.
pub fn is_valid(digits: &[u8; 15]) -> bool {
    match digits[0] {
        1 | 2 => {
            let prefix: [u8; 11] = digits[..11].try_into().expect("eleven digits");
            definitive_suffix(&prefix)[..] == digits[11..]
        }
        7..=9 => weighted_sum(&digits.map(u32::from), &WEIGHTS).is_multiple_of(11),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_digit::tests::digits;

    #[test]
    fn both_families() {
        // 12345678901 → s = 440, a multiple of 11: dv = 11 → 0, infix 000.
        assert_eq!(definitive_suffix(&digits("12345678901")), [0, 0, 0, 0]);
        assert!(is_valid(&digits("123456789010000")));
        assert!(!is_valid(&digits("123456789010001")));
        // A prefix whose first dv is 10 takes the 001 infix: 10000000006 → s = 45, 45 mod 11 = 1,
        // dv = 10; s + 2 = 47, 47 mod 11 = 3, dv = 8.
        assert_eq!(definitive_suffix(&digits("10000000006")), [0, 0, 1, 8]);
        assert!(is_valid(&digits("100000000060018")));
        // The same digits with the 000 infix are not the issued number.
        assert!(!is_valid(&digits("100000000060008")));
        // 7xx: 700000000000006 → 7·15 + 6·1 = 111 = 11·10 + 1: invalid; …005 → 110: valid.
        assert!(is_valid(&digits("700000000000005")));
        assert!(!is_valid(&digits("700000000000006")));
        // Families 3–6 and 0 do not exist.
        assert!(!is_valid(&digits("300000000000005")));
    }
}
