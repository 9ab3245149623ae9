//! `policy_sentry write-policy-dir` (in progress).

use std::process::ExitCode;

use clap::Args;

use super::GlobalArgs;

#[derive(Args, Debug)]
pub struct WritePolicyDirArgs {}

pub fn run(_args: &WritePolicyDirArgs, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`write-policy-dir` is not available in this build yet")
}
