//! The `boundary` test plugin the analyzers' benchmarks stand beside (issue 20): through the
//! host it reads an input of any size and writes exactly the output size asked for, and a
//! malformed request is `invalid_input`, so that its timings are of the boundary alone.

use std::sync::Arc;

use anyhow::Result;
use conformance::test_plugin;
use medplug_host::audit::SqliteAuditTrail;
use medplug_host::{CallError, Host, sha256_hex};

#[test]
fn the_boundary_plugin_writes_exactly_the_requested_bytes_through_the_host() -> Result<()> {
    let audit = Arc::new(SqliteAuditTrail::in_memory()?);
    let host = Host::builder()
        .plugin_bytes("boundary.wasm", test_plugin(boundary::NAME)?)
        .audit_sink(Arc::clone(&audit) as _)
        .build()?;
    let mut digests = Vec::new();
    for (input_bytes, output_bytes) in [(64, 10), (1_000_000, 3_770_000), (40, 4_096)] {
        let input = boundary::input_of(input_bytes, output_bytes).expect("room for the request");
        let output = host.call_json(boundary::NAME, boundary::PASS, &input)?;
        assert_eq!(output.len(), output_bytes);
        assert_eq!(output, boundary::output_of(&input)?);
        digests.push((sha256_hex(&input), input_bytes as u64));
    }
    // The 1 MB input is hashed on a second thread while the plugin runs: the same digest.
    let recorded: Vec<(String, u64)> = audit
        .records()?
        .into_iter()
        .map(|r| (r.record.input_sha256, r.record.input_bytes))
        .collect();
    assert_eq!(recorded, digests);
    let error = host
        .call_json(boundary::NAME, boundary::PASS, br#"{"output_bytes":3}"#)
        .unwrap_err();
    assert!(
        matches!(&error, CallError::InvalidInput { message, .. }
            if message == "expected {\"output_bytes\":N,…} with N ≥ 10"),
        "{error:?}"
    );
    Ok(())
}
