//! Compiles the sensitive-data vocabulary (`vocabulary/*.txt`) into a finite-state transducer the
//! module embeds (`src/vocabulary/mod.rs` reads it in place).
//!
//! Each term is stored under its key (`src/vocabulary/key.rs`: lower case, no accents,
//! one space between words) with the number of its list as output. A term in two lists keeps
//! the first list's number. A term no text could match fails the build, naming its file and line.
//! Beside the transducer it writes a filter of the terms' first words (a bit per hash), which
//! lets the matcher pass over most words without walking the transducer.

use std::collections::BTreeMap;
use std::path::Path;

#[path = "src/vocabulary/key.rs"]
#[allow(dead_code)]
mod key;
#[path = "src/vocabulary/list.rs"]
#[allow(dead_code)]
mod list;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vocabulary");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut terms: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
    for (number, list) in list::List::ALL.iter().enumerate() {
        let path = dir.join(list.file());
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read the vocabulary list {}: {e}", path.display()));
        for (line, term) in text.lines().enumerate() {
            let term = term.trim();
            if term.is_empty() || term.starts_with('#') {
                continue;
            }
            let key = key::key(term).unwrap_or_else(|| {
                panic!(
                    "{}:{}: `{term}` holds a character no text could match (terms are words, \
                     with `-`, `/` or `+` only inside them)",
                    path.display(),
                    line + 1
                )
            });
            terms.entry(key).or_insert(number as u64);
        }
    }
    let mut first_words = vec![0u8; key::FIRST_WORD_BITS / 8];
    for key in terms.keys() {
        let hash = key::first_word(key)
            .iter()
            .fold(key::WordHash::new(), |h, &b| h.push(b));
        first_words[hash.bit() / 8] |= 1 << (hash.bit() % 8);
    }
    let mut builder = fst::MapBuilder::memory();
    builder
        .extend_iter(terms)
        .expect("keys are inserted in order, once each");
    let bytes = builder.into_inner().expect("an in-memory transducer");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for (name, bytes) in [
        ("vocabulary.fst", bytes),
        ("vocabulary.first_words", first_words),
    ] {
        let path = Path::new(&out).join(name);
        std::fs::write(&path, bytes)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}
