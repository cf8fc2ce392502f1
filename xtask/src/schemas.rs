//! `cargo xtask schemas [--check]`: write or check `schemas/` from the pdk's types and from each
//! plugin crate that keeps its wire types itself (Write / Check modes, as uv's
//! `generate_json_schema.rs`).
//!
//! A plugin crate with an `examples/schemas.rs` (every plugin `cargo xtask new-plugin` makes)
//! publishes its own: `cargo run -p NAME --features schema --example NAME-schemas` prints its
//! catalogue ([`medplug_pdk::schema::print_catalog`]), and every id must start with `NAME/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use medplug_pdk::SchemaId;
use medplug_pdk::schema::catalog;
use xshell::cmd;

/// What to do with the generated schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write them to `schemas/`, removing files no longer generated.
    Write,
    /// Fail, naming the files, if `schemas/` differs from what would be written.
    Check,
}

/// The command that refreshes `schemas/`, for error messages.
pub const REFRESH: &str = "cargo xtask schemas";

/// Every file of `schemas/` as it should be: relative path → contents.
fn generated() -> Result<BTreeMap<PathBuf, String>> {
    let mut files = BTreeMap::new();
    for entry in catalog() {
        let text = serde_json::to_string_pretty(&entry.schema)? + "\n";
        files.insert(PathBuf::from(entry.id.file_name()), text);
    }
    for (id, schema) in plugin_crate_catalogs()? {
        let text = serde_json::to_string_pretty(&schema)? + "\n";
        if files
            .insert(PathBuf::from(SchemaId::new(id.clone()).file_name()), text)
            .is_some()
        {
            bail!("schema `{id}` is published twice");
        }
    }
    Ok(files)
}

/// The catalogues of the plugin crates that publish their own schemas: id → schema.
fn plugin_crate_catalogs() -> Result<Vec<(String, serde_json::Value)>> {
    let root = crate::project_root();
    let sh = crate::shell()?;
    let mut all = Vec::new();
    for plugin in crate::build_plugins::crates_under(&root, "plugins")? {
        let name = &plugin.name;
        if !root
            .join("plugins")
            .join(name)
            .join("examples/schemas.rs")
            .exists()
        {
            continue;
        }
        let example = format!("{name}-schemas");
        let json = cmd!(
            sh,
            "cargo run --quiet -p {name} --features schema --example {example}"
        )
        .read()
        .with_context(|| format!("running plugin `{name}`'s schemas example"))?;
        let catalog: BTreeMap<String, serde_json::Value> = serde_json::from_str(&json)
            .with_context(|| format!("plugin `{name}`'s schemas example printed no catalogue"))?;
        for (id, schema) in catalog {
            if !id.starts_with(&format!("{name}/")) {
                bail!("plugin `{name}` publishes schema `{id}`, outside `{name}/`");
            }
            all.push((id, schema));
        }
    }
    Ok(all)
}

/// Every `.json` file under `dir`, relative to it.
fn existing(dir: &Path) -> Result<BTreeMap<PathBuf, String>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return Ok(files);
    }
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in
            std::fs::read_dir(&current).with_context(|| format!("reading {}", current.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                files.insert(path.strip_prefix(dir)?.to_owned(), text);
            }
        }
    }
    Ok(files)
}

/// Runs the task on `<root>/schemas`.
pub fn run(mode: Mode) -> Result<()> {
    run_in(&crate::project_root().join("schemas"), mode)
}

fn run_in(dir: &Path, mode: Mode) -> Result<()> {
    let want = generated()?;
    let have = existing(dir)?;
    let stale: Vec<String> = want
        .iter()
        .filter(|(path, text)| have.get(*path) != Some(*text))
        .map(|(path, _)| path.display().to_string())
        .collect();
    let extra: Vec<String> = have
        .keys()
        .filter(|path| !want.contains_key(*path))
        .map(|p| p.display().to_string())
        .collect();
    match mode {
        Mode::Check => {
            if !stale.is_empty() || !extra.is_empty() {
                bail!(
                    "schemas/ is stale (outdated or missing: [{}]; no longer generated: [{}]): run `{REFRESH}` and commit the result",
                    stale.join(", "),
                    extra.join(", ")
                );
            }
            println!("schemas/ is up to date ({} files)", want.len());
        }
        Mode::Write => {
            for path in &extra {
                std::fs::remove_file(dir.join(path))?;
            }
            for (path, text) in &want {
                let full = dir.join(path);
                std::fs::create_dir_all(full.parent().expect("a schema file has a parent"))?;
                std::fs::write(&full, text)
                    .with_context(|| format!("writing {}", full.display()))?;
            }
            println!(
                "wrote {} schemas to {} ({} changed, {} removed)",
                want.len(),
                dir.display(),
                stale.len(),
                extra.len()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_schemas_are_fresh() -> Result<()> {
        run(Mode::Check)
    }

    #[test]
    fn check_names_stale_and_extra_files_and_write_fixes_them() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("medplug-schemas-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("old"))?;
        std::fs::write(dir.join("old/gone.json"), "{}")?;
        let err = run_in(&dir, Mode::Check).unwrap_err().to_string();
        assert!(err.contains("plugin-info.json"), "{err}");
        assert!(
            err.contains("no longer generated: [old/gone.json]"),
            "{err}"
        );
        assert!(
            err.ends_with("run `cargo xtask schemas` and commit the result"),
            "{err}"
        );
        run_in(&dir, Mode::Write)?;
        run_in(&dir, Mode::Check)?;
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
