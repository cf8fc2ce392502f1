//! What a wasm module imports and exports, read with wasmparser, and the ABI v1 rules on both.
//!
//! The same check runs at build time (`cargo xtask build-plugins`, where the plugin's requested
//! capabilities are its allowance) and at load time in the host (where only granted
//! capabilities count), so a plugin that passes the build is refused by a host for exactly one
//! reason: a grant it lacks.

use std::fmt;

use medplug_pdk::{
    Capability, DESCRIBE_FUNCTION, EXTISM_ENV_MODULE, HOST_FUNCTION_MODULE, PluginInfo,
};
use wasmparser::{ExternalKind, Parser, Payload, Validator};

use super::embedded_schemas::SECTION_NAME;

/// Extism kernel functions that reach the network. medplug plugins get no network, so a module
/// importing one is refused even though the host is built without Extism's HTTP support.
const NETWORK_FUNCTIONS: [&str; 3] = ["http_request", "http_status_code", "http_headers"];

/// One import of a module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Import {
    /// Import module (`extism:host/env`).
    pub module: String,
    /// Imported name (`input_length`).
    pub name: String,
}

impl fmt::Display for Import {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}", self.module, self.name)
    }
}

/// A module's interface: its imports and its exported functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleInterface {
    /// Every import, in module order.
    pub imports: Vec<Import>,
    /// Names of the exported functions, in module order.
    pub function_exports: Vec<String>,
    /// The payload of every `medplug.schemas` custom section, in module order (one for a
    /// module `cargo xtask build-plugins` made, none for most others): see
    /// [`EmbeddedSchemas`](super::EmbeddedSchemas).
    pub schema_sections: Vec<Vec<u8>>,
}

/// A rule of ABI v1 that a module breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractViolation {
    /// The reserved `describe` export is missing.
    #[error("it does not export `describe`, which every medplug plugin must")]
    MissingDescribe,
    /// A function listed by `describe` is not exported.
    #[error("`describe` lists function `{0}` but the module does not export it")]
    MissingExport(String),
    /// An import outside Extism's kernel and medplug's host functions (WASI, `env`, …).
    #[error(
        "it imports `{0}`, which medplug does not provide: plugins may import only from `extism:host/env` and the host functions of their capabilities"
    )]
    ForeignImport(Import),
    /// An Extism kernel function that reaches the network.
    #[error("it imports `{0}`: plugins get no network")]
    NetworkImport(Import),
    /// A host-function import that is not a medplug host function.
    #[error("it imports host function `{0}`, which medplug does not have")]
    UnknownHostFunction(Import),
    /// A host function whose capability the plugin does not request in `describe`.
    #[error(
        "it imports `{import}` but does not request the `{capability}` capability in `describe`"
    )]
    UnrequestedCapability {
        /// The import.
        import: Import,
        /// The capability it needs.
        capability: Capability,
    },
    /// A host function whose capability is not granted to the plugin.
    #[error(
        "it imports `{import}`, which needs the `{capability}` capability, and that is not granted"
    )]
    UngrantedCapability {
        /// The import.
        import: Import,
        /// The capability it needs.
        capability: Capability,
    },
}

impl ModuleInterface {
    /// Validates `bytes` as a wasm module and reads its interface; the error is wasmparser's.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        Validator::new()
            .validate_all(bytes)
            .map_err(|e| e.to_string())?;
        let mut interface = Self {
            imports: Vec::new(),
            function_exports: Vec::new(),
            schema_sections: Vec::new(),
        };
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.map_err(|e| e.to_string())? {
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let import = import.map_err(|e| e.to_string())?;
                        interface.imports.push(Import {
                            module: import.module.to_owned(),
                            name: import.name.to_owned(),
                        });
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export.map_err(|e| e.to_string())?;
                        if export.kind == ExternalKind::Func {
                            interface.function_exports.push(export.name.to_owned());
                        }
                    }
                }
                Payload::CustomSection(reader) if reader.name() == SECTION_NAME => {
                    interface.schema_sections.push(reader.data().to_vec());
                }
                _ => {}
            }
        }
        Ok(interface)
    }

    /// Whether the module exports a function of that name.
    pub fn exports(&self, function: &str) -> bool {
        self.function_exports.iter().any(|f| f == function)
    }

    /// Checks ABI v1's rules against what the plugin `describe`d and the capabilities it is
    /// `granted`: `describe` and every listed function exported; imports only from Extism's
    /// kernel (never its network functions) and host functions of capabilities that are both
    /// requested and granted. Returns the first rule broken.
    pub fn check(
        &self,
        info: &PluginInfo,
        granted: &[Capability],
    ) -> Result<(), ContractViolation> {
        if !self.exports(DESCRIBE_FUNCTION) {
            return Err(ContractViolation::MissingDescribe);
        }
        if let Some(f) = info.functions.iter().find(|f| !self.exports(&f.name)) {
            return Err(ContractViolation::MissingExport(f.name.clone()));
        }
        for import in &self.imports {
            match import.module.as_str() {
                EXTISM_ENV_MODULE if NETWORK_FUNCTIONS.contains(&import.name.as_str()) => {
                    return Err(ContractViolation::NetworkImport(import.clone()));
                }
                EXTISM_ENV_MODULE => {}
                HOST_FUNCTION_MODULE => {
                    let Some(capability) = Capability::for_host_function(&import.name) else {
                        return Err(ContractViolation::UnknownHostFunction(import.clone()));
                    };
                    if !info.capabilities.contains(&capability) {
                        return Err(ContractViolation::UnrequestedCapability {
                            import: import.clone(),
                            capability,
                        });
                    }
                    if !granted.contains(&capability) {
                        return Err(ContractViolation::UngrantedCapability {
                            import: import.clone(),
                            capability,
                        });
                    }
                }
                _ => return Err(ContractViolation::ForeignImport(import.clone())),
            }
        }
        Ok(())
    }

    /// The host functions the module imports.
    pub fn host_functions(&self) -> impl Iterator<Item = &str> {
        self.imports
            .iter()
            .filter(|i| i.module == HOST_FUNCTION_MODULE)
            .map(|i| i.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use medplug_pdk::{ABI_VERSION, FunctionInfo, SchemaId};

    use super::*;

    fn info(capabilities: Vec<Capability>) -> PluginInfo {
        PluginInfo {
            name: "p".into(),
            version: "1.0.0".into(),
            abi_version: ABI_VERSION,
            specialty: "testing".into(),
            description: String::new(),
            functions: vec![FunctionInfo {
                name: "run".into(),
                input_schema: SchemaId::input("p", "run"),
                output_schema: SchemaId::output("p", "run"),
            }],
            capabilities,
        }
    }

    fn module(imports: &[(&str, &str)], exports: &[&str]) -> ModuleInterface {
        let imp = |(m, n): &(&str, &str)| Import {
            module: (*m).into(),
            name: (*n).into(),
        };
        ModuleInterface {
            imports: imports.iter().map(imp).collect(),
            function_exports: exports.iter().map(|e| (*e).to_owned()).collect(),
            schema_sections: Vec::new(),
        }
    }

    #[test]
    fn a_module_that_keeps_the_rules_passes() {
        let m = module(
            &[
                (EXTISM_ENV_MODULE, "input_length"),
                (HOST_FUNCTION_MODULE, "audit_log"),
            ],
            &["describe", "run"],
        );
        assert_eq!(
            m.check(&info(vec![Capability::AuditLog]), &[Capability::AuditLog]),
            Ok(())
        );
        assert_eq!(m.host_functions().collect::<Vec<_>>(), ["audit_log"]);
    }

    #[test]
    fn each_rule_names_what_breaks_it() {
        let ok = info(vec![]);
        let e = module(&[], &["run"]).check(&ok, &[]).unwrap_err();
        assert_eq!(e, ContractViolation::MissingDescribe);
        let e = module(&[], &["describe"]).check(&ok, &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`describe` lists function `run` but the module does not export it"
        );
        let e = module(
            &[("wasi_snapshot_preview1", "fd_write")],
            &["describe", "run"],
        )
        .check(&ok, &[])
        .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "it imports `wasi_snapshot_preview1::fd_write`, which medplug does not provide"
            ),
            "{e}"
        );
        let e = module(&[(EXTISM_ENV_MODULE, "http_request")], &["describe", "run"])
            .check(&ok, &[])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "it imports `extism:host/env::http_request`: plugins get no network"
        );
        let e = module(&[(HOST_FUNCTION_MODULE, "read_file")], &["describe", "run"])
            .check(&ok, &[])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "it imports host function `extism:host/user::read_file`, which medplug does not have"
        );
        let patient = module(
            &[(HOST_FUNCTION_MODULE, "get_patient")],
            &["describe", "run"],
        );
        let e = patient.check(&ok, &[Capability::ReadPatient]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it imports `extism:host/user::get_patient` but does not request the `read_patient` capability in `describe`"
        );
        let e = patient
            .check(&info(vec![Capability::ReadPatient]), &[])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "it imports `extism:host/user::get_patient`, which needs the `read_patient` capability, and that is not granted"
        );
    }

    #[test]
    fn garbage_is_not_a_module() {
        let e = ModuleInterface::parse(b"\0asm\x01\0\0\0garbage").unwrap_err();
        assert_eq!(e, "unexpected end-of-file (at offset 0xa)");
    }
}
