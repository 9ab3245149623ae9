//! `check --no-new-access OLD NEW` and `check --access-not-granted ACTION,…`: the access
//! guardrails' arguments, and the pairing of old and new policies (two files, or two folders
//! whose policies are matched by relative path).

use std::path::{Path, PathBuf};

use clap::Args;
use policy_sentry::audit::guardrails::no_new_access as new_access;
use policy_sentry::audit::{CheckReport, CheckedFile, ParsedPolicy};
use policy_sentry::data::Action;
use policy_sentry::io::{Walk, Walker};

use super::GlobalArgs;

#[derive(Args, Debug)]
pub struct GuardrailArgs {
    /// Check only that NEW grants nothing OLD does not (rule new-access), for the two paths
    /// given: two policy files, or two folders whose `*.json` policies are paired by relative
    /// path (a new policy without an old one is all new access). Compared as `diff` compares.
    #[arg(long, conflicts_with = "access_not_granted")]
    pub no_new_access: bool,
    /// Check only that no file grants any of these actions (rule access-granted); wildcards
    /// expand over the IAM data (`iam:Pass*`, `s3:Delete*`).
    #[arg(long, value_name = "ACTION[,ACTION…]", value_delimiter = ',')]
    pub access_not_granted: Vec<String>,
    /// With --access-not-granted: only on these resources (ARNs or patterns; repeat, or
    /// separate with commas). Default: any resource.
    #[arg(
        long,
        value_name = "ARN[,ARN…]",
        value_delimiter = ',',
        requires = "access_not_granted"
    )]
    pub resources: Vec<String>,
}

impl GuardrailArgs {
    /// The actions `--access-not-granted` lists, expanded; `None` without it. An entry that
    /// matches no action is an error (it would silently check nothing).
    pub fn listed_actions(&self) -> Result<Option<Vec<Action>>, String> {
        if self.access_not_granted.is_empty() {
            return Ok(None);
        }
        let mut actions = Vec::new();
        for pattern in &self.access_not_granted {
            let matched = policy_sentry::expand::expand(pattern.trim());
            if matched.is_empty() {
                return Err(format!(
                    "--access-not-granted: {pattern:?} matches no action of the IAM data (`policy_sentry expand PATTERN` shows what a pattern matches)"
                ));
            }
            actions.extend(matched);
        }
        actions.sort_unstable();
        actions.dedup();
        Ok(Some(actions))
    }
}

/// The `new-access` report of OLD NEW: one entry per new policy.
pub fn no_new_access(paths: &[PathBuf], global: &GlobalArgs) -> CheckReport {
    let mut report = CheckReport::default();
    let [old, new] = paths else {
        let problem = "--no-new-access needs two paths, OLD NEW (two files or two folders)";
        report
            .files
            .push(CheckedFile::unreadable("--no-new-access", &problem));
        return report;
    };
    if !new.is_dir() {
        report.files.push(pair(Some(old), new, global));
        return report;
    }
    let walked = Walker::new().walk(new, POLICIES);
    for (folder, e) in &walked.errors {
        let reason = format!("cannot read the folder: {e}");
        report.files.push(CheckedFile::unreadable(
            &folder.display().to_string(),
            &reason,
        ));
    }
    // Pairs are independent: compared on every core, reported in the walk's order.
    let checked = policy_sentry::io::map_in_order(&walked.files, |file| {
        let relative = file.strip_prefix(new).unwrap_or(file);
        let counterpart = old.join(relative);
        let old = counterpart.is_file().then_some(counterpart.as_path());
        pair(old, file, global)
    });
    report.files.extend(checked);
    report
}

const POLICIES: Walk<'static> = Walk {
    extensions: &["json"],
    recursive: true,
};

/// The new policy's entry: its new-access findings, or why it (or the old one) could not be
/// checked.
fn pair(old: Option<&Path>, new: &Path, global: &GlobalArgs) -> CheckedFile {
    let new_name = policy_sentry::io::input_name(new);
    let old_policy = match old.map(|path| read(path, global)).transpose() {
        Ok(policy) => policy,
        Err(failed) => return failed,
    };
    match global.read_input(new) {
        Err(e) => CheckedFile::unreadable(&new_name, &e),
        Ok(text) => {
            CheckedFile::check_with(&new_name, &text, |p| new_access(old_policy.as_slice(), p))
        }
    }
}

fn read(path: &Path, global: &GlobalArgs) -> Result<ParsedPolicy, CheckedFile> {
    let name = policy_sentry::io::input_name(path);
    let text = global
        .read_input(path)
        .map_err(|e| CheckedFile::unreadable(&name, &e))?;
    ParsedPolicy::parse(&name, &text)
        .map_err(|_| CheckedFile::check(&name, &text, &Default::default()))
}
