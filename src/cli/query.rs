//! `policy_sentry query` (in progress).

use std::process::ExitCode;

use clap::Args;

use super::GlobalArgs;

#[derive(Args, Debug)]
pub struct QueryArgs {}

pub fn run(_args: &QueryArgs, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`query` is not available in this build yet")
}
