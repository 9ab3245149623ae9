//! `policy_sentry expand ACTION…`: wildcard actions to the canonical-case actions they match.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use policy_sentry::data::Action;
use policy_sentry::error::LookupError;
use policy_sentry::expand::{expand, why_no_match};

use super::{Exit, GlobalArgs};

#[derive(Args, Debug)]
pub struct ExpandArgs {
    /// Actions or wildcard patterns (`s3:Get*Tagging`, `ec2:*`, `*`), any case.
    #[arg(required = true, value_name = "ACTION")]
    pub actions: Vec<String>,
    /// Output format: a JSON list, or one action a line.
    #[arg(long, value_enum, default_value_t = ExpandFormat::Json)]
    pub fmt: ExpandFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExpandFormat {
    Json,
    Text,
}

pub fn run(args: &ExpandArgs, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let names = match expand_all(&args.actions) {
        Ok(names) => names,
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return Ok(Exit::Failed.into());
        }
    };
    match args.fmt {
        ExpandFormat::Json => super::print_json(&names)?,
        ExpandFormat::Text => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for n in &names {
                writeln!(out, "{n}")?;
            }
            out.flush()?;
        }
    }
    Ok(Exit::Success.into())
}

/// The actions the patterns match, each once, sorted case-insensitively; or why each pattern
/// that matches nothing does not (the `mcp` command's expand tool shares it).
pub(super) fn expand_all(patterns: &[String]) -> Result<Vec<String>, Vec<String>> {
    let mut matched: BTreeSet<(String, Action)> = BTreeSet::new();
    let mut errors = Vec::new();
    for pattern in patterns {
        let actions = expand(pattern);
        if actions.is_empty() {
            errors.push(no_match_message(pattern.trim()));
        }
        matched.extend(
            actions
                .into_iter()
                .map(|a| (a.to_string().to_lowercase(), a)),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(matched.into_iter().map(|(_, a)| a.to_string()).collect())
}

/// Why a pattern matched nothing, with the closest names (the library's explainer).
fn no_match_message(pattern: &str) -> String {
    match why_no_match(pattern) {
        Some(e @ LookupError::UnknownService { .. }) => {
            format!("`{pattern}` matches no action: {e}")
        }
        Some(e) => e.to_string(),
        None => format!("`{pattern}` matches no action"),
    }
}
