//! `policy_sentry download-policies`: an account's IAM policies into files for `analyze`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use policy_sentry::audit::downloaded;
use policy_sentry::download::{self, AccountReport, DownloadOptions, PolicyScope, Progress};
use policy_sentry::suggest::{did_you_mean, suggest};

use super::Exit;

#[derive(Args, Debug)]
pub struct DownloadPoliciesArgs {
    /// Profile of the AWS config/credentials files (default: the SDK's chain: environment
    /// credentials, AWS_PROFILE, the `default` profile, SSO, IMDS…).
    #[arg(long, value_name = "PROFILE", conflicts_with = "recursive")]
    pub profile: Option<String>,
    /// Also download policies attached to no user, group or role.
    #[arg(long)]
    pub include_unattached: bool,
    /// Also download AWS-managed policies, into `<account-id>/aws-managed/`.
    #[arg(long)]
    pub aws_managed: bool,
    /// Every profile of the AWS config and credentials files (AWS_CONFIG_FILE,
    /// AWS_SHARED_CREDENTIALS_FILE), one account after another.
    #[arg(long)]
    pub recursive: bool,
    /// Folder for `<account-id>/customer-managed/<PolicyName>.json` and the rest
    /// [default: ~/.policy_sentry/analysis].
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// IAM and STS endpoint (an emulator, a VPC endpoint). Without it the SDK's
    /// AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL apply.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

pub fn run(args: &DownloadPoliciesArgs) -> anyhow::Result<ExitCode> {
    let output_dir = match &args.output_dir {
        Some(dir) => dir.clone(),
        None => std::env::var_os("HOME")
            .map(|home| downloaded::default_root(Path::new(&home)))
            .context("HOME is not set: give the folder with --output-dir")?,
    };
    if let Some(profile) = &args.profile {
        check_profile_exists(profile)?;
    }
    let profiles: Vec<Option<String>> = if args.recursive {
        download::profile_names()?.into_iter().map(Some).collect()
    } else {
        vec![args.profile.clone()]
    };

    let mut failed_accounts = 0;
    for profile in profiles {
        let options = DownloadOptions {
            profile: profile.clone(),
            endpoint_url: args.endpoint_url.clone(),
            include_unattached: args.include_unattached,
            aws_managed: args.aws_managed,
            output_dir: output_dir.clone(),
        };
        let mut line = ProgressLine::new(profile.as_deref());
        let report = download::download_account(&options, &mut |event| line.show(&event));
        line.finish();
        summarise(&report);
        if let Some(dir) = &report.account_dir {
            println!("{}", dir.display());
        }
        if !report.is_complete() {
            failed_accounts += 1;
        }
    }
    if failed_accounts > 0 {
        eprintln!(
            "download-policies: {failed_accounts} account{} failed or incomplete (above); the files written are kept",
            if failed_accounts == 1 { "" } else { "s" }
        );
        return Ok(Exit::Failed.into());
    }
    Ok(Exit::Success.into())
}

/// A misspelt `--profile` would otherwise surface as a confusing error of the SDK's last
/// credential source (IMDS). Only checked when the files name some profiles.
fn check_profile_exists(profile: &str) -> anyhow::Result<()> {
    let Ok(names) = download::profile_names() else {
        return Ok(());
    };
    if names.iter().any(|name| name == profile) {
        return Ok(());
    }
    let suggestions = suggest(profile, names.iter().map(String::as_str), 3);
    anyhow::bail!(
        "profile {profile:?} is not in the AWS config or credentials files{} (profiles there: {})",
        did_you_mean(&suggestions),
        names.join(", ")
    )
}

/// One line on stderr, redrawn in place on a terminal; elsewhere (CI logs) only the
/// milestones, one per line.
struct ProgressLine {
    label: String,
    terminal: bool,
    drawn: bool,
}

impl ProgressLine {
    fn new(profile: Option<&str>) -> Self {
        let label = match profile {
            Some(profile) => format!("profile {profile}"),
            None => "default credentials".to_owned(),
        };
        ProgressLine {
            label,
            terminal: std::io::stderr().is_terminal(),
            drawn: false,
        }
    }

    fn show(&mut self, event: &Progress<'_>) {
        let (text, milestone) = match *event {
            Progress::Account { account_id } => {
                self.label = format!("{account_id} ({})", self.label);
                (format!("{}: listing policies", self.label), true)
            }
            Progress::Listing {
                scope,
                policies,
                pages,
            } => (
                format!(
                    "{}: {policies} {} policies listed ({pages} pages)",
                    self.label,
                    scope.folder()
                ),
                false,
            ),
            Progress::Fetching { scope, done, total } => (
                format!(
                    "{}: {done}/{total} {} documents",
                    self.label,
                    scope.folder()
                ),
                done == total,
            ),
            Progress::Details { pages } => (
                format!("{}: authorization details, page {pages}", self.label),
                false,
            ),
        };
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r\x1b[K{text}");
            self.drawn = true;
        } else if milestone {
            let _ = writeln!(err, "{text}");
        }
    }

    fn finish(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[K");
        }
    }
}

fn summarise(report: &AccountReport) {
    let who = match (&report.account_id, &report.profile) {
        (Some(id), Some(profile)) => format!("{id} (profile {profile})"),
        (Some(id), None) => id.clone(),
        (None, Some(profile)) => format!("profile {profile}"),
        (None, None) => "default credentials".to_owned(),
    };
    let mut parts = vec![scope_summary(
        PolicyScope::CustomerManaged,
        &report.customer_managed,
    )];
    if let Some(aws) = &report.aws_managed {
        parts.push(scope_summary(PolicyScope::AwsManaged, aws));
    }
    if let Some(pages) = report.details_pages {
        parts.push(format!(
            "authorization details ({pages} page{})",
            plural(pages)
        ));
    }
    let target = report
        .account_dir
        .as_ref()
        .map(|d| format!(" into {}", d.display()))
        .unwrap_or_default();
    if report.account_id.is_some() {
        eprintln!(
            "{who}: {}{target} in {:.1} s",
            parts.join(", "),
            report.elapsed.as_secs_f64()
        );
    }
    for failure in &report.failures {
        eprintln!("{who}: failed: {failure}");
    }
}

fn scope_summary(scope: PolicyScope, counts: &download::ScopeReport) -> String {
    format!(
        "{}/{} {} policies written ({} page{} listed)",
        counts.written,
        counts.listed,
        scope.folder(),
        counts.pages,
        plural(counts.pages)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
