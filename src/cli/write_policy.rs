//! `policy_sentry write-policy` (in progress).

use std::process::ExitCode;

use clap::Args;

use super::GlobalArgs;

#[derive(Args, Debug)]
pub struct WritePolicyArgs {}

pub fn run(_args: &WritePolicyArgs, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`write-policy` is not available in this build yet")
}
