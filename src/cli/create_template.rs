//! `policy_sentry create-template` (in progress).

use std::process::ExitCode;

use clap::Args;

use super::GlobalArgs;

#[derive(Args, Debug)]
pub struct CreateTemplateArgs {}

pub fn run(_args: &CreateTemplateArgs, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`create-template` is not available in this build yet")
}
