//! `policy_sentry initialize`: kept so that 2020 and upstream scripts keep working. There is
//! nothing to initialise — the IAM database is compiled in — so it creates no file and says
//! what replaces each of its options.

use std::process::ExitCode;

use clap::Args;
use policy_sentry::data::{self, AccessLevelOverrides};

use super::{Exit, GlobalArgs};

#[derive(Args, Debug)]
pub struct InitializeArgs {
    /// (Upstream: download the AWS pages again.) Explains how to refresh the embedded pages.
    #[arg(long)]
    pub fetch: bool,
    /// (Upstream: rebuild the database.) Explains how to rebuild from other pages.
    #[arg(long)]
    pub build: bool,
}

pub fn run(args: &InitializeArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let snap = data::snapshot();
    eprintln!(
        "Nothing to initialise: the IAM database is compiled into this binary ({} pages of {}, {} services, {} actions). No file was created.",
        snap.pages, snap.date, snap.services, snap.actions
    );
    if args.fetch || args.build {
        eprintln!(
            "To use newer AWS pages: run scripts/update-aws-docs (from the PyPI snapshot or --from-aws), then rebuild; \
             or build from any folder of pages with POLICY_SENTRY_AWS_DOCS=<dir> cargo build --release."
        );
    }
    if let Some(path) = &global.access_level_overrides_file {
        match AccessLevelOverrides::from_file_within(path, global.max_input_bytes) {
            Ok(overrides) => eprintln!(
                "{} holds {} access-level overrides. Nothing is rebuilt: pass --access-level-overrides-file {} to query and write-policy to apply it at run time.",
                path.display(),
                overrides.len(),
                path.display()
            ),
            Err(err) => {
                eprintln!("error: {err}");
                return Ok(Exit::InputError.into());
            }
        }
    } else {
        eprintln!(
            "Access-level overrides: the bundled ones are applied; use --no-overrides for AWS's own levels, or --access-level-overrides-file FILE on query and write-policy for yours."
        );
    }
    Ok(Exit::Success.into())
}
