//! Masking: the value's format kept, its identifying characters hidden.
//!
//! Identifiers keep their check digits (`***.***.***-25`): they are derived from the rest and
//! identify no one, and they let a reader tell two masked numbers apart. Registrations keep the
//! council and UF (`CRM-SP ******`). Everything else hides every letter and digit.

use medplug_pdk::lgpd::{FindingKind, Kind};

/// How many trailing alphanumerics a kind keeps visible.
fn kept(kind: &Kind) -> usize {
    use FindingKind as K;
    match kind {
        Kind::Builtin(K::Cpf | K::Cnpj | K::TituloEleitor) => 2,
        Kind::Builtin(K::Cns | K::Pis | K::Rg) => 1,
        _ => 0,
    }
}

/// The masked form of `raw`, a value of `kind`.
pub fn mask(kind: &Kind, raw: &str) -> String {
    use FindingKind as K;
    let digits_only = matches!(kind, Kind::Builtin(K::Crm | K::Crp | K::Coren | K::Cro));
    let hidden = |c: char| {
        if digits_only {
            c.is_ascii_digit()
        } else {
            c.is_alphanumeric()
        }
    };
    let keep = kept(kind);
    // Only the last `keep` hidden characters stay: found from the end, so one pass suffices.
    let mut keep_from = raw.len();
    if keep > 0 {
        let mut left = keep;
        for (i, c) in raw.char_indices().rev() {
            if hidden(c) {
                keep_from = i;
                left -= 1;
                if left == 0 {
                    break;
                }
            }
        }
    }
    // A hidden character becomes one byte, so the mask is never longer than the value.
    let mut masked = String::with_capacity(raw.len());
    for (i, c) in raw.char_indices() {
        if i < keep_from && hidden(c) {
            masked.push('*');
        } else {
            masked.push(c);
        }
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_kept() {
        let m = |k: FindingKind, raw| mask(&Kind::Builtin(k), raw);
        assert_eq!(m(FindingKind::Cpf, "529.982.247-25"), "***.***.***-25");
        assert_eq!(
            m(FindingKind::Cnpj, "12.ABC.345/01DE-35"),
            "**.***.***/****-35"
        );
        assert_eq!(m(FindingKind::Rg, "31.203.131-2"), "**.***.***-2");
        assert_eq!(m(FindingKind::Phone, "(11) 98765-4321"), "(**) *****-****");
        assert_eq!(
            m(FindingKind::Email, "ana.lima@gmail.com"),
            "***.****@*****.***"
        );
        assert_eq!(
            m(FindingKind::PatientName, "João da Silva"),
            "**** ** *****"
        );
        assert_eq!(m(FindingKind::Crm, "CRM-SP 123456"), "CRM-SP ******");
        assert_eq!(
            mask(&Kind::Custom("PRONTUARIO".into()), "PR-2024/0042"),
            "**-****/****"
        );
        // Letters beyond ASCII are hidden one byte each; fewer characters than kept stay as is.
        assert_eq!(m(FindingKind::PatientName, "Conceição Aç"), "********* **");
        assert_eq!(m(FindingKind::Cpf, "5-"), "5-");
        assert_eq!(
            m(FindingKind::Cns, "898 0012 3456 7896"),
            "*** **** **** ***6"
        );
    }
}
