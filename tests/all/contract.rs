//! Every built plugin's `describe` is valid ABI v1, matches `index.json`, and names published
//! schemas, which the module embeds.

use anyhow::{Result, ensure};
use conformance::{index, plugin, root, validate};
use medplug_host::inspect;
use medplug_pdk::ABI_VERSION;

#[test]
fn every_plugin_describes_itself_as_its_index_entry_says() -> Result<()> {
    for entry in index()?.plugins {
        let bytes = plugin(&entry.name)?;
        let inspection = inspect(&entry.name, &bytes)?;
        let info = &inspection.info;
        validate("plugin-info", &serde_json::to_value(info)?)?;
        info.validate()?;
        assert_eq!(info.abi_version, ABI_VERSION, "{}", entry.name);
        assert_eq!(
            (
                info.name.as_str(),
                info.version.as_str(),
                info.specialty.as_str()
            ),
            (
                entry.name.as_str(),
                entry.version.as_str(),
                entry.specialty.as_str()
            )
        );
        let functions: Vec<&str> = info.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(functions, entry.functions, "{}", entry.name);
        assert_eq!(info.capabilities, entry.capabilities, "{}", entry.name);
        assert_eq!(
            (inspection.sha256.as_str(), inspection.size),
            (entry.sha256.as_str(), entry.size),
            "{}",
            entry.name
        );
        // The schemas section is appended after wasm-opt: what wasm-opt wrote is the rest.
        let section = inspection.interface.schema_sections.concat().len();
        assert!(
            entry.size - section <= entry.raw_size,
            "{}: wasm-opt grew the module",
            entry.name
        );
    }
    Ok(())
}

#[test]
fn every_function_names_schemas_that_are_published_and_embedded() -> Result<()> {
    for entry in index()?.plugins {
        let inspection = inspect(&entry.name, &plugin(&entry.name)?)?;
        let Some(embedded) = &inspection.embedded_schemas else {
            anyhow::bail!("{}: the module embeds no schemas", entry.name);
        };
        for function in &inspection.info.functions {
            let schemas = &embedded[&function.name];
            for (id, schema) in [
                (&function.input_schema, schemas.input_schema()),
                (&function.output_schema, schemas.output_schema()),
            ] {
                let path = root().join("schemas").join(id.file_name());
                ensure!(
                    path.exists(),
                    "{}: `{}` names schema {id}, but {} does not exist",
                    entry.name,
                    function.name,
                    path.display()
                );
                let published: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)?;
                ensure!(
                    &published == schema,
                    "{}: the module's schema {id} is not {}",
                    entry.name,
                    path.display()
                );
            }
        }
    }
    Ok(())
}

/// The size of plugin `name`'s optimised module without its `medplug.schemas` section: the size
/// budgets below are for code, and the schemas (16–40 KB of JSON) travel beside it.
fn code_size(name: &str) -> Result<usize> {
    let bytes = plugin(name)?;
    let section = medplug_host::ModuleInterface::parse(&bytes)
        .map_err(anyhow::Error::msg)?
        .schema_sections
        .concat()
        .len();
    Ok(bytes.len() - section)
}

#[test]
fn the_lgpd_analyzer_is_in_the_index() -> Result<()> {
    let index = index()?;
    let entry = index.get("lgpd-analyzer").expect("lgpd-analyzer is built");
    assert_eq!(
        entry.functions,
        ["analyze", "redact", "analyze_lgpd_compliance"]
    );
    assert!(entry.capabilities.is_empty());
    assert_eq!(entry.optimization, "z");
    // The budget for the optimised module: 600,000 bytes in issue #3, raised to 1.5 MB by
    // issue #20's decision (room for a broad health vocabulary).
    let size = code_size("lgpd-analyzer")?;
    assert!(
        size <= 1_500_000,
        "lgpd-analyzer.wasm is {size} bytes, over its 1,500,000-byte budget"
    );
    Ok(())
}

#[test]
fn the_ecg_analyzer_is_in_the_index() -> Result<()> {
    let index = index()?;
    let entry = index.get("ecg-analyzer").expect("ecg-analyzer is built");
    assert_eq!(entry.functions, ["analyze", "process_medical_content"]);
    assert!(entry.capabilities.is_empty());
    assert_eq!(entry.specialty, "cardiology");
    // Issue #4's budget for the optimised module.
    let size = code_size("ecg-analyzer")?;
    assert!(
        size <= 250_000,
        "ecg-analyzer.wasm is {size} bytes, over its 250,000-byte budget"
    );
    Ok(())
}

#[test]
fn the_lesion_risk_scorer_is_in_the_index() -> Result<()> {
    let index = index()?;
    let entry = index.get("lesion-risk").expect("lesion-risk is built");
    assert_eq!(entry.functions, ["score", "process_medical_content"]);
    assert!(entry.capabilities.is_empty());
    assert_eq!(entry.specialty, "dermatology");
    // Issue #6's budget for the optimised module.
    let size = code_size("lesion-risk")?;
    assert!(
        size <= 200_000,
        "lesion-risk.wasm is {size} bytes, over its 200,000-byte budget"
    );
    Ok(())
}

#[test]
fn the_claims_extractor_is_in_the_index() -> Result<()> {
    let index = index()?;
    let entry = index
        .get("claims-extractor")
        .expect("claims-extractor is built");
    assert_eq!(
        entry.functions,
        [
            "extract",
            "extract_medical_claims",
            "validate_medical_claims"
        ]
    );
    assert!(entry.capabilities.is_empty());
    assert_eq!(entry.specialty, "compliance");
    // Issue #5's budget for the optimised module.
    let size = code_size("claims-extractor")?;
    assert!(
        size <= 600_000,
        "claims-extractor.wasm is {size} bytes, over its 600,000-byte budget"
    );
    Ok(())
}
