//! `policy_sentry write-policy`: a template (file or stdin) in, a policy out.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};
use policy_sentry::arn::{Partition, UnknownPartition};
use policy_sentry::template::{Mode, ParsedTemplate, SourceFormat, Template};
use policy_sentry::write::{WriteOptions, Written, WrittenPolicy};

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
    let (written, parsed) = write_from_text(&origin, &text, args.crud, args.partition, &options)?;
    print_warnings(&parsed, &written);
    let output = format_policy(&written.policy, args.fmt);
    let mut out = std::io::stdout().lock();
    out.write_all(output.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(Exit::Success.into())
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
    let written = parsed.write(options)?;
    Ok((written, parsed))
}

pub fn print_warnings(parsed: &ParsedTemplate, written: &Written) {
    for w in &written.warnings {
        let message = if w.key.is_empty() {
            w.message.clone()
        } else {
            format!("`{}`: {}", w.key, w.message)
        };
        eprintln!("warning: {}: {message}", parsed.location(&w.key));
    }
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
