//! Overlapping matches resolve to one finding.
//!
//! Of two overlapping candidates the stronger wins: a verified check digit first, then the
//! higher confidence, then the longer span, then the more specific kind. One sweep in order of position suffices, because a
//! winner never overlaps the winner before it.

use std::cmp::Ordering;

use medplug_pdk::lgpd::FindingKind;

use crate::candidate::Candidate;

fn strength(a: &Candidate, b: &Candidate) -> Ordering {
    // Of two sensitive readings of one span, the specific kind (GENETIC) beats the general one
    // (HEALTH_DATA, which the disease endings also catch).
    let specific = |c: &Candidate| c.builtin_kind() != Some(FindingKind::HealthData);
    (a.checksum_valid == Some(true))
        .cmp(&(b.checksum_valid == Some(true)))
        .then(a.confidence.total_cmp(&b.confidence))
        .then((a.end - a.start).cmp(&(b.end - b.start)))
        .then(specific(a).cmp(&specific(b)))
}

/// Sorts by position and keeps, of every overlapping group, the strongest candidate.
pub fn resolve(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut kept: Vec<Candidate> = Vec::with_capacity(candidates.len());
    for c in candidates {
        match kept.last_mut() {
            Some(last) if c.start < last.end => {
                if strength(&c, last) == Ordering::Greater {
                    *last = c;
                }
            }
            _ => kept.push(c),
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stronger_of_overlapping_candidates_wins() {
        let c = |kind, start, end, confidence, valid| {
            Candidate::builtin(kind, start, end, confidence, valid)
        };
        let out = resolve(vec![
            c(FindingKind::Phone, 0, 11, 0.5, None),
            c(FindingKind::Cpf, 0, 11, 0.6, Some(true)),
            c(FindingKind::PatientName, 20, 31, 0.9, None),
            c(FindingKind::PatientName, 20, 25, 0.7, None),
            c(FindingKind::HealthData, 40, 45, 0.8, None),
        ]);
        let kinds: Vec<_> = out
            .iter()
            .map(|c| (c.builtin_kind().unwrap(), c.start, c.end))
            .collect();
        assert_eq!(
            kinds,
            [
                (FindingKind::Cpf, 0, 11),
                (FindingKind::PatientName, 20, 31),
                (FindingKind::HealthData, 40, 45),
            ]
        );
    }
}
