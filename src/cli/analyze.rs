//! `policy_sentry analyze` (in progress).

use std::process::ExitCode;

use clap::Args;

use super::GlobalArgs;

#[derive(Args, Debug)]
pub struct AnalyzeArgs {}

pub fn run(_args: &AnalyzeArgs, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`analyze` is not available in this build yet")
}
