//! The files an operator or a publisher hands the host: the policy TOML and signature files.
//!
//! - [`policy`]: `Policy::parse` on any UTF-8 text (the path every `medplug.toml` takes after
//!   it is read); key files are named relative to a directory that does not exist, so nothing
//!   is read from disk.
//! - [`signature`]: the bytes up to the first line break are a `.sig` file, the rest the module
//!   it signs. `ModuleSignature::parse`, then `verify_module` with the signature's own key
//!   trusted; a signature that parses must write back to a file that reads as the same
//!   signature, and its key must read back from its own display.

use std::path::Path;

use medplug_host::Policy;
use medplug_host::signature::{ModuleSignature, TrustedKey, verify_module};

/// `Policy::parse` on the bytes as text.
pub fn policy(data: &[u8]) {
    let Some(text) = crate::text(data) else {
        return;
    };
    if let Ok(policy) = Policy::parse(text, "fuzz.toml", Path::new("/nonexistent/medplug-fuzz")) {
        // What a host asks of a policy, for every plugin and tenant it names.
        for plugin in policy.plugins.keys() {
            let _ = (policy.limits(plugin), policy.pool_limits(plugin));
            let _ = (policy.quota(plugin), policy.plugin_grants(plugin));
            for tenant in policy.tenants.values() {
                let _ = (tenant.enables(plugin), policy.tenant_grants(tenant, plugin));
            }
        }
    }
}

/// A signature line, then the module it signs.
pub fn signature(data: &[u8]) {
    let split = data
        .iter()
        .position(|&b| b == b'\n')
        .map_or(data.len(), |i| i + 1);
    let (line, module) = data.split_at(split);
    let Some(line) = crate::text(line) else {
        return;
    };
    // A bare key, as `[trust] keys` holds them.
    if let Ok(key) = line.trim_end().parse::<TrustedKey>() {
        let again: TrustedKey = key
            .to_string()
            .parse()
            .expect("a trusted key reads back from its display");
        assert_eq!(again, key, "a trusted key reads back as itself");
    }
    let Ok(signature) = ModuleSignature::parse(line) else {
        return;
    };
    let again = ModuleSignature::parse(&signature.to_file_contents())
        .expect("a parsed signature's file contents parse");
    assert_eq!(again, signature, "a signature file reads back as itself");
    match verify_module(module, &signature, &[signature.key]) {
        Ok(key) => assert_eq!(key, signature.key, "verify names the key that signed"),
        Err(error) => {
            let _ = error.to_string();
        }
    }
    // A key that is not trusted is refused before any cryptography.
    assert!(
        verify_module(module, &signature, &[]).is_err(),
        "no trusted key, no valid signature"
    );
}
