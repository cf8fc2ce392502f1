//! [`Report`]: the checks a module passed, failed or could not be put to, as a table for people
//! and as JSON for CI systems.

use std::fmt::Write;

use serde::Serialize;

/// What became of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The module honours the rule.
    Passed,
    /// The module breaks it.
    Failed,
    /// The check could not run: an earlier one failed, or its inputs (fixtures, schemas) were
    /// not given.
    Skipped,
}

/// One check: its stable name, what became of it, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The check's stable name ([`CHECKS`](crate::CHECKS)).
    pub name: &'static str,
    /// Passed, failed or skipped.
    pub status: Status,
    /// What was found: the rule broken, or what was checked.
    pub detail: String,
}

/// Every check run on one module, in [`CHECKS`](crate::CHECKS) order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Where the module came from.
    pub module: String,
    /// `name@version`, once `describe` answered.
    pub plugin: Option<String>,
    /// The checks.
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether no check failed (skipped ones do not fail a module).
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.status != Status::Failed)
    }

    /// The names of the checks that failed.
    pub fn failed(&self) -> Vec<&'static str> {
        self.checks
            .iter()
            .filter(|c| c.status == Status::Failed)
            .map(|c| c.name)
            .collect()
    }

    /// The check of that name.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// A table: one line per check, then the verdict.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "medplug conformance: {}{}",
            self.module,
            self.plugin
                .as_deref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default()
        );
        for check in &self.checks {
            let mark = match check.status {
                Status::Passed => "pass",
                Status::Failed => "FAIL",
                Status::Skipped => "skip",
            };
            let _ = writeln!(out, "  {mark}  {:<16} {}", check.name, check.detail);
        }
        let failed = self.failed();
        let _ = if failed.is_empty() {
            writeln!(out, "conformant to ABI v1")
        } else {
            writeln!(out, "not conformant: {} failed", failed.join(", "))
        };
        out
    }
}
