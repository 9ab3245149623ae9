//! `policy_sentry check FILE|DIR…`: lint policy files offline, for CI. Findings as text, JSON
//! or SARIF 2.1.0; exit 0 when nothing is at or above `--fail-on`, 1 when something is, 2 for
//! usage errors and unreadable or malformed input (then nothing is printed on stdout).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use policy_sentry::audit::{CheckOptions, Finding, Level, Policy, Rule, check_policy, sarif};
use policy_sentry::io::{self, Walk, Walker};
use serde_json::json;

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
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub fmt: CheckFormat,
    /// Exit 1 when a finding is at this level or above.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
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
        Err(e) => {
            eprintln!("error: {}", super::error_text(&e));
            return Ok(ExitCode::from(super::Exit::InputError));
        }
    };
    let mut problems = Vec::new();
    let inputs = collect(&args.paths, &mut problems);
    let options = CheckOptions { levels };
    let mut results: Vec<(String, Vec<Finding>)> = Vec::new();
    for input in &inputs {
        let text = match global.read_input(&input.path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        match Policy::parse(&input.display, &text) {
            Ok(policy) => results.push((input.display.clone(), check_policy(&policy, &options))),
            Err(_) if input.from_folder && !Policy::looks_like_policy(&text) => {
                eprintln!(
                    "warning: {}: skipped: not an IAM policy document (no \"Statement\" or \"Version\")",
                    input.display
                );
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("error: {p}");
        }
        eprintln!(
            "check: {} unreadable or malformed input{}; no findings printed",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(super::Exit::InputError));
    }
    if results.is_empty() {
        eprintln!(
            "error: no policy files found in {}",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(ExitCode::from(super::Exit::InputError));
    }
    match args.fmt {
        CheckFormat::Text => print_text(&results)?,
        CheckFormat::Json => super::print_json(&json_report(&results))?,
        CheckFormat::Sarif => {
            let files: Vec<(String, Vec<Finding>)> = results
                .iter()
                .map(|(name, f)| (sarif::artifact_uri(name), f.clone()))
                .collect();
            super::print_json(&sarif::sarif_log(&files, env!("CARGO_PKG_VERSION")))?;
        }
    }
    let count = |level: Level| {
        results
            .iter()
            .flat_map(|(_, f)| f)
            .filter(|f| f.level() == level)
            .count()
    };
    let (errors, warnings, notes) = (
        count(Level::Error),
        count(Level::Warning),
        count(Level::Note),
    );
    eprintln!(
        "{} file{} checked: {errors} error{}, {warnings} warning{}, {notes} note{}",
        results.len(),
        plural(results.len()),
        plural(errors),
        plural(warnings),
        plural(notes)
    );
    let threshold = args.fail_on.level();
    let failing = results
        .iter()
        .flat_map(|(_, f)| f)
        .any(|f| f.level() >= threshold);
    Ok(if failing {
        ExitCode::from(super::Exit::Findings)
    } else {
        ExitCode::SUCCESS
    })
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
    text.push_str("\nExit status: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error or unreadable/malformed input.");
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Files named on the command line (`-`: stdin), and `*.json` files under folders.
fn collect(paths: &[PathBuf], problems: &mut Vec<String>) -> Vec<Input> {
    let mut inputs = Vec::new();
    let mut walker = Walker::new();
    for path in paths {
        let is_folder = match std::fs::metadata(path) {
            _ if io::is_stdin(path) => false,
            Ok(meta) => meta.is_dir(),
            Err(e) => {
                problems.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        if !is_folder {
            if io::is_stdin(path) && std::io::stdin().is_terminal() {
                eprintln!("Reading a policy from stdin (end with Ctrl-D).");
            }
            inputs.push(Input {
                path: path.clone(),
                display: io::input_name(path),
                from_folder: false,
            });
            continue;
        }
        let walked = walker.walk(path, POLICY_FILES);
        for skipped in &walked.skipped {
            eprintln!("note: {skipped}");
        }
        for (folder, e) in &walked.errors {
            problems.push(format!("{}: cannot read the folder: {e}", folder.display()));
        }
        inputs.extend(walked.files.into_iter().map(|file| Input {
            display: file.display().to_string(),
            path: file,
            from_folder: true,
        }));
    }
    inputs
}

const POLICY_FILES: Walk<'static> = Walk {
    extensions: &["json"],
    recursive: true,
};

fn print_text(results: &[(String, Vec<Finding>)]) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (file, findings) in results {
        for f in findings {
            writeln!(
                out,
                "{file}:{}:{}: {}[{}]: {}",
                f.location.line,
                f.location.column,
                f.level().as_str(),
                f.rule.id(),
                f.message
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn json_report(results: &[(String, Vec<Finding>)]) -> serde_json::Value {
    let findings: Vec<serde_json::Value> = results
        .iter()
        .flat_map(|(file, findings)| {
            findings.iter().map(move |f| {
                json!({
                    "rule": f.rule.id(),
                    "level": f.level().as_str(),
                    "file": file,
                    "line": f.location.line,
                    "column": f.location.column,
                    "end_line": f.location.end_line,
                    "end_column": f.location.end_column,
                    "statement_index": f.statement,
                    "sid": f.sid,
                    "message": f.message,
                    "actions": f.listed_actions(),
                    "action_count": f.actions.len(),
                })
            })
        })
        .collect();
    let count = |level: Level| {
        results
            .iter()
            .flat_map(|(_, f)| f)
            .filter(|f| f.level() == level)
            .count()
    };
    json!({
        "files_checked": results.len(),
        "summary": { "error": count(Level::Error), "warning": count(Level::Warning), "note": count(Level::Note) },
        "findings": findings,
    })
}
