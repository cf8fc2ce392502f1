//! What the host refuses at load: ungranted imports, another ABI, garbage, the same plugin twice.

use anyhow::Result;
use conformance::{plugin, test_plugin};
use medplug_host::{ContractViolation, Host, LoadError};
use medplug_pdk::Capability;

#[test]
fn an_ungranted_host_function_import_is_refused_naming_import_and_grant() -> Result<()> {
    let error = Host::builder()
        .plugin_bytes("forbidden-import.wasm", test_plugin("forbidden-import")?)
        .build()
        .unwrap_err();
    match &error {
        LoadError::ContractViolation {
            plugin,
            violation: ContractViolation::UngrantedCapability { import, capability },
            ..
        } => {
            assert_eq!(plugin, "forbidden-import");
            assert_eq!(import.to_string(), "extism:host/user::get_patient");
            assert_eq!(*capability, Capability::ReadPatient);
        }
        other => panic!("expected an ungranted-capability refusal, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "plugin forbidden-import from forbidden-import.wasm is refused: it imports `extism:host/user::get_patient`, \
         which needs the `read_patient` capability, and that is not granted"
    );
    Ok(())
}

#[test]
fn another_abi_is_refused_with_both_versions() -> Result<()> {
    let error = Host::builder()
        .plugin_bytes("abi-two.wasm", test_plugin("abi-two")?)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            error,
            LoadError::AbiMismatch {
                found: 2,
                expected: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "plugin abi-two@0.1.0 speaks abi v2, this host speaks abi v1: rebuild it against medplug-pdk 1"
    );
    Ok(())
}

#[test]
fn garbage_and_plain_wasm_are_refused() -> Result<()> {
    let error = Host::builder()
        .plugin_bytes("notes.txt", b"hello".to_vec())
        .build()
        .unwrap_err();
    assert!(
        error.to_string().starts_with(
            "cannot load plugin from notes.txt: it is not a valid wasm module: magic header"
        ),
        "{error}"
    );
    // A valid module that is not a medplug plugin: no `describe`.
    let empty_module = b"\0asm\x01\0\0\0".to_vec();
    let error = Host::builder()
        .plugin_bytes("empty.wasm", empty_module)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot load plugin from empty.wasm: it does not export `describe`: is it a medplug plugin?"
    );
    Ok(())
}

#[test]
fn the_same_version_twice_is_refused() -> Result<()> {
    let bytes = plugin("lgpd-analyzer")?;
    let error = Host::builder()
        .plugin_bytes("a.wasm", bytes.clone())
        .plugin_bytes("b.wasm", bytes)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "lgpd-analyzer@0.1.0 is loaded twice (from a.wasm and b.wasm): keep one"
    );
    Ok(())
}

#[test]
fn a_missing_directory_is_an_io_error_naming_it() {
    let error = Host::builder()
        .plugins_dir("/nonexistent/plugins")
        .build()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot read /nonexistent/plugins: "),
        "{error}"
    );
}
