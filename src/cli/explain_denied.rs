//! `policy_sentry explain-denied MESSAGE…|-`: what an access-denied message or CloudTrail
//! event means, and the Allow (or the policy to look at) that fixes it.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use policy_sentry::explain::{Explanation, explain, parse_denied, render_text, template_for};

use super::{Exit, GlobalArgs};

#[derive(Args, Debug)]
pub struct ExplainDeniedArgs {
    /// The message (quote it), several, or `-` to read them from stdin: error messages, log
    /// lines, JSON logs, CloudTrail events.
    #[arg(required = true, value_name = "MESSAGE|-")]
    pub messages: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub fmt: ExplainFormat,
    /// Print the template lines (`write-policy`'s input) that grant what is missing, instead
    /// of the explanation.
    #[arg(long)]
    pub template: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExplainFormat {
    Text,
    Json,
    Yaml,
}

/// The error when the input holds no denial (the `mcp` command's tool says the same).
pub(super) const NO_DENIAL_FOUND: &str = "no access-denied message found in the input: expected a message like `User: ARN is not authorized to perform: s3:GetObject on resource: ARN because …`, an `Encoded authorization failure message: …`, or CloudTrail events whose errorCode is AccessDenied, AccessDeniedException, Client.UnauthorizedOperation or UnauthorizedOperation";

pub fn run(args: &ExplainDeniedArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let text = if args.messages.len() == 1 && args.messages[0] == "-" {
        global.read_input(Path::new("-"))?
    } else {
        args.messages.join("\n")
    };
    let found = parse_denied(&text);
    if found.is_empty() {
        eprintln!("error: {NO_DENIAL_FOUND}");
        return Ok(Exit::InputError.into());
    }
    let explained: Vec<Explanation> = found.iter().map(explain).collect();
    if args.template {
        let Some(template) = template_for(&explained) else {
            eprintln!(
                "error: no denial here is fixed by an identity-policy Allow, so there is no template to write; run without --template to see where to look"
            );
            return Ok(Exit::Failed.into());
        };
        std::io::stdout().lock().write_all(template.as_bytes())?;
        return Ok(Exit::Success.into());
    }
    match args.fmt {
        ExplainFormat::Text => std::io::stdout()
            .lock()
            .write_all(render_text(&explained).as_bytes())?,
        ExplainFormat::Json => super::print_json(&explained)?,
        ExplainFormat::Yaml => super::print_yaml(&explained)?,
    }
    Ok(Exit::Success.into())
}
