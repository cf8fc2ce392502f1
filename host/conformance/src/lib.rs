//! # medplug-conformance — any module against ABI v1
//!
//! [`check_module`] puts a plugin module — built in this workspace or anywhere else, in Rust or
//! in any language with an Extism PDK — to the rules of medplug's ABI v1 and returns a
//! [`Report`]; `medplug conformance MODULE.wasm` prints it, and the conformance suite of this
//! repository runs the same checks on the reference plugins.
//!
//! | check | the rule |
//! |---|---|
//! | `wasm` | the file is a valid WebAssembly module |
//! | `imports` | it imports only Extism's kernel (no network: `http_request`, …) and medplug's host functions of the capabilities it requests — no WASI, no `env` |
//! | `describe` | `describe` answers a valid ABI v1 `PluginInfo` |
//! | `deterministic` | two fresh instances `describe` the same plugin |
//! | `exports` | every declared function is exported and every exported function declared (`describe` and `warm_up` are reserved) |
//! | `loads` | a host loads it under the default limits, its requested capabilities granted |
//! | `invalid_input` | each function answers malformed JSON, a wrong type and an empty input with `invalid_input`, never a trap |
//! | `survives_errors` | the instance that refused those inputs stays in service and answers the next call |
//! | `schemas` | each function's input and output schemas are embedded in the module (its `medplug.schemas` section, which `cargo xtask build-plugins` writes) or published (`SCHEMAS/<plugin>/<function>.{input,output}.json`) — when both, equal — and every fixture's input and output validate against them |
//! | `fixtures` | each fixture's output equals its expected file (`FIXTURES/<function>/<case>.{input,expected}.json`) |
//! | `limits` | no call hit a limit (time, fuel, memory) |
//!
//! `invalid_input` and `survives_errors` judge the plugin itself: a module that embeds schemas
//! runs them without its section, so that the host's guard does not answer for it.
//!
//! The module runs in a host with no patient store and no PHI key: a function whose fixture
//! needs `get_patient` or `encrypt_phi` gets their `internal` refusal, as in any host without
//! them.

mod report;

use std::path::{Path, PathBuf};

use medplug_host::{
    CallError, ContractViolation, EmbeddedSchemas, Host, LoadError, ModuleInterface, Policy,
    PoolLimits, inspect, policy::PluginPolicy,
};
use medplug_pdk::{Capability, DESCRIBE_FUNCTION, PluginInfo, SchemaId, WARM_UP_FUNCTION};
use serde_json::Value;

pub use report::{Check, Report, Status};

/// Every check, in the order they run.
pub const CHECKS: [&str; 11] = [
    "wasm",
    "imports",
    "describe",
    "deterministic",
    "exports",
    "loads",
    "invalid_input",
    "survives_errors",
    "schemas",
    "fixtures",
    "limits",
];

/// Inputs every function of ABI v1 must refuse as `invalid_input`: an empty input, malformed
/// JSON, and values of a wrong type.
pub const BAD_INPUTS: [(&str, &str); 4] = [
    ("", "an empty input"),
    ("{\"unclosed\": ", "malformed JSON"),
    ("42", "a number"),
    ("\"text\"", "a string"),
];

/// What else the checks may use besides the module.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The plugin's fixtures: `DIR/<function>/<case>.input.json` and `.expected.json`.
    pub fixtures: Option<PathBuf>,
    /// The published schemas: `DIR/<plugin>/<function>.input.json` and `.output.json`.
    pub schemas: Option<PathBuf>,
}

/// One fixture: a function's input and the output it must give.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The function.
    pub function: String,
    /// The case's name (the file stem).
    pub case: String,
    /// `<case>.input.json`.
    pub input: PathBuf,
    /// `<case>.expected.json`.
    pub expected: PathBuf,
}

/// The fixtures under `dir` (`<function>/<case>.input.json`), sorted; an unreadable directory
/// is an error naming it.
pub fn fixtures_in(dir: &Path) -> Result<Vec<Fixture>, String> {
    let read = |d: &Path| std::fs::read_dir(d).map_err(|e| format!("{}: {e}", d.display()));
    let mut fixtures = Vec::new();
    for function in read(dir)? {
        let function = function.map_err(|e| e.to_string())?.path();
        if !function.is_dir() {
            continue;
        }
        let name = function
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for file in read(&function)? {
            let file = file.map_err(|e| e.to_string())?.path();
            let file_name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some(case) = file_name.strip_suffix(".input.json") {
                fixtures.push(Fixture {
                    function: name.clone(),
                    case: case.to_owned(),
                    expected: function.join(format!("{case}.expected.json")),
                    input: file,
                });
            }
        }
    }
    fixtures.sort_by(|a, b| (&a.function, &a.case).cmp(&(&b.function, &b.case)));
    Ok(fixtures)
}

/// The checks, filled in as they run.
struct Checks {
    report: Report,
}

impl Checks {
    fn new(origin: &str) -> Self {
        Self {
            report: Report {
                module: origin.to_owned(),
                plugin: None,
                checks: Vec::new(),
            },
        }
    }

    fn set(&mut self, name: &'static str, status: Status, detail: impl Into<String>) {
        debug_assert!(CHECKS.contains(&name));
        // One line each: a plugin's panic message may hold line breaks.
        let detail = detail
            .into()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.report.checks.push(Check {
            name,
            status,
            detail,
        });
    }

    fn pass(&mut self, name: &'static str, detail: impl Into<String>) {
        self.set(name, Status::Passed, detail);
    }

    fn fail(&mut self, name: &'static str, detail: impl Into<String>) {
        self.set(name, Status::Failed, detail);
    }

    fn skip(&mut self, name: &'static str, why: impl Into<String>) {
        self.set(name, Status::Skipped, why);
    }

    fn has(&self, name: &str) -> bool {
        self.report.check(name).is_some()
    }

    /// Marks every check not yet run as skipped, because of `why`, and orders them.
    fn finish(mut self, why: &str) -> Report {
        for name in CHECKS {
            if !self.has(name) {
                self.skip(name, why);
            }
        }
        self.report
            .checks
            .sort_by_key(|c| CHECKS.iter().position(|n| *n == c.name));
        self.report
    }
}

/// The first call that hit a limit (time, fuel, memory), for the `limits` check.
#[derive(Default)]
struct LimitWatch(Option<String>);

impl LimitWatch {
    fn note(&mut self, error: &CallError) {
        let hit = matches!(
            error,
            CallError::Timeout { .. } | CallError::OutOfFuel { .. } | CallError::MemoryLimit { .. }
        );
        if hit && self.0.is_none() {
            self.0 = Some(error.to_string());
        }
    }
}

/// Which check a broken rule of [`ModuleInterface::check`] belongs to.
fn check_of(violation: &ContractViolation) -> &'static str {
    match violation {
        ContractViolation::MissingDescribe => "describe",
        ContractViolation::MissingExport(_) => "exports",
        _ => "imports",
    }
}

/// Puts the module `bytes` (from `origin`, a path or a name for the report) to every check.
pub fn check_module(origin: &str, bytes: &[u8], options: &Options) -> Report {
    let mut checks = Checks::new(origin);
    match run_checks(&mut checks, origin, bytes, options) {
        Ok(()) => checks.finish("not run"),
        // The check that failed, and why every later one could not run.
        Err(why) => checks.finish(&why),
    }
}

/// Runs the checks in order; an error says why the remaining ones cannot run.
fn run_checks(
    checks: &mut Checks,
    origin: &str,
    bytes: &[u8],
    options: &Options,
) -> Result<(), String> {
    let interface = check_static(checks, bytes)?;
    let info = check_describe(checks, origin, bytes, &interface)?;
    check_exports(checks, &interface, &info);
    let module = Module {
        origin,
        bytes,
        info: &info,
    };
    // With its own schemas, if it embeds any.
    let loaded = match module.host(None) {
        Ok(host) => host,
        Err(e) => {
            checks.fail("loads", e.to_string());
            return Err("`loads` failed".to_owned());
        }
    };
    checks.pass("loads", "under the default limits");
    // The plugin's own answers: a host that checks no schema, the module without its section.
    let embedded = EmbeddedSchemas::read(bytes).ok().flatten();
    let stripped;
    let bare = match &embedded {
        None => loaded.clone(),
        Some(_) => {
            stripped = EmbeddedSchemas::strip(bytes)?;
            let without_section = Module {
                bytes: &stripped,
                ..module
            };
            without_section.host(None).map_err(|e| {
                checks.fail("loads", format!("without its schemas section: {e}"));
                "`loads` failed".to_owned()
            })?
        }
    };
    let mut limits = LimitWatch::default();
    check_bad_inputs(checks, &bare, &info, &mut limits);
    let fixtures = match options.fixtures.as_deref().map(fixtures_in).transpose() {
        Ok(fixtures) => fixtures,
        Err(e) => {
            checks.fail("fixtures", e);
            None
        }
    };
    check_survives_errors(checks, &bare, &info, fixtures.as_deref());
    let (validating, source) = match &embedded {
        Some(embedded) => (
            Some(loaded),
            check_schemas_embedded(checks, &info, embedded, options.schemas.as_deref()),
        ),
        None => (
            check_schemas_published(checks, &module, &bare, options.schemas.as_deref()),
            "published",
        ),
    };
    check_fixtures(
        checks,
        validating.as_ref(),
        &info,
        fixtures.as_deref(),
        &mut limits,
        source,
    );
    match limits.0 {
        Some(e) => checks.fail("limits", e),
        None => checks.pass("limits", "no call hit a limit"),
    }
    Ok(())
}

/// `wasm`, and the imports as far as they can be judged before `describe`.
fn check_static(checks: &mut Checks, bytes: &[u8]) -> Result<ModuleInterface, String> {
    let interface = match ModuleInterface::parse(bytes) {
        Ok(interface) => interface,
        Err(e) => {
            checks.fail("wasm", e);
            return Err("not a wasm module".to_owned());
        }
    };
    checks.pass("wasm", format!("{} bytes", bytes.len()));
    let anything = PluginInfo {
        capabilities: Capability::ALL.to_vec(),
        ..placeholder_info()
    };
    if let Err(violation) = interface.check(&anything, &Capability::ALL) {
        let name = check_of(&violation);
        checks.fail(name, violation.to_string());
        return Err(format!("`{name}` failed"));
    }
    Ok(interface)
}

/// `describe` on two fresh instances, and the imports against the capabilities it requests.
fn check_describe(
    checks: &mut Checks,
    origin: &str,
    bytes: &[u8],
    interface: &ModuleInterface,
) -> Result<PluginInfo, String> {
    let info = match inspect(origin, bytes) {
        Ok(inspection) => inspection.info,
        Err(LoadError::ContractViolation { violation, .. }) => {
            let name = check_of(&violation);
            checks.fail(name, violation.to_string());
            return Err(format!("`{name}` failed"));
        }
        // Its `medplug.schemas` section is unreadable, or not `describe`'s functions.
        Err(e @ LoadError::Schema { .. }) => {
            checks.fail("schemas", e.to_string());
            return Err("`schemas` failed".to_owned());
        }
        Err(e) => {
            checks.fail("describe", e.to_string());
            return Err("`describe` failed".to_owned());
        }
    };
    checks.report.plugin = Some(format!("{}@{}", info.name, info.version));
    let imported: Vec<&str> = interface.host_functions().collect();
    checks.pass(
        "imports",
        if imported.is_empty() {
            "no host function".to_owned()
        } else {
            format!("host functions {}", imported.join(", "))
        },
    );
    checks.pass(
        "describe",
        format!(
            "{}@{} ({}), ABI v{}",
            info.name, info.version, info.specialty, info.abi_version
        ),
    );
    match inspect(origin, bytes) {
        Ok(again) if again.info == info => checks.pass("deterministic", "the same twice"),
        Ok(_) => checks.fail("deterministic", "two instances described different plugins"),
        Err(e) => checks.fail("deterministic", format!("the second `describe`: {e}")),
    }
    Ok(info)
}

/// Every exported function declared (`describe` and `warm_up` are reserved).
fn check_exports(checks: &mut Checks, interface: &ModuleInterface, info: &PluginInfo) {
    let undeclared: Vec<&str> = interface
        .function_exports
        .iter()
        .map(String::as_str)
        .filter(|e| {
            *e != DESCRIBE_FUNCTION
                && *e != WARM_UP_FUNCTION
                && !info.functions.iter().any(|f| f.name == *e)
        })
        .collect();
    if undeclared.is_empty() {
        let names: Vec<&str> = info.functions.iter().map(|f| f.name.as_str()).collect();
        checks.pass("exports", format!("functions {}", names.join(", ")));
    } else {
        checks.fail(
            "exports",
            format!(
                "exports undeclared function(s) {}: declare them in `describe` or stop exporting them",
                undeclared.join(", ")
            ),
        );
    }
}

/// The module under test, and how to load it.
#[derive(Clone, Copy)]
struct Module<'a> {
    origin: &'a str,
    bytes: &'a [u8],
    info: &'a PluginInfo,
}

impl Module<'_> {
    /// A host with the module alone: its requested capabilities granted, one instance (so that
    /// every call meets the same one), default limits, and `schemas` validating both sides.
    fn host(&self, schemas: Option<&Path>) -> Result<Host, LoadError> {
        let mut policy = Policy::open();
        policy.plugins.insert(
            self.info.name.clone(),
            PluginPolicy {
                sha256: Vec::new(),
                grants: self.info.capabilities.iter().copied().collect(),
                limits: policy.default_limits,
                pool: PoolLimits {
                    max_instances: 1,
                    min_idle: 0,
                    ..PoolLimits::default()
                },
                quota: policy.default_quota.clone(),
            },
        );
        let mut builder = Host::builder()
            .policy(policy)
            .without_prewarming()
            .plugin_bytes(self.origin, self.bytes.to_vec());
        if let Some(dir) = schemas {
            builder = builder.schemas_dir(dir);
        }
        builder.build()
    }
}

/// `invalid_input`: each function refuses each of [`BAD_INPUTS`] as invalid input.
fn check_bad_inputs(checks: &mut Checks, host: &Host, info: &PluginInfo, limits: &mut LimitWatch) {
    let mut wrong = Vec::new();
    for function in &info.functions {
        for (input, what) in BAD_INPUTS {
            match host.call_json(&info.name, &function.name, input.as_bytes()) {
                Err(CallError::InvalidInput { .. }) => {}
                Err(e) => {
                    limits.note(&e);
                    wrong.push(format!(
                        "`{}` with {what}: {} ({e})",
                        function.name,
                        e.kind()
                    ));
                }
                Ok(_) => wrong.push(format!("`{}` accepted {what}", function.name)),
            }
        }
    }
    if wrong.is_empty() {
        checks.pass(
            "invalid_input",
            format!("{} bad inputs to each function", BAD_INPUTS.len()),
        );
    } else {
        checks.fail("invalid_input", wrong.join("; "));
    }
}

/// `survives_errors`: after the bad inputs, the one instance is still idle in the pool and
/// answers the next call (the first fixture, else a bad input again) without trapping.
fn check_survives_errors(
    checks: &mut Checks,
    host: &Host,
    info: &PluginInfo,
    fixtures: Option<&[Fixture]>,
) {
    let Some(first) = info.functions.first() else {
        checks.pass(
            "survives_errors",
            "one instance throughout; no function to call",
        );
        return;
    };
    let next_call = match fixtures.and_then(<[Fixture]>::first) {
        Some(fixture) => std::fs::read(&fixture.input)
            .map_err(|e| e.to_string())
            .and_then(|input| {
                host.call_json(&info.name, &fixture.function, &input)
                    .map(|_| {
                        format!(
                            "then answered fixture {}/{}",
                            fixture.function, fixture.case
                        )
                    })
                    .map_err(|e| e.to_string())
            }),
        None => match host.call_json(&info.name, &first.name, b"42") {
            // A trap or a fresh instance that fails is not surviving; any answer is.
            Err(e @ (CallError::Trap { .. } | CallError::Instantiation { .. })) => {
                Err(e.to_string())
            }
            Err(e) => Ok(format!("then answered `{}` ({})", first.name, e.kind())),
            Ok(_) => Ok(format!("then answered `{}`", first.name)),
        },
    };
    let kept = host.plugin(&info.name).map_or(0, |p| {
        p.idle_instances_of(medplug_host::policy::LOCAL_TENANT)
    });
    match next_call {
        Ok(detail) if kept == 1 => {
            checks.pass(
                "survives_errors",
                format!("one instance throughout; {detail}"),
            );
        }
        Ok(_) => checks.fail(
            "survives_errors",
            "the host had to discard the instance after an error (it trapped)",
        ),
        Err(e) => checks.fail("survives_errors", format!("the next call failed: {e}")),
    }
}

/// Whether every function's schemas are published under `schemas`; the host the fixtures run
/// through — validating both sides against them, or `bare` when no schemas were given — or
/// `None` when they are missing or do not load. Leaves `schemas` unset while it may still pass
/// (the fixtures validate against it).
fn check_schemas_published(
    checks: &mut Checks,
    module: &Module<'_>,
    bare: &Host,
    schemas: Option<&Path>,
) -> Option<Host> {
    let Some(dir) = schemas else {
        checks.skip(
            "schemas",
            "the module embeds none and none were given (--schemas DIR)",
        );
        return Some(bare.clone());
    };
    let info = module.info;
    let missing: Vec<String> = info
        .functions
        .iter()
        .flat_map(|f| {
            [
                SchemaId::input(&info.name, &f.name),
                SchemaId::output(&info.name, &f.name),
            ]
        })
        .map(|id| id.file_name())
        .filter(|file| !dir.join(file).is_file())
        .collect();
    if !missing.is_empty() {
        checks.fail("schemas", format!("not published: {}", missing.join(", ")));
        return None;
    }
    module
        .host(Some(dir))
        .map_err(|e| checks.fail("schemas", e.to_string()))
        .ok()
}

/// For a module with a `medplug.schemas` section (which loaded, so it holds `describe`'s
/// functions and compiles): with a schemas directory, every embedded schema must equal its
/// published file. Returns how the `schemas` check's pass will describe them.
fn check_schemas_embedded(
    checks: &mut Checks,
    info: &PluginInfo,
    embedded: &EmbeddedSchemas,
    schemas: Option<&Path>,
) -> &'static str {
    let Some(dir) = schemas else {
        return "embedded";
    };
    let mut wrong = Vec::new();
    for function in &info.functions {
        let Some(own) = embedded.functions.get(&function.name) else {
            continue;
        };
        for (id, schema) in [
            (&function.input_schema, &own.input),
            (&function.output_schema, &own.output),
        ] {
            let file = dir.join(id.file_name());
            match std::fs::read(&file).map(|bytes| serde_json::from_slice::<Value>(&bytes)) {
                Err(_) => wrong.push(format!("{} is not published", id.file_name())),
                Ok(Ok(published)) if &published == schema => {}
                Ok(_) => wrong.push(format!(
                    "the module's {id} differs from the published {}",
                    file.display()
                )),
            }
        }
    }
    if !wrong.is_empty() {
        checks.fail("schemas", wrong.join("; "));
    }
    "embedded, equal to the published ones"
}

/// `fixtures`: each case's output equals its expected file, through `host`; and `schemas`, when
/// not yet decided: every input and output validated against the schemas `source` describes.
fn check_fixtures(
    checks: &mut Checks,
    host: Option<&Host>,
    info: &PluginInfo,
    fixtures: Option<&[Fixture]>,
    limits: &mut LimitWatch,
    source: &str,
) {
    let (Some(host), Some(fixtures)) = (host, fixtures) else {
        if !checks.has("fixtures") {
            let why = match (host, fixtures) {
                (_, None) => "no fixtures given (--fixtures DIR)",
                _ => "`schemas` failed",
            };
            checks.skip("fixtures", why);
        }
        if !checks.has("schemas") {
            checks.pass("schemas", format!("{source} (no fixtures to validate)"));
        }
        return;
    };
    let mut wrong: Vec<String> = info
        .functions
        .iter()
        .filter(|f| !fixtures.iter().any(|c| c.function == f.name))
        .map(|f| format!("`{}` has no fixture", f.name))
        .collect();
    let mut schema_errors = Vec::new();
    for fixture in fixtures {
        let what = format!("{}/{}", fixture.function, fixture.case);
        match run_fixture(host, &info.name, fixture) {
            Ok(()) => {}
            Err(FixtureError::Call(e)) => {
                limits.note(&e);
                if matches!(
                    e,
                    CallError::InputSchema { .. } | CallError::OutputSchema { .. }
                ) {
                    schema_errors.push(format!("{what}: {e}"));
                }
                wrong.push(format!("{what}: {e}"));
            }
            Err(FixtureError::Other(e)) => wrong.push(format!("{what}: {e}")),
        }
    }
    if wrong.is_empty() {
        let count = fixtures.len();
        let cases = if count == 1 { "case" } else { "cases" };
        checks.pass("fixtures", format!("{count} {cases}"));
    } else {
        checks.fail("fixtures", wrong.join("; "));
    }
    if !checks.has("schemas") {
        if schema_errors.is_empty() {
            checks.pass(
                "schemas",
                format!("{source}; every fixture's input and output validate"),
            );
        } else {
            checks.fail("schemas", schema_errors.join("; "));
        }
    }
}

/// Why a fixture failed: the call, or anything else (files, JSON, a different output).
enum FixtureError {
    Call(CallError),
    Other(String),
}

/// Calls `plugin` with the fixture's input and compares the output with its expected file.
fn run_fixture(host: &Host, plugin: &str, fixture: &Fixture) -> Result<(), FixtureError> {
    let other = FixtureError::Other;
    let input = std::fs::read(&fixture.input).map_err(|e| other(e.to_string()))?;
    let output = host
        .call_json(plugin, &fixture.function, &input)
        .map_err(FixtureError::Call)?;
    let expected = std::fs::read(&fixture.expected)
        .map_err(|e| other(format!("{}: {e}", fixture.expected.display())))?;
    let expected: Value =
        serde_json::from_slice(&expected).map_err(|e| other(format!("the expected file: {e}")))?;
    let output: Value =
        serde_json::from_slice(&output).map_err(|e| other(format!("the output: {e}")))?;
    if output == expected {
        Ok(())
    } else {
        Err(other(format!(
            "the output differs from {}",
            fixture.expected.display()
        )))
    }
}

/// A `PluginInfo` to fill in with the fields a static check needs.
fn placeholder_info() -> PluginInfo {
    PluginInfo {
        name: "module".to_owned(),
        version: "0.0.0".to_owned(),
        abi_version: medplug_pdk::ABI_VERSION,
        specialty: String::new(),
        description: String::new(),
        functions: Vec::new(),
        capabilities: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statuses(report: &Report) -> Vec<(&'static str, Status)> {
        report.checks.iter().map(|c| (c.name, c.status)).collect()
    }

    fn module(text: &str) -> Vec<u8> {
        wat::parse_str(text).expect("valid text format")
    }

    #[test]
    fn a_file_that_is_not_wasm_fails_the_first_check_and_skips_the_rest() {
        let report = check_module("notes.txt", b"not a module", &Options::default());
        assert_eq!(report.failed(), ["wasm"]);
        assert_eq!(report.checks.len(), CHECKS.len());
        assert!(
            report.checks[1..]
                .iter()
                .all(|c| c.status == Status::Skipped && c.detail == "not a wasm module")
        );
        assert!(!report.passed());
        assert!(report.table().ends_with("not conformant: wasm failed\n"));
    }

    #[test]
    fn wasi_and_network_imports_fail_imports_before_anything_runs() {
        for (module_name, name) in [
            ("wasi_snapshot_preview1", "fd_write"),
            ("extism:host/env", "http_request"),
            ("env", "abort"),
        ] {
            let bytes = module(&format!(
                r#"(module (import "{module_name}" "{name}" (func (param i64) (result i64)))
                   (func (export "describe") (result i32) i32.const 0))"#
            ));
            let report = check_module("m.wasm", &bytes, &Options::default());
            assert_eq!(
                statuses(&report)[..3],
                [
                    ("wasm", Status::Passed),
                    ("imports", Status::Failed),
                    ("describe", Status::Skipped)
                ],
                "{module_name}::{name}"
            );
            assert!(
                report.check("imports").unwrap().detail.contains(name),
                "{report:?}"
            );
        }
    }

    #[test]
    fn a_module_without_describe_fails_describe() {
        let bytes = module(r#"(module (func (export "run") (result i32) i32.const 0))"#);
        let report = check_module("m.wasm", &bytes, &Options::default());
        assert_eq!(report.failed(), ["describe"]);
        assert_eq!(
            report.check("describe").unwrap().detail,
            "it does not export `describe`, which every medplug plugin must"
        );
    }

    #[test]
    fn fixtures_are_found_per_function_and_sorted() {
        let dir = std::env::temp_dir().join(format!("medplug-fixtures-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (function, case) in [("b", "two"), ("a", "one"), ("b", "one")] {
            std::fs::create_dir_all(dir.join(function)).unwrap();
            std::fs::write(dir.join(function).join(format!("{case}.input.json")), "{}").unwrap();
        }
        std::fs::write(dir.join("README.md"), "not a function").unwrap();
        let found: Vec<(String, String)> = fixtures_in(&dir)
            .unwrap()
            .into_iter()
            .map(|f| (f.function, f.case))
            .collect();
        assert_eq!(
            found,
            [("a", "one"), ("b", "one"), ("b", "two")].map(|(f, c)| (f.to_owned(), c.to_owned()))
        );
        assert!(
            fixtures_in(&dir.join("missing"))
                .unwrap_err()
                .contains("missing")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
