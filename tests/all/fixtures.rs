//! Every fixture gives the expected output, and both sides validate against their schemas.
//!
//! Set `MEDPLUG_BLESS=1` to (re)write the expected files from the current output — then read
//! the diff before committing it.

use anyhow::{Context, Result, ensure};
use conformance::{fixtures, index, reference_host, validate};
use medplug_pdk::SchemaId;
use serde_json::Value;

#[test]
fn every_fixture_gives_its_expected_output() -> Result<()> {
    let host = reference_host()?;
    let bless = std::env::var_os("MEDPLUG_BLESS").is_some();
    for entry in index()?.plugins {
        let cases = fixtures(&entry.name)?;
        for function in &entry.functions {
            ensure!(
                cases.iter().any(|c| &c.function == function),
                "{}: function `{function}` has no fixture under tests/fixtures/{}/{function}/",
                entry.name,
                entry.name
            );
        }
        for case in cases {
            let what = format!("{}/{}/{}", entry.name, case.function, case.case);
            let input: Value = serde_json::from_slice(&std::fs::read(&case.input)?)
                .with_context(|| what.clone())?;
            validate(
                SchemaId::input(&entry.name, &case.function).as_str(),
                &input,
            )
            .with_context(|| format!("{what} input"))?;
            let output: Value = host
                .call(&entry.name, &case.function, &input)
                .with_context(|| what.clone())?;
            validate(
                SchemaId::output(&entry.name, &case.function).as_str(),
                &output,
            )
            .with_context(|| format!("{what} output"))?;
            if bless {
                std::fs::write(
                    &case.expected,
                    serde_json::to_string_pretty(&output)? + "\n",
                )?;
            }
            let expected: Value = serde_json::from_slice(
                &std::fs::read(&case.expected)
                    .with_context(|| format!("{what}: missing {}", case.expected.display()))?,
            )?;
            assert_eq!(
                output,
                expected,
                "{what}: output differs from {}",
                case.expected.display()
            );
        }
    }
    Ok(())
}

#[test]
fn the_same_input_twice_gives_the_same_output() -> Result<()> {
    let host = reference_host()?;
    for entry in index()?.plugins {
        for case in fixtures(&entry.name)? {
            let input = std::fs::read(&case.input)?;
            let first = host.call_json(&entry.name, &case.function, &input)?;
            let second = host.call_json(&entry.name, &case.function, &input)?;
            assert_eq!(
                first, second,
                "{}/{}/{}",
                entry.name, case.function, case.case
            );
        }
    }
    Ok(())
}
