//! `policy_sentry query action-table | arn-table | condition-table | service-table`.
//!
//! The library answers (`query::ActionTableOptions` holds upstream's decision tree for
//! action-table); this module parses the options and prints. Upstream's defects are fixed:
//! stdout is one document in the requested format (D1), `-s all` answers are sorted (D2),
//! unknown names are errors with suggestions (D3, D4), `-n` with `-a` answers the action (D5),
//! YAML has no anchors (D6), CSV is quoted (D20). Options upstream ignores in a branch are
//! still ignored, for the same data, but a warning on stderr says so.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, Subcommand, ValueEnum};
use policy_sentry::data::resolve::{self, Spelling};
use policy_sentry::data::{AccessLevel, GlobalConditionKey, LevelSource, Service};
use policy_sentry::error::LookupError;
use policy_sentry::query::{
    self, ActionQuestion, ActionTableAnswer, ActionTableOption, ActionTableOptions, Scope,
};
use serde::Serialize;

use super::{Exit, GlobalArgs};

#[derive(Args, Debug)]
pub struct QueryArgs {
    #[command(subcommand)]
    pub command: QueryCommand,
}

// The variants are named after upstream's subcommands (`action-table`, …).
#[allow(clippy::enum_variant_names)]
#[derive(Subcommand, Debug)]
pub enum QueryCommand {
    /// Actions: of a service, at an access level, on a resource type, with a condition key,
    /// or one action's details.
    ActionTable(ActionTableArgs),
    /// Resource types and their ARN formats.
    ArnTable(ArnTableArgs),
    /// Condition keys and their details.
    ConditionTable(ConditionTableArgs),
    /// Every service prefix and service name.
    ServiceTable(ServiceTableArgs),
}

/// The access levels as the command line spells them.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LevelArg {
    Read,
    Write,
    List,
    Tagging,
    PermissionsManagement,
}

impl From<LevelArg> for AccessLevel {
    fn from(level: LevelArg) -> AccessLevel {
        match level {
            LevelArg::Read => AccessLevel::Read,
            LevelArg::Write => AccessLevel::Write,
            LevelArg::List => AccessLevel::List,
            LevelArg::Tagging => AccessLevel::Tagging,
            LevelArg::PermissionsManagement => AccessLevel::PermissionsManagement,
        }
    }
}

/// Output formats of the table queries.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum TableFormat {
    /// One JSON document (4-space indent).
    Json,
    /// One YAML document.
    Yaml,
    /// One item a line.
    Text,
}

/// Output formats of `service-table`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ServiceTableFormat {
    Json,
    Yaml,
    /// `prefix,service_name` rows (RFC 4180 quoting).
    Csv,
    /// `prefix<TAB>service name` lines.
    Text,
}

#[derive(Args, Debug)]
pub struct ActionTableArgs {
    /// Service prefix (`s3`, any case), or `all`.
    #[arg(short = 's', long, value_name = "PREFIX")]
    pub service: String,
    /// Action name without the prefix (`GetObject`, any case; `Get*` for a prefix match).
    #[arg(short = 'n', long, value_name = "ACTION")]
    pub name: Option<String>,
    /// Only actions at this access level.
    #[arg(
        short = 'a',
        long,
        value_enum,
        ignore_case = true,
        value_name = "LEVEL"
    )]
    pub access_level: Option<LevelArg>,
    /// Actions that support this condition key (`s3:x-amz-acl`).
    #[arg(short = 'c', long, value_name = "KEY")]
    pub condition: Option<String>,
    /// Actions on this resource type (`object`); `*` = actions that support only the `*`
    /// resource.
    #[arg(short = 'r', long, value_name = "TYPE")]
    pub resource_type: Option<String>,
    /// 2020 spelling of `--resource-type '*'`.
    #[arg(long, hide = true, conflicts_with = "resource_type")]
    pub wildcard_only: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Json)]
    pub fmt: TableFormat,
}

#[derive(Args, Debug)]
pub struct ArnTableArgs {
    /// Service prefix (`s3`, any case).
    #[arg(short = 's', long, value_name = "PREFIX")]
    pub service: String,
    /// One resource type's details (`bucket`, any case).
    #[arg(short = 'n', long, value_name = "TYPE")]
    pub name: Option<String>,
    /// Resource type names with their ARN formats.
    #[arg(short = 'l', long)]
    pub list_arn_types: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Json)]
    pub fmt: TableFormat,
}

#[derive(Args, Debug)]
pub struct ConditionTableArgs {
    /// Service prefix (`s3`, any case).
    #[arg(
        short = 's',
        long,
        value_name = "PREFIX",
        required_unless_present = "global",
        conflicts_with = "global"
    )]
    pub service: Option<String>,
    /// The global condition keys (`aws:SourceIp`, …), which apply across services.
    #[arg(long)]
    pub global: bool,
    /// One condition key's details (`s3:x-amz-acl`, any case).
    #[arg(short = 'n', long, value_name = "KEY")]
    pub name: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Json)]
    pub fmt: TableFormat,
}

#[derive(Args, Debug)]
pub struct ServiceTableArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ServiceTableFormat::Json)]
    pub fmt: ServiceTableFormat,
}

pub fn run(args: &QueryArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let fmt = match &args.command {
        QueryCommand::ActionTable(a) => a.fmt,
        QueryCommand::ArnTable(a) => a.fmt,
        QueryCommand::ConditionTable(a) => a.fmt,
        QueryCommand::ServiceTable(a) => match a.fmt {
            ServiceTableFormat::Json => TableFormat::Json,
            ServiceTableFormat::Yaml => TableFormat::Yaml,
            // The answer's lines are already CSV or text, as asked.
            ServiceTableFormat::Csv | ServiceTableFormat::Text => TableFormat::Text,
        },
    };
    answer(&args.command, global)?.print(fmt)?;
    Ok(Exit::Success.into())
}

/// The answer to a query, before it is printed (the `mcp` command's query tools share it).
pub(super) fn answer(command: &QueryCommand, global: &GlobalArgs) -> anyhow::Result<Answer> {
    let out = Output { global };
    match command {
        QueryCommand::ActionTable(a) => action_table(a, &global.level_source()?, &out),
        QueryCommand::ArnTable(a) => arn_table(a, &out),
        QueryCommand::ConditionTable(a) => condition_table(a),
        QueryCommand::ServiceTable(a) => service_table(a.fmt),
    }
}

/// A query's answer: the document that JSON and YAML print, and the lines that text (or
/// service-table's CSV) prints.
pub(super) struct Answer {
    pub document: serde_json::Value,
    lines: Vec<String>,
}

impl Answer {
    /// A list: a JSON or YAML list, or one item a line.
    fn list(items: Vec<String>) -> Answer {
        Answer {
            document: serde_json::Value::from(items.clone()),
            lines: items,
        }
    }

    /// A document, and its lines as text.
    fn document<T: Serialize>(value: &T, lines: Vec<String>) -> anyhow::Result<Answer> {
        Ok(Answer {
            document: serde_json::to_value(value)?,
            lines,
        })
    }

    fn print(&self, fmt: TableFormat) -> anyhow::Result<()> {
        match fmt {
            TableFormat::Json => super::print_json(&self.document),
            TableFormat::Yaml => super::print_yaml(&self.document),
            TableFormat::Text => print_lines(&self.lines),
        }
    }
}

/// Where headings and warnings go: stderr, headings only for a person (a terminal) or `-v`.
struct Output<'a> {
    global: &'a GlobalArgs,
}

impl Output<'_> {
    fn heading(&self, text: &str) {
        if self.global.verbose.is_some() || std::io::stderr().is_terminal() {
            eprintln!("{text}");
        }
    }

    /// Upstream answers some combinations by ignoring options; we give the same answer but
    /// say so.
    fn ignored(&self, options: &[ActionTableOption], because: &str) {
        let given: Vec<&str> = options.iter().map(|&o| flag(o)).collect();
        self.ignored_flags(&given, because);
    }

    fn ignored_flags(&self, given: &[&str], because: &str) {
        if !given.is_empty() {
            eprintln!(
                "warning: {} ignored {because} (as upstream)",
                given.join(" and ")
            );
        }
    }
}

/// The command-line spelling of an action-table option.
fn flag(option: ActionTableOption) -> &'static str {
    match option {
        ActionTableOption::Name => "--name",
        ActionTableOption::AccessLevel => "--access-level",
        ActionTableOption::Condition => "--condition",
        ActionTableOption::ResourceType => "--resource-type",
    }
}

/// A service prefix from the command line, in any case. `catalog`, which the library reads
/// as `servicecatalog` for ARNs, is not a service here (upstream answers nothing for it).
fn cli_service(prefix: &str) -> Result<Service, LookupError> {
    resolve::service(prefix, Spelling::AnyCase)
}

/// A service of arn-table or condition-table, which have no `all`.
fn one_service(prefix: &str, command: &str) -> anyhow::Result<Service> {
    if prefix.eq_ignore_ascii_case("all") {
        bail!(
            "`query {command}` takes one service prefix; `--service all` is only for `query action-table`"
        );
    }
    Ok(cli_service(prefix)?)
}

fn action_table(
    args: &ActionTableArgs,
    levels: &LevelSource,
    out: &Output,
) -> anyhow::Result<Answer> {
    let options = ActionTableOptions {
        name: args.name.as_deref(),
        access_level: args.access_level.map(Into::into),
        condition: args.condition.as_deref(),
        resource_type: match (&args.resource_type, args.wildcard_only) {
            (_, true) => Some("*"),
            (r, false) => r.as_deref(),
        },
    };
    let scope = if args.service.eq_ignore_ascii_case("all") {
        Scope::All
    } else {
        Scope::One(cli_service(&args.service)?)
    };
    let plan = options.plan(scope);
    let (heading, because) = heading_and_reason(&plan.question);
    out.ignored(&plan.ignored, because);
    if let Some(heading) = heading {
        out.heading(&heading);
    }
    match plan.question.answer(levels)? {
        ActionTableAnswer::Prefixes(prefixes) => Ok(Answer::list(strings(prefixes))),
        ActionTableAnswer::Actions(actions) => Ok(Answer::list(strings(actions))),
        ActionTableAnswer::Details(data) => {
            if args.fmt != TableFormat::Text {
                // stdout keeps upstream's fields; which keys are global goes beside it.
                let global = global_keys_of(&data);
                if !global.is_empty() {
                    out.heading(&format!(
                        "global condition keys in these rows (`query condition-table --global`): {}",
                        global.join(", ")
                    ));
                }
            }
            Answer::document(&data, action_row_lines(&data))
        }
    }
}

/// The rows' condition keys that are global keys, each once, in first-seen order.
fn global_keys_of(data: &query::ActionData) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for key in data.rows.iter().flat_map(|r| r.condition_keys.iter()) {
        if GlobalConditionKey::lookup(key).is_some() && !keys.contains(key) {
            keys.push(key);
        }
    }
    keys
}

/// The heading of an action-table answer, and why the options it leaves out are ignored.
fn heading_and_reason(question: &ActionQuestion) -> (Option<String>, &'static str) {
    match *question {
        ActionQuestion::ServicePrefixes => (
            Some("All services in the database:".to_string()),
            "with --service all (without --access-level or --resource-type '*')",
        ),
        ActionQuestion::AtLevelInAllServices(level) => (
            Some(format!("{} actions across ALL services:", level.cli_name())),
            "with --service all --access-level",
        ),
        ActionQuestion::WildcardOnlyInAllServices => (
            Some("ALL actions that do not support resource ARN constraints".to_string()),
            "with --service all --resource-type '*'",
        ),
        ActionQuestion::AtLevel(service, level) => (
            Some(format!(
                "All IAM actions under the {} service that have the access level {}:",
                service.prefix(),
                level.cli_name()
            )),
            "with --access-level",
        ),
        ActionQuestion::AtLevelOnResourceType(service, level, resource_type) => (
            Some(format!(
                "{} {} actions that have the resource type {}:",
                service.prefix(),
                level.cli_name().to_uppercase(),
                resource_type.to_uppercase()
            )),
            "with --access-level and --resource-type",
        ),
        ActionQuestion::WithConditionKey(service, key) => (
            Some(format!(
                "IAM actions under {} service that support the {key} condition only{}:",
                service.prefix(),
                if GlobalConditionKey::lookup(key).is_some() {
                    " (a global condition key)"
                } else {
                    ""
                }
            )),
            "with --condition",
        ),
        ActionQuestion::OnResourceType(service, resource_type) => (
            Some(format!(
                "IAM actions under {} service that have the resource type {resource_type}:",
                service.prefix()
            )),
            "with --resource-type",
        ),
        ActionQuestion::Details { .. } => (None, ""),
        ActionQuestion::AllOfService(service) => {
            (Some(format!("ALL {} actions:", service.prefix())), "")
        }
    }
}

fn arn_table(args: &ArnTableArgs, out: &Output) -> anyhow::Result<Answer> {
    let service = one_service(&args.service, "arn-table")?;
    let prefix = service.prefix();
    match &args.name {
        None if !args.list_arn_types => {
            let formats = query::arn_formats(prefix)?;
            Ok(Answer::list(strings(formats)))
        }
        None => {
            let types = query::resource_types(prefix)?;
            let lines = types
                .0
                .iter()
                .map(|rt| format!("{}\t{}", rt.name(), rt.arn_format()))
                .collect();
            Answer::document(&types, lines)
        }
        Some(name) => {
            if args.list_arn_types {
                out.ignored_flags(&["--list-arn-types"], "with --name");
            }
            let details = query::resource_type(prefix, name)?;
            let lines = vec![
                format!("resource_type_name: {}", details.resource_type_name),
                format!("raw_arn: {}", details.raw_arn),
                format!("condition_keys: {}", details.condition_keys.join(", ")),
            ];
            Answer::document(&details, lines)
        }
    }
}

fn condition_table(args: &ConditionTableArgs) -> anyhow::Result<Answer> {
    let Some(prefix) = &args.service else {
        return global_condition_table(args);
    };
    let service = one_service(prefix, "condition-table")?;
    let prefix = service.prefix();
    let Some(name) = &args.name else {
        return Ok(Answer::list(strings(query::condition_keys(prefix)?)));
    };
    let global = GlobalConditionKey::lookup(name);
    let details = query::condition_key(prefix, name).map_err(|e| match global {
        Some(g) => anyhow::anyhow!(
            "{e}\nnote: `{name}` is a global condition key ({}); see `query condition-table --global --name {name}`",
            g.value_type_text()
        ),
        None => e.into(),
    })?;
    // stdout keeps upstream's fields; whether the key is global goes to stderr.
    if let Some(g) = global {
        eprintln!(
            "note: `{name}` is also a global condition key (`{}`, {})",
            g.name(),
            g.value_type_text()
        );
    }
    let lines = vec![
        format!("name: {}", details.name),
        format!("description: {}", details.description),
        format!("condition_value_type: {}", details.condition_value_type),
        format!("global: {}", global.is_some()),
    ];
    Answer::document(&details, lines)
}

/// `--global`: the global condition keys, or one of them.
fn global_condition_table(args: &ConditionTableArgs) -> anyhow::Result<Answer> {
    let Some(name) = &args.name else {
        let keys = query::global_condition_keys();
        let lines = keys
            .iter()
            .map(|k| format!("{}\t{}\t{}", k.name, k.condition_value_type, k.category))
            .collect();
        return Answer::document(&keys, lines);
    };
    let details = query::global_condition_key(name)?;
    let mut lines = vec![
        format!("name: {}", details.name),
        format!("description: {}", details.description),
        format!("condition_value_type: {}", details.condition_value_type),
        format!("category: {}", details.category),
    ];
    if !details.note.is_empty() {
        lines.push(format!("note: {}", details.note));
    }
    Answer::document(&details, lines)
}

fn service_table(fmt: ServiceTableFormat) -> anyhow::Result<Answer> {
    let services = query::services();
    let lines = match fmt {
        ServiceTableFormat::Csv => std::iter::once("prefix,service_name".to_string())
            .chain(
                services
                    .iter()
                    .map(|s| format!("{},{}", csv_field(s.prefix), csv_field(s.service_name))),
            )
            .collect(),
        _ => services
            .iter()
            .map(|s| format!("{}\t{}", s.prefix, s.service_name))
            .collect(),
    };
    Answer::document(&services, lines)
}

/// A CSV field, quoted per RFC 4180 when it holds a comma, quote or line break (D20).
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

fn strings<T: ToString>(items: Vec<T>) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

/// action-table's rows as text, the global condition keys marked.
fn action_row_lines(data: &query::ActionData) -> Vec<String> {
    let mut lines = Vec::new();
    for row in &data.rows {
        let keys: Vec<String> = row
            .condition_keys
            .iter()
            .map(|k| match GlobalConditionKey::lookup(k) {
                Some(_) => format!("{k} (global)"),
                None => k.to_string(),
            })
            .collect();
        lines.push(format!(
            "{}\t{}\t{}\t{}",
            row.action,
            row.access_level.cli_name(),
            row.resource_arn_format,
            keys.join(", ")
        ));
    }
    lines
}

fn print_lines<I, S>(lines: I) -> anyhow::Result<()>
where
    I: IntoIterator<Item = S>,
    S: std::fmt::Display,
{
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("Amazon S3"), "Amazon S3");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn catalog_is_not_a_command_line_service() {
        let err = cli_service("catalog").unwrap_err();
        assert!(
            err.to_string().contains("did you mean servicecatalog"),
            "{err}"
        );
        assert_eq!(cli_service("S3").unwrap().prefix(), "s3");
    }
}
