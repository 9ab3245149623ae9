//! Command-line interface: argument definitions and dispatch. One module per command; the
//! domain logic lives in the library, this layer only parses, reads files and prints.

mod analyze;
mod check;
mod check_guardrails;
mod completions;
mod create_template;
mod data;
mod diff;
#[cfg(feature = "download")]
mod download_policies;
mod expand;
mod explain_denied;
mod initialize;
mod man;
#[cfg(feature = "mcp")]
mod mcp;
mod query;
mod schema;
mod simulate;
mod write_policy;
mod write_policy_dir;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use policy_sentry::data::{AccessLevelOverrides, LevelSource};

const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nIAM data: ",
    env!("POLICY_SENTRY_DATA_SUMMARY"),
    "\nmore: `policy_sentry data info`"
);

#[derive(Parser, Debug)]
#[command(
    name = "policy_sentry",
    version,
    long_version = LONG_VERSION,
    about = "Write least-privilege AWS IAM policies, query the IAM database, audit policies.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Log level for messages on stderr.
    #[arg(
        short = 'v',
        long = "verbose",
        global = true,
        value_enum,
        ignore_case = true
    )]
    pub verbose: Option<LogLevel>,
    /// Use the access levels exactly as the AWS pages state them (no overrides).
    #[arg(long, global = true, conflicts_with = "access_level_overrides_file")]
    pub no_overrides: bool,
    /// Apply this access-level overrides file (upstream's YAML format) instead of the bundled one.
    #[arg(long, global = true, value_name = "FILE")]
    pub access_level_overrides_file: Option<PathBuf>,
    /// Refuse a policy, template, report config or overrides file larger than this, before
    /// reading it whole (a number of bytes; K, M, G for KiB, MiB, GiB).
    #[arg(
        long,
        global = true,
        value_name = "BYTES",
        env = "POLICY_SENTRY_MAX_INPUT_BYTES",
        default_value = DEFAULT_MAX_INPUT,
        value_parser = parse_byte_size
    )]
    pub max_input_bytes: u64,
}

/// How the program ends: the meaning of each exit status (README, "Exit codes and output
/// conventions"). Clap's own usage errors exit 2, as [`Exit::InputError`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: the answer is on stdout (for `check`: no finding at or above `--fail-on`).
    Success,
    /// 1: `check` found something at or above `--fail-on`.
    Findings,
    /// 1: the request could not be answered (an unknown name, an invalid template), or some
    /// items of a batch failed (`expand`, `write-policy-dir`, `download-policies`).
    Failed,
    /// 2: a usage error, or an input that could not be read or parsed.
    InputError,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Success => 0,
            Exit::Findings | Exit::Failed => 1,
            Exit::InputError => 2,
        })
    }
}

/// `--max-input-bytes` unless given: `policy_sentry::io::DEFAULT_MAX_INPUT_BYTES`.
const DEFAULT_MAX_INPUT: &str = "8M";

/// `1048576`, `1024K`, `1M`, `1G`: a size in bytes, with binary suffixes.
fn parse_byte_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, shift) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 10),
        Some((i, 'm' | 'M')) => (&text[..i], 20),
        Some((i, 'g' | 'G')) => (&text[..i], 30),
        _ => (text, 0),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| {
            format!(
                "expected a number of bytes, optionally with K, M or G (e.g. 10M), not {text:?}"
            )
        })
}

impl GlobalArgs {
    /// The UTF-8 text of an input file (`-`: stdin), within `--max-input-bytes`.
    pub fn read_input(
        &self,
        path: &std::path::Path,
    ) -> Result<String, policy_sentry::io::ReadError> {
        policy_sentry::io::read_text(path, self.max_input_bytes)
    }

    /// The access levels the user asked for.
    pub fn level_source(&self) -> anyhow::Result<LevelSource> {
        if self.no_overrides {
            return Ok(LevelSource::Raw);
        }
        match &self.access_level_overrides_file {
            Some(path) => Ok(LevelSource::Custom(std::sync::Arc::new(
                AccessLevelOverrides::from_file_within(path, self.max_input_bytes)?,
            ))),
            None => Ok(LevelSource::Bundled),
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LogLevel {
    Critical,
    Error,
    Warning,
    Info,
    Debug,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    Yaml,
    Text,
    Csv,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write a template file to fill in (crud or actions mode).
    CreateTemplate(create_template::CreateTemplateArgs),
    /// Write a least-privilege policy from a template.
    WritePolicy(write_policy::WritePolicyArgs),
    /// Write a policy for every template in a folder.
    WritePolicyDir(write_policy_dir::WritePolicyDirArgs),
    /// Look up actions, ARN formats, condition keys and services.
    Query(query::QueryArgs),
    /// Expand wildcard actions (s3:Get*) to the actions they match.
    Expand(expand::ExpandArgs),
    /// Lint policy files offline (text, JSON or SARIF findings).
    Check(check::CheckArgs),
    /// The access one policy (or set of policies) grants that another does not.
    Diff(diff::DiffArgs),
    /// Would a request be allowed by these policies, and why (offline IAM policy simulator).
    Simulate(Box<simulate::SimulateArgs>),
    /// Report risky permissions in policies (privilege escalation, exposure).
    Analyze(analyze::AnalyzeArgs),
    /// Explain an AccessDenied message or CloudTrail event, and the Allow that fixes it.
    ExplainDenied(explain_denied::ExplainDeniedArgs),
    /// Download an account's IAM policies for offline analysis.
    #[cfg(feature = "download")]
    DownloadPolicies(download_policies::DownloadPoliciesArgs),
    /// What IAM data this binary carries, all of it as JSON, and what changed between two.
    Data(data::DataArgs),
    /// Kept for old scripts: the database is compiled in, so this only explains.
    Initialize(initialize::InitializeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print a command's manual page (roff, for `man -l -`); `scripts/install-man` installs all.
    Man(man::ManArgs),
    /// Print the JSON Schema of templates or of analyze's report config (for editors).
    Schema(schema::SchemaArgs),
    /// Serve the IAM database and the audits to AI assistants (an MCP server on stdio).
    #[cfg(feature = "mcp")]
    Mcp(mcp::McpArgs),
}

pub fn main() -> ExitCode {
    if let Some(code) = completions::from_environment() {
        return code;
    }
    let cli = Cli::parse_from(split_single_argument(std::env::args_os().collect()));
    let result = match &cli.command {
        Command::CreateTemplate(args) => create_template::run(args, &cli.global),
        Command::WritePolicy(args) => write_policy::run(args, &cli.global),
        Command::WritePolicyDir(args) => write_policy_dir::run(args, &cli.global),
        Command::Query(args) => query::run(args, &cli.global),
        Command::Expand(args) => expand::run(args, &cli.global),
        Command::Check(args) => check::run(args, &cli.global),
        Command::Diff(args) => diff::run(args, &cli.global),
        Command::Analyze(args) => analyze::run(args, &cli.global),
        Command::Simulate(args) => simulate::run(args, &cli.global),
        Command::ExplainDenied(args) => explain_denied::run(args, &cli.global),
        #[cfg(feature = "download")]
        Command::DownloadPolicies(args) => download_policies::run(args),
        Command::Data(args) => data::run(args, &cli.global),
        Command::Initialize(args) => initialize::run(args, &cli.global),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Schema(args) => schema::run(args),
        #[cfg(feature = "mcp")]
        Command::Mcp(args) => mcp::run(args, &cli.global),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return Exit::Success.into();
            }
            eprintln!("error: {}", error_text(&err));
            // An input that could not be read or parsed is the same error in every command.
            let unreadable = err.chain().any(|e| {
                e.is::<policy_sentry::io::ReadError>()
                    || e.is::<policy_sentry::data::OverridesError>()
            });
            if unreadable {
                Exit::InputError.into()
            } else {
                Exit::Failed.into()
            }
        }
    }
}

/// The error and its causes, `: `-separated, leaving out a cause whose text the message
/// already ends with (errors that print their source themselves would show it twice).
pub fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let cause = cause.to_string();
        if text.is_empty() {
            text = cause;
        } else if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// The 2020 Docker image word-split its one argument (`docker run … policy_sentry "query
/// action-table --service s3"`). No valid command line is a single argument with spaces, so a
/// lone argument containing whitespace is split the way a shell would (quotes respected).
fn split_single_argument(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    if args.len() != 2 {
        return args;
    }
    let Some(line) = args[1].to_str() else {
        return args;
    };
    if !line.trim().contains(char::is_whitespace) {
        return args;
    }
    match shell_words(line) {
        Some(words) => std::iter::once(args[0].clone())
            .chain(words.into_iter().map(Into::into))
            .collect(),
        None => args,
    }
}

/// Split like a POSIX shell: whitespace separates words, single quotes are literal, double
/// quotes allow `\"` escapes. `None` for an unterminated quote.
fn shell_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => word.push(chars.next()?),
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// Print one JSON document (4-space indent, as upstream) and a newline on stdout.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    // Stdout is line-buffered: unbuffered, an indented document costs a write per line.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    policy_sentry::io::write_pretty_json(&mut out, value)?;
    out.flush()?;
    Ok(())
}

/// Print one YAML document (no anchors) on stdout.
pub fn print_yaml<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_saphyr::to_string(value)?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_string_command_lines_are_split_like_a_shell() {
        assert_eq!(
            shell_words("query action-table --service 's3' -r \"*\"").unwrap(),
            ["query", "action-table", "--service", "s3", "-r", "*"]
        );
        assert_eq!(
            shell_words("write-policy --crud").unwrap(),
            ["write-policy", "--crud"]
        );
        assert!(shell_words("query 'unterminated").is_none());
        let args: Vec<std::ffi::OsString> = vec!["p".into(), "--help".into()];
        assert_eq!(split_single_argument(args.clone()), args);
        let args: Vec<std::ffi::OsString> = vec!["p".into(), "data info".into()];
        assert_eq!(
            split_single_argument(args),
            vec![std::ffi::OsString::from("p"), "data".into(), "info".into()]
        );
    }

    #[test]
    fn byte_sizes_take_binary_suffixes() {
        assert_eq!(
            parse_byte_size(DEFAULT_MAX_INPUT),
            Ok(policy_sentry::io::DEFAULT_MAX_INPUT_BYTES)
        );
        assert_eq!(parse_byte_size("1000"), Ok(1000));
        assert_eq!(parse_byte_size("8M"), Ok(8 << 20));
        assert_eq!(parse_byte_size("2k"), Ok(2048));
        assert_eq!(parse_byte_size("1G"), Ok(1 << 30));
        for bad in ["", "M", "-1", "1.5M", "10 MB", "99999999999999G"] {
            assert!(parse_byte_size(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        #[derive(Debug, thiserror::Error)]
        #[error("f.yml: cannot read: {0}")]
        struct Repeats(#[source] std::io::Error);
        let io = || std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err = anyhow::Error::new(Repeats(io()));
        assert_eq!(error_text(&err), "f.yml: cannot read: no such file");
        let err = anyhow::Error::new(io()).context("cannot write t.yml");
        assert_eq!(error_text(&err), "cannot write t.yml: no such file");
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
