//! `policy_sentry check` (in progress).

use std::process::ExitCode;

use clap::Args;

use super::GlobalArgs;

#[derive(Args, Debug)]
pub struct CheckArgs {}

pub fn run(_args: &CheckArgs, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`check` is not available in this build yet")
}
