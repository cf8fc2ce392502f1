//! `cargo xtask fuzz [TARGET] [--time S] [--no-minimise]`: coverage-guided fuzzing with AFL++
//! (`cargo-afl`) of the targets of `fuzz/` (crate `medplug-fuzz`), each for `--time` seconds.
//!
//! 1. `cargo-afl` is installed when missing (`cargo install cargo-afl --locked`), and its
//!    runtime built when missing (`cargo afl config --build`).
//! 2. One instrumented binary is built, `cargo afl build --release -p medplug-fuzz --features
//!    afl`, in `target/fuzz` (its own target directory: the instrumentation flags never
//!    invalidate `target/`), without `--cfg fuzzing` (`AFL_NO_CFG_FUZZING`): the code fuzzed is
//!    the code that ships, with debug assertions and overflow checks on.
//! 3. Per target, the seeds are gathered in `target/fuzz/seeds/<target>`: the committed corpus
//!    `fuzz/corpus/<target>`, the made seeds (`medplug-fuzz --seeds`), and the repository's
//!    files (fixtures, schemas, corpus texts, `medplug.toml`, built modules, fetched MIT-BIH
//!    records); then `cargo afl fuzz -V <time>` writes `target/fuzz/out/<target>`.
//! 4. The figures of `fuzzer_stats` (executions, edges, bitmap coverage, crashes) are printed
//!    as one table; every crash is copied to `fuzz/regressions/<target>/`, which
//!    `cargo test -p medplug-fuzz` replays, and the task fails.
//! 5. Unless `--no-minimise`, the queue is minimised (`cargo afl cmin`) into
//!    `fuzz/corpus/<target>`, files over the size cap dropped, named by content hash.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use sha2::{Digest, Sha256};

/// `cargo xtask fuzz`'s options.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// The target to fuzz (every target when omitted; `medplug-fuzz --list` names them).
    target: Option<String>,
    /// Seconds of fuzzing per target.
    #[arg(long, default_value_t = 60)]
    time: u64,
    /// Keep `fuzz/corpus/` as it is (no `cargo afl cmin` into it).
    #[arg(long)]
    no_minimise: bool,
}

/// The largest file a minimised corpus keeps (a module's corpus: [`MAX_MODULE_FILE`]).
const MAX_CORPUS_FILE: u64 = 16 * 1024;

/// The largest file the module target's minimised corpus keeps (a small test plugin).
const MAX_MODULE_FILE: u64 = 48 * 1024;

/// The bytes a minimised corpus keeps, smallest files first (the module target's:
/// [`MODULE_BUDGET`]): twelve targets stay under 2 MB in the repository.
const CORPUS_BUDGET: u64 = 128 * 1024;

/// The bytes the module target's minimised corpus keeps.
const MODULE_BUDGET: u64 = 384 * 1024;

/// The largest repository file taken as a seed (longer texts are cut).
const MAX_SEED_FILE: usize = 16 * 1024;

/// The largest module taken as a seed (the reference plugins: the mutated real modules).
const MAX_SEED_MODULE: u64 = 1024 * 1024;

pub fn run(options: &Options) -> Result<()> {
    let root = crate::project_root();
    let fuzz_dir = root.join("target/fuzz");
    ensure_cargo_afl()?;
    let build = Instant::now();
    let status = Command::new("cargo")
        .args(["afl", "build", "--release", "-p", "medplug-fuzz"])
        .args(["--features", "afl", "--bins"])
        .env("CARGO_TARGET_DIR", &fuzz_dir)
        .env("AFL_NO_CFG_FUZZING", "1")
        .current_dir(&root)
        .status()
        .context("running `cargo afl build`")?;
    ensure!(status.success(), "`cargo afl build` of medplug-fuzz failed");
    eprintln!(
        "xtask: instrumented build in {:.0} s",
        build.elapsed().as_secs_f64()
    );
    let binary = fuzz_dir.join("release/medplug-fuzz");
    let listed = Command::new(&binary)
        .arg("--list")
        .output()
        .context("listing the fuzz targets")?;
    let all: Vec<String> = String::from_utf8(listed.stdout)?
        .lines()
        .map(str::to_owned)
        .collect();
    let targets = match &options.target {
        Some(target) if all.contains(target) => vec![target.clone()],
        Some(target) => bail!(
            "unknown fuzz target {target:?}; the targets: {}",
            all.join(", ")
        ),
        None => all,
    };
    // The map holds every edge of the binary (wasmtime, cranelift and SQLite included): more
    // than AFL++'s default, so it is sized to what the binary reports.
    let dumped = Command::new(&binary)
        .arg(&targets[0])
        .env("AFL_DUMP_MAP_SIZE", "1")
        .stdin(Stdio::null())
        .output()
        .context("asking the binary for its coverage map size")?;
    let map_size = String::from_utf8(dumped.stdout)?.trim().to_owned();
    ensure!(
        map_size.parse::<u64>().is_ok(),
        "the fuzz binary did not report its map size: {map_size:?}"
    );
    let fuzzer = Fuzzer {
        root: &root,
        binary: &binary,
        map_size: &map_size,
    };
    let mut rows = Vec::new();
    for target in &targets {
        rows.push(fuzz_one(&fuzzer, target, options)?);
    }
    print_table(&rows, options.time);
    let crashes: u64 = rows.iter().map(|r| r.crashes).sum();
    if crashes > 0 {
        bail!(
            "{crashes} crash(es) found, copied to fuzz/regressions/: reproduce with `cargo test -p \
             medplug-fuzz --test replay`, fix the parser, and keep the input as a regression"
        );
    }
    Ok(())
}

/// Installs `cargo-afl` and builds its runtime when missing, or says how to.
fn ensure_cargo_afl() -> Result<()> {
    let installed = Command::new("cargo")
        .args(["afl", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        eprintln!(
            "xtask: cargo-afl is missing; installing it with `cargo install cargo-afl --locked`"
        );
        let status = Command::new("cargo")
            .args(["install", "cargo-afl", "--locked"])
            .status();
        if !status.is_ok_and(|s| s.success()) {
            bail!(
                "cargo-afl is not installed and `cargo install cargo-afl --locked` failed: install \
                 it by hand (it needs a C compiler and LLVM's clang/llvm-config for its runtime), \
                 then run `cargo afl config --build`"
            );
        }
    }
    let probe = Command::new("cargo")
        .args(["afl", "fuzz", "-h"])
        .stdout(Stdio::null())
        .output()
        .context("running `cargo afl fuzz -h`")?;
    if String::from_utf8_lossy(&probe.stderr).contains("was not built") {
        eprintln!("xtask: AFL++'s runtime is missing; building it with `cargo afl config --build`");
        let status = Command::new("cargo")
            .args(["afl", "config", "--build"])
            .status()
            .context("running `cargo afl config --build`")?;
        ensure!(
            status.success(),
            "`cargo afl config --build` failed: AFL++'s runtime needs a C compiler, make and \
             LLVM (clang, llvm-config)"
        );
    }
    Ok(())
}

/// One target's figures.
struct Row {
    target: String,
    execs: u64,
    execs_per_sec: f64,
    edges: String,
    bitmap: String,
    corpus: String,
    crashes: u64,
    hangs: u64,
    kept: usize,
    kept_bytes: u64,
}

/// The per-execution timeout, in milliseconds (`+`: seeds that time out are skipped): a module
/// is compiled and run.
fn timeout(target: &str) -> &'static str {
    match target {
        "module" => "10000+",
        "audit_verify" | "ecg" | "lgpd" | "claims" => "3000+",
        _ => "1000+",
    }
}

/// An AFL++ dictionary for the target's format, when it ships one.
fn dictionary(target: &str) -> Option<PathBuf> {
    let name = match target {
        "policy" => "toml.dict",
        "schema_guard" => "jsonschema.dict",
        "ecg" | "lesion" | "lgpd" | "claims" => "json.dict",
        _ => return None,
    };
    let home = std::env::var_os("HOME")?;
    let path = Path::new(&home)
        .join(".local/share/afl.rs/AFLplusplus/dictionaries")
        .join(name);
    path.is_file().then_some(path)
}

/// What every AFL++ command needs.
struct Fuzzer<'a> {
    root: &'a Path,
    binary: &'a Path,
    /// `AFL_MAP_SIZE`.
    map_size: &'a str,
}

fn fuzz_one(fuzzer: &Fuzzer<'_>, target: &str, options: &Options) -> Result<Row> {
    let (root, binary) = (fuzzer.root, fuzzer.binary);
    let seeds = root.join("target/fuzz/seeds").join(target);
    let out = root.join("target/fuzz/out").join(target);
    for dir in [&seeds, &out] {
        if dir.exists() {
            fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
        }
    }
    fs::create_dir_all(&seeds)?;
    if let Some(parent) = out.parent() {
        fs::create_dir_all(parent)?;
    }
    gather_seeds(root, binary, target, &seeds)?;
    let count = fs::read_dir(&seeds)?.count();
    eprintln!(
        "xtask: fuzzing {target} for {} s from {count} seeds",
        options.time
    );
    let mut fuzz = afl(fuzzer, "fuzz");
    fuzz.arg("-i")
        .arg(&seeds)
        .arg("-o")
        .arg(&out)
        .args(["-V", &options.time.to_string(), "-t", timeout(target)])
        .args(["-m", "none"]);
    if let Some(dict) = dictionary(target) {
        fuzz.arg("-x").arg(dict);
    }
    let log = fs::File::create(root.join("target/fuzz").join(format!("{target}.log")))?;
    let status = fuzz
        .arg("--")
        .arg(binary)
        .arg(target)
        .stdout(log.try_clone()?)
        .stderr(log)
        .status()
        .context("running `cargo afl fuzz`")?;
    let stats_path = out.join("default/fuzzer_stats");
    if !stats_path.exists() {
        bail!(
            "`cargo afl fuzz` on {target} stopped before fuzzing ({status}); see target/fuzz/{target}.log"
        );
    }
    let stats = read_stats(&stats_path)?;
    let number = |key: &str| {
        stats
            .get(key)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let text = |key: &str| stats.get(key).cloned().unwrap_or_default();
    let crashes = keep_crashes(root, target, &out.join("default/crashes"))?;
    let (kept, kept_bytes) = if options.no_minimise {
        (0, 0)
    } else {
        minimise(fuzzer, target, &out.join("default/queue"))?
    };
    Ok(Row {
        target: target.to_owned(),
        execs: number("execs_done"),
        execs_per_sec: text("execs_per_sec").parse().unwrap_or(0.0),
        edges: format!("{}/{}", text("edges_found"), text("total_edges")),
        bitmap: text("bitmap_cvg"),
        corpus: text("corpus_count"),
        crashes,
        hangs: number("saved_hangs"),
        kept,
        kept_bytes,
    })
}

/// `cargo afl <subcommand>` in the workspace root, with the settings a shared machine needs:
/// no UI, no CPU pinning, no checks of the CPU governor or of where core dumps go.
fn afl(fuzzer: &Fuzzer<'_>, subcommand: &str) -> Command {
    let mut command = Command::new("cargo");
    command
        .args(["afl", subcommand])
        .current_dir(fuzzer.root)
        .env("AFL_MAP_SIZE", fuzzer.map_size)
        .env("AFL_NO_UI", "1")
        .env("AFL_NO_AFFINITY", "1")
        .env("AFL_SKIP_CPUFREQ", "1")
        .env("AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES", "1")
        .env("AFL_IGNORE_SEED_PROBLEMS", "1");
    command
}

/// `key : value` lines.
fn read_stats(path: &Path) -> Result<BTreeMap<String, String>> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect())
}

/// A name for `bytes` that does not change: the start of their sha256.
fn content_name(prefix: &str, bytes: &[u8]) -> String {
    format!("{prefix}{}", &hex::encode(Sha256::digest(bytes))[..16])
}

/// Copies AFL's crashes to `fuzz/regressions/<target>/`; returns how many there were.
fn keep_crashes(root: &Path, target: &str, crashes: &Path) -> Result<u64> {
    let Ok(entries) = fs::read_dir(crashes) else {
        return Ok(0);
    };
    let dest = root.join("fuzz/regressions").join(target);
    let mut found = 0;
    for entry in entries {
        let path = entry?.path();
        if !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("id:"))
        {
            continue;
        }
        let bytes = fs::read(&path)?;
        fs::create_dir_all(&dest)?;
        let name = content_name("crash-", &bytes);
        fs::write(dest.join(&name), &bytes)?;
        eprintln!(
            "xtask: {target}: crash {} kept as fuzz/regressions/{target}/{name}",
            path.display()
        );
        found += 1;
    }
    Ok(found)
}

/// `cargo afl cmin` of the queue into `fuzz/corpus/<target>`, files over the cap dropped.
fn minimise(fuzzer: &Fuzzer<'_>, target: &str, queue: &Path) -> Result<(usize, u64)> {
    let (root, binary) = (fuzzer.root, fuzzer.binary);
    let minimised = root.join("target/fuzz/cmin").join(target);
    if minimised.exists() {
        fs::remove_dir_all(&minimised)?;
    }
    let log = fs::File::create(root.join("target/fuzz").join(format!("{target}.cmin.log")))?;
    let status = afl(fuzzer, "cmin")
        .arg("-i")
        .arg(queue)
        .arg("-o")
        .arg(&minimised)
        .args(["-t", timeout(target).trim_end_matches('+'), "-m", "none"])
        .arg("--")
        .arg(binary)
        .arg(target)
        .stdout(log.try_clone()?)
        .stderr(log)
        .status()
        .context("running `cargo afl cmin`")?;
    if !status.success() {
        eprintln!("xtask: {target}: `cargo afl cmin` failed ({status}); fuzz/corpus/{target} kept");
        return Ok((0, 0));
    }
    let (cap, budget) = if target == "module" {
        (MAX_MODULE_FILE, MODULE_BUDGET)
    } else {
        (MAX_CORPUS_FILE, CORPUS_BUDGET)
    };
    let mut found = Vec::new();
    for entry in fs::read_dir(&minimised)? {
        let path = entry?.path();
        if path.is_file() && fs::metadata(&path)?.len() <= cap {
            found.push(fs::read(&path)?);
        }
    }
    // Smallest first, within the budget: more of the coverage per byte committed.
    found.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let mut kept = Vec::new();
    let mut total = 0;
    for input in found {
        if total + input.len() as u64 > budget {
            break;
        }
        total += input.len() as u64;
        kept.push(input);
    }
    let corpus = root.join("fuzz/corpus").join(target);
    if corpus.exists() {
        fs::remove_dir_all(&corpus)?;
    }
    fs::create_dir_all(&corpus)?;
    let mut bytes = 0;
    for input in &kept {
        fs::write(corpus.join(content_name("", input)), input)?;
        bytes += input.len() as u64;
    }
    Ok((kept.len(), bytes))
}

/// Writes `bytes` as a seed named after `name` (a path's last components).
fn write_seed(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    fs::write(dir.join(name), bytes).with_context(|| format!("writing seed {}", dir.display()))
}

/// The files under `dir` (recursively) whose name ends with `suffix`, sorted.
fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// `bytes` cut to [`MAX_SEED_FILE`], at a UTF-8 boundary when they are text.
fn cut(bytes: &[u8]) -> &[u8] {
    let mut end = bytes.len().min(MAX_SEED_FILE);
    if let Ok(text) = std::str::from_utf8(bytes) {
        while !text.is_char_boundary(end) {
            end -= 1;
        }
    }
    &bytes[..end]
}

/// Copies the files `paths` as seeds, cut to size, named after their path in the repository.
fn copy_seeds(root: &Path, dir: &Path, paths: &[PathBuf]) -> Result<()> {
    for path in paths {
        let bytes = fs::read(path)?;
        let name = path.strip_prefix(root).unwrap_or(path).to_string_lossy();
        write_seed(dir, &name, cut(&bytes))?;
    }
    Ok(())
}

/// Every seed of `target` into `dir`.
fn gather_seeds(root: &Path, binary: &Path, target: &str, dir: &Path) -> Result<()> {
    let mut committed = files(&root.join("fuzz/corpus").join(target), "");
    committed.extend(files(&root.join("fuzz/regressions").join(target), ""));
    for path in committed {
        let bytes = fs::read(&path)?;
        write_seed(dir, &content_name("committed-", &bytes), &bytes)?;
    }
    let status = Command::new(binary)
        .args(["--seeds", target])
        .arg(dir)
        .status()
        .context("writing the made seeds")?;
    ensure!(status.success(), "`medplug-fuzz --seeds {target}` failed");
    let fixtures = |plugin: &str| files(&root.join("tests/fixtures").join(plugin), ".input.json");
    let mitdb = root.join("target/mitdb");
    match target {
        "policy" => copy_seeds(root, dir, &[root.join("medplug.toml")])?,
        "module" => {
            let mut modules = files(&root.join("target/test-plugins"), ".wasm");
            modules.extend(files(&root.join("target/plugins"), ".wasm"));
            for path in modules {
                if fs::metadata(&path)?.len() <= MAX_SEED_MODULE {
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    write_seed(dir, &format!("{name}.bin"), &fs::read(&path)?)?;
                }
            }
        }
        "wfdb_header" => copy_seeds(root, dir, &files(&mitdb, ".hea"))?,
        "wfdb_annotation" => {
            let records: Vec<PathBuf> = files(&mitdb, ".atr").into_iter().take(2).collect();
            copy_seeds(root, dir, &records)?;
        }
        "schema_guard" => {
            copy_seeds(root, dir, &files(&root.join("tests/fixtures"), ".json"))?;
            copy_seeds(root, dir, &files(&root.join("schemas"), ".json"))?;
        }
        "lgpd" => {
            copy_seeds(root, dir, &fixtures("lgpd-analyzer"))?;
            copy_seeds(
                root,
                dir,
                &files(&root.join("tests/corpus/lgpd-analyzer"), ".txt"),
            )?;
        }
        "claims" => {
            copy_seeds(root, dir, &fixtures("claims-extractor"))?;
            claims_texts(root, dir)?;
        }
        "ecg" => copy_seeds(root, dir, &fixtures("ecg-analyzer"))?,
        "lesion" => copy_seeds(root, dir, &fixtures("lesion-risk"))?,
        _ => {}
    }
    Ok(())
}

/// The texts of the claims corpus (`tests/corpus/claims-extractor/*.jsonl`: sentences and their
/// separators), the first few documents of each file.
fn claims_texts(root: &Path, dir: &Path) -> Result<()> {
    for path in files(&root.join("tests/corpus/claims-extractor"), ".jsonl") {
        let text = fs::read_to_string(&path)?;
        for (k, line) in text.lines().take(8).enumerate() {
            let Ok(document) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let mut text = String::new();
            for sentence in document["sentences"].as_array().into_iter().flatten() {
                text.push_str(sentence["text"].as_str().unwrap_or_default());
                text.push_str(sentence["sep"].as_str().unwrap_or(" "));
            }
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            write_seed(dir, &format!("claims-{stem}-{k}.txt"), cut(text.as_bytes()))?;
        }
    }
    Ok(())
}

fn print_table(rows: &[Row], time: u64) {
    println!("\ncargo xtask fuzz: {time} s per target (AFL++ via cargo-afl)\n");
    println!(
        "| target | execs | execs/s | edges found | bitmap | queue | crashes | hangs | corpus kept |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for r in rows {
        println!(
            "| {} | {} | {:.0} | {} | {} | {} | {} | {} | {} files, {} B |",
            r.target,
            r.execs,
            r.execs_per_sec,
            r.edges,
            r.bitmap,
            r.corpus,
            r.crashes,
            r.hangs,
            r.kept,
            r.kept_bytes
        );
    }
}
