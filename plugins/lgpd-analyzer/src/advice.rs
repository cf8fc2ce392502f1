//! What the publisher must do: recommendations (pt-BR, each citing its LGPD article) and the
//! consent forms whose fields must be collected before publishing.
//!
//! Consent must be written or otherwise demonstrable, for determined purposes, and revocable at
//! any time (LGPD Art. 8, §§1º, 4º, 5º); the holder must be told purpose, form, duration, who
//! shares the data and their rights (Art. 9). Sensitive data needs consent that is specific and
//! highlighted, for specific purposes (Art. 11, I).

use medplug_pdk::lgpd::{DataCategory, FindingKind, FormField, Recommendation, ValidationForm};

use crate::candidate::Candidate;

fn rec(code: &str, text: &str, lgpd_reference: &str) -> Recommendation {
    Recommendation {
        code: code.to_owned(),
        text: text.to_owned(),
        lgpd_reference: lgpd_reference.to_owned(),
    }
}

/// Recommendations for a set of findings, most urgent first.
pub fn recommendations(candidates: &[Candidate], linked: bool) -> Vec<Recommendation> {
    use FindingKind as K;
    let has = |f: &dyn Fn(&Candidate) -> bool| candidates.iter().any(f);
    let mut out = Vec::new();
    if candidates.is_empty() {
        out.push(rec(
            "nenhum_dado_pessoal",
            "Nenhum dado pessoal foi encontrado. Revise o texto antes de publicar: a análise \
             automática não substitui a revisão do encarregado.",
            "LGPD Art. 41",
        ));
        return out;
    }
    if linked {
        out.push(rec(
            "desvincular_dado_sensivel",
            "O texto associa dado sensível (saúde, religião, etnia…) a uma pessoa identificada. \
             Não publique sem anonimizar ou sem o consentimento específico e destacado do titular.",
            "LGPD Art. 11, I; Art. 12",
        ));
    }
    if has(&|c| c.category == DataCategory::Sensitive) {
        out.push(rec(
            "consentimento_especifico",
            "Dados pessoais sensíveis só podem ser divulgados com consentimento específico e \
             destacado do titular, para finalidade determinada.",
            "LGPD Art. 11, I",
        ));
    }
    let identifier = |c: &Candidate| {
        matches!(
            c.builtin_kind(),
            Some(K::Cpf | K::Cns | K::Rg | K::Pis | K::TituloEleitor)
        ) && c.checksum_valid != Some(false)
    };
    if has(&identifier) {
        out.push(rec(
            "remover_identificadores",
            "Remova ou mascare os números de documentos (CPF, RG, CNS, PIS, título): publicá-los \
             não é necessário à finalidade do texto.",
            "LGPD Art. 6º, III",
        ));
    }
    if has(&|c| {
        matches!(
            c.builtin_kind(),
            Some(K::PatientName | K::BirthDate | K::Phone | K::Email | K::Cep)
        )
    }) {
        out.push(rec(
            "pseudonimizar_titular",
            "Substitua nomes, datas de nascimento e contatos por pseudônimos, ou obtenha o \
             consentimento do titular para divulgá-los.",
            "LGPD Art. 7º, I; Art. 13, §4º",
        ));
    }
    if has(&|c| c.checksum_valid == Some(false)) {
        out.push(rec(
            "conferir_identificadores",
            "Há números com formato de documento e dígito verificador inválido: confira se são \
             erros de digitação e corrija ou remova.",
            "LGPD Art. 6º, V",
        ));
    }
    if has(&|c| c.category == DataCategory::Professional) {
        out.push(rec(
            "registro_profissional",
            "Registros profissionais e CNPJ são dados públicos; confirme que o profissional \
             autorizou a menção.",
            "LGPD Art. 7º, §4º",
        ));
    }
    out.push(rec(
        "registrar_tratamento",
        "Registre a operação de tratamento (finalidade, base legal, responsável) e proteja o \
         documento original com medidas de segurança.",
        "LGPD Art. 37; Art. 46",
    ));
    out
}

fn field(name: &str, label: &str, required: bool) -> FormField {
    FormField {
        name: name.to_owned(),
        label: label.to_owned(),
        required,
    }
}

/// The consent forms the findings call for.
pub fn validation_forms(candidates: &[Candidate]) -> Vec<ValidationForm> {
    let mut forms = Vec::new();
    let kinds_of = |category: DataCategory| {
        let mut names: Vec<&str> = candidates
            .iter()
            .filter(|c| c.category == category)
            .map(|c| c.kind.name())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.join(", ")
    };
    let personal = kinds_of(DataCategory::Personal);
    if !personal.is_empty() {
        forms.push(ValidationForm {
            id: "consentimento_titular".to_owned(),
            title: "Termo de consentimento para divulgação de dados pessoais".to_owned(),
            reason: format!("o texto contém dados pessoais: {personal}"),
            lgpd_reference: "LGPD Art. 7º, I; Art. 8º; Art. 9º".to_owned(),
            fields: vec![
                field("nome_titular", "Nome completo do titular", true),
                field("documento_titular", "CPF do titular", true),
                field(
                    "responsavel_legal",
                    "Responsável legal, se menor ou incapaz (Art. 14, §1º)",
                    false,
                ),
                field(
                    "finalidade",
                    "Finalidade determinada da divulgação (Art. 8º, §4º)",
                    true,
                ),
                field(
                    "dados_divulgados",
                    "Dados pessoais que serão divulgados",
                    true,
                ),
                field(
                    "meio_divulgacao",
                    "Onde e de que forma o texto será publicado (Art. 9º, II)",
                    true,
                ),
                field(
                    "duracao",
                    "Por quanto tempo ficará publicado (Art. 9º, III)",
                    true,
                ),
                field(
                    "compartilhamento",
                    "Com quem os dados serão compartilhados (Art. 9º, V)",
                    true,
                ),
                field(
                    "ciencia_revogacao",
                    "Ciência de que pode revogar o consentimento a qualquer momento (Art. 8º, §5º)",
                    true,
                ),
                field("data", "Data do consentimento", true),
                field("assinatura", "Assinatura do titular (Art. 8º, caput)", true),
            ],
        });
    }
    let sensitive = kinds_of(DataCategory::Sensitive);
    if !sensitive.is_empty() {
        forms.push(ValidationForm {
            id: "consentimento_dados_sensiveis".to_owned(),
            title: "Consentimento específico e destacado para dados sensíveis".to_owned(),
            reason: format!("o texto contém dados pessoais sensíveis: {sensitive}"),
            lgpd_reference: "LGPD Art. 11, I".to_owned(),
            fields: vec![
                field("nome_titular", "Nome completo do titular", true),
                field(
                    "categorias_sensiveis",
                    "Categorias de dados sensíveis divulgadas",
                    true,
                ),
                field(
                    "finalidade_especifica",
                    "Finalidade específica da divulgação",
                    true,
                ),
                field(
                    "consentimento_destacado",
                    "Concordância em cláusula destacada, separada das demais",
                    true,
                ),
                field(
                    "ciencia_riscos",
                    "Ciência dos riscos da divulgação de dado sensível",
                    true,
                ),
                field(
                    "ciencia_revogacao",
                    "Ciência de que pode revogar o consentimento a qualquer momento (Art. 8º, §5º)",
                    true,
                ),
                field("data", "Data do consentimento", true),
                field("assinatura", "Assinatura do titular", true),
            ],
        });
    }
    forms
}
