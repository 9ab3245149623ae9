//! `policy_sentry expand` (in progress).

use std::process::ExitCode;

use clap::Args;

use super::GlobalArgs;

#[derive(Args, Debug)]
pub struct ExpandArgs {}

pub fn run(_args: &ExpandArgs, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`expand` is not available in this build yet")
}
