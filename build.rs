//! Build script: parses the AWS Service Authorization Reference pages into static tables.
//!
//! Input: `aws-docs/pages.tar.gz` (the 2024-07-15 snapshot, see aws-docs/README.md) or a plain
//! folder of `list_*.html` pages named by `POLICY_SENTRY_AWS_DOCS`, plus
//! `aws-docs/access-level-overrides.yml`. Output: `$OUT_DIR/iam_tables.rs` and
//! `$OUT_DIR/iam_strings.txt`, included by `src/data/tables.rs`.
//!
//! Any page that cannot be parsed fails the build with the page's name and what was expected;
//! so does a result below the floors (see `build/model.rs`).

#[path = "build/codegen.rs"]
mod codegen;
#[path = "build/html.rs"]
mod html;
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

    let overrides_path = manifest_dir.join("aws-docs/access-level-overrides.yml");
    println!("cargo:rerun-if-changed={}", overrides_path.display());
    let overrides_text = std::fs::read_to_string(&overrides_path)
        .map_err(|e| format!("cannot read {}: {e}", overrides_path.display()))?;
    let overrides =
        overrides::Overrides::parse(&overrides_path.display().to_string(), &overrides_text)?;

    let snapshot = match std::env::var_os("POLICY_SENTRY_AWS_DOCS") {
        Some(dir) if !dir.is_empty() => {
            let dir = Path::new(&dir);
            let dir = if dir.is_relative() {
                manifest_dir.join(dir)
            } else {
                dir.to_path_buf()
            };
            println!("cargo:rerun-if-changed={}", dir.display());
            source::load_dir(&dir)?
        }
        _ => {
            let archive = manifest_dir.join("aws-docs/pages.tar.gz");
            println!("cargo:rerun-if-changed={}", archive.display());
            println!(
                "cargo:rerun-if-changed={}",
                manifest_dir.join("aws-docs/snapshot.txt").display()
            );
            source::load_tar_gz(&archive)?
        }
    };
    if snapshot.pages.is_empty() {
        return Err(format!("{}: no list_*.html pages found", snapshot.source));
    }
    let loaded = started.elapsed();

    let (pages, skipped) = parse_all(&snapshot)?;
    let parsed = started.elapsed();
    let mut db = model::Database::from_pages(pages, &overrides)?;
    db.skipped_pages = skipped;
    db.check_floors()
        .map_err(|e| format!("{}: {e}", snapshot.source))?;

    let (code, strings) = codegen::generate(&db, &snapshot, &overrides)?;
    write_if_changed(&out_dir.join("iam_tables.rs"), &code)?;
    write_if_changed(&out_dir.join("iam_strings.txt"), &strings)?;
    println!(
        "cargo:warning=policy_sentry: parsed {} pages ({} skipped; {} services, {} actions) in {:.1?} (read {:.1?}, parse {:.1?})",
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
                    let parsed = html::parse_page(&page.name, &page.html);
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
