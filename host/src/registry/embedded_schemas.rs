//! The `medplug.schemas` custom section: a module's JSON Schemas travel inside it.
//!
//! `cargo xtask build-plugins` appends one custom section named [`SECTION_NAME`] to every plugin
//! after wasm-opt (and before signing, so a signature and a sha256 pin cover it). Its payload is
//! compact UTF-8 JSON, keys sorted:
//!
//! ```json
//! {"version":1,"functions":{"<function>":{"input":<schema>,"output":<schema>}}}
//! ```
//!
//! one entry for every function `describe` lists, and no other. The host reads it at load
//! ([`ModuleInterface::parse`](super::ModuleInterface::parse) keeps every such section) and
//! validates each call's input and output against it by default; a module without the section
//! (built outside this workspace, in another language) is validated against the builder's
//! schemas directory when one is set, else not at all — unless the policy requires schemas
//! (`[schemas] require = true`). A module with two such sections, a payload that is not this
//! JSON, or a function set other than `describe`'s is refused.

use std::collections::BTreeMap;
use std::fmt;

use medplug_pdk::PluginInfo;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasmparser::{Parser, Payload};

use super::schema_guard::{FunctionSchemas, SchemaError};

/// The custom section's name.
pub const SECTION_NAME: &str = "medplug.schemas";

/// The payload's format version.
pub const SECTION_VERSION: u32 = 1;

/// The payload of a module's `medplug.schemas` section: each function's input and output schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddedSchemas {
    /// The format version, [`SECTION_VERSION`].
    pub version: u32,
    /// Function name → its schemas, in name order.
    pub functions: BTreeMap<String, EmbeddedFunction>,
}

/// One function's schemas in the section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddedFunction {
    /// The input schema, as published in `schemas/<plugin>/<function>.input.json`.
    pub input: Value,
    /// The output schema, as published in `schemas/<plugin>/<function>.output.json`.
    pub output: Value,
}

/// What is wrong with a module's `medplug.schemas` section.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmbeddedSchemasProblem {
    /// More than one section of that name.
    Duplicated(usize),
    /// The payload is not the section's JSON (serde_json's message).
    Unreadable(String),
    /// A format version this host does not read.
    UnknownVersion(u32),
    /// `describe` lists a function the section has no schemas for.
    MissingFunction(String),
    /// The section has schemas for a function `describe` does not list.
    UnknownFunction(String),
}

impl fmt::Display for EmbeddedSchemasProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Duplicated(n) => write!(f, "the module has {n} `{SECTION_NAME}` sections"),
            Self::Unreadable(e) => write!(f, "its `{SECTION_NAME}` section is unreadable: {e}"),
            Self::UnknownVersion(v) => write!(
                f,
                "its `{SECTION_NAME}` section has version {v}, this host reads {SECTION_VERSION}"
            ),
            Self::MissingFunction(name) => write!(
                f,
                "its `{SECTION_NAME}` section has no schemas for function `{name}`"
            ),
            Self::UnknownFunction(name) => write!(
                f,
                "its `{SECTION_NAME}` section has schemas for `{name}`, which `describe` does not list"
            ),
        }
    }
}

impl Default for EmbeddedSchemas {
    fn default() -> Self {
        Self {
            version: SECTION_VERSION,
            functions: BTreeMap::new(),
        }
    }
}

impl EmbeddedSchemas {
    /// The section's payload: compact JSON, object keys sorted (serde_json's maps are ordered).
    pub fn to_payload(&self) -> Vec<u8> {
        // Serialising plain values and ordered maps cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a payload; refuses an unknown version.
    pub fn from_payload(payload: &[u8]) -> Result<Self, EmbeddedSchemasProblem> {
        let schemas: Self = serde_json::from_slice(payload)
            .map_err(|e| EmbeddedSchemasProblem::Unreadable(e.to_string()))?;
        if schemas.version != SECTION_VERSION {
            return Err(EmbeddedSchemasProblem::UnknownVersion(schemas.version));
        }
        Ok(schemas)
    }

    /// The section of a module whose `medplug.schemas` payloads are `sections` (as
    /// [`ModuleInterface::schema_sections`](super::ModuleInterface::schema_sections) holds them):
    /// `None` without one, an error for two or more or an unreadable one.
    pub fn from_sections(sections: &[Vec<u8>]) -> Result<Option<Self>, EmbeddedSchemasProblem> {
        match sections {
            [] => Ok(None),
            [payload] => Self::from_payload(payload).map(Some),
            many => Err(EmbeddedSchemasProblem::Duplicated(many.len())),
        }
    }

    /// Reads the section of a module's bytes (without validating the module).
    pub fn read(module: &[u8]) -> Result<Option<Self>, EmbeddedSchemasProblem> {
        let mut sections = Vec::new();
        for payload in Parser::new(0).parse_all(module) {
            let payload = payload.map_err(|e| EmbeddedSchemasProblem::Unreadable(e.to_string()))?;
            if let Payload::CustomSection(reader) = payload
                && reader.name() == SECTION_NAME
            {
                sections.push(reader.data().to_vec());
            }
        }
        Self::from_sections(&sections)
    }

    /// Checks that the section holds exactly the functions `info` lists, then compiles each
    /// function's schemas under the ids `describe` gives (`<plugin>/<function>.input`).
    pub fn compile(
        &self,
        info: &PluginInfo,
    ) -> Result<BTreeMap<String, FunctionSchemas>, SchemaError> {
        let embedded = |problem| SchemaError::Embedded { problem };
        if let Some(unknown) = self
            .functions
            .keys()
            .find(|name| !info.functions.iter().any(|f| &f.name == *name))
        {
            return Err(embedded(EmbeddedSchemasProblem::UnknownFunction(
                unknown.clone(),
            )));
        }
        let mut compiled = BTreeMap::new();
        for function in &info.functions {
            let schemas = self.functions.get(&function.name).ok_or_else(|| {
                embedded(EmbeddedSchemasProblem::MissingFunction(
                    function.name.clone(),
                ))
            })?;
            let schemas = FunctionSchemas::from_values(
                function.input_schema.as_str(),
                &schemas.input,
                function.output_schema.as_str(),
                &schemas.output,
            )?;
            compiled.insert(function.name.clone(), schemas);
        }
        Ok(compiled)
    }

    /// `module` with this section as its only `medplug.schemas` section, appended last: any
    /// such section it had is dropped, every other section is kept byte for byte.
    pub fn embed(&self, module: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Self::other_sections(module)?;
        let payload = self.to_payload();
        out.section(&wasm_encoder::CustomSection {
            name: SECTION_NAME.into(),
            data: payload.as_slice().into(),
        });
        Ok(out.finish())
    }

    /// `module` without its `medplug.schemas` sections, every other section byte for byte: what
    /// `medplug conformance` calls to see how the plugin itself answers bad inputs.
    pub fn strip(module: &[u8]) -> Result<Vec<u8>, String> {
        Self::other_sections(module).map(wasm_encoder::Module::finish)
    }

    /// Every section of `module` but the `medplug.schemas` ones.
    fn other_sections(module: &[u8]) -> Result<wasm_encoder::Module, String> {
        let mut out = wasm_encoder::Module::new();
        for payload in Parser::new(0).parse_all(module) {
            let payload = payload.map_err(|e| e.to_string())?;
            if let Payload::CustomSection(reader) = &payload
                && reader.name() == SECTION_NAME
            {
                continue;
            }
            if let Some((id, range)) = payload.as_section() {
                out.section(&wasm_encoder::RawSection {
                    id,
                    data: &module[range],
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use medplug_pdk::{FunctionInfo, SchemaId};
    use serde_json::json;

    /// `(module (func (export "f")))` with a name section: a module with a custom section of
    /// its own, which `embed` must keep.
    fn module() -> Vec<u8> {
        let mut module = wasm_encoder::Module::new();
        let mut types = wasm_encoder::TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut functions = wasm_encoder::FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        let mut exports = wasm_encoder::ExportSection::new();
        exports.export("f", wasm_encoder::ExportKind::Func, 0);
        module.section(&exports);
        let mut code = wasm_encoder::CodeSection::new();
        let mut body = wasm_encoder::Function::new([]);
        body.instructions().end();
        code.function(&body);
        module.section(&code);
        module.section(&wasm_encoder::CustomSection {
            name: "producers".into(),
            data: b"\0".as_slice().into(),
        });
        module.finish()
    }

    fn schemas() -> EmbeddedSchemas {
        let mut schemas = EmbeddedSchemas::default();
        schemas.functions.insert(
            "f".to_owned(),
            EmbeddedFunction {
                input: json!({"type": "object", "required": ["text"]}),
                output: json!({"type": "object"}),
            },
        );
        schemas
    }

    fn info(functions: &[&str]) -> PluginInfo {
        PluginInfo {
            name: "p".to_owned(),
            version: "0.1.0".to_owned(),
            abi_version: 1,
            description: String::new(),
            specialty: "general".to_owned(),
            functions: functions
                .iter()
                .map(|name| FunctionInfo {
                    name: (*name).to_owned(),
                    input_schema: SchemaId::input("p", name),
                    output_schema: SchemaId::output("p", name),
                })
                .collect(),
            capabilities: Vec::new(),
        }
    }

    #[test]
    fn the_payload_is_compact_json_with_sorted_keys() {
        assert_eq!(
            String::from_utf8(schemas().to_payload()).unwrap(),
            r#"{"version":1,"functions":{"f":{"input":{"required":["text"],"type":"object"},"output":{"type":"object"}}}}"#
        );
    }

    #[test]
    fn embed_appends_one_section_keeps_the_others_and_replaces_an_old_one() {
        let plain = module();
        assert_eq!(EmbeddedSchemas::read(&plain), Ok(None));
        let once = schemas().embed(&plain).unwrap();
        wasmparser::Validator::new().validate_all(&once).unwrap();
        assert_eq!(EmbeddedSchemas::read(&once), Ok(Some(schemas())));
        assert!(
            once.starts_with(&plain),
            "the module's sections are kept as they were"
        );
        let mut other = schemas();
        other.functions.get_mut("f").unwrap().output = json!({"type": "array"});
        let twice = other.embed(&once).unwrap();
        assert_eq!(EmbeddedSchemas::read(&twice), Ok(Some(other)));
        assert_eq!(twice.len(), once.len() - 1, "`object` became `array`");
        assert_eq!(EmbeddedSchemas::strip(&twice).unwrap(), plain);
    }

    #[test]
    fn two_sections_or_a_bad_payload_are_refused() {
        let once = schemas().embed(&module()).unwrap();
        let mut twice = once.clone();
        let mut section = Vec::new();
        use wasm_encoder::Encode;
        wasm_encoder::CustomSection {
            name: SECTION_NAME.into(),
            data: b"{}".as_slice().into(),
        }
        .encode(&mut section);
        twice.push(0);
        twice.extend(section);
        assert_eq!(
            EmbeddedSchemas::read(&twice),
            Err(EmbeddedSchemasProblem::Duplicated(2))
        );
        assert_eq!(
            EmbeddedSchemas::from_payload(b"{\"version\":1,"),
            Err(EmbeddedSchemasProblem::Unreadable(
                "EOF while parsing a value at line 1 column 13".to_owned()
            ))
        );
        assert_eq!(
            EmbeddedSchemas::from_payload(br#"{"version":2,"functions":{}}"#),
            Err(EmbeddedSchemasProblem::UnknownVersion(2))
        );
        assert_eq!(
            EmbeddedSchemasProblem::UnknownVersion(2).to_string(),
            "its `medplug.schemas` section has version 2, this host reads 1"
        );
    }

    #[test]
    fn compile_needs_exactly_describes_functions() {
        let compiled = schemas().compile(&info(&["f"])).unwrap();
        let f = &compiled["f"];
        assert_eq!(f.input_id(), "p/f.input");
        assert!(f.check_input(&json!({"text": "x"})).is_ok());
        assert_eq!(
            f.check_input(&json!({})).unwrap_err().to_string(),
            r#"does not match schema p/f.input: at (root): "text" is a required property"#
        );
        let err = schemas().compile(&info(&["f", "g"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the module's embedded schemas are refused: its `medplug.schemas` section has no \
             schemas for function `g`; rebuild it with `cargo xtask build-plugins`"
        );
        let err = schemas().compile(&info(&[])).unwrap_err();
        assert!(
            matches!(
                &err,
                SchemaError::Embedded { problem: EmbeddedSchemasProblem::UnknownFunction(f) } if f == "f"
            ),
            "{err:?}"
        );
    }
}
