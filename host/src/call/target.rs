//! [`Target`]: what a call names — `plugin`, `plugin@version` or `plugin@requirement`.

use std::fmt;
use std::str::FromStr;

use medplug_pdk::is_plugin_name;

use crate::registry::VersionRequirement;

/// The plugin a call names, and optionally which versions it accepts.
///
/// `lgpd-analyzer` takes the tenant's pinned version, else the highest enabled one;
/// `lgpd-analyzer@0.2.0` exactly that version; `lgpd-analyzer@^0.1` the highest enabled `0.1.x`
/// (see [`VersionRequirement`] for the syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    plugin: String,
    requirement: Option<VersionRequirement>,
}

/// Why a target does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetProblem {
    /// The part before `@` is not a plugin name.
    #[error("a plugin name is lowercase ascii letters, digits and `-`, starting with a letter")]
    BadName,
    /// The part after `@` is not a version or requirement.
    #[error("`{requirement}` is not a version or version requirement ({message})")]
    BadRequirement {
        /// The text after `@`.
        requirement: String,
        /// semver's message.
        message: String,
    },
}

impl Target {
    /// The plugin's name.
    pub fn plugin(&self) -> &str {
        &self.plugin
    }

    /// The versions the call accepts, when it names any.
    pub fn requirement(&self) -> Option<&VersionRequirement> {
        self.requirement.as_ref()
    }
}

impl FromStr for Target {
    type Err = TargetProblem;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (plugin, requirement) = match text.split_once('@') {
            Some((plugin, requirement)) => (plugin, Some(requirement)),
            None => (text, None),
        };
        if !is_plugin_name(plugin) || plugin.len() > 64 {
            return Err(TargetProblem::BadName);
        }
        let requirement = requirement
            .map(|r| {
                r.parse::<VersionRequirement>()
                    .map_err(|e| TargetProblem::BadRequirement {
                        requirement: r.chars().take(64).collect(),
                        message: e.to_string(),
                    })
            })
            .transpose()?;
        Ok(Self {
            plugin: plugin.to_owned(),
            requirement,
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.requirement {
            Some(requirement) => write!(f, "{}@{requirement}", self.plugin),
            None => f.write_str(&self.plugin),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_a_plugin_and_optionally_versions() {
        let plain: Target = "lgpd-analyzer".parse().unwrap();
        assert_eq!(plain.plugin(), "lgpd-analyzer");
        assert_eq!(plain.requirement(), None);
        let exact: Target = "lgpd-analyzer@0.2.0".parse().unwrap();
        assert_eq!(
            exact.requirement().and_then(VersionRequirement::exact),
            Some(semver::Version::new(0, 2, 0))
        );
        let caret: Target = "lgpd-analyzer@^0.1".parse().unwrap();
        assert_eq!(caret.to_string(), "lgpd-analyzer@^0.1");
    }

    #[test]
    fn bad_targets_say_what_is_wrong() {
        assert_eq!("Bad Name".parse::<Target>(), Err(TargetProblem::BadName));
        assert_eq!("@1.0.0".parse::<Target>(), Err(TargetProblem::BadName));
        let error = "p@soon".parse::<Target>().unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("`soon` is not a version or version requirement ("),
            "{error}"
        );
    }
}
