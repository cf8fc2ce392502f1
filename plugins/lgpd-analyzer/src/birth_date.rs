//! Birth dates: a date is personal data here only when its context ties it to a birth.
//!
//! Cues: "nascido/nascida em", "data de nascimento", "DN:", "D.N.", "Nasc.:", "dt. nasc.". A
//! consultation or exam date is not reported. The date is checked to be a real calendar date.

use std::ops::Range;

use medplug_pdk::lgpd::FindingKind;

use crate::candidate::Candidate;

/// The cue followed by the date, for the scanner.
pub const CUE_PATTERN: &str = r"(?:nascid[oa]s?(?: em| no dia| aos?| a)?|data de nascimento|data de nasc\.?|dt\.? ?(?:de )?nasc(?:imento|\.)?|d\. ?n\.?|dn|nasc(?:imento)?\.?)[ ]*[:\-–]?[ ]*(?:em )?(?:[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-](?:[0-9]{4}|[0-9]{2})|[0-9]{1,2}º? de (?:janeiro|fevereiro|março|marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro) de [0-9]{4})";

const MONTHS: [&str; 12] = [
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
];

/// Reads the date of a cue match; `None` when it is not a calendar date.
pub fn read(text: &str, cue: Range<usize>) -> Option<Candidate> {
    let matched = &text[cue.clone()];
    // The cue words hold no digit: the date starts at the first one.
    let date_start = matched.find(|c: char| c.is_ascii_digit())?;
    let date = &matched[date_start..];
    let (day, month, year) = if let Some((day, rest)) = date.split_once(" de ") {
        let (month, year) = rest.split_once(" de ")?;
        let name = month.to_lowercase().replace("marco", "março");
        let month = MONTHS.iter().position(|m| *m == name)? as u32 + 1;
        (
            day.trim_end_matches('º').parse().ok()?,
            month,
            year.parse().ok()?,
        )
    } else {
        let mut parts = date.split(['/', '.', '-']).map(str::parse::<u32>);
        (
            parts.next()?.ok()?,
            parts.next()?.ok()?,
            parts.next()?.ok()?,
        )
    };
    if !is_calendar_date(day, month, year) {
        return None;
    }
    Some(Candidate::builtin(
        FindingKind::BirthDate,
        cue.start + date_start,
        cue.end,
        0.95,
        None,
    ))
}

/// Whether day/month/year is a date; two-digit years are accepted as written.
fn is_calendar_date(day: u32, month: u32, year: u32) -> bool {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day) && (year < 100 || (1880..=2100).contains(&year))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_only() {
        assert!(is_calendar_date(29, 2, 2024));
        assert!(!is_calendar_date(29, 2, 2023));
        assert!(!is_calendar_date(31, 4, 1990));
        assert!(!is_calendar_date(12, 13, 1990));
        assert!(is_calendar_date(1, 1, 85));
    }
}
