//! `warm_up`: the work a fresh instance would otherwise do on its first call, done before any
//! tenant's call (ABI v1's optional reserved export; a host that pre-warms instances calls it).
//!
//! A fresh instance compiles its automata on first use (the scanner's many-pattern NFA, the
//! sensitive-data context regexes, the clinical word tables: `LazyLock`s) and its lazy DFA
//! builds states only as text reaches them. Through the host, that made a 425-character note's
//! first call take about 170 ms against about a millisecond warm. Analysing one fictional note
//! that touches every recognizer — identifiers, contacts, names and birth dates, registrations,
//! CID codes, sensitive terms, clinical shapes — moves all of that out of the call path.

use medplug_pdk::lgpd::AnalyzeInput;

/// A fictional note (every identifier is an issuer's published example or fails its check
/// digits) exercising every recognizer.
const SAMPLE: &str = "\
EVOLUÇÃO CLÍNICA — Ambulatório. Paciente: Maria Exemplo dos Santos, DN: 12/03/1966, \
CPF 529.982.247-25, CNPJ 11.222.333/0001-81, CNS 123 4567 8901 0000, PIS 120.5617.427-8. \
Tel. (11) 98765-4321 · maria.exemplo@example.com · CEP 01310-100. Nascida em 12 de março de 1966. \
HD: depressão recorrente (CID F33.1), hipertensão arterial, diabetes mellitus tipo 2. \
Em uso de sertralina 100 mg e losartana 50 mg. PA 140x90 mmHg, FC 78 bpm, glicemia 126 mg/dL. \
Religião: Testemunha de Jeová. Orientação sexual e origem racial não informadas. Filiada a sindicato. \
HIV negativo. Gestante de 12 semanas. Dra. Ana Lima, CRM-SP 123456; enfermeira COREN-RJ 654321.";

/// Runs the analyzer once on [`SAMPLE`]; its answer is discarded.
pub fn warm_up() {
    let _ = crate::analyze(AnalyzeInput::new(SAMPLE));
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sample_reaches_identifiers_contacts_names_registrations_and_sensitive_data() {
        let report = crate::analyze(medplug_pdk::lgpd::AnalyzeInput::new(super::SAMPLE)).unwrap();
        let kinds: std::collections::BTreeSet<String> = report
            .findings
            .iter()
            .map(|f| format!("{:?}", f.kind))
            .collect();
        let expected = [
            "BirthDate",
            "Cep",
            "Cnpj",
            "Cns",
            "Coren",
            "Cpf",
            "Crm",
            "Email",
            "HealthData",
            "PatientName",
            "Phone",
            "PoliticalOpinion",
            "Religion",
        ]
        .map(|kind| format!("Builtin({kind})"));
        assert_eq!(kinds, expected.into_iter().collect());
    }
}
