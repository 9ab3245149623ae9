//! `policy_sentry write-policy`: a template (file or stdin) in, a policy out.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};
use policy_sentry::arn::{Partition, UnknownPartition};
use policy_sentry::io::WriteMode;
use policy_sentry::template::{Mode, ParsedTemplate, SourceFormat, Template};
use policy_sentry::write::{
    Fitted, PolicyKind, Warning, WriteOptions, Written, WrittenPolicy, policies_to_json,
    policies_to_terraform, policies_to_yaml,
};

use super::{Exit, GlobalArgs};

#[derive(Args, Debug)]
pub struct WritePolicyArgs {
    /// Template file (YAML or JSON); the template is read from stdin without it.
    #[arg(short = 'i', long = "input-file", value_name = "FILE")]
    pub input_file: Option<PathBuf>,
    /// Shorten actions to safe wildcards (s3:Get*), optionally keeping at least N characters
    /// after the colon (default 0).
    #[arg(
        short = 'm',
        long,
        value_name = "N",
        num_args = 0..=1,
        default_missing_value = "0",
        value_parser = parse_prefix_length
    )]
    pub minimize: Option<usize>,
    /// Upstream's spelling of the minimum length (`--minimize --minimize_length 4`).
    #[arg(long = "minimize_length", value_name = "N", hide = true, value_parser = parse_prefix_length)]
    pub minimize_length: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PolicyFormat::Json, ignore_case = true)]
    pub fmt: PolicyFormat,
    /// Partition of the resources written from ARN formats (`mode: actions`):
    /// aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc. Overrides
    /// the template's `partition:`; `aws` when neither says.
    #[arg(long, value_name = "PARTITION", value_parser = parse_partition)]
    pub partition: Option<Partition>,
    /// 2020's flag for CRUD templates; the mode now comes from the template.
    #[arg(long, hide = true)]
    pub crud: bool,
    /// Keep each policy within N characters without whitespace: tighten it (same grants), and
    /// split it into several policies if it still does not fit.
    #[arg(long, value_name = "N", conflicts_with = "fit", value_parser = parse_max_size)]
    pub max_size: Option<usize>,
    /// --max-size with the limit of where the policy goes: managed (6,144), role-inline
    /// (10,240), user-inline (2,048), group-inline (5,120).
    #[arg(long, value_enum, value_name = "KIND")]
    pub fit: Option<FitKind>,
    /// Write NAME-1.json, NAME-2.json… (.yml, .tf.json), one policy each, instead of stdout;
    /// existing files are never replaced.
    #[arg(long, value_name = "NAME")]
    pub output_prefix: Option<PathBuf>,
    /// After writing, simulate every action on every resource the template asked for (all
    /// must get the template's effect) and a sample of the same services' other actions (all
    /// must be denied); the count proved goes to stderr, and any failure exits 1.
    #[arg(long)]
    pub prove: bool,
}

/// `--fit`: where the policy goes.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FitKind {
    Managed,
    RoleInline,
    UserInline,
    GroupInline,
}

impl FitKind {
    fn kind(self) -> PolicyKind {
        match self {
            FitKind::Managed => PolicyKind::Managed,
            FitKind::RoleInline => PolicyKind::RoleInline,
            FitKind::UserInline => PolicyKind::UserInline,
            FitKind::GroupInline => PolicyKind::GroupInline,
        }
    }
}

/// `--max-size N`: a positive whole number of characters.
fn parse_max_size(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "expected a positive whole number of characters (6144 for a managed policy), not {text:?}"
        )),
    }
}

/// `--partition`, checked against the known partitions.
pub fn parse_partition(name: &str) -> Result<Partition, String> {
    name.parse().map_err(|e: UnknownPartition| e.to_string())
}

/// `--minimize N`: a whole number of characters, said in those words (the standard parser's
/// "invalid digit found in string" names no rule).
pub fn parse_prefix_length(text: &str) -> Result<usize, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "expected a whole number of characters to keep after the colon (0, 1, 2, …), not {text:?}"
        )
    })
}

/// `--fmt` of write-policy.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum PolicyFormat {
    Json,
    Yaml,
    Terraform,
}

impl WritePolicyArgs {
    /// The minimum prefix length, when minimizing.
    pub fn minimize(&self) -> Option<usize> {
        self.minimize.map(|n| self.minimize_length.unwrap_or(n))
    }

    /// The size limit of `--max-size` or `--fit`.
    pub fn limit(&self) -> Option<usize> {
        self.max_size.or(self.fit.map(|f| f.kind().limit()))
    }
}

pub fn run(args: &WritePolicyArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let path = args.input_file.as_deref().unwrap_or(Path::new("-"));
    if policy_sentry::io::is_stdin(path) && std::io::stdin().is_terminal() {
        eprintln!("Reading the template from stdin (end with Ctrl-D); use -i FILE to read a file.");
    }
    let (origin, text) = (
        policy_sentry::io::input_name(path),
        global.read_input(path)?,
    );
    let options = WriteOptions {
        minimize: args.minimize(),
        levels: global.level_source()?,
    };
    if args.limit().is_some() || args.output_prefix.is_some() {
        return run_fitted(args, &origin, &text, &options);
    }
    let (written, parsed) = write_from_text(&origin, &text, args.crud, args.partition, &options)?;
    print_warnings(&parsed, &written);
    let code = print_out(&format_policy(&written.policy, args.fmt))?;
    if args.prove {
        return prove(&parsed, std::slice::from_ref(&written.policy), &options);
    }
    Ok(code)
}

/// `--prove`: simulate the written policies (library: `simulate::prove`), report on stderr.
fn prove(
    parsed: &ParsedTemplate,
    written: &[WrittenPolicy],
    options: &WriteOptions,
) -> anyhow::Result<ExitCode> {
    let unminimized = WriteOptions {
        minimize: None,
        ..options.clone()
    };
    let asked = parsed.write(&unminimized)?.policy;
    let proof = policy_sentry::simulate::prove::prove(&asked, written, parsed.template.effect);
    for f in &proof.failures {
        eprintln!(
            "prove: FAILED {} on {}: expected {}, got {:?}",
            f.action, f.resource, f.expected, f.got
        );
    }
    eprintln!(
        "prove: {} requests proved, {} failed",
        proof.proved,
        proof.failures.len()
    );
    Ok(if proof.failures.is_empty() {
        Exit::Success
    } else {
        Exit::Failed
    }
    .into())
}

fn print_out(output: &str) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(output.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(Exit::Success.into())
}

/// `--max-size`/`--fit`/`--output-prefix`: one policy or several, to stdout or to files.
fn run_fitted(
    args: &WritePolicyArgs,
    origin: &str,
    text: &str,
    options: &WriteOptions,
) -> anyhow::Result<ExitCode> {
    let parsed = parse_checked(origin, text, args.crud, args.partition)?;
    let limit = args.limit().unwrap_or(usize::MAX);
    let fitted = policy_sentry::write::write_fitted(&parsed.template, options, limit)
        .map_err(|e| anyhow::anyhow!("{}: {e}", parsed.location(e.key())))?;
    print_warning_list(&parsed, &fitted.warnings);
    if args.limit().is_some() {
        print_fit_note(&fitted, limit);
    }
    let code = match &args.output_prefix {
        Some(prefix) => {
            write_files(prefix, &fitted.policies, args.fmt)?;
            Exit::Success.into()
        }
        None => print_out(&format_policies(&fitted.policies, args.fmt))?,
    };
    if args.prove {
        return prove(&parsed, &fitted.policies, options);
    }
    Ok(code)
}

/// On stderr: what the limit took (nothing when the policy fits as written).
fn print_fit_note(fitted: &Fitted, limit: usize) {
    let Some(tightened) = fitted.tightened_size else {
        return;
    };
    let sizes: Vec<String> = fitted
        .policies
        .iter()
        .map(|p| p.size_without_whitespace().to_string())
        .collect();
    eprintln!(
        "note: the policy is {} characters without whitespace, {tightened} tightened; written as {} {} within {limit} ({})",
        fitted.written_size,
        fitted.policies.len(),
        if fitted.policies.len() == 1 {
            "policy"
        } else {
            "policies"
        },
        sizes.join(", ")
    );
}

/// One policy as today; several as a JSON list, a YAML list or Terraform data sources.
fn format_policies(policies: &[WrittenPolicy], fmt: PolicyFormat) -> String {
    match (policies, fmt) {
        ([one], _) => format_policy(one, fmt),
        (_, PolicyFormat::Json) => policies_to_json(policies),
        (_, PolicyFormat::Yaml) => policies_to_yaml(policies),
        (_, PolicyFormat::Terraform) => {
            let named: Vec<(String, &WrittenPolicy)> = policies
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("policy_{}", i + 1), p))
                .collect();
            policies_to_terraform(&named)
        }
    }
}

/// `NAME-1.json`, `NAME-2.json`…: all checked absent before any is written.
fn write_files(prefix: &Path, policies: &[WrittenPolicy], fmt: PolicyFormat) -> anyhow::Result<()> {
    let base = prefix
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if base.is_empty() {
        bail!(
            "--output-prefix {}: expected a file name prefix such as policies/app",
            prefix.display()
        );
    }
    let extension = match fmt {
        PolicyFormat::Json => "json",
        PolicyFormat::Yaml => "yml",
        PolicyFormat::Terraform => "tf.json",
    };
    let files: Vec<(PathBuf, String)> = policies
        .iter()
        .enumerate()
        .map(|(i, policy)| {
            let path = prefix.with_file_name(format!("{base}-{}.{extension}", i + 1));
            let mut body = match fmt {
                PolicyFormat::Terraform => {
                    let name = terraform_name(&format!("{base}_{}", i + 1));
                    policies_to_terraform(&[(name, policy)])
                }
                _ => format_policy(policy, fmt),
            };
            body.push('\n');
            (path, body)
        })
        .collect();
    for (path, _) in &files {
        if path.symlink_metadata().is_ok() {
            bail!(
                "{} already exists; nothing was written (remove it, or choose another --output-prefix)",
                path.display()
            );
        }
    }
    for (path, body) in &files {
        policy_sentry::io::write_atomically(path, body.as_bytes(), WriteMode::NoClobber)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// A Terraform name: letters, digits, `_` and `-`, not starting with a digit.
fn terraform_name(text: &str) -> String {
    let name: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => name,
        _ => format!("policy_{name}"),
    }
}

/// The policy text as upstream prints it (before its final newline).
pub fn format_policy(policy: &WrittenPolicy, fmt: PolicyFormat) -> String {
    match fmt {
        PolicyFormat::Json => policy.to_json_pretty(),
        // PyYAML's text ends with a newline and upstream's print adds one more.
        PolicyFormat::Yaml => policy.to_yaml(),
        PolicyFormat::Terraform => policy.to_terraform(),
    }
}

/// Parse and write; errors carry file, line and key. `partition` (`--partition`) replaces
/// the template's.
pub fn write_from_text(
    origin: &str,
    text: &str,
    crud_flag: bool,
    partition: Option<Partition>,
    options: &WriteOptions,
) -> anyhow::Result<(Written, ParsedTemplate)> {
    let parsed = parse_checked(origin, text, crud_flag, partition)?;
    let written = parsed.write(options)?;
    Ok((written, parsed))
}

/// The template, `--partition` applied and `--crud` checked.
fn parse_checked(
    origin: &str,
    text: &str,
    crud_flag: bool,
    partition: Option<Partition>,
) -> anyhow::Result<ParsedTemplate> {
    let mut parsed = Template::parse(origin, text)?;
    if let Some(partition) = partition {
        parsed.template.partition = partition;
    }
    if crud_flag && parsed.template.mode == Mode::Actions {
        let how = match parsed.format {
            SourceFormat::Actions2020 => "`policy_with_actions:`",
            _ => "`mode: actions`",
        };
        bail!(
            "{origin}: --crud was given but the template is an actions template ({how}); drop --crud, or use a CRUD template (`mode: crud`)"
        );
    }
    Ok(parsed)
}

pub fn print_warnings(parsed: &ParsedTemplate, written: &Written) {
    print_warning_list(parsed, &written.warnings);
}

fn print_warning_list(parsed: &ParsedTemplate, warnings: &[Warning]) {
    for line in warning_lines(parsed, warnings) {
        eprintln!("{line}");
    }
}

/// Each warning as `warning: LOCATION: MESSAGE`.
pub fn warning_lines(parsed: &ParsedTemplate, warnings: &[Warning]) -> Vec<String> {
    let line = |w: &Warning| {
        let message = if w.key.is_empty() {
            w.message.clone()
        } else {
            format!("`{}`: {}", w.key, w.message)
        };
        format!("warning: {}: {message}", parsed.location(&w.key))
    };
    warnings.iter().map(line).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: WritePolicyArgs,
    }

    fn parse(line: &[&str]) -> WritePolicyArgs {
        let mut argv = vec!["write-policy"];
        argv.extend_from_slice(line);
        Cli::try_parse_from(argv).unwrap().args
    }

    #[test]
    fn minimize_takes_a_number_only_when_one_follows() {
        // D15: upstream swallows the next flag.
        let a = parse(&["--minimize", "-i", "f.yml"]);
        assert_eq!(
            (a.minimize(), a.input_file.as_deref()),
            (Some(0), Some(Path::new("f.yml")))
        );
        assert_eq!(parse(&["-m", "4"]).minimize(), Some(4));
        assert_eq!(parse(&["-m=4"]).minimize(), Some(4));
        assert_eq!(parse(&["--minimize=4", "-i", "f"]).minimize(), Some(4));
        assert_eq!(parse(&["-i", "f", "--minimize"]).minimize(), Some(0));
        assert_eq!(parse(&["-i", "f"]).minimize(), None);
        assert_eq!(
            parse(&["--minimize", "--minimize_length", "3"]).minimize(),
            Some(3)
        );
        assert_eq!(
            parse(&["--input-file", "f", "--fmt", "terraform"]).fmt,
            PolicyFormat::Terraform
        );
        assert!(parse(&["--crud"]).crud);
    }
}
