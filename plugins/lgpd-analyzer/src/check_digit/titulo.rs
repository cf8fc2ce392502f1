//! Título de eleitor (voter registration) check digits.
//!
//! Twelve digits: an 8-digit sequence, the 2-digit UF code (01 SP … 27 TO, 28 abroad) and two
//! check digits. dv1 = Σ seq[i]·(i + 2) mod 11; dv2 = (uf₁·7 + uf₂·8 + dv1·9) mod 11; a result of
//! 10 becomes 0, and for titles issued in São Paulo (01) and Minas Gerais (02) a result of 0
//! becomes 1 (Tribunal Superior Eleitoral's rule for the Cadastro Nacional de Eleitores).

use super::weighted_sum;

/// The two check digits of an 8-digit sequence and a UF code (01–28); `None` for another UF.
pub fn check_digits(sequence: &[u8; 8], uf: [u8; 2]) -> Option<[u8; 2]> {
    let code = uf[0] * 10 + uf[1];
    if !(1..=28).contains(&code) {
        return None;
    }
    let sp_or_mg = code <= 2;
    let fix = |rest: u32| match rest {
        10 => 0,
        0 if sp_or_mg => 1,
        r => r as u8,
    };
    let dv1 = fix(weighted_sum(&sequence.map(u32::from), &[2, 3, 4, 5, 6, 7, 8, 9]) % 11);
    let dv2 = fix((u32::from(uf[0]) * 7 + u32::from(uf[1]) * 8 + u32::from(dv1) * 9) % 11);
    Some([dv1, dv2])
}

/// Whether twelve digits form a valid título de eleitor.
pub fn is_valid(digits: &[u8; 12]) -> bool {
    let sequence: [u8; 8] = digits[..8].try_into().expect("eight digits");
    check_digits(&sequence, [digits[8], digits[9]]) == Some([digits[10], digits[11]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_digit::tests::digits;

    #[test]
    fn the_sp_and_mg_rule() {
        // Sequence 00000011: Σ = 1·8 + 1·9 = 17 → 6. UF 03 (RJ): (0·7 + 3·8 + 6·9) = 78 → 1.
        assert_eq!(check_digits(&digits("00000011"), [0, 3]), Some([6, 1]));
        // Sequence 00000000 gives remainder 0: 0 elsewhere, 1 in SP and MG.
        assert_eq!(check_digits(&digits("00000000"), [0, 5]), Some([0, 7]));
        // SP: dv1 0 → 1; dv2 = (0·7 + 1·8 + 1·9) mod 11 = 6.
        assert_eq!(check_digits(&digits("00000000"), [0, 1]), Some([1, 6]));
        assert!(is_valid(&digits("000000000116")));
        assert!(!is_valid(&digits("000000000106")));
        // UF 29 does not exist.
        assert_eq!(check_digits(&digits("00000000"), [2, 9]), None);
    }
}
