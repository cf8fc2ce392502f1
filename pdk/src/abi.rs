//! ABI v1: what a plugin says about itself through `describe`.

use serde::{Deserialize, Serialize};

use crate::{Capability, SchemaId};

/// The plugin ABI this crate speaks. A host refuses a plugin whose `describe` reports another.
///
/// Bumped only for a change a v1 host or plugin cannot read; additions that old readers ignore
/// (a new optional field, a new function) keep the number.
pub const ABI_VERSION: u32 = 1;

/// The reserved export every plugin has: no input, no capability, returns [`PluginInfo`] JSON.
pub const DESCRIBE_FUNCTION: &str = "describe";

/// The reserved, optional export a host calls on a fresh instance before any tenant's call, so
/// that lazy work (compiling an automaton, filling a cache) leaves the call path: no input, no
/// output, no capability. A plugin without lazy state does not export it.
pub const WARM_UP_FUNCTION: &str = "warm_up";

/// What `describe` returns: who the plugin is, what it exports and what it asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PluginInfo {
    /// Plugin name: lowercase ASCII letters, digits and `-`, starting with a letter
    /// (`lgpd-analyzer`). The host registers the plugin under this name.
    pub name: String,
    /// Semantic version of the plugin (`MAJOR.MINOR.PATCH`).
    pub version: String,
    /// The ABI the plugin was built for; must equal the host's [`ABI_VERSION`].
    pub abi_version: u32,
    /// Medical specialty the plugin serves (`cardiology`, `dermatology`, `privacy`, …): lowercase
    /// ASCII letters and `-`. A tenant must have it to call the plugin.
    pub specialty: String,
    /// Short human description.
    pub description: String,
    /// The functions the plugin exports, besides `describe` and `warm_up`.
    pub functions: Vec<FunctionInfo>,
    /// Capabilities the plugin requests; it may import only their host functions.
    pub capabilities: Vec<Capability>,
}

/// One exported function of a plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct FunctionInfo {
    /// Export name (`analyze`).
    pub name: String,
    /// Schema of the function's input, as a path under `schemas/` without `.json`.
    pub input_schema: SchemaId,
    /// Schema of the function's output.
    pub output_schema: SchemaId,
}

/// Why a [`PluginInfo`] breaks ABI v1's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PluginInfoError {
    /// The name is empty or has characters outside `[a-z0-9-]`.
    #[error(
        "plugin name `{0}` must be lowercase ascii letters, digits and `-`, starting with a letter"
    )]
    BadName(String),
    /// The version is not `MAJOR.MINOR.PATCH` (with an optional pre-release or build suffix).
    #[error("version `{0}` is not a semantic version (MAJOR.MINOR.PATCH)")]
    BadVersion(String),
    /// The specialty is empty or has characters outside `[a-z-]`.
    #[error("specialty `{0}` must be lowercase ascii letters and `-`")]
    BadSpecialty(String),
    /// The plugin lists `describe` among its functions, or a function twice.
    #[error("function `{0}` is reserved or listed twice")]
    BadFunction(String),
    /// A capability is listed twice.
    #[error("capability `{0}` is requested twice")]
    DuplicateCapability(Capability),
}

impl FunctionInfo {
    /// `plugin`'s function `name`, with the schema ids `cargo xtask schemas` publishes for it
    /// (`<plugin>/<name>.input`, `<plugin>/<name>.output`).
    pub fn published(plugin: &str, name: &str) -> Self {
        Self {
            name: name.to_owned(),
            input_schema: SchemaId::input(plugin, name),
            output_schema: SchemaId::output(plugin, name),
        }
    }
}

impl PluginInfo {
    /// An ABI v1 plugin that requests no capability: each of `functions` with its published
    /// schemas ([`FunctionInfo::published`]). A plugin that needs host functions fills in
    /// `capabilities` afterwards.
    pub fn new(
        name: &str,
        version: &str,
        specialty: &str,
        description: &str,
        functions: &[&str],
    ) -> Self {
        Self {
            name: name.to_owned(),
            version: version.to_owned(),
            abi_version: ABI_VERSION,
            specialty: specialty.to_owned(),
            description: description.to_owned(),
            functions: functions
                .iter()
                .map(|f| FunctionInfo::published(name, f))
                .collect(),
            capabilities: Vec::new(),
        }
    }

    /// Checks the rules ABI v1 puts on names, versions and lists (not the ABI version itself:
    /// the host reports that mismatch on its own, with both numbers).
    pub fn validate(&self) -> Result<(), PluginInfoError> {
        if !is_plugin_name(&self.name) {
            return Err(PluginInfoError::BadName(self.name.clone()));
        }
        if !is_semver(&self.version) {
            return Err(PluginInfoError::BadVersion(self.version.clone()));
        }
        if self.specialty.is_empty()
            || !self
                .specialty
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-')
        {
            return Err(PluginInfoError::BadSpecialty(self.specialty.clone()));
        }
        for (i, f) in self.functions.iter().enumerate() {
            let repeated = self.functions[..i].iter().any(|g| g.name == f.name);
            let reserved = f.name == DESCRIBE_FUNCTION || f.name == WARM_UP_FUNCTION;
            if reserved || f.name.is_empty() || repeated {
                return Err(PluginInfoError::BadFunction(f.name.clone()));
            }
        }
        for (i, c) in self.capabilities.iter().enumerate() {
            if self.capabilities[..i].contains(c) {
                return Err(PluginInfoError::DuplicateCapability(*c));
            }
        }
        Ok(())
    }

    /// The function of that name, if the plugin exports it.
    pub fn function(&self, name: &str) -> Option<&FunctionInfo> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// `name@version`, the way errors and the audit trail name a plugin.
    pub fn id(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }
}

/// Whether `name` is a valid plugin name: lowercase ASCII letters, digits and `-`, starting with
/// a letter.
pub fn is_plugin_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `MAJOR.MINOR.PATCH`, optionally followed by `-pre` and/or `+build` (SemVer 2.0.0 §2, §9, §10).
fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> PluginInfo {
        PluginInfo {
            name: "ecg-analyzer".into(),
            version: "1.2.3".into(),
            abi_version: ABI_VERSION,
            specialty: "cardiology".into(),
            description: "test".into(),
            functions: vec![FunctionInfo {
                name: "analyze".into(),
                input_schema: SchemaId::new("ecg-analyzer/analyze.input"),
                output_schema: SchemaId::new("ecg-analyzer/analyze.output"),
            }],
            capabilities: vec![Capability::AuditLog],
        }
    }

    #[test]
    fn a_well_formed_info_validates() {
        assert_eq!(info().validate(), Ok(()));
        assert_eq!(info().id(), "ecg-analyzer@1.2.3");
    }

    #[test]
    fn names_versions_and_lists_are_checked() {
        let mut i = info();
        i.name = "ECG".into();
        assert_eq!(i.validate(), Err(PluginInfoError::BadName("ECG".into())));
        let mut i = info();
        for bad in ["1.2", "01.2.3", "1.2.x", ""] {
            i.version = bad.into();
            assert_eq!(i.validate(), Err(PluginInfoError::BadVersion(bad.into())));
        }
        i.version = "1.0.0-rc.1+build.5".into();
        assert_eq!(i.validate(), Ok(()));
        let mut i = info();
        i.functions.push(i.functions[0].clone());
        assert_eq!(
            i.validate(),
            Err(PluginInfoError::BadFunction("analyze".into()))
        );
        let mut i = info();
        i.functions[0].name = DESCRIBE_FUNCTION.into();
        assert_eq!(
            i.validate(),
            Err(PluginInfoError::BadFunction("describe".into()))
        );
        let mut i = info();
        i.capabilities.push(Capability::AuditLog);
        assert_eq!(
            i.validate(),
            Err(PluginInfoError::DuplicateCapability(Capability::AuditLog))
        );
        let mut i = info();
        i.specialty = "Cardio".into();
        assert_eq!(
            i.validate(),
            Err(PluginInfoError::BadSpecialty("Cardio".into()))
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<PluginInfo>(
            r#"{"name":"a","version":"1.0.0","abi_version":1,"specialty":"x","description":"",
                "functions":[],"capabilities":[],"extra":1}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("unknown field `extra`"),
            "{err}"
        );
    }
}
