//! `policy_sentry write-policy-dir` (2020): a policy for every template of a folder.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use policy_sentry::arn::Partition;
use policy_sentry::write::WriteOptions;

use super::GlobalArgs;
use super::write_policy::{
    PolicyFormat, format_policy, parse_partition, print_warnings, read_file, write_from_text,
};

#[derive(Args, Debug)]
pub struct WritePolicyDirArgs {
    /// Folder of templates (`*.yml`, `*.yaml`; not recursive).
    #[arg(long, value_name = "DIR")]
    pub input_dir: PathBuf,
    /// Folder for the policies (`<template name>.json`); created if missing.
    #[arg(long, value_name = "DIR")]
    pub output_dir: PathBuf,
    /// Shorten actions to safe wildcards, optionally with at least N characters after the colon.
    #[arg(short = 'm', long, value_name = "N", num_args = 0..=1, default_missing_value = "0")]
    pub minimize: Option<usize>,
    /// Output format (`yaml` writes `.yaml` files).
    #[arg(long, value_enum, default_value_t = PolicyFormat::Json, ignore_case = true)]
    pub fmt: PolicyFormat,
    /// Partition of the resources written from ARN formats (see write-policy); overrides
    /// each template's `partition:`.
    #[arg(long, value_name = "PARTITION", value_parser = parse_partition)]
    pub partition: Option<Partition>,
    /// Replace policy files that already exist.
    #[arg(long)]
    pub force: bool,
    /// 2020's flag for CRUD templates; the mode now comes from each template.
    #[arg(long, hide = true)]
    pub crud: bool,
}

pub fn run(args: &WritePolicyDirArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let templates = templates_in(&args.input_dir)?;
    if templates.is_empty() {
        bail!(
            "{}: no templates (*.yml, *.yaml) in this folder",
            args.input_dir.display()
        );
    }
    std::fs::create_dir_all(&args.output_dir)
        .with_context(|| format!("cannot create {}", args.output_dir.display()))?;
    let options = WriteOptions {
        minimize: args.minimize,
        levels: global.level_source()?,
    };
    let extension = match args.fmt {
        PolicyFormat::Yaml => "yaml",
        PolicyFormat::Json | PolicyFormat::Terraform => "json",
    };
    let (mut written, mut failed) = (0usize, 0usize);
    for (stem, path) in &templates {
        let target = args.output_dir.join(format!("{stem}.{extension}"));
        match write_one(path, &target, args, &options) {
            Ok(()) => {
                written += 1;
                eprintln!("{} → {}", path.display(), target.display());
            }
            Err(err) => {
                failed += 1;
                eprintln!("error: {err:#}");
            }
        }
    }
    eprintln!("{written} written, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `(stem, path)` of every template, sorted by file name; two files with one stem are an
/// error, since both would write the same policy file.
fn templates_in(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let is_template = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e == "yml" || e == "yaml");
        if !is_template || !path.is_file() {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        found.push((stem.to_string(), path.clone()));
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    let mut by_stem: HashMap<&str, &Path> = HashMap::new();
    for (stem, path) in &found {
        if let Some(other) = by_stem.insert(stem, path) {
            bail!(
                "{} and {} would both write {stem}.json; rename one of them",
                other.display(),
                path.display()
            );
        }
    }
    Ok(found)
}

fn write_one(
    path: &Path,
    target: &Path,
    args: &WritePolicyDirArgs,
    options: &WriteOptions,
) -> anyhow::Result<()> {
    let origin = path.display().to_string();
    let text = read_file(path)?;
    // `--crud` is accepted for 2020 scripts but not enforced here: a folder may mix crud and
    // actions templates, and each template's own `mode` decides (removed-2020.md, section 3).
    let (written, parsed) = write_from_text(&origin, &text, false, args.partition, options)?;
    print_warnings(&origin, &parsed, &written);
    let mut body = format_policy(&written.policy, args.fmt);
    body.push('\n');
    write_atomically(target, body.as_bytes(), args.force)
}

/// Write through a temporary file in the same folder, then move it into place, so a reader
/// never sees half a policy. Without `replace`, an existing file is left alone.
fn write_atomically(target: &Path, bytes: &[u8], replace: bool) -> anyhow::Result<()> {
    if !replace && target.exists() {
        bail!("{} exists; use --force to replace it", target.display());
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        let mut file = std::fs::File::create_new(&temp)
            .with_context(|| format!("cannot create {}", temp.display()))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if replace {
            std::fs::rename(&temp, target)
                .with_context(|| format!("cannot write {}", target.display()))?;
        } else {
            // A hard link fails if the target appeared meanwhile: no clobbering. Where links
            // are not supported, fall back to a rename after the existence check above.
            match std::fs::hard_link(&temp, target) {
                Ok(()) => std::fs::remove_file(&temp)?,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    bail!("{} exists; use --force to replace it", target.display())
                }
                Err(_) => std::fs::rename(&temp, target)
                    .with_context(|| format!("cannot write {}", target.display()))?,
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
