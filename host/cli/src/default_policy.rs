//! The default policy: `medplug.toml` at the repository root, compiled into the binary so that
//! `medplug` runs anywhere without one (its paths are then relative to the working directory).

use std::path::Path;

use medplug_host::Policy;

/// The text of `medplug.toml`.
pub const DEFAULT_POLICY: &str = include_str!("../../../medplug.toml");

/// `medplug.toml`, parsed, with its relative paths joined to `base`.
pub fn default_policy(base: &Path) -> Policy {
    Policy::parse(DEFAULT_POLICY, "medplug.toml (built in)", base)
        .expect("medplug.toml is checked by a unit test")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use medplug_host::policy::StoreLocation;

    use super::*;

    #[test]
    fn the_default_policy_holds_together() {
        let policy = default_policy(Path::new("/etc/medplug"));
        assert_eq!(policy.default_tenant.as_deref(), Some("clinica-horizonte"));
        assert_eq!(
            policy.tenants.keys().collect::<Vec<_>>(),
            ["cardio-sul", "clinica-horizonte"]
        );
        assert_eq!(
            policy.audit,
            Some(StoreLocation::Sqlite(PathBuf::from(
                "/etc/medplug/target/medplug/audit.db"
            )))
        );
    }
}
