//! `policy_sentry check FILE|DIR…`: lint policy files offline, for CI. Findings as text, JSON
//! or SARIF 2.1.0; exit 0 when nothing is at or above `--fail-on`, 1 when something is, 2 for
//! usage errors (nothing on stdout) and when an input could not be checked (the report still
//! covers every other file, with an error entry for each one that failed).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use policy_sentry::audit::findings_json::findings_json;
use policy_sentry::audit::guardrails::access_granted;
use policy_sentry::audit::{
    CheckOptions, CheckReport, CheckedFile, Level, ParsedPolicy, Rule, Verdict, check_policy, sarif,
};
use policy_sentry::io::{self, Walk, Walker};

use super::GlobalArgs;

#[derive(Args, Debug)]
#[command(after_long_help = rules_help())]
pub struct CheckArgs {
    /// Policy files (JSON; `-` reads stdin), or folders searched for `*.json` files:
    /// recursively, sorted by name, skipping names that start with `.`; a folder reached
    /// again through a symbolic link is not searched twice (said on stderr).
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    ///
    /// `sarif` is a complete SARIF 2.1.0 log whatever happens: inputs that
    /// could not be checked, or a run that found none, are error notifications of its
    /// invocation (`executionSuccessful` false), beside the findings.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub fmt: CheckFormat,
    /// Exit 1 when a finding is at this level or above.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub guardrails: super::check_guardrails::GuardrailArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Note,
}

impl FailOn {
    fn level(self) -> Level {
        match self {
            FailOn::Error => Level::Error,
            FailOn::Warning => Level::Warning,
            FailOn::Note => Level::Note,
        }
    }
}

/// A file to check: the name to show, and whether it was found by searching a folder.
struct Input {
    path: PathBuf,
    display: String,
    from_folder: bool,
}

pub fn run(args: &CheckArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let levels = match global.level_source() {
        Ok(l) => l,
        Err(e) => return run_failed(args, &super::error_text(&e), &[]),
    };
    let options = CheckOptions { levels };
    if args.guardrails.no_new_access {
        let report = super::check_guardrails::no_new_access(&args.paths, global);
        return finish(args, report);
    }
    let granted = match args.guardrails.listed_actions() {
        Ok(granted) => granted,
        Err(message) => return run_failed(args, &message, &[]),
    };
    let inputs = collect(&args.paths);
    // Files are independent: checked on every core, reported in input order.
    let outcomes = io::map_in_order(&inputs, |input| {
        let input = match input {
            Ok(input) => input,
            Err(unreadable) => return Outcome::Checked(unreadable.clone()),
        };
        let text = match global.read_input(&input.path) {
            Ok(text) => text,
            Err(e) => return Outcome::Checked(CheckedFile::unreadable(&input.display, &e)),
        };
        let rules = |p: &ParsedPolicy| match &granted {
            Some(actions) => access_granted(p, actions, &args.guardrails.resources),
            None => check_policy(p, &options),
        };
        if !input.from_folder {
            return Outcome::Checked(CheckedFile::check_with(&input.display, &text, rules));
        }
        match CheckedFile::check_found(&input.display, &text, rules) {
            Some(checked) => Outcome::Checked(checked),
            None => Outcome::Skipped(format!(
                "warning: {}: skipped: not an IAM policy document (no \"Statement\" or \"Version\")",
                input.display
            )),
        }
    });
    let mut report = CheckReport::default();
    for outcome in outcomes {
        match outcome {
            Outcome::Checked(file) => report.files.push(file),
            Outcome::Skipped(warning) => eprintln!("{warning}"),
        }
    }
    if report.files.is_empty() {
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        let message = format!("no policy files found in {}", paths.join(", "));
        return run_failed(args, &message, &paths);
    }
    finish(args, report)
}

/// What became of one input.
enum Outcome {
    Checked(CheckedFile),
    /// A JSON file found in a folder that is not a policy: the warning to print.
    Skipped(String),
}

/// Print the report and exit as `--fail-on` says.
fn finish(args: &CheckArgs, report: CheckReport) -> anyhow::Result<ExitCode> {
    // A text report on the terminal already shows each error entry: said once, not twice.
    if args.fmt != CheckFormat::Text || !std::io::stdout().is_terminal() {
        for file in report.failed() {
            eprintln!("error: {}", file.problem.as_deref().unwrap_or_default());
        }
    }
    match args.fmt {
        CheckFormat::Text => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            report.write_text(&mut out)?;
            out.flush()?;
        }
        CheckFormat::Json => super::print_json(&findings_json(&report))?,
        CheckFormat::Sarif => {
            super::print_json(&sarif::sarif_log(&report, env!("CARGO_PKG_VERSION")))?
        }
    }
    eprintln!("{}", report.summary());
    Ok(match report.verdict(args.fail_on.level()) {
        Verdict::Passed => ExitCode::SUCCESS,
        Verdict::Failed => ExitCode::from(super::Exit::Findings),
        Verdict::Incomplete => {
            let failed = report.failed().count();
            eprintln!(
                "check: {failed} input{} could not be checked (see above); exit 2",
                if failed == 1 { "" } else { "s" }
            );
            ExitCode::from(super::Exit::InputError)
        }
    })
}

/// A run that checked nothing: the error on stderr, exit 2, and for `--fmt sarif` a SARIF log
/// that says so (a CI step that uploads the log must not get an empty file).
pub(super) fn run_failed(
    args: &CheckArgs,
    message: &str,
    paths: &[String],
) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    if args.fmt == CheckFormat::Sarif {
        let log = sarif::failed_run_log(message, paths, env!("CARGO_PKG_VERSION"));
        super::print_json(&log)?;
    }
    Ok(ExitCode::from(super::Exit::InputError))
}

/// The rule table for `check --help`.
fn rules_help() -> String {
    let mut text = String::from("Rules (id, level):\n");
    for rule in Rule::ALL {
        text.push_str(&format!(
            "  {} ({})\n      {}\n",
            rule.id(),
            rule.level().as_str(),
            rule.short_description()
        ));
    }
    text.push_str("\nResource ARNs are matched as IAM matches them (`*` any characters, `:` and `/` too; `?` one; policy variables any text): resource-arn-mismatch only when the ARN can match no ARN of the statement's resource types. \"Resource\": \"*\" scoped by a condition on the resource's tags or owner (aws:ResourceTag/KEY, aws:ResourceAccount, …) is not reported. See the README's \"Auditing policies\".\n");
    text.push_str("\nExit status: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error, or an input could not be checked (unreadable, invalid JSON, not a policy: an error entry in the report, the other files still checked). With --fmt sarif a complete SARIF log is written in every case but a usage error.");
    text
}

/// Files named on the command line (`-`: stdin), and `*.json` files under folders, in order; a
/// path or folder that cannot be read is an `unreadable-file` entry in its place.
fn collect(paths: &[PathBuf]) -> Vec<Result<Input, CheckedFile>> {
    let mut inputs = Vec::new();
    let mut walker = Walker::new();
    for path in paths {
        let is_folder = match std::fs::metadata(path) {
            _ if io::is_stdin(path) => false,
            Ok(meta) => meta.is_dir(),
            Err(e) => {
                let name = path.display().to_string();
                let reason = format!("cannot read: {e}");
                inputs.push(Err(CheckedFile::unreadable(&name, &reason)));
                continue;
            }
        };
        if !is_folder {
            if io::is_stdin(path) && std::io::stdin().is_terminal() {
                eprintln!("Reading a policy from stdin (end with Ctrl-D).");
            }
            inputs.push(Ok(Input {
                path: path.clone(),
                display: io::input_name(path),
                from_folder: false,
            }));
            continue;
        }
        let walked = walker.walk(path, POLICY_FILES);
        for skipped in &walked.skipped {
            eprintln!("note: {skipped}");
        }
        for (folder, e) in &walked.errors {
            let name = folder.display().to_string();
            let reason = format!("cannot read the folder: {e}");
            inputs.push(Err(CheckedFile::unreadable(&name, &reason)));
        }
        inputs.extend(walked.files.into_iter().map(|file| {
            Ok(Input {
                display: file.display().to_string(),
                path: file,
                from_folder: true,
            })
        }));
    }
    inputs
}

const POLICY_FILES: Walk<'static> = Walk {
    extensions: &["json"],
    recursive: true,
};
