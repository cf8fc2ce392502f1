//! [`VersionRequirement`]: which versions of a plugin a call or a tenant's pin accepts.
//!
//! Requirements are [semver](https://semver.org) requirements as Cargo reads them (`^0.1`,
//! `~0.1.2`, `>=0.1, <0.3`, `*`), with one difference that matters to a clinic that validated a
//! version: a bare version means *exactly* that version. `0.1.0` is `=0.1.0`, not Cargo's
//! `^0.1.0`; `0.1` is `=0.1`, every `0.1.x`.

use std::fmt;
use std::str::FromStr;

use semver::{Version, VersionReq};

/// A version requirement, with the text it was written as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRequirement {
    text: String,
    requirement: VersionReq,
}

impl VersionRequirement {
    /// Whether `version` satisfies the requirement.
    pub fn matches(&self, version: &Version) -> bool {
        self.requirement.matches(version)
    }

    /// The exact version this requirement names (`1.2.3` or `=1.2.3`), if it names one.
    pub fn exact(&self) -> Option<Version> {
        let [comparator] = self.requirement.comparators.as_slice() else {
            return None;
        };
        (comparator.op == semver::Op::Exact).then_some(())?;
        Some(Version {
            major: comparator.major,
            minor: comparator.minor?,
            patch: comparator.patch?,
            pre: comparator.pre.clone(),
            build: semver::BuildMetadata::EMPTY,
        })
    }

    /// The requirement as it was written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for VersionRequirement {
    type Err = semver::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let bare = text.starts_with(|c: char| c.is_ascii_digit());
        let requirement = if bare {
            VersionReq::parse(&format!("={text}"))?
        } else {
            VersionReq::parse(text)?
        };
        Ok(Self {
            text: text.to_owned(),
            requirement,
        })
    }
}

impl fmt::Display for VersionRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    fn req(text: &str) -> VersionRequirement {
        text.parse().unwrap()
    }

    #[test]
    fn a_bare_version_means_exactly_that_version() {
        let pin = req("0.1.0");
        assert!(pin.matches(&v("0.1.0")));
        assert!(!pin.matches(&v("0.1.1")));
        assert_eq!(pin.exact(), Some(v("0.1.0")));
        let minor = req("0.1");
        assert!(minor.matches(&v("0.1.7")) && !minor.matches(&v("0.2.0")));
        assert_eq!(minor.exact(), None);
    }

    #[test]
    fn operators_mean_what_cargo_means() {
        let caret = req("^0.1");
        assert!(caret.matches(&v("0.1.9")) && !caret.matches(&v("0.2.0")));
        assert_eq!(caret.exact(), None);
        let range = req(">=1.0, <3");
        assert!(range.matches(&v("2.9.0")) && !range.matches(&v("3.0.0")));
        assert!(req("*").matches(&v("7.0.0")));
        assert_eq!(req("=2.0.0").exact(), Some(v("2.0.0")));
        assert_eq!(req("=2.0.0").to_string(), "=2.0.0");
    }

    #[test]
    fn nonsense_is_refused() {
        assert!("banana".parse::<VersionRequirement>().is_err());
        assert!("^".parse::<VersionRequirement>().is_err());
        assert!("1.2.3.4".parse::<VersionRequirement>().is_err());
    }
}
