//! [`Tenant`]: a clinic, its specialties, the plugins it enabled and what it grants them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use medplug_pdk::{Capability, PluginInfo};

use crate::registry::VersionRequirement;

/// In a tenant's `specialties` or `plugins`: every specialty, every plugin.
pub const ANY: &str = "*";

/// A tenant (a clinic). Instances, patients and audit records are never shared between tenants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// Stable id (`clinica-horizonte`), recorded in every audit record.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The specialties the tenant practises (`dermatology`); `*` for all.
    pub specialties: BTreeSet<String>,
    /// The plugins the tenant enabled, by name; `*` for all.
    pub plugins: BTreeSet<String>,
    /// Per plugin, the capabilities this tenant grants it, when narrower than the plugin's
    /// grants in the policy.
    pub grants: BTreeMap<String, BTreeSet<Capability>>,
    /// Per plugin, the versions this tenant uses (a version it validated, or a requirement):
    /// its calls get the highest enabled version that matches, and only such a version.
    pub pins: BTreeMap<String, VersionRequirement>,
}

/// Why a tenant may not call a plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// The tenant has not enabled the plugin.
    PluginNotEnabled,
    /// The tenant does not practise the plugin's specialty.
    SpecialtyNotServed {
        /// The plugin's specialty.
        specialty: String,
    },
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PluginNotEnabled => f.write_str("the plugin is not enabled for this tenant"),
            Self::SpecialtyNotServed { specialty } => write!(
                f,
                "the plugin's specialty `{specialty}` is not one of this tenant's specialties"
            ),
        }
    }
}

impl Denial {
    /// The audit record's `error_kind` for this denial.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PluginNotEnabled => "plugin_not_enabled",
            Self::SpecialtyNotServed { .. } => "specialty_not_served",
        }
    }
}

impl Tenant {
    /// Whether this tenant enabled the plugin of that name.
    pub fn enables(&self, plugin: &str) -> bool {
        self.plugins.contains(ANY) || self.plugins.contains(plugin)
    }

    /// Whether this tenant may call the plugin `info` describes.
    pub fn admits(&self, info: &PluginInfo) -> Result<(), Denial> {
        if !self.enables(&info.name) {
            return Err(Denial::PluginNotEnabled);
        }
        if !self.specialties.contains(ANY) && !self.specialties.contains(&info.specialty) {
            return Err(Denial::SpecialtyNotServed {
                specialty: info.specialty.clone(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use medplug_pdk::ABI_VERSION;

    use super::*;

    fn info(name: &str, specialty: &str) -> PluginInfo {
        PluginInfo {
            name: name.into(),
            version: "1.0.0".into(),
            abi_version: ABI_VERSION,
            specialty: specialty.into(),
            description: String::new(),
            functions: Vec::new(),
            capabilities: Vec::new(),
        }
    }

    #[test]
    fn a_tenant_admits_only_enabled_plugins_of_its_specialties() {
        let tenant = Tenant {
            id: "cardio-sul".into(),
            name: "Cardio Sul".into(),
            specialties: BTreeSet::from(["cardiology".to_owned()]),
            plugins: BTreeSet::from(["ecg-analyzer".to_owned(), "lesion-risk".to_owned()]),
            grants: BTreeMap::new(),
            pins: BTreeMap::new(),
        };
        assert_eq!(tenant.admits(&info("ecg-analyzer", "cardiology")), Ok(()));
        assert_eq!(
            tenant.admits(&info("lgpd-analyzer", "privacy")),
            Err(Denial::PluginNotEnabled)
        );
        let denial = tenant
            .admits(&info("lesion-risk", "dermatology"))
            .unwrap_err();
        assert_eq!(
            denial.to_string(),
            "the plugin's specialty `dermatology` is not one of this tenant's specialties"
        );
        assert_eq!(denial.kind(), "specialty_not_served");
    }

    #[test]
    fn a_wildcard_admits_everything() {
        let tenant = Tenant {
            id: "local".into(),
            name: String::new(),
            specialties: BTreeSet::from([ANY.to_owned()]),
            plugins: BTreeSet::from([ANY.to_owned()]),
            grants: BTreeMap::new(),
            pins: BTreeMap::new(),
        };
        assert_eq!(tenant.admits(&info("anything", "oncology")), Ok(()));
    }
}
