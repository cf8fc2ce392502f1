//! `cargo xtask build-plugins`: every crate under `plugins/` → optimised, validated wasm.
//!
//! 1. `cargo build --profile plugin --target wasm32-unknown-unknown` (one cargo run for all);
//! 2. binaryen's wasm-opt (`-Oz` by default; which one: `wasm_opt.rs`), skipped when the raw
//!    module is unchanged since the last build;
//! 3. the published schemas (`schemas/<name>/<function>.{input,output}.json`, which `cargo xtask
//!    schemas` writes and `schemas --check` keeps equal to the types) embedded in the module as
//!    its `medplug.schemas` custom section (`medplug_host::EmbeddedSchemas`), which hosts
//!    validate every call's input and output against;
//! 4. the ABI v1 check of `medplug_host::inspect` on the final bytes: `describe` runs, every
//!    function it lists is exported, imports are only Extism's kernel and the host functions of
//!    requested capabilities, the section holds exactly `describe`'s functions and compiles;
//!    then every embedded schema must equal its published file;
//! 5. `target/plugins/<name>.wasm`, its JSON Schemas also copied to
//!    `target/plugins/schemas/<name>/` (for hosts given a schemas directory), `index.json`, and a
//!    size table;
//! 6. with `--sign KEY`, `target/plugins/<name>.wasm.sig`: an ed25519 signature of the final
//!    module, section included, that hosts whose policy trusts the key verify at load (`medplug
//!    signing-key new` makes a key).
//!
//! The misbehaving plugins under `tests/guests/` are built in the same cargo run and copied,
//! unoptimised and unchecked (some break the rules on purpose), to `target/test-plugins/`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use conformance::{PLUGIN_INDEX_FILE, PluginIndex, PluginIndexEntry};
use medplug_host::signature::{ModuleSignature, SigningKey};
use medplug_host::{EmbeddedFunction, EmbeddedSchemas, Inspection, inspect, sha256_hex};
use serde::Deserialize;
use serde_json::Value;
use xshell::cmd;

use crate::toolchain::{WASM_TARGET, ensure_wasm_target};
use crate::wasm_opt::WasmOpt;

/// Options of `build-plugins`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Build only this plugin (its crate name under plugins/).
    #[arg(long)]
    pub plugin: Option<String>,
    /// wasm-opt level: z (default), s, 0, 1, 2, 3 or 4.
    #[arg(long, default_value = "z", value_parser = ["z", "s", "0", "1", "2", "3", "4"])]
    pub opt_level: String,
    /// Skip wasm-opt.
    #[arg(long)]
    pub no_opt: bool,
    /// Sign every plugin with the ed25519 key in this file (its seed, 64 hex characters).
    #[arg(long, value_name = "KEY")]
    pub sign: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            plugin: None,
            opt_level: "z".to_owned(),
            no_opt: false,
            sign: None,
        }
    }
}

/// A workspace crate that builds to wasm.
#[derive(Debug, Clone)]
pub struct WasmCrate {
    /// Package name.
    pub name: String,
    /// Package version.
    pub version: String,
}

impl WasmCrate {
    /// Where rustc writes the module.
    fn raw_path(&self) -> PathBuf {
        crate::cargo_target_dir()
            .join(WASM_TARGET)
            .join("plugin")
            .join(format!("{}.wasm", self.name.replace('-', "_")))
    }
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    manifest_path: PathBuf,
}

/// Every package of the workspace at `root` (`cargo metadata`).
fn workspace_packages(root: &Path) -> Result<Vec<Package>> {
    let sh = xshell::Shell::new()?;
    sh.change_dir(root);
    let json = cmd!(sh, "cargo metadata --no-deps --format-version 1")
        .quiet()
        .read()?;
    let metadata: Metadata = serde_json::from_str(&json).context("parsing cargo metadata")?;
    Ok(metadata.packages)
}

/// Whether the workspace at `root` has a package named `name`.
pub fn has_package(root: &Path, name: &str) -> Result<bool> {
    Ok(workspace_packages(root)?.iter().any(|p| p.name == name))
}

/// The crates directly under `dir` (`plugins`, `tests/guests`), by name.
pub fn crates_under(root: &Path, dir: &str) -> Result<Vec<WasmCrate>> {
    let parent = root.join(dir);
    let mut crates: Vec<WasmCrate> = workspace_packages(root)?
        .into_iter()
        .filter(|p| p.manifest_path.parent().and_then(Path::parent) == Some(parent.as_path()))
        .map(|p| WasmCrate {
            name: p.name,
            version: p.version,
        })
        .collect();
    crates.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(crates)
}

/// Builds the plugins (and the test plugins) and returns the index of `target/plugins`.
pub fn run(options: &Options) -> Result<PluginIndex> {
    ensure_wasm_target()?;
    let root = crate::project_root();
    // Read the key first: a bad key path should fail before minutes of building.
    let signing_key = options
        .sign
        .as_deref()
        .map(SigningKey::read)
        .transpose()
        .context("reading the signing key (--sign)")?;
    let mut plugins = crates_under(&root, "plugins")?;
    if let Some(only) = &options.plugin {
        let names: Vec<&str> = plugins.iter().map(|p| p.name.as_str()).collect();
        if !names.contains(&only.as_str()) {
            bail!(
                "no plugin `{only}` under plugins/ (there are: {})",
                names.join(", ")
            );
        }
        plugins.retain(|p| &p.name == only);
    }
    let guests = if options.plugin.is_none() {
        crates_under(&root, "tests/guests")?
    } else {
        Vec::new()
    };

    let sh = crate::shell()?;
    let packages: Vec<String> = plugins
        .iter()
        .chain(&guests)
        .flat_map(|c| ["-p".to_owned(), c.name.clone()])
        .collect();
    cmd!(
        sh,
        "cargo build --quiet --profile plugin --target {WASM_TARGET} {packages...}"
    )
    .run()
    .context("building the plugins for wasm32")?;

    let out_dir = root.join("target/plugins");
    std::fs::create_dir_all(&out_dir)?;
    let index_path = out_dir.join(PLUGIN_INDEX_FILE);
    let previous = read_index(&index_path);
    let optimization = if options.no_opt {
        "none".to_owned()
    } else {
        options.opt_level.clone()
    };

    let mut built = Vec::new();
    let mut optimiser = None;
    for plugin in &plugins {
        let entry = build_one(&root, plugin, &optimization, &previous, &mut optimiser)?;
        copy_schemas(&root, &out_dir, plugin)?;
        sign(
            &out_dir.join(format!("{}.wasm", plugin.name)),
            signing_key.as_ref(),
        )?;
        built.push(entry);
    }
    let mut index = previous.clone();
    if options.plugin.is_none() {
        // A full build is the truth: drop modules of plugins that no longer exist.
        for stale in previous
            .plugins
            .iter()
            .filter(|p| !plugins.iter().any(|c| c.name == p.name))
        {
            let _ = std::fs::remove_file(out_dir.join(format!("{}.wasm", stale.name)));
            let _ = std::fs::remove_file(out_dir.join(format!("{}.wasm.sig", stale.name)));
            let _ = std::fs::remove_dir_all(out_dir.join("schemas").join(&stale.name));
        }
        index.plugins.clear();
    }
    for entry in built {
        index.plugins.retain(|p| p.name != entry.name);
        index.plugins.push(entry);
    }
    index.plugins.sort_by(|a, b| a.name.cmp(&b.name));
    std::fs::write(&index_path, serde_json::to_string_pretty(&index)? + "\n")?;

    let test_dir = root.join("target/test-plugins");
    std::fs::create_dir_all(&test_dir)?;
    for guest in &guests {
        std::fs::copy(
            guest.raw_path(),
            test_dir.join(format!("{}.wasm", guest.name)),
        )
        .with_context(|| format!("copying test plugin {}", guest.name))?;
    }

    print_size_table(&index, &plugins);
    if let Some(key) = &signing_key {
        println!("signed with ed25519 key {}", key.public_key());
    }
    Ok(index)
}

/// Writes `module`'s signature file with `key`; without a key, removes an old one, which
/// would not match this build.
fn sign(module: &Path, key: Option<&SigningKey>) -> Result<()> {
    let signature = ModuleSignature::signature_path(module);
    match key {
        Some(key) => {
            let bytes =
                std::fs::read(module).with_context(|| format!("reading {}", module.display()))?;
            std::fs::write(&signature, key.sign(&bytes).to_file_contents())
                .with_context(|| format!("writing {}", signature.display()))
        }
        None => {
            let _ = std::fs::remove_file(&signature);
            Ok(())
        }
    }
}

/// Copies `schemas/<plugin>/*.json` to `<out_dir>/schemas/<plugin>/`, replacing what was there.
fn copy_schemas(root: &Path, out_dir: &Path, plugin: &WasmCrate) -> Result<()> {
    let from = root.join("schemas").join(&plugin.name);
    let to = out_dir.join("schemas").join(&plugin.name);
    let _ = std::fs::remove_dir_all(&to);
    std::fs::create_dir_all(&to)?;
    let entries = std::fs::read_dir(&from).with_context(|| {
        format!(
            "plugin `{}` has no schemas in {}: run `cargo xtask schemas`",
            plugin.name,
            from.display()
        )
    })?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_name().context("schema file name")?;
            std::fs::copy(&path, to.join(name))
                .with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

fn read_index(path: &Path) -> PluginIndex {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Optimises, checks and installs one plugin; returns its index entry.
fn build_one(
    root: &Path,
    plugin: &WasmCrate,
    optimization: &str,
    previous: &PluginIndex,
    optimiser: &mut Option<WasmOpt>,
) -> Result<PluginIndexEntry> {
    let raw_path = plugin.raw_path();
    let raw =
        std::fs::read(&raw_path).with_context(|| format!("reading {}", raw_path.display()))?;
    let raw_sha256 = sha256_hex(&raw);
    let out_path = root
        .join("target/plugins")
        .join(format!("{}.wasm", plugin.name));

    // Unchanged raw module, same optimisation, output intact: nothing to do.
    let installed = std::fs::read(&out_path).ok().filter(|bytes| {
        previous.get(&plugin.name).is_some_and(|entry| {
            entry.raw_sha256 == raw_sha256
                && entry.optimization == optimization
                && sha256_hex(bytes) == entry.sha256
        })
    });
    let optimised = match installed {
        Some(bytes) => bytes,
        None if optimization == "none" => raw.clone(),
        // Optimised beside the output, so that a module that fails the checks below never
        // replaces a good one in target/plugins.
        None => {
            // Located on first need: a build with nothing to optimise needs no binaryen.
            let optimiser = match optimiser {
                Some(found) => found,
                None => {
                    let found = WasmOpt::locate()?;
                    println!("{}", found.describe());
                    optimiser.insert(found)
                }
            };
            optimiser
                .optimise(
                    &raw_path,
                    &out_path.with_extension("wasm.tmp"),
                    optimization,
                )
                .with_context(|| format!("plugin `{}`: wasm-opt failed", plugin.name))?
        }
    };

    // The published schemas travel in the module: appended after wasm-opt (which would not
    // keep a custom section it does not know), replacing the section of a module built before.
    let schemas_root = root.join("schemas");
    let optimised = published_schemas(&schemas_root, &plugin.name)?
        .embed(&optimised)
        .map_err(|e| anyhow::anyhow!("plugin `{}`: embedding its schemas: {e}", plugin.name))?;
    let inspection = check_contract(plugin, &out_path.display().to_string(), &optimised)?;
    let functions: Vec<&str> = inspection
        .info
        .functions
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    check_embedded_schemas(&plugin.name, &functions, &optimised, &schemas_root)?;
    let info = inspection.info;
    let _ = std::fs::remove_file(out_path.with_extension("wasm.tmp"));
    std::fs::write(&out_path, &optimised)?;
    Ok(PluginIndexEntry {
        name: info.name,
        version: info.version,
        abi_version: info.abi_version,
        specialty: info.specialty,
        sha256: inspection.sha256,
        raw_sha256,
        raw_size: raw.len(),
        size: optimised.len(),
        optimization: optimization.to_owned(),
        functions: info.functions.into_iter().map(|f| f.name).collect(),
        capabilities: info.capabilities,
    })
}

/// The schemas `plugin` publishes under `schemas_root` (`<plugin>/<function>.input.json` and
/// `.output.json`), as its `medplug.schemas` section holds them.
fn published_schemas(schemas_root: &Path, plugin: &str) -> Result<EmbeddedSchemas> {
    let dir = schemas_root.join(plugin);
    let entries = std::fs::read_dir(&dir).with_context(|| {
        format!(
            "plugin `{plugin}` has no schemas in {}: run `cargo xtask schemas`",
            dir.display()
        )
    })?;
    let mut schemas = EmbeddedSchemas::default();
    for entry in entries {
        let path = entry?.path();
        let Some(function) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".input.json"))
        else {
            continue;
        };
        let output = dir.join(format!("{function}.output.json"));
        schemas.functions.insert(
            function.to_owned(),
            EmbeddedFunction {
                input: read_schema(&path)?,
                output: read_schema(&output)?,
            },
        );
    }
    Ok(schemas)
}

fn read_schema(path: &Path) -> Result<Value> {
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_slice(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// The build's check of the `medplug.schemas` section: it must hold, for every function
/// `describe` lists and no other, exactly the schemas published in
/// `<schemas_root>/<plugin>/<function>.{input,output}.json`. Errors name plugin, function and
/// file.
fn check_embedded_schemas(
    plugin: &str,
    functions: &[&str],
    module: &[u8],
    schemas_root: &Path,
) -> Result<()> {
    let refused = |rule: String| anyhow::anyhow!("plugin `{plugin}`: {rule}");
    let embedded = EmbeddedSchemas::read(module)
        .map_err(|problem| refused(problem.to_string()))?
        .ok_or_else(|| refused("the module embeds no schemas".to_owned()))?;
    if let Some(extra) = embedded
        .functions
        .keys()
        .find(|name| !functions.contains(&name.as_str()))
    {
        return Err(refused(format!(
            "the module embeds schemas for `{extra}`, which `describe` does not list"
        )));
    }
    for function in functions {
        let Some(schemas) = embedded.functions.get(*function) else {
            return Err(refused(format!(
                "the module embeds no schemas for function `{function}`"
            )));
        };
        for (side, schema) in [("input", &schemas.input), ("output", &schemas.output)] {
            let file = schemas_root
                .join(plugin)
                .join(format!("{function}.{side}.json"));
            if &read_schema(&file)? != schema {
                return Err(refused(format!(
                    "the {side} schema embedded for function `{function}` differs from the \
                     published {}",
                    file.display()
                )));
            }
        }
    }
    Ok(())
}

/// The ABI v1 checks of `medplug_host::inspect`, plus: `describe`'s name and version are the
/// crate's. Errors name the plugin and the rule.
fn check_contract(plugin: &WasmCrate, origin: &str, bytes: &[u8]) -> Result<Inspection> {
    let broken = |rule: String| {
        anyhow::anyhow!(
            "plugin `{}` breaks the plugin contract: {rule}",
            plugin.name
        )
    };
    let inspection = inspect(origin, bytes).map_err(|e| broken(e.to_string()))?;
    let info = &inspection.info;
    if info.name != plugin.name {
        return Err(broken(format!(
            "`describe` names it `{}`; the crate name and the plugin name must be equal",
            info.name
        )));
    }
    if info.version != plugin.version {
        return Err(broken(format!(
            "`describe` says version {} but the crate is {}; use env!(\"CARGO_PKG_VERSION\")",
            info.version, plugin.version
        )));
    }
    Ok(inspection)
}

fn print_size_table(index: &PluginIndex, built: &[WasmCrate]) {
    println!(
        "{:<20} {:>10} {:>12} {:>8}  {:<6} sha256",
        "plugin", "raw", "optimised", "saved", "opt"
    );
    for entry in index
        .plugins
        .iter()
        .filter(|e| built.iter().any(|b| b.name == e.name))
    {
        let saved = 100.0 * (1.0 - entry.size as f64 / entry.raw_size as f64);
        println!(
            "{:<20} {:>10} {:>12} {:>7.1}%  {:<6} {}",
            entry.name,
            entry.raw_size,
            entry.size,
            saved,
            entry.optimization,
            &entry.sha256[..16]
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sign_writes_a_signature_that_verifies_and_unsigned_builds_remove_it() -> anyhow::Result<()> {
        use medplug_host::signature::verify_module;
        let dir = tempfile::tempdir()?;
        let module = dir.path().join("p.wasm");
        std::fs::write(&module, b"\0asm\x01\0\0\0")?;
        let key = super::SigningKey::write_new(&dir.path().join("k.key"))?;
        super::sign(&module, Some(&key))?;
        let signature_path = dir.path().join("p.wasm.sig");
        let signature = super::ModuleSignature::parse(&std::fs::read_to_string(&signature_path)?)?;
        assert_eq!(
            verify_module(&std::fs::read(&module)?, &signature, &[key.public_key()])?,
            key.public_key()
        );
        super::sign(&module, None)?;
        assert!(!signature_path.exists());
        Ok(())
    }

    use super::*;
    use serde_json::json;

    fn test_plugin(name: &str) -> Vec<u8> {
        let path = crate::project_root()
            .join("target/test-plugins")
            .join(format!("{name}.wasm"));
        std::fs::read(&path).expect("run `cargo xtask build-plugins` first")
    }

    fn krate(name: &str, version: &str) -> WasmCrate {
        WasmCrate {
            name: name.to_owned(),
            version: version.to_owned(),
        }
    }

    #[test]
    fn a_plugin_that_breaks_a_rule_fails_naming_plugin_and_rule() {
        let err = check_contract(
            &krate("abi-two", "0.1.0"),
            "abi-two.wasm",
            &test_plugin("abi-two"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "plugin `abi-two` breaks the plugin contract: plugin abi-two@0.1.0 speaks abi v2, \
             this host speaks abi v1: rebuild it against medplug-pdk 1"
        );
        let err = check_contract(&krate("echo", "0.1.0"), "m.wasm", &test_plugin("misbehave"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "plugin `echo` breaks the plugin contract: `describe` names it `misbehave`; \
             the crate name and the plugin name must be equal"
        );
        let err = check_contract(
            &krate("misbehave", "0.2.0"),
            "m.wasm",
            &test_plugin("misbehave"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "plugin `misbehave` breaks the plugin contract: `describe` says version 0.1.0 but the crate is 0.2.0; \
             use env!(\"CARGO_PKG_VERSION\")"
        );
    }

    /// A temporary `schemas/` with plugin `p`'s function `f`.
    fn published() -> Result<tempfile::TempDir> {
        let root = tempfile::tempdir()?;
        std::fs::create_dir(root.path().join("p"))?;
        let input = "{\n  \"type\": \"object\",\n  \"required\": [\"text\"]\n}\n";
        std::fs::write(root.path().join("p/f.input.json"), input)?;
        std::fs::write(root.path().join("p/f.output.json"), r#"{"type": "object"}"#)?;
        std::fs::write(root.path().join("p/notes.txt"), "not a schema")?;
        Ok(root)
    }

    /// The smallest valid module: the header alone.
    const EMPTY_MODULE: &[u8] = b"\0asm\x01\0\0\0";

    #[test]
    fn the_published_schemas_are_embedded_and_pass_the_check() -> Result<()> {
        let root = published()?;
        let schemas = published_schemas(root.path(), "p")?;
        assert_eq!(
            String::from_utf8(schemas.to_payload())?,
            r#"{"version":1,"functions":{"f":{"input":{"required":["text"],"type":"object"},"output":{"type":"object"}}}}"#
        );
        let module = schemas.embed(EMPTY_MODULE).map_err(anyhow::Error::msg)?;
        check_embedded_schemas("p", &["f"], &module, root.path())?;
        // Embedding again replaces the section: the module is the same.
        assert_eq!(schemas.embed(&module).map_err(anyhow::Error::msg)?, module);
        Ok(())
    }

    #[test]
    fn a_module_whose_embedded_schemas_differ_from_the_published_ones_is_refused() -> Result<()> {
        let root = published()?;
        let mut tampered = published_schemas(root.path(), "p")?;
        // One constraint dropped from the input schema: the module would accept more.
        tampered.functions.get_mut("f").context("f")?.input = json!({"type": "object"});
        let module = tampered.embed(EMPTY_MODULE).map_err(anyhow::Error::msg)?;
        let err = check_embedded_schemas("p", &["f"], &module, root.path()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "plugin `p`: the input schema embedded for function `f` differs from the \
                 published {}",
                root.path().join("p/f.input.json").display()
            )
        );

        let err = check_embedded_schemas("p", &["f"], EMPTY_MODULE, root.path()).unwrap_err();
        assert_eq!(err.to_string(), "plugin `p`: the module embeds no schemas");

        let module = published_schemas(root.path(), "p")?
            .embed(EMPTY_MODULE)
            .map_err(anyhow::Error::msg)?;
        let err = check_embedded_schemas("p", &["f", "g"], &module, root.path()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "plugin `p`: the module embeds no schemas for function `g`"
        );
        let err = check_embedded_schemas("p", &[], &module, root.path()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "plugin `p`: the module embeds schemas for `f`, which `describe` does not list"
        );
        Ok(())
    }

    #[test]
    fn a_function_without_its_output_schema_names_the_file() -> Result<()> {
        let root = published()?;
        std::fs::remove_file(root.path().join("p/f.output.json"))?;
        let err = published_schemas(root.path(), "p").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("reading {}", root.path().join("p/f.output.json").display())
        );
        Ok(())
    }

    #[test]
    fn the_built_plugins_embed_their_published_schemas() -> Result<()> {
        let root = crate::project_root();
        let index = read_index(&root.join("target/plugins").join(PLUGIN_INDEX_FILE));
        assert!(
            !index.plugins.is_empty(),
            "run `cargo xtask build-plugins` first"
        );
        for entry in &index.plugins {
            let module = std::fs::read(root.join(format!("target/plugins/{}.wasm", entry.name)))?;
            // `functions` is what `describe` listed at build.
            let functions: Vec<&str> = entry.functions.iter().map(String::as_str).collect();
            check_embedded_schemas(&entry.name, &functions, &module, &root.join("schemas"))?;
        }
        Ok(())
    }

    #[test]
    fn requested_capabilities_count_as_granted_at_build_time() -> Result<()> {
        let inspection = check_contract(
            &krate("forbidden-import", "0.1.0"),
            "f.wasm",
            &test_plugin("forbidden-import"),
        )?;
        assert_eq!(
            inspection.interface.host_functions().collect::<Vec<_>>(),
            ["get_patient"]
        );
        Ok(())
    }
}
