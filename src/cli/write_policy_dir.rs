//! `policy_sentry write-policy-dir` (2020): a policy for every template of a folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use policy_sentry::arn::Partition;
use policy_sentry::io::{
    PassedOver, ReadError, Walk, Walker, WriteError, WriteMode, write_atomically,
};
use policy_sentry::write::WriteOptions;

use super::write_policy::{
    PolicyFormat, format_policy, parse_partition, parse_prefix_length, print_warnings,
    write_from_text,
};
use super::{Exit, GlobalArgs};

#[derive(Args, Debug)]
pub struct WritePolicyDirArgs {
    /// Folder of templates (`*.yml`, `*.yaml` in any case; not recursive; names starting
    /// with `.` skipped). Every other entry is named on stderr as skipped.
    #[arg(long, value_name = "DIR")]
    pub input_dir: PathBuf,
    /// Folder for the policies (`<template name>.json`); created if missing.
    #[arg(long, value_name = "DIR")]
    pub output_dir: PathBuf,
    /// Shorten actions to safe wildcards, optionally with at least N characters after the colon.
    #[arg(
        short = 'm',
        long,
        value_name = "N",
        num_args = 0..=1,
        default_missing_value = "0",
        value_parser = parse_prefix_length
    )]
    pub minimize: Option<usize>,
    /// Output format (`yaml` writes `.yaml` files).
    #[arg(long, value_enum, default_value_t = PolicyFormat::Json, ignore_case = true)]
    pub fmt: PolicyFormat,
    /// Partition of the resources written from ARN formats (see write-policy); overrides
    /// each template's `partition:`.
    #[arg(long, value_name = "PARTITION", value_parser = parse_partition)]
    pub partition: Option<Partition>,
    /// Replace policy files that already exist.
    #[arg(long, conflicts_with = "check")]
    pub force: bool,
    /// Write nothing: compare each policy file with what its template now writes, name the
    /// missing and out-of-date ones on stderr, and exit 1 if there is any (for pre-commit
    /// and CI).
    #[arg(long)]
    pub check: bool,
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
    if !args.check {
        std::fs::create_dir_all(&args.output_dir)
            .with_context(|| format!("cannot create {}", args.output_dir.display()))?;
    }
    let options = WriteOptions {
        minimize: args.minimize,
        levels: global.level_source()?,
    };
    let extension = match args.fmt {
        PolicyFormat::Yaml => "yaml",
        PolicyFormat::Json | PolicyFormat::Terraform => "json",
    };
    let (mut done, mut failed) = (0usize, 0usize);
    for (stem, path) in &templates {
        let target = args.output_dir.join(format!("{stem}.{extension}"));
        let result = policy_text(path, args, global, &options).and_then(|body| {
            if args.check {
                compare_one(path, &target, &body)
            } else {
                write_one(&target, &body, args.force)
            }
        });
        match result {
            Ok(()) => {
                done += 1;
                if !args.check {
                    eprintln!("{} → {}", path.display(), target.display());
                }
            }
            Err(err) => {
                failed += 1;
                eprintln!("error: {}", super::error_text(&err));
            }
        }
    }
    if args.check {
        eprintln!("{done} up to date, {failed} not");
    } else {
        eprintln!("{done} written, {failed} failed");
    }
    Ok(if failed == 0 {
        Exit::Success.into()
    } else {
        Exit::Failed.into()
    })
}

/// `(stem, path)` of every template, sorted by file name; two files with one stem are an
/// error, since both would write the same policy file.
fn templates_in(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut walked = Walker::new().walk(dir, TEMPLATE_FILES);
    if let Some((folder, cause)) = walked.errors.pop() {
        // An input that cannot be read: exit 2, as for a template file.
        let origin = folder.display().to_string();
        return Err(ReadError::Io { origin, cause }.into());
    }
    // The folder is meant to hold templates: whatever else it holds is named, not dropped.
    for (path, why) in &walked.passed_over {
        let why = match why {
            PassedOver::Hidden => "a hidden name (starts with `.`)",
            PassedOver::OtherExtension => "not a template (*.yml, *.yaml, in any case)",
            PassedOver::SubFolder => "a folder (sub-folders are not searched)",
        };
        eprintln!("note: {}: skipped: {why}", path.display());
    }
    for skipped in &walked.skipped {
        eprintln!("note: {skipped}");
    }
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for path in walked.files {
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            bail!("{}: the file name is not UTF-8; rename it", path.display());
        };
        found.push((stem.to_string(), path.clone()));
    }
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

const TEMPLATE_FILES: Walk<'static> = Walk {
    extensions: &["yml", "yaml"],
    recursive: false,
};

/// The policy file's text that the template at `path` writes.
fn policy_text(
    path: &Path,
    args: &WritePolicyDirArgs,
    global: &GlobalArgs,
    options: &WriteOptions,
) -> anyhow::Result<String> {
    let origin = path.display().to_string();
    let text = global.read_input(path)?;
    // `--crud` is accepted for 2020 scripts but not enforced here: a folder may mix crud and
    // actions templates, and each template's own `mode` decides.
    let (written, parsed) = write_from_text(&origin, &text, false, args.partition, options)?;
    print_warnings(&parsed, &written);
    let mut body = format_policy(&written.policy, args.fmt);
    body.push('\n');
    Ok(body)
}

/// `--check`: the policy file must hold exactly `body`.
fn compare_one(template: &Path, target: &Path, body: &str) -> anyhow::Result<()> {
    match std::fs::read(target) {
        Ok(committed) if committed == body.as_bytes() => Ok(()),
        Ok(_) => bail!(
            "{} is out of date: {} now writes a different policy (run write-policy-dir --force to update it)",
            target.display(),
            template.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "{} is missing: {} writes it (run write-policy-dir to create it)",
            target.display(),
            template.display()
        ),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", target.display())),
    }
}

fn write_one(target: &Path, body: &str, force: bool) -> anyhow::Result<()> {
    let mode = if force {
        WriteMode::Replace
    } else {
        WriteMode::NoClobber
    };
    match write_atomically(target, body.as_bytes(), mode) {
        Err(WriteError::Exists { .. }) => {
            bail!(
                "{} already exists; use --force to replace it",
                target.display()
            )
        }
        result => Ok(result?),
    }
}
