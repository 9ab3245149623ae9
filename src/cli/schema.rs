//! `policy_sentry schema template|report-config`: the JSON Schema of an input format, for
//! editors and validators. The schemas live next to their parsers
//! (`policy_sentry::template::schema`, `policy_sentry::audit::analyze`).

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{Exit, print_json};

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// Which format: a write-policy template, or analyze's --report-config file.
    #[arg(value_enum)]
    pub format: SchemaFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SchemaFormat {
    Template,
    ReportConfig,
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    let schema = match args.format {
        SchemaFormat::Template => policy_sentry::template::schema::template_schema(),
        SchemaFormat::ReportConfig => policy_sentry::audit::analyze::report_config_schema(),
    };
    print_json(&schema)?;
    Ok(Exit::Success.into())
}
