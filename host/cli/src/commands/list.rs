//! `medplug list`: every installed version, its state and the tenants using it; the tenants.

use std::collections::BTreeSet;

use anyhow::Result;

use super::Globals;

/// Prints one line per version, then one per tenant.
pub fn run(globals: &Globals) -> Result<()> {
    let host = globals.host()?;
    for listing in host.versions() {
        let info = listing.plugin.info();
        let functions: Vec<&str> = info.functions.iter().map(|f| f.name.as_str()).collect();
        let capabilities: Vec<&str> = info.capabilities.iter().map(|c| c.as_str()).collect();
        println!(
            "{:<20} {:<8} {:<12} {}  used by: {}  functions: {}  capabilities: {}",
            info.name,
            info.version,
            info.specialty,
            listing.status.describe(),
            or_none(&listing.default_for.join(", ")),
            functions.join(", "),
            or_none(&capabilities.join(", ")),
        );
    }
    for tenant in host.policy().tenants.values() {
        let join = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
        let pins: Vec<String> = tenant
            .pins
            .iter()
            .map(|(plugin, pin)| format!("{plugin} {pin}"))
            .collect();
        println!(
            "tenant {:<18} specialties: {}  plugins: {}{}",
            tenant.id,
            join(&tenant.specialties),
            join(&tenant.plugins),
            if pins.is_empty() {
                String::new()
            } else {
                format!("  pins: {}", pins.join(", "))
            }
        );
    }
    Ok(())
}

fn or_none(list: &str) -> &str {
    if list.is_empty() { "none" } else { list }
}
