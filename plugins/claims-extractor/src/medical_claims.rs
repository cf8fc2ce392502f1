//! `extract_medical_claims` (design document D3) and `validate_medical_claims` (D4), answered by
//! [`extract`].
//!
//! Thin adapters: each turns its input into `extract`'s text and lists `extract`'s claims as D4's
//! `MedicalClaim` records, with what `extract` says of each (`docs/design-contracts.md` has the
//! table, field by field). D4's validation — a claim passes with an evidence score of 0.8 and an
//! authority's verification — cannot be met by a plugin without network, so every record says
//! what was checked (`flags`) and what was not (`evidence_score` null, `authority_verified` 0).

use medplug_pdk::PluginError;
use medplug_pdk::claims::{ClaimsDocument, ClaimsRequest, ExtractInput, MedicalClaim};

use crate::extract;

/// Answers D3's `extract_medical_claims` with `extract`'s claims of `content`;
/// `medical_ontology` is accepted and not read.
pub fn extract_medical_claims(input: ClaimsRequest) -> Result<Vec<MedicalClaim>, PluginError> {
    claims_of(input.content)
}

/// Answers D4's `validate_medical_claims` with `extract`'s claims of the document's text (its
/// strings, one per line). Errors: `invalid_input` when the document holds no text.
pub fn validate_medical_claims(input: ClaimsDocument) -> Result<Vec<MedicalClaim>, PluginError> {
    let text = input.text();
    if text.trim().is_empty() {
        return Err(PluginError::invalid_input(
            "the input of `validate_medical_claims` holds no text: give a JSON object or array \
             whose strings are the text to validate",
        ));
    }
    claims_of(text)
}

fn claims_of(content: String) -> Result<Vec<MedicalClaim>, PluginError> {
    Ok(extract(ExtractInput::new(content))?
        .claims
        .into_iter()
        .map(|c| MedicalClaim {
            claim: c.text,
            evidence_score: None,
            source_reference: c.evidence.map(|e| e.text).unwrap_or_default(),
            authority_verified: 0,
            claim_type: c.claim_type,
            assertiveness: c.assertiveness,
            requires_evidence: c.requires_evidence,
            flags: c.flags,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ErrorCode;
    use medplug_pdk::claims::{Assertiveness, ClaimType};

    use super::*;

    #[test]
    fn claims_are_extract_s_as_d4_records() -> Result<(), PluginError> {
        let text = "Nosso tratamento cura a acne em 7 dias, resultado garantido. \
                    Segundo a OMS, a vacinação reduz casos graves.";
        let claims = extract_medical_claims(ClaimsRequest {
            content: text.to_owned(),
            medical_ontology: None,
        })?;
        let native = extract(ExtractInput::new(text))?.claims;
        assert_eq!(claims.len(), native.len());
        for (claim, native) in claims.iter().zip(&native) {
            assert_eq!(claim.claim, native.text);
            assert_eq!(claim.claim_type, native.claim_type);
            assert_eq!(claim.flags, native.flags);
            assert_eq!((claim.evidence_score, claim.authority_verified), (None, 0));
        }
        assert_eq!(claims[0].claim_type, ClaimType::Guarantee);
        assert!(!claims[0].flags.is_empty());
        assert_eq!(claims[1].source_reference, "OMS");
        assert_eq!(claims[1].assertiveness, Assertiveness::Assertive);
        Ok(())
    }

    #[test]
    fn validate_reads_the_document_s_strings_and_refuses_an_empty_one() -> Result<(), PluginError> {
        let document: ClaimsDocument = serde_json::from_str(
            r#"{"items": [{"text": "Nosso tratamento cura a acne em 7 dias."}], "n": 1}"#,
        )
        .map_err(|e| PluginError::invalid_input(e.to_string()))?;
        let claims = validate_medical_claims(document)?;
        assert_eq!(claims.len(), 1);
        assert_eq!(claims[0].claim, "Nosso tratamento cura a acne em 7 dias.");
        let empty = validate_medical_claims(ClaimsDocument(vec![" ".to_owned()])).unwrap_err();
        assert_eq!(empty.code, ErrorCode::InvalidInput);
        Ok(())
    }
}
