//! Brazilian telephone numbers: area codes and the shape of fixed and mobile numbers.
//!
//! Anatel's numbering plan (Resolução nº 709/2019, Regulamento de Numeração): 67 two-digit area
//! codes (DDD); mobile numbers have nine digits beginning with 9 (the ninth digit was completed
//! nationwide in 2016); fixed numbers have eight digits beginning with 2 to 5. A leading `0` is the
//! trunk prefix and `+55` the country code.

/// The area codes in service.
const AREA_CODES: [u8; 67] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43,
    44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77,
    79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
];

/// What a sequence of digits is as a telephone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneShape {
    /// It carries an area code (with or without `+55` and the trunk `0`).
    pub has_area_code: bool,
}

/// Reads `digits` (values 0–9, punctuation already removed) as a Brazilian number; `country`
/// says the text wrote `+` before them, so they must begin with 55.
pub fn parse(digits: &[u8], country: bool) -> Option<PhoneShape> {
    let mut rest = digits;
    if country {
        rest = rest.strip_prefix(&[5, 5])?;
    }
    if rest.len() >= 11 && rest[0] == 0 {
        rest = &rest[1..];
    }
    let (area, local) = match rest.len() {
        10 | 11 => (Some(rest[0] * 10 + rest[1]), &rest[2..]),
        8 | 9 if !country => (None, rest),
        _ => return None,
    };
    if area.is_some_and(|a| !AREA_CODES.contains(&a)) {
        return None;
    }
    let local_ok = match local.len() {
        9 => local[0] == 9,
        8 => (2..=5).contains(&local[0]),
        _ => false,
    };
    local_ok.then_some(PhoneShape {
        has_area_code: area.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> Vec<u8> {
        s.bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect()
    }

    #[test]
    fn fixed_and_mobile_with_and_without_area_code() {
        let area = |s: &str, plus| parse(&digits(s), plus).map(|p| p.has_area_code);
        assert_eq!(area("(11) 98765-4321", false), Some(true));
        assert_eq!(area("+55 21 3456-7890", true), Some(true));
        assert_eq!(area("(031) 3222-1100", false), Some(true));
        assert_eq!(area("98765-4321", false), Some(false));
        assert_eq!(area("3456-7890", false), Some(false));
        // Area code 20 does not exist; a mobile must begin with 9; a fixed one with 2–5.
        assert_eq!(area("(20) 98765-4321", false), None);
        assert_eq!(area("(11) 88765-4321", false), None);
        assert_eq!(area("(11) 6765-4321", false), None);
        // `+` then not 55: another country.
        assert_eq!(area("+351 21 3456-7890", true), None);
    }
}
