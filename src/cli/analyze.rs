//! `policy_sentry analyze policy-file | downloaded-policies`: the 2020 risk report. Prints the
//! JSON report on stdout and writes the report files under the names 2020 used
//! (`report.json`/`.csv`/`.md`, or `<report-name>.*` in the downloaded-policies folder), and
//! with `--html FILE` the report as one self-contained page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use policy_sentry::audit::ParsedPolicy;
use policy_sentry::audit::analyze::{Report, ReportConfig, analyze_policy};
use policy_sentry::audit::downloaded::{self, DownloadedPolicy};
use policy_sentry::audit::html;
use policy_sentry::data::LevelSource;
use policy_sentry::io::{self, WriteMode};

use super::GlobalArgs;

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    #[command(subcommand)]
    pub command: AnalyzeCommand,
}

#[derive(Subcommand, Debug)]
pub enum AnalyzeCommand {
    /// Analyse one policy file; writes report.json and report.csv (and report.md).
    PolicyFile(PolicyFileArgs),
    /// Analyse every policy that download-policies saved; writes <report-name>.json/.csv/.md there.
    DownloadedPolicies(DownloadedArgs),
}

#[derive(Args, Debug)]
pub struct PolicyFileArgs {
    /// The policy document (JSON) to analyse.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Report config (YAML): excluded policy-name patterns, categories, false positives.
    #[arg(long, value_name = "FILE")]
    pub report_config: Option<PathBuf>,
    /// Folder to write report.json/.csv/.md into (default: the current folder).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub report_path: PathBuf,
    /// Account id recorded in the report.
    #[arg(long, default_value = "000000000000")]
    pub account_id: String,
    /// Also write report.md.
    #[arg(long)]
    pub include_markdown_report: bool,
    /// Also write the report as one self-contained HTML page (replaced if it exists, like report.json).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DownloadedArgs {
    /// Report config (YAML): excluded policy-name patterns, categories, false positives.
    #[arg(long, value_name = "FILE")]
    pub report_config: Option<PathBuf>,
    /// Base name of the report files.
    #[arg(long, default_value = "overall")]
    pub report_name: String,
    /// Also write <report-name>.md.
    #[arg(long)]
    pub include_markdown_report: bool,
    /// Also write the report as one self-contained HTML page (replaced if it exists, like <report-name>.json).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Folder with <account-id>/customer-managed/*.json and aws-managed/*.json (default: ~/.policy_sentry/analysis).
    #[arg(long, value_name = "DIR")]
    pub input_dir: Option<PathBuf>,
}

/// A failure that is the user's input: reported, exit 2, nothing written.
struct InputError(Vec<String>);

pub fn run(args: &AnalyzeArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let outcome = (|| -> Result<anyhow::Result<ExitCode>, InputError> {
        let levels = global
            .level_source()
            .map_err(|e| InputError(vec![super::error_text(&e)]))?;
        match &args.command {
            AnalyzeCommand::PolicyFile(a) => policy_file(a, &levels, global),
            AnalyzeCommand::DownloadedPolicies(a) => downloaded(a, &levels, global),
        }
    })();
    match outcome {
        Ok(result) => result,
        Err(InputError(messages)) => {
            for m in messages {
                eprintln!("error: {m}");
            }
            Ok(ExitCode::from(super::Exit::InputError))
        }
    }
}

fn load_config(path: Option<&Path>, global: &GlobalArgs) -> Result<ReportConfig, InputError> {
    let Some(path) = path else {
        return Ok(ReportConfig::default());
    };
    let text = global
        .read_input(path)
        .map_err(|e| InputError(vec![format!("--report-config {e}")]))?;
    ReportConfig::from_yaml_str(&path.display().to_string(), &text)
        .map_err(|e| InputError(vec![e.to_string()]))
}

/// A policy file's text (for the HTML report) and its parse.
fn read_policy(path: &Path, global: &GlobalArgs) -> Result<(String, ParsedPolicy), String> {
    let text = global.read_input(path).map_err(|e| e.to_string())?;
    let policy =
        ParsedPolicy::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())?;
    Ok((text, policy))
}

fn policy_file(
    args: &PolicyFileArgs,
    levels: &LevelSource,
    global: &GlobalArgs,
) -> Result<anyhow::Result<ExitCode>, InputError> {
    let config = load_config(args.report_config.as_deref(), global)?;
    if !args.report_path.is_dir() {
        return Err(InputError(vec![format!(
            "--report-path {}: not a folder",
            args.report_path.display()
        )]));
    }
    let (text, policy) = read_policy(&args.policy, global).map_err(|e| InputError(vec![e]))?;
    let name = downloaded::policy_name(&args.policy);
    let mut report = Report::default();
    let mut warnings = Vec::new();
    if config.is_excluded(&name) {
        eprintln!(
            "note: {name} matches an excluded-role-patterns entry of the report config; not analysed"
        );
    } else if let Some(r) = analyze_policy(
        &policy,
        &name,
        &args.account_id,
        &config,
        levels,
        &mut warnings,
    ) {
        report.policies.insert(name.clone(), r);
    }
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let html = args.html.as_deref().map(|path| {
        let documents = BTreeMap::from([(name.clone(), text)]);
        (path, html::to_html(&report, &documents))
    });
    Ok(finish(
        &report,
        &args.report_path,
        "report",
        args.include_markdown_report,
        html,
    ))
}

fn downloaded(
    args: &DownloadedArgs,
    levels: &LevelSource,
    global: &GlobalArgs,
) -> Result<anyhow::Result<ExitCode>, InputError> {
    let config = load_config(args.report_config.as_deref(), global)?;
    let dir = match (&args.input_dir, std::env::var_os("HOME")) {
        (Some(d), _) => d.clone(),
        (None, Some(home)) => downloaded::default_root(Path::new(&home)),
        (None, None) => {
            return Err(InputError(vec![
                "HOME is not set: pass --input-dir".to_string(),
            ]));
        }
    };
    if !dir.is_dir() {
        let hint = "run `policy_sentry download-policies` first, or pass --input-dir";
        if args.input_dir.is_some() {
            return Err(InputError(vec![format!(
                "--input-dir {}: no such folder; {hint}",
                dir.display()
            )]));
        }
        // Nothing downloaded yet: the report over no policies is empty (no files written).
        eprintln!("warning: {}: no downloaded policies; {hint}", dir.display());
        if let Some(path) = &args.html {
            eprintln!("note: {} not written (no report files are)", path.display());
        }
        return Ok(super::print_json(&Report::default().to_json()).map(|()| ExitCode::SUCCESS));
    }
    let (accounts, parsed, texts) = read_downloaded(&dir, global)?;
    let mut warnings = Vec::new();
    let report = Report::of_downloaded(&parsed, &config, levels, &mut warnings);
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    eprintln!(
        "analysed {} policies of {accounts} account folder(s) in {}",
        parsed.len(),
        dir.display()
    );
    let html = args.html.as_deref().map(|path| {
        // Keyed as the report keys them (a name found twice by its qualified name).
        let located: Vec<DownloadedPolicy> = parsed.iter().map(|(d, _)| d.clone()).collect();
        let documents = downloaded::report_keys(&located)
            .into_iter()
            .zip(texts)
            .collect();
        (path, html::to_html(&report, &documents))
    });
    Ok(finish(
        &report,
        &dir,
        &args.report_name,
        args.include_markdown_report,
        html,
    ))
}

/// The policies of the downloaded-policies folder.
type Downloaded = Vec<(DownloadedPolicy, ParsedPolicy)>;

/// Every policy of the downloaded-policies folder `dir`, parsed, with its text (in the same
/// order), and the number of account folders; any folder or file that cannot be read or
/// parsed fails the whole run.
fn read_downloaded(
    dir: &Path,
    global: &GlobalArgs,
) -> Result<(usize, Downloaded, Vec<String>), InputError> {
    let found =
        downloaded::find(dir).map_err(|e| InputError(vec![format!("{}: {e}", dir.display())]))?;
    let mut errors: Vec<String> = (found.errors.iter())
        .map(|(f, e)| format!("{}: {e}", f.display()))
        .collect();
    for skipped in &found.skipped {
        eprintln!("note: {skipped}");
    }
    if found.policies.is_empty() && errors.is_empty() {
        eprintln!(
            "warning: {}: no <account-id>/customer-managed/*.json or aws-managed/*.json files found",
            dir.display()
        );
    }
    let (mut parsed, mut texts) = (Vec::new(), Vec::new());
    for policy in found.policies {
        match read_policy(&policy.path, global) {
            Ok((text, p)) => {
                parsed.push((policy, p));
                texts.push(text);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok((found.accounts, parsed, texts))
    } else {
        Err(InputError(errors))
    }
}

/// Write the report files (each atomically; the HTML page first, so a bad `--html` path
/// fails before anything is written), then print the JSON report.
fn finish(
    report: &Report,
    dir: &Path,
    name: &str,
    markdown: bool,
    html: Option<(&Path, String)>,
) -> anyhow::Result<ExitCode> {
    let json = report.to_json();
    let pretty = io::pretty_json(&json)?;
    let mut written = Vec::new();
    let mut files: Vec<(PathBuf, String)> = html
        .map(|(path, page)| (path.to_path_buf(), page))
        .into_iter()
        .collect();
    files.push((dir.join(format!("{name}.json")), pretty));
    files.push((dir.join(format!("{name}.csv")), report.to_csv()));
    if markdown {
        files.push((dir.join(format!("{name}.md")), report.to_markdown()));
    }
    for (path, contents) in files {
        io::write_atomically(&path, contents.as_bytes(), WriteMode::Replace)?;
        written.push(path);
    }
    super::print_json(&json)?;
    eprintln!(
        "{} polic{} with findings; reports written: {}",
        report.policies.len(),
        if report.policies.len() == 1 {
            "y"
        } else {
            "ies"
        },
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
