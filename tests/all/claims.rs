//! The claims extractor through the host: wasm gives exactly the native output on every corpus
//! document, offsets point at the claim's text, and an oversized text is `invalid_input`.

use anyhow::{Context, Result};
use conformance::{claims_corpus, reference_host};
use medplug_host::CallError;
use medplug_pdk::claims::{self, ExtractInput, ExtractOutput};

#[test]
fn wasm_gives_the_native_output_on_every_corpus_document() -> Result<()> {
    let host = reference_host()?;
    let documents = claims_corpus()?;
    assert_eq!(documents.len(), 65);
    let mut claims_seen = 0;
    for (id, text) in documents {
        let input = ExtractInput::new(text.clone());
        let wasm: ExtractOutput = host
            .call(claims::PLUGIN_NAME, claims::EXTRACT, &input)
            .with_context(|| id.clone())?;
        assert_eq!(wasm, claims_extractor::extract(input)?, "{id}");
        let chars: Vec<char> = text.chars().collect();
        for claim in &wasm.claims {
            let quoted: String = chars[claim.start..claim.end].iter().collect();
            assert_eq!(quoted, claim.text, "{id}");
        }
        claims_seen += wasm.claims.len();
    }
    // Every labelled claim of both sets but the misses, plus the few false ones.
    assert!(claims_seen > 200, "{claims_seen} claims");
    Ok(())
}

#[test]
fn a_text_over_four_mebibytes_is_invalid_input() -> Result<()> {
    // Under the host's default 16 MiB input cap: the plugin's own cap answers.
    let host = reference_host()?;
    let input = ExtractInput::new("Texto. ".repeat(700_000));
    match host.call::<_, ExtractOutput>(claims::PLUGIN_NAME, claims::EXTRACT, &input) {
        Err(CallError::InvalidInput { message, .. }) => assert_eq!(
            message,
            "`content` is 4900000 bytes, more than 4194304: split the text"
        ),
        other => panic!("expected invalid_input, got {other:?}"),
    }
    Ok(())
}
