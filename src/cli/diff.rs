//! `policy_sentry diff OLD NEW`: the access NEW grants that OLD does not, and the reverse, on
//! the effective grant. Exit 0 when nothing may widen, 1 when something may (added, widened,
//! or changed in a way to review), 2 on bad input (nothing on stdout).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};
use policy_sentry::audit::guardrails::no_new_access_in;
use policy_sentry::audit::{AccessDiff, CheckReport, CheckedFile, ParsedPolicy, diff, sarif};

use policy_sentry::write::WriteOptions;

use super::GlobalArgs;

#[derive(Args, Debug)]
#[command(after_long_help = DIFF_HELP)]
pub struct DiffArgs {
    /// The old and the new policy (`-`: stdin, for one of them). A template (`.yml`, `.yaml`)
    /// is written into its policy first, as `write-policy` would.
    #[arg(value_name = "OLD NEW", num_args = 2, conflicts_with_all = ["old", "new"])]
    pub pair: Vec<PathBuf>,
    /// An old policy; repeat (or list several) for a set of policies, unioned (a role's
    /// attached policies).
    #[arg(long, value_name = "FILE", num_args = 1.., requires = "new")]
    pub old: Vec<PathBuf>,
    /// A new policy; repeat (or list several) for a set of policies, unioned.
    #[arg(long, value_name = "FILE", num_args = 1.., requires = "old")]
    pub new: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub fmt: DiffFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
    /// The widening changes as `new-access` results of a SARIF 2.1.0 log, at the new policies.
    Sarif,
}

const DIFF_HELP: &str = "Actions are compared after expanding wildcards and NotAction over the IAM data, less what an unconditional Deny on \"*\" refuses; resources by pattern coverage (arn:aws:s3:::b/* covers arn:aws:s3:::b/x, * covers everything); conditions conservatively (added or tightened: narrower; removed or loosened: wider; otherwise \"changed, review\"). A Deny with a condition or on some resources is compared as written (added: narrower; removed: wider).\n\nExit status: 0 nothing may widen; 1 an action added, widened or to review; 2 usage error or an input that could not be read or parsed.";

pub fn run(args: &DiffArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let (old_paths, new_paths) = match args.pair.as_slice() {
        [old, new] => (std::slice::from_ref(old), std::slice::from_ref(new)),
        [] if !args.old.is_empty() => (args.old.as_slice(), args.new.as_slice()),
        _ => {
            eprintln!("error: give OLD NEW, or --old FILE… --new FILE…");
            return Ok(ExitCode::from(super::Exit::InputError));
        }
    };
    let stdin_uses = old_paths
        .iter()
        .chain(new_paths)
        .filter(|p| policy_sentry::io::is_stdin(p))
        .count();
    if stdin_uses > 1 {
        eprintln!("error: `-` (stdin) can be read for one input only");
        return Ok(ExitCode::from(super::Exit::InputError));
    }
    let (old, new) = match (read_all(old_paths, global), read_all(new_paths, global)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {}", super::error_text(&e));
            return Ok(ExitCode::from(super::Exit::InputError));
        }
    };
    let changes = diff(&old, &new);
    print(&changes, args.fmt, (&old, &new))?;
    eprintln!("diff: {}", changes.summary());
    Ok(if changes.widened() {
        ExitCode::from(super::Exit::Findings)
    } else {
        ExitCode::SUCCESS
    })
}

fn print(
    changes: &AccessDiff,
    fmt: DiffFormat,
    (old, new): (&[ParsedPolicy], &[ParsedPolicy]),
) -> anyhow::Result<()> {
    match fmt {
        DiffFormat::Text => std::io::stdout()
            .lock()
            .write_all(changes.to_text().as_bytes())?,
        DiffFormat::Json => super::print_json(changes)?,
        DiffFormat::Markdown => std::io::stdout()
            .lock()
            .write_all(changes.to_markdown().as_bytes())?,
        DiffFormat::Sarif => print_sarif(old, new)?,
    }
    Ok(())
}

/// The `new-access` findings of each new policy, as `check --no-new-access` reports them.
fn print_sarif(old: &[ParsedPolicy], new: &[ParsedPolicy]) -> anyhow::Result<()> {
    let mut report = CheckReport::default();
    for (policy, findings) in new.iter().zip(no_new_access_in(old, new)) {
        report.files.push(CheckedFile {
            name: policy.origin.clone(),
            findings,
            problem: None,
        });
    }
    super::print_json(&sarif::sarif_log(&report, env!("CARGO_PKG_VERSION")))
}

/// Read and parse every policy of one side.
fn read_all(paths: &[PathBuf], global: &GlobalArgs) -> anyhow::Result<Vec<ParsedPolicy>> {
    paths.iter().map(|path| read_policy(path, global)).collect()
}

pub(super) fn read_policy(
    path: &std::path::Path,
    global: &GlobalArgs,
) -> anyhow::Result<ParsedPolicy> {
    let name = policy_sentry::io::input_name(path);
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        bail!("{name}: is a folder; diff compares policy files");
    }
    let text = global.read_input(path)?;
    let is_yaml_file = policy_sentry::io::has_extension(path, &["yml", "yaml"]);
    policy_from_text(&name, &text, is_yaml_file, global)
}

/// A policy, or a template (YAML, or text that is no JSON object) written into its policy.
pub(super) fn policy_from_text(
    name: &str,
    text: &str,
    is_yaml_file: bool,
    global: &GlobalArgs,
) -> anyhow::Result<ParsedPolicy> {
    if !is_yaml_file && text.trim_start().starts_with('{') {
        return Ok(ParsedPolicy::parse(name, text)?);
    }
    let options = WriteOptions {
        minimize: None,
        levels: global.level_source()?,
    };
    let (written, parsed) =
        super::write_policy::write_from_text(name, text, false, None, &options)?;
    super::write_policy::print_warnings(&parsed, &written);
    Ok(ParsedPolicy::parse(name, &written.policy.to_json_pretty())?)
}
