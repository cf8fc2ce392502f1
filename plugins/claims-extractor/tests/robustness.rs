//! Odd text never makes the extractor panic (a panic in wasm is an `internal` error), and every
//! claim it reports quotes its own offsets: edge cases by hand, then 3,000 pseudo-random texts
//! drawn from the characters that drive the splitter, the word folding and the citation reader.

use anyhow::Result;
use claims_extractor::extract;
use medplug_pdk::claims::{ExtractInput, ExtractOutput};

fn check(text: &str) -> Result<ExtractOutput> {
    let output = extract(ExtractInput::new(text))?;
    let chars: Vec<char> = text.chars().collect();
    for claim in &output.claims {
        let quoted: String = chars[claim.start..claim.end].iter().collect();
        assert_eq!(quoted, claim.text, "{text:?}");
        for entity in &claim.entities {
            let named: String = chars[entity.start..entity.end].iter().collect();
            assert_eq!(named, entity.text, "{text:?}");
        }
    }
    Ok(output)
}

#[test]
fn edge_cases_read_without_panicking() -> Result<()> {
    for text in [
        "",
        " ",
        "\n\n\n",
        "....",
        "\"",
        "“”",
        "✨✨✨",
        "doi:",
        "PMID",
        "et al",
        "Silva et al.,",
        "R$",
        "R$ ",
        "100%",
        "Cura.",
        "cura\u{301} garantida",
        "Dr.",
        "– Carla",
        "\"Curou!\" –",
        "Sociedade Brasileira (",
        "Sociedade Brasileira de",
        "segundo a OMS (",
        "Não",
        "não causa",
        "pague 1 leve",
        "A\u{0}B garantido.",
        "\u{202e}garantido\u{202c} resultado",
    ] {
        check(text)?;
    }
    assert_eq!(check("Resultado garantido!")?.summary.flagged_count, 1);
    Ok(())
}

#[test]
fn pseudo_random_texts_read_without_panicking() -> Result<()> {
    const ALPHABET: &[&str] = &[
        "a",
        "É",
        "ç",
        "ã",
        " ",
        " ",
        "\n",
        ".",
        "!",
        "?",
        "…",
        ",",
        ":",
        "(",
        ")",
        "\"",
        "“",
        "”",
        "–",
        "-",
        "%",
        "$",
        "#",
        "1",
        "2,5",
        "✨",
        "😍",
        "\u{fe0f}",
        "Dr.",
        "et al.",
        "doi:10.1000/x",
        "PMID: 1",
        "R$ 9",
        "cura",
        "garantido",
        "não",
        "pode",
        "o melhor",
        "SBD",
        "Sociedade Brasileira de",
        "2021",
        "sem riscos",
        "grátis",
    ];
    // A linear congruential generator: the same texts on every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let mut claims = 0;
    for _ in 0..3_000 {
        let len = next() % 40;
        let text: String = (0..len)
            .map(|_| ALPHABET[next() % ALPHABET.len()])
            .collect();
        claims += check(&text)?.claims.len();
    }
    // The alphabet is full of claim words: most texts make claims.
    assert!(claims > 1_000, "{claims} claims");
    Ok(())
}
